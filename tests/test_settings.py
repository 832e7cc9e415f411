"""One settings object for the operational knobs (issue 12): sources and their precedence
(default < file < environment < option), clear errors, ``newsloom config``, and knobs that
change what a run does."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsloom.cli.app import app
from newsloom.settings import (
    CONFIG_ENV,
    KEYS,
    Settings,
    SettingsError,
    configure,
    env_name,
    load_settings,
    parse_assignments,
    reset_settings,
    settings,
    usable_cpus,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "newsloom"
ARTICLE = ("The city council of Leeds approved the new budget on Tuesday. The mayor spoke of "
           "a difficult year for the city. More money goes to schools, bridges and buses. "
           "The opposition criticised the high debt and promised to fight the plan.")


@pytest.fixture(autouse=True)
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No NEWSLOOM_ setting from the caller's environment, no newsloom.toml in the working
    directory, and no settings loaded before or left behind."""
    for key in KEYS:
        monkeypatch.delenv(env_name(key), raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    reset_settings()
    yield
    reset_settings()


def _toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_dataclass_when_nothing_is_set(tmp_path: Path) -> None:
    loaded = load_settings(environ={}, cwd=tmp_path)
    assert loaded.settings == Settings()
    assert set(loaded.sources.values()) == {"default"}
    assert loaded.config_file is None


def test_file_beats_default_env_beats_file_option_beats_env(tmp_path: Path) -> None:
    config = _toml(tmp_path / "newsloom.toml",
                   "workers = 3\ncorpus_batch_size = 100\nner_chars = 5000\n")
    environ = {"NEWSLOOM_CORPUS_BATCH_SIZE": "50", "NEWSLOOM_NER_CHARS": "4000"}
    loaded = load_settings(options={"ner_chars": "3000"}, environ=environ, cwd=tmp_path)
    knobs, sources = loaded.settings, loaded.sources
    assert (knobs.event_chars, sources["event_chars"]) == (Settings().event_chars, "default")
    assert (knobs.workers, sources["workers"]) == (3, str(config))
    assert (knobs.corpus_batch_size, sources["corpus_batch_size"]) == (
        50, "$NEWSLOOM_CORPUS_BATCH_SIZE")
    assert (knobs.ner_chars, sources["ner_chars"]) == (3000, "--set ner_chars")
    assert loaded.config_file == config


def test_config_option_beats_config_variable_beats_working_directory(tmp_path: Path) -> None:
    _toml(tmp_path / "newsloom.toml", "workers = 1\n")
    named = _toml(tmp_path / "named.toml", "workers = 2\n")
    chosen = _toml(tmp_path / "chosen.toml", "workers = 4\n")
    assert load_settings(environ={}, cwd=tmp_path).settings.workers == 1
    environ = {CONFIG_ENV: str(named)}
    assert load_settings(environ=environ, cwd=tmp_path).settings.workers == 2
    loaded = load_settings(chosen, environ=environ, cwd=tmp_path)
    assert (loaded.settings.workers, loaded.config_file) == (4, chosen)


def test_toml_numbers_and_empty_variables(tmp_path: Path) -> None:
    _toml(tmp_path / "newsloom.toml", "max_upload_mb = 20\nbusy_timeout = 2.5\n")
    loaded = load_settings(environ={"NEWSLOOM_BUSY_TIMEOUT": ""}, cwd=tmp_path)
    assert loaded.settings.max_upload_mb == 20.0  # a TOML integer where a float is due
    assert isinstance(loaded.settings.max_upload_mb, float)
    assert loaded.settings.busy_timeout == 2.5  # an empty variable counts as unset
    assert loaded.sources["busy_timeout"] == str(tmp_path / "newsloom.toml")


@pytest.mark.parametrize(("toml", "environ", "options", "message"), [
    ("wrokers = 2\n", {}, {}, r"newsloom\.toml: unknown setting 'wrokers' \(did you mean "
     r"'workers'\?\)"),
    ("[server]\nport = 1\n", {}, {}, r"newsloom\.toml: unknown setting 'server'"),
    ('workers = "many"\n', {}, {}, r"newsloom\.toml: workers must be a whole number, "
     r"not 'many'"),
    ("workers = true\n", {}, {}, r"workers must be a whole number, not True"),
    ("", {"NEWSLOOM_CORPUS_BATCH_SIZE": "0"}, {},
     r"\$NEWSLOOM_CORPUS_BATCH_SIZE: corpus_batch_size must be at least 1, not 0"),
    ("", {"NEWSLOOM_MAX_UPLOAD_MB": "lots"}, {},
     r"\$NEWSLOOM_MAX_UPLOAD_MB: max_upload_mb must be a number, not 'lots'"),
    ("", {}, {"log_level": "loud"},
     r"--set log_level: log_level must be one of debug, info, warning, error, not 'loud'"),
    ("", {}, {"event_charz": "1"}, r"--set event_charz: unknown setting 'event_charz'"),
    ("workers = \n", {}, {}, r"newsloom\.toml: not valid TOML"),
])
def test_bad_settings_name_the_key_and_the_source(
        tmp_path: Path, toml: str, environ: dict[str, str], options: dict[str, str],
        message: str) -> None:
    _toml(tmp_path / "newsloom.toml", toml)
    with pytest.raises(SettingsError, match=message):
        load_settings(options=options, environ=environ, cwd=tmp_path)


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"missing\.toml \(from \$NEWSLOOM_CONFIG\) does "
                       "not exist"):
        load_settings(environ={CONFIG_ENV: str(tmp_path / "missing.toml")}, cwd=tmp_path)


