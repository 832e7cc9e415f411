"""The one line pytest prints when tests skip because something is not installed
(tests/conftest.py): run pytest on small probe modules with that conftest as a plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import DEV_INSTALL, INSTALL_COMMANDS, missing_install

TESTS = Path(__file__).parent


def test_skip_reasons_name_what_is_missing_and_how_to_install_it() -> None:
    assert missing_install("could not import 'tilse': No module named 'tilse'") == (
        "tilse", INSTALL_COMMANDS["tilse"])
    assert missing_install("could not import 'sklearn.linear_model': nope") == (
        "sklearn", DEV_INSTALL)
    # the reason tests/test_web_browser.py gives when Chromium is absent
    assert missing_install("/usr/bin/chromium not installed (apt-get install chromium)") == (
        "chromium", "sudo apt-get install -y chromium")
    # the reasons tests/test_spark_runner.py gives
    assert missing_install("no java on PATH: the Spark runner needs Java 17 (apt-get install "
                           "openjdk-17-jre-headless; .ci/run installs it)") == (
        "java", "sudo apt-get install -y openjdk-17-jre-headless")
    assert missing_install("pyspark is not installed (the spark extra)") == (
        "pyspark", DEV_INSTALL)
    assert missing_install("needs ../shared/data") is None
    assert missing_install("the embedded PostgreSQL server did not start: boom") is None


def test_pytest_ends_with_one_visible_line_per_missing_install(tmp_path: Path) -> None:
    (tmp_path / "test_browser_probe.py").write_text(
        "import pytest\n"
        "pytest.skip('/usr/bin/chromium not installed (apt-get install chromium)',"
        " allow_module_level=True)\n", encoding="utf-8")
    (tmp_path / "test_module_probe.py").write_text(
        "import pytest\n\n"
        "def test_one():\n    pytest.importorskip('tilse_absent_probe')\n\n"
        "def test_two():\n    pytest.importorskip('tilse_absent_probe')\n\n"
        "def test_data():\n    pytest.skip('needs ../shared/data')\n\n"
        "def test_runs():\n    pass\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout
    notices = [line for line in done.stdout.splitlines() if line.startswith("NOT RUN")]
    assert notices == [
        "NOT RUN, chromium is not installed: test_browser_probe.py (1 skipped); "
        "to run: sudo apt-get install -y chromium",
        "NOT RUN, tilse_absent_probe is not installed: test_module_probe.py (2 skipped); "
        f"to run: {DEV_INSTALL}",
    ], done.stdout
