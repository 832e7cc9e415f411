"""Fixtures shared by several test modules, and the one-line notice of tests that did not run
for want of an install step."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from test_api_support import copy_store, seeds_store


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds analysed into a store, once per module."""
    return seeds_store(tmp_path_factory)


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A private copy of ``base_db`` per test: uploads change the store."""
    return copy_store(base_db, tmp_path / "store.db")


#: How to install what a skipped test was missing. The README's set-up command installs all
#: of it except the system packages: Chromium (the browser tests drive /usr/bin/chromium)
#: and Java (the Spark runner's tests); .ci/run installs those too.
INSTALL_COMMANDS = {
    "chromium": "sudo apt-get install -y chromium",
    "java": "sudo apt-get install -y openjdk-17-jre-headless",
    "tilse": ".venv/bin/pip install --no-deps tilse==0.2.1",
}
#: Any other missing Python package: the README's install step.
DEV_INSTALL = ".venv/bin/pip install -e '.[dev]'"
# The reasons skips give for a missing install: pytest.importorskip's "could not import
# 'tilse': ..."; "/usr/bin/chromium not installed (apt-get install chromium)"
# (test_web_browser); "pyspark is not installed (the spark extra)", "no java on PATH: ..."
# (test_spark_runner).
_MISSING = re.compile(r"^(?:could not import '(?P<module>[\w.]+)'"
                      r"|(?P<package>\S+) (?:is )?not installed"
                      r"|no (?P<program>\S+) on PATH)")


def missing_install(reason: str) -> tuple[str, str] | None:
    """(what is missing, the command that installs it) when a skip reason names a missing
    module or program."""
    found = _MISSING.match(reason)
    if found is None:
        return None
    if found["module"]:
        name = found["module"].split(".")[0]
    else:
        name = Path(found["package"] or found["program"]).name
    return name, INSTALL_COMMANDS.get(name, DEV_INSTALL)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Skips are not listed without ``-rs``: one visible line for each missing install step
    says which tests did not run and the command that makes them run."""
    skipped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for report in terminalreporter.stats.get("skipped", []):
        missing = missing_install(_skip_reason(report))
        if missing is not None:
            skipped[missing].append(report.nodeid.split("::")[0])
    for (name, command), where in sorted(skipped.items()):
        files = ", ".join(sorted(set(where)))
        terminalreporter.write_line(
            f"NOT RUN, {name} is not installed: {files} ({len(where)} skipped); "
            f"to run: {command}", yellow=True, bold=True)
