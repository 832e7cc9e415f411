"""The operational knobs of a newsloom process, from one place.

An operator tunes these to a machine and a workload: how many processes and threads, how
big a committed batch is, how much of each article the models read, how long to wait for a
busy store, what the server accepts. Each has a default here; a TOML file, environment
variables and command-line options override it, lowest to highest precedence::

    defaults  <  newsloom.toml (or --config PATH, or $NEWSLOOM_CONFIG)
              <  NEWSLOOM_<KEY> environment variables  <  command-line options

``newsloom config`` prints every value and where it came from.

What is *not* here, on purpose: constants that are part of a model or were fitted with it
(the pair model's join probability and calibration in ``cluster/``, the boilerplate and NER
thresholds in ``extract/`` and ``enrich/``, the storyline link bounds). Changing one of those
changes what the system concludes, not how fast or how safely it runs, and its value is only
right together with the model it was measured on; each stays beside the code and the
evaluation that chose it. The search ranking constants (``search/``) are left in their
modules for now as well.

The settings are read once per process (:func:`settings`); the CLI's callback loads them from
its ``--config``/``--set`` options (:func:`configure`); tests call :func:`reset_settings`.
Worker processes are forked, so they inherit the parent's settings.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

#: The configuration file looked for in the working directory when none is named.
CONFIG_FILE = "newsloom.toml"
#: Names the configuration file (``--config`` wins over it).
CONFIG_ENV = "NEWSLOOM_CONFIG"
ENV_PREFIX = "NEWSLOOM_"
#: Automatic worker and thread counts stop here: beyond it the store and the memory of one
#: model copy per process, not the CPUs, limit a run.
MAX_AUTO_PARALLELISM = 8
LOG_LEVELS = ("debug", "info", "warning", "error")


def _knob(default: Any, meaning: str, minimum: float | None = None,
          choices: tuple[str, ...] = ()) -> Any:
    return field(default=default,
                 metadata={"meaning": meaning, "minimum": minimum, "choices": choices})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every operational knob with its default (see the module docstring for what is not)."""

    workers: int = _knob(0, "Processes for extraction and for article features; "
                         "0 = one per usable CPU, up to 8.", 0)
    encoder_threads: int = _knob(0, "BLAS threads of an encoder run in this process; "
                                 "0 = one per usable CPU, up to 8.", 0)
    ingest_batch_size: int = _knob(64, "Documents per committed ingest batch.", 1)
    corpus_batch_size: int = _knob(256, "Articles per committed corpus-stage batch.", 1)
    min_pool_articles: int = _knob(64, "Below this many pending articles, features are "
                                   "computed in-process (starting workers costs seconds).", 1)
    ner_chars: int = _knob(6000, "Characters of each article given to NER.", 1)
    event_chars: int = _knob(2000, "Characters of each article the encoder embeds.", 1)
    ann_neighbours: int = _knob(20, "Nearest neighbours examined per article when "
                                "clustering; their stories are the candidates.", 1)
    max_document_mb: float = _knob(5.0, "Skip input documents larger than this (MB).", 0.01)
    max_upload_mb: float = _knob(50.0, "Server: refuse request bodies larger than this (MB).",
                                 0.01)
    busy_timeout: float = _knob(60.0, "Seconds to wait for a store another process is "
                                "writing.", 0)
    report_dir: str = _knob("", "Where analyze and report write report.md and "
                            "report.html; empty: beside the store, in <db>.report/.")
    log_level: str = _knob("warning", "Log level: debug, info, warning or error "
                           "(-v and -q override it).", choices=LOG_LEVELS)
    # monitoring (newsloom fetch, alert deliveries; issue 16)
    fetch_user_agent: str = _knob("newsloom/0.1 (news monitoring crawler)",
                                  "User-Agent of newsloom fetch; add a contact (URL or "
                                  "e-mail) for the sites you poll. robots.txt rules for its "
                                  "first word apply.")
    fetch_rate: float = _knob(1.0, "newsloom fetch: requests per second to one host at most "
                              "(a robots.txt Crawl-delay may slow it further).", 0.01)
    fetch_host_concurrency: int = _knob(2, "newsloom fetch: requests in flight to one host "
                                        "at most.", 1)
    fetch_timeout: float = _knob(20.0, "newsloom fetch: seconds before a request is given up "
                                 "(then retried).", 0.1)
    fetch_retries: int = _knob(2, "newsloom fetch and deliveries: retries after a timeout, "
                               "a refused connection or a 5xx/429, with doubling back-off.", 0)
    smtp_host: str = _knob("", "Alert e-mails: the SMTP server (empty: no e-mail).")
    smtp_port: int = _knob(25, "Alert e-mails: the SMTP server's port.", 1)
    smtp_from: str = _knob("newsloom@localhost", "Alert e-mails: the sender address.")

    @property
    def worker_processes(self) -> int:
        """``workers``, with 0 resolved to the machine's count."""
        return self.workers or auto_parallelism()

    @property
    def encoder_thread_count(self) -> int:
        """``encoder_threads``, with 0 resolved to the machine's count."""
        return self.encoder_threads or auto_parallelism()


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which a container or ``taskset``
    narrows; ``os.cpu_count`` counts the whole machine). The one CPU count of the process."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def auto_parallelism() -> int:
    """Workers or threads when the settings say 0: one per usable CPU, up to 8."""
    return min(usable_cpus(), MAX_AUTO_PARALLELISM)