def test_set_assignments_need_key_and_value() -> None:
    assert parse_assignments(["workers=2", "report-dir=out=1"]) == {
        "workers": "2", "report_dir": "out=1"}
    with pytest.raises(SettingsError, match="expected KEY=VALUE"):
        parse_assignments(["workers"])


def test_settings_load_once_until_configured_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSLOOM_WORKERS", "3")
    assert settings().workers == 3
    monkeypatch.setenv("NEWSLOOM_WORKERS", "5")
    assert settings().workers == 3  # cached for the process
    assert configure(options={"ingest_batch_size": "7"}).settings.workers == 5
    assert settings().ingest_batch_size == 7
    reset_settings()
    assert settings().ingest_batch_size == Settings().ingest_batch_size


def test_the_process_has_one_cpu_count() -> None:
    """pool.py, pipeline/ingest.py and represent/embed.py each counted CPUs their own way
    (two of them the affinity mask, one the whole machine); now only settings.py does."""
    assert usable_cpus() == len(os.sched_getaffinity(0))
    counting = re.compile(r"os\.(cpu_count|sched_getaffinity)\(")
    others = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
              if p.name != "settings.py" and counting.search(p.read_text(encoding="utf-8"))]
    assert others == []


def test_knobs_are_read_when_used_not_when_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsloom.cluster.index import VectorIndex
    from newsloom.cluster.stories import StoryClusterer
    from newsloom.ingest import ReadOptions
    from newsloom.pipeline.ingest import PipelineOptions

    monkeypatch.setenv("NEWSLOOM_WORKERS", "3")
    monkeypatch.setenv("NEWSLOOM_INGEST_BATCH_SIZE", "9")
    monkeypatch.setenv("NEWSLOOM_MAX_DOCUMENT_MB", "0.5")
    monkeypatch.setenv("NEWSLOOM_ANN_NEIGHBOURS", "7")
    options = PipelineOptions()
    assert (options.workers, options.batch_size) == (3, 9)
    assert ReadOptions().max_bytes == 512 * 1024
    assert StoryClusterer(index=VectorIndex(4)).neighbours == 7
    reset_settings()
    monkeypatch.setenv("NEWSLOOM_WORKERS", "0")  # 0: one per usable CPU, up to 8
    assert PipelineOptions().workers == min(usable_cpus(), 8)


def test_ingest_batch_size_sets_the_committed_batches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsloom.pipeline import ingest as pipeline_ingest
    from newsloom.store import SQLiteStore

    (tmp_path / "in").mkdir()
    for n in range(5):
        _toml(tmp_path / "in" / f"page{n}.txt", f"{ARTICLE} Motion {n} passed by a wide margin.")
    batches: list[int] = []
    flush = pipeline_ingest._flush

    def counting_flush(docs: list[object], *args: object) -> None:
        if docs:
            batches.append(len(docs))
        flush(docs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_ingest, "_flush", counting_flush)
    monkeypatch.setenv("NEWSLOOM_INGEST_BATCH_SIZE", "2")
    monkeypatch.setenv("NEWSLOOM_WORKERS", "1")
    with SQLiteStore(tmp_path / "two.db") as store:
        stats = pipeline_ingest.ingest([tmp_path / "in"], store)
    assert (stats.added, batches) == (5, [2, 2, 1])
    reset_settings()
    monkeypatch.delenv("NEWSLOOM_INGEST_BATCH_SIZE")
    batches.clear()
    with SQLiteStore(tmp_path / "default.db") as store:
        pipeline_ingest.ingest([tmp_path / "in"], store)
    assert batches == [5]


