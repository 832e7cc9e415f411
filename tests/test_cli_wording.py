"""What the real ``newsloom`` command writes on stderr and in its messages: counted nouns
("1 article", not "1 articles"), no redundant library log lines, and log lines that stay
whole when stderr is a file rather than a terminal."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsloom.cli.logs import REDUNDANT_LIBRARY_LINES, drop_redundant_library_lines

ROOT = Path(__file__).parents[1]
SEED = ROOT / "examples" / "seeds" / "000_04d8964427728e2c.txt"
# An HTML page with no main text: trafilatura gives up on it, newsloom skips it.
NO_TEXT_HTML = "<html><body><script>var a = 1;</script></body></html>"


def newsloom(*args: str, cwd: Path, stderr_file: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI with stderr written to a file, as ``newsloom … 2> run.log`` does."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE")}
    with stderr_file.open("w", encoding="utf-8") as stderr:
        return subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=300,
                              check=False)


@pytest.fixture(scope="module")
def one_article(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store analysed from one real seed article, and the stderr of that run."""
    work = tmp_path_factory.mktemp("one")
    log = work / "analyze.log"
    done = newsloom("analyze", str(SEED), "--db", "one.db", "--no-print", cwd=work,
                    stderr_file=log)
    assert done.returncode == 0, log.read_text(encoding="utf-8")
    return work, log.read_text(encoding="utf-8")


def test_analyze_of_one_article_counts_in_the_singular(one_article: tuple[Path, str]) -> None:
    _, stderr = one_article
    assert "1 file, 1 document: 1 added, 0 new versions, 0 unchanged, " \
           "0 duplicates of another input, 0 skipped" in stderr
    assert re.search(r"^1 article clustered; 1 storyline$", stderr, flags=re.MULTILINE), stderr


def test_timeline_and_summary_of_one_article_count_in_the_singular(
        one_article: tuple[Path, str]) -> None:
    work, _ = one_article
    log = work / "read.log"
    listed = newsloom("export", "stories", "--db", "one.db", cwd=work, stderr_file=log)
    story = json.loads(listed.stdout.splitlines()[0])["id"]
    timeline = newsloom("timeline", "--story", story, "--db", "one.db", cwd=work,
                        stderr_file=log)
    assert "1 article, 1 dated entry, 0 undated." in timeline.stdout
    assert re.search(r"^story \S+ · 1 article \(", timeline.stdout, flags=re.MULTILINE)
    summary = newsloom("summary", "--story", story, "--db", "one.db", cwd=work,
                       stderr_file=log)
    assert "From 1 independent article." in summary.stdout


def test_the_same_document_twice_is_one_duplicate(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED.read_bytes())
    log = tmp_path / "ingest.log"
    done = newsloom("ingest", str(SEED), str(copy), "--db", "t.db", cwd=tmp_path,
                    stderr_file=log)
    assert done.returncode == 0
    assert "2 files, 2 documents: 1 added, 0 new versions, 0 unchanged, " \
           "1 duplicate of another input, 0 skipped" in log.read_text(encoding="utf-8")


def test_redundant_trafilatura_lines_are_dropped_but_shown_with_verbose(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text(NO_TEXT_HTML, encoding="utf-8")
    quiet_log, verbose_log = tmp_path / "default.log", tmp_path / "verbose.log"
    newsloom("ingest", "empty.html", "--db", "a.db", cwd=tmp_path, stderr_file=quiet_log)
    newsloom("-v", "ingest", "empty.html", "--db", "b.db", cwd=tmp_path,
             stderr_file=verbose_log)
    default, verbose = (log.read_text(encoding="utf-8") for log in (quiet_log, verbose_log))
    # newsloom's own line says what happened, with the path trafilatura does not know
    assert "WARNING newsloom: skipped empty.html: HTML without extractable main text" in default
    assert "trafilatura" not in default and "discarding data" not in default
    # the filter is precise: the line exists, and -v shows it
    assert "WARNING trafilatura.core: discarding data: None" in verbose


def test_only_the_listed_library_lines_are_dropped() -> None:
    def record(name: str, msg: str) -> logging.LogRecord:
        return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, ("x",), None)

    for name, msg in REDUNDANT_LIBRARY_LINES:
        assert not drop_redundant_library_lines(record(name, msg))
    assert drop_redundant_library_lines(record("trafilatura.core", "blacklisted URL: %s"))
    assert drop_redundant_library_lines(record("newsloom", "discarding data: %s"))


def test_log_lines_do_not_wrap_when_stderr_is_a_file(tmp_path: Path) -> None:
    long_name = "an-empty-input-with-a-long-name-" * 5 + ".txt"
    (tmp_path / long_name).write_bytes(b"")
    log = tmp_path / "ingest.log"
    done = newsloom("ingest", long_name, "--db", "t.db", cwd=tmp_path, stderr_file=log)
    assert done.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    skipped = [line for line in lines if "skipped" in line and long_name in line]
    assert len(skipped) == 1 and len(skipped[0]) > 200, lines
    assert skipped[0].startswith("WARNING newsloom: skipped ")
    # the run's summary (over 80 characters) is one line too, and no progress bar residue
    assert lines[-1].startswith("1 file, 1 document: 0 added") and lines[-1].endswith("1 skipped")
    assert all(line.strip() for line in lines), lines


@pytest.mark.parametrize(("missing", "noun"), [(["nowhere.txt"], "path"),
                                               (["nowhere.txt", "nor-here/"], "paths")])
def test_missing_inputs_are_named_in_the_right_number(tmp_path: Path, missing: list[str],
                                                      noun: str) -> None:
    log = tmp_path / "ingest.log"
    done = newsloom("ingest", *missing, "--db", "t.db", cwd=tmp_path, stderr_file=log)
    assert done.returncode == 2
    assert f"nothing was read or written; check the {noun} and run again" in \
        log.read_text(encoding="utf-8")
    assert not (tmp_path / "t.db").exists()


def test_a_message_about_a_missing_store_is_one_line_in_a_log_file(tmp_path: Path) -> None:
    log = tmp_path / "stories.log"
    done = newsloom("stories", "--db", "no-store-here.db", cwd=tmp_path, stderr_file=log)
    assert done.returncode != 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and len(lines[0]) > 80, lines
    assert "newsloom analyze PATH --db no-store-here.db" in lines[0]