KEYS: tuple[str, ...] = tuple(f.name for f in fields(Settings))
DEFAULT = "default"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the key and where it came from."""

    def __init__(self, message: str, key: str | None = None, source: str | None = None) -> None:
        super().__init__(message)
        self.key, self.source = key, source


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """The settings of a process and, per key, where its value came from: ``default``, the
    config file's path, ``$NEWSLOOM_<KEY>`` or the command-line option."""

    settings: Settings
    sources: Mapping[str, str]
    config_file: Path | None = None


def env_name(key: str) -> str:
    return ENV_PREFIX + key.upper()


def meaning(key: str) -> str:
    return str(_field(key).metadata["meaning"])


def _field(key: str) -> Any:
    return next(f for f in fields(Settings) if f.name == key)


def _unknown(key: str, source: str) -> SettingsError:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(KEYS)})"
    return SettingsError(f"{source}: unknown setting {key!r}{hint}", key, source)


def _convert(key: str, value: object, source: str) -> object:
    """``value`` (TOML-typed, or a string from the environment or an option) as the type of
    ``key``, checked against its minimum; SettingsError naming key and source if it is not."""
    default = _field(key).default
    kind = type(default)
    try:
        if isinstance(value, str) and kind is not str:
            value = kind(value.strip())
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise ValueError
    except ValueError:
        raise SettingsError(f"{source}: {key} must be {_kind_name(kind)}, not {value!r}",
                            key, source) from None
    minimum, choices = _field(key).metadata["minimum"], _field(key).metadata["choices"]
    if minimum is not None and value < minimum:
        raise SettingsError(f"{source}: {key} must be at least {minimum}, not {value!r}",
                            key, source)
    if choices and value not in choices:
        raise SettingsError(f"{source}: {key} must be one of {', '.join(choices)}, "
                            f"not {value!r}", key, source)
    return value


def _kind_name(kind: type) -> str:
    return {int: "a whole number", float: "a number", str: "text"}.get(kind, kind.__name__)


def _config_path(config: Path | None, environ: Mapping[str, str], cwd: Path | None
                 ) -> tuple[Path | None, str]:
    """The file to read and what named it; a named file must exist, the default may not."""
    if config is not None:
        return config, "--config"
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]), f"${CONFIG_ENV}"
    default = cwd / CONFIG_FILE if cwd else Path(CONFIG_FILE)  # relative: shown as given
    return (default, "default") if default.is_file() else (None, "default")


def _read_file(path: Path, named_by: str) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} (from {named_by}) does not exist",
                            source=str(path)) from None
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}",
                            source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}", source=str(path)) from None


def load_settings(config: Path | None = None, options: Mapping[str, object] | None = None,
                  environ: Mapping[str, str] | None = None, cwd: Path | None = None
                  ) -> LoadedSettings:
    """Settings from defaults, the config file, the environment and ``options`` (keys are
    setting names; the CLI's ``--set KEY=VALUE`` or a command's own option), in that order."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    sources = dict.fromkeys(KEYS, DEFAULT)
    path, named_by = _config_path(config, environ, cwd)
    layers: list[tuple[str, Mapping[str, object]]] = []
    if path is not None:
        layers.append((str(path), _read_file(path, named_by)))
    # An empty variable counts as unset, as shells use it (``NEWSLOOM_WORKERS= newsloom …``).
    layers.extend((f"${env_name(key)}", {key: environ[env_name(key)]})
                  for key in KEYS if environ.get(env_name(key)))
    layers.extend((f"--set {key}", {key: value}) for key, value in (options or {}).items())
    for source, layer in layers:
        for key, value in layer.items():
            if key not in sources:
                raise _unknown(key, source)
            values[key] = _convert(key, value, source)
            sources[key] = source
    return LoadedSettings(Settings(**values), sources, path)  # type: ignore[arg-type]


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """``["workers=2", ...]`` (the CLI's ``--set``) as ``{"workers": "2"}``; keys are checked
    when the settings load."""
    parsed: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--set {item!r}: expected KEY=VALUE", source="--set")
        parsed[key.strip().replace("-", "_")] = value
    return parsed


_loaded: LoadedSettings | None = None
_request: tuple[Path | None, dict[str, object]] = (None, {})


def configure(config: Path | None = None, options: Mapping[str, object] | None = None
              ) -> LoadedSettings:
    """Load this process's settings with the command line's file and options (replacing any
    loaded before); SettingsError if one is unknown or invalid."""
    global _loaded, _request
    _request = (config, dict(options or {}))
    _loaded = None
    return loaded()


def loaded() -> LoadedSettings:
    """This process's settings with their sources, loaded on first use."""
    global _loaded
    if _loaded is None:
        _loaded = load_settings(*_request)
    return _loaded


def settings() -> Settings:
    """This process's settings (the accessor every module reads its knobs through)."""
    return loaded().settings


def reset_settings() -> None:
    """Forget the loaded settings and the command line's choices (tests)."""
    global _loaded, _request
    _loaded, _request = None, (None, {})