runner = CliRunner()


def _config_json(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    result = runner.invoke(app, [*args, "config", "--json"], env=env)
    assert result.exit_code == 0, result.output
    return {item["key"]: item for item in json.loads(result.stdout)["settings"]}


def test_config_command_shows_values_and_sources(tmp_path: Path) -> None:
    _toml(tmp_path / "newsloom.toml", "workers = 2\ncorpus_batch_size = 128\nner_chars = 10\n")
    env = {"NEWSLOOM_CORPUS_BATCH_SIZE": "64", "NEWSLOOM_NER_CHARS": "20"}
    shown = _config_json("--set", "ner_chars=30", env=env)
    assert list(shown) == list(KEYS)
    assert {k: (shown[k]["value"], shown[k]["source"]) for k in
            ("workers", "corpus_batch_size", "ner_chars", "event_chars")} == {
        "workers": (2, "newsloom.toml"),
        "corpus_batch_size": (64, "$NEWSLOOM_CORPUS_BATCH_SIZE"),
        "ner_chars": (30, "--set ner_chars"),
        "event_chars": (Settings().event_chars, "default")}
    table = runner.invoke(app, ["--set", "ner_chars=30", "config"],
                          env={**env, "COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:4]]
            for line in table.stdout.splitlines() if line.count("│") == 5}
    assert rows["workers"] == ["2", "newsloom.toml"]
    assert rows["corpus_batch_size"] == ["64", "$NEWSLOOM_CORPUS_BATCH_SIZE"]
    assert rows["ner_chars"] == ["30", "--set ner_chars"]
    assert rows["encoder_threads"] == [f"0 (= {min(usable_cpus(), 8)})", "default"]


def test_config_command_reads_the_named_file(tmp_path: Path) -> None:
    named = _toml(tmp_path / "elsewhere.toml", 'report_dir = "out"\nlog_level = "error"\n')
    shown = _config_json("--config", str(named))
    assert (shown["report_dir"]["value"], shown["report_dir"]["source"]) == ("out", str(named))
    shown = _config_json(env={CONFIG_ENV: str(named)})
    assert shown["log_level"]["value"] == "error"


@pytest.mark.parametrize(("args", "env", "expected"), [
    (["--set", "workers=lots"], {}, "--set workers: workers must be a whole number, not "
     "'lots'"),
    ([], {"NEWSLOOM_EVENT_CHARS": "-5"}, "$NEWSLOOM_EVENT_CHARS: event_chars must be at "
     "least 1, not -5"),
    (["--config", "nowhere.toml"], {}, "nowhere.toml (from --config) does not exist"),
])
def test_a_bad_setting_stops_the_cli_with_its_source(
        args: list[str], env: dict[str, str], expected: str) -> None:
    result = runner.invoke(app, [*args, "config"], env={**env, "COLUMNS": "200"})
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_max_document_mb_changes_what_ingest_keeps(tmp_path: Path) -> None:
    """The knob from the environment skips a 30 KB page; the command's own option beats it."""
    (tmp_path / "in").mkdir()
    long = " ".join(f"{ARTICLE} Motion {n} passed by a wide margin." for n in range(120))
    _toml(tmp_path / "in" / "long.txt", long)  # about 30 KB
    _toml(tmp_path / "in" / "short.txt", ARTICLE)
    env = {"NEWSLOOM_MAX_DOCUMENT_MB": "0.02", "NEWSLOOM_WORKERS": "1"}
    small = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", "small.db"], env=env)
    assert small.exit_code == 0, small.output
    assert "1 added" in small.output and "1 skipped" in small.output
    large = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", "large.db",
                                "--max-mb", "1"], env=env)
    assert large.exit_code == 0, large.output
    assert "2 added" in large.output and "0 skipped" in large.output
