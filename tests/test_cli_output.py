"""Issue 13's output convention: ``--format table|json|jsonl|csv`` on every command that prints
records, full-width (tab-separated) tables when piped, ``--limit/--offset`` with "showing N of
M", and a hint of what to run next on an empty or ingest-only store.

Unit tests for :mod:`newsloom.cli.output`, then the real CLI on the seed articles (examples/):
once ingested only, once analyzed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

from newsloom.cli.app import app
from newsloom.cli.output import (
    Column,
    OutputFormat,
    Page,
    emit_records,
    legacy_json,
    rich_table,
    write_csv,
    write_json_list,
    write_tsv,
)
from newsloom.store import open_store

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "examples" / "seeds"
MTS_SEED = "004_957069b94ee8dd14"  # the Dutch seed
runner = CliRunner()

# -- the formatter -----------------------------------------------------------------------------

COLUMNS = (Column("id", "id", "id"), Column("title", "title", "title"),
           Column("when", "date", "date"), Column("tags", "tags", drop=1))
RECORDS: list[dict[str, Any]] = [
    {"id": "s0123456789a", "title": "Huawei könnte sich jetzt mit den Russen gegen die USA "
     "verbünden und das wäre ein langer Titel", "when": "2019-08-14", "tags": ["a", "b"]},
    {"id": "s0123456789b", "title": "Kurz", "when": None, "tags": ["line\nbreak", "tab\there"]},
]


def test_page_note_says_which_part_of_how_many() -> None:
    assert Page(1266, 0, 50).note(50, "story") == \
        "showing 50 of 1,266 stories (1-50; next: --offset 50)"
    assert Page(60, 50, 50).note(10, "story") == "showing 10 of 60 stories (51-60)"
    assert Page(5, 0, 50).note(5, "story") == "showing 5 of 5 stories"
    assert Page(1, 0, 0).note(1, "entity") == "showing 1 of 1 entity"
    assert "past the end" in Page(3, 10, 5).note(0, "story")


def test_page_window_and_no_limit() -> None:
    items = list(range(10))
    assert Page(10, 2, 3).window(items) == [2, 3, 4]
    assert Page(10, 8, 0).window(items) == [8, 9]  # limit 0: everything from the offset
    assert Page(10, 20, 5).window(items) == []


def test_json_list_is_one_document_even_when_empty() -> None:
    for records in (RECORDS, []):
        stream = io.StringIO()
        count = write_json_list(records, "stories", stream, {"total": 7, "offset": 0})
        document = json.loads(stream.getvalue())
        assert count == len(records) and document["stories"] == records
        assert (document["total"], document["offset"]) == (7, 0)


def test_csv_encodes_nested_values_as_json() -> None:
    stream = io.StringIO()
    write_csv(RECORDS, ["id", "title", "when", "tags"], stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert [r["id"] for r in rows] == [r["id"] for r in RECORDS]
    assert json.loads(rows[1]["tags"]) == RECORDS[1]["tags"]
    assert rows[1]["when"] == ""  # None is an empty cell


def test_machine_formats_list_fields_in_the_header_order() -> None:
    header = ["when", "id", "tags", "title"]  # an export's field order is its contract
    for fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        stream = io.StringIO()
        emit_records(RECORDS, fmt, columns=COLUMNS, header=header, key="items", stream=stream)
        text = stream.getvalue()
        if fmt is OutputFormat.json:
            keys = [list(r) for r in json.loads(text)["items"]]
        elif fmt is OutputFormat.jsonl:
            keys = [list(json.loads(line)) for line in text.splitlines()]
        else:
            keys = [next(csv.reader(io.StringIO(text)))] * len(RECORDS)
        assert keys == [header] * len(RECORDS), fmt


def test_tsv_is_one_line_a_record() -> None:
    stream = io.StringIO()
    write_tsv(RECORDS, COLUMNS, stream)
    header, *lines = stream.getvalue().splitlines()
    assert header.split("\t") == ["id", "title", "date", "tags"]
    assert len(lines) == 2 and all(line.count("\t") == 3 for line in lines)
    assert lines[0].split("\t")[1] == RECORDS[0]["title"]
    assert lines[1].split("\t")[3] == "line break, tab here"


def _render(width: int) -> str:
    stream = io.StringIO()
    Console(file=stream, width=width, color_system=None).print(
        rich_table(RECORDS, COLUMNS, width))
    return stream.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_terminal_table_keeps_ids_and_dates_whole(width: int) -> None:
    text = _render(width)
    assert max(len(line) for line in text.splitlines()) <= width
    for record in RECORDS:
        assert record["id"] in text
    assert "2019-08-14" in text
    # The title wraps at word boundaries into a few lines, never one word a line.
    title_lines = [line for line in text.splitlines() if "s0123456789a" in line]
    assert len(title_lines[0].split()) >= 4


def test_narrow_terminal_leaves_out_droppable_columns_first() -> None:
    assert "tags" in _render(200).splitlines()[0]
    assert "tags" not in _render(60).splitlines()[0]


def test_legacy_json_warns_and_keeps_what_it_printed(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    assert legacy_json(OutputFormat.table, False, OutputFormat.jsonl) is OutputFormat.table
    assert legacy_json(OutputFormat.table, True, OutputFormat.jsonl) is OutputFormat.jsonl
    assert "--format jsonl" in capsys.readouterr().err


# -- the CLI on the seeds ----------------------------------------------------------------------


def cli(db: Path, *args: str) -> Result:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, (args, result.output)
    return result


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seeds analyzed, the seeds ingested only, and a store with nothing in it."""
    work = tmp_path_factory.mktemp("output")
    analyzed, ingested, empty = work / "analyzed.db", work / "ingested.db", work / "empty.db"
    cli(analyzed, "analyze", str(SEEDS), "--no-print", "--workers", "1",
        "--report-dir", str(work / "report"))
    cli(ingested, "ingest", str(SEEDS), "--workers", "1")
    open_store(empty).close()
    return {"analyzed": analyzed, "ingested": ingested, "empty": empty}


def _story_id(db: Path) -> str:
    return str(json.loads(cli(db, "stories", "-f", "json").stdout)["stories"][0]["id"])


def _commands(db: Path) -> list[tuple[list[str], str | None]]:
    """One invocation of every command that prints records, and the key of the records in
    its json document (None: the document is the one record)."""
    story = _story_id(db)
    pairs = db.with_name("pairs.csv")
    pairs.write_text(f"id1,id2\n000_04d8964427728e2c,{MTS_SEED}\n", encoding="utf-8")
    return [(["stories"], "stories"), (["storylines"], "storylines"),
            (["entities"], "entities"), (["entities", "Huawei"], None),
            (["search", "Huawei"], "hits"), (["search", "Huawei", "--stories"], "stories"),
            (["timeline", "--story", story], "entries"),
            (["summary", "--story", story], "sentences"), (["show", MTS_SEED], None),
            (["compare", "--pairs", str(pairs)], "pairs"), (["export", "stories"], "stories"),
            (["export", "articles"], "articles"), (["export", "entities"], "entities"),
            (["export", "storylines"], "storylines")]


def _records_in(document: dict[str, Any], key: str | None) -> list[Any]:
    """The records of a json document (a timeline's: its dated then its undated entries)."""
    if key is None:
        return [document]
    if key == "entries":
        return [*document["entries"], *document["undated"]]
    records = document[key]
    assert isinstance(records, list)
    return records


def test_every_format_is_valid_for_every_command(stores: dict[str, Path]) -> None:
    db = stores["analyzed"]
    for command, key in _commands(db):
        records = _records_in(json.loads(cli(db, *command, "--format", "json").stdout), key)
        assert records, command  # one document, with records in it
        lines = cli(db, *command, "--format", "jsonl").stdout.splitlines()
        parsed = [json.loads(line) for line in lines]  # one record a line: the same ones
        assert parsed == records, command
        rows = list(csv.DictReader(io.StringIO(cli(db, *command, "--format", "csv").stdout)))
        assert len(rows) == len(parsed), command
        assert set(rows[0]) == set(parsed[0]), command


def test_piped_tables_are_tab_separated_lines(stores: dict[str, Path]) -> None:
    db = stores["analyzed"]
    for command in (["stories"], ["storylines"], ["entities"], ["search", "Huawei"],
                    ["timeline", "--story", _story_id(db), "-f", "table"]):
        if command[0] == "search":
            expected = len(json.loads(cli(db, *command, "-f", "json").stdout)["hits"])
        else:
            expected = len(cli(db, *command, "-f", "jsonl").stdout.splitlines())
        header, *lines = cli(db, *command).stdout.splitlines()
        assert len(lines) == expected, command
        assert all(line.count("\t") == header.count("\t") for line in lines), command


def test_piped_table_is_not_squeezed_to_80_columns(stores: dict[str, Path]) -> None:
    """The real command through a pipe with COLUMNS=80: every title whole on its line."""
    db = stores["analyzed"]
    env = {**os.environ, "COLUMNS": "80", "NEWSLOOM_DB": str(db)}
    piped = subprocess.run([sys.executable, "-m", "newsloom", "stories"], env=env, text=True,
                           capture_output=True, timeout=120, check=True)
    stories = json.loads(cli(db, "stories", "-f", "json").stdout)["stories"]
    lines = piped.stdout.splitlines()
    assert len(lines) == 1 + len(stories)
    assert any(len(line) > 80 for line in lines)
    for line, story in zip(lines[1:], stories, strict=True):
        cells = line.split("\t")
        assert cells[0] == story["id"] and cells[1] == story["title"]
        dates = [d for d in (story["first_seen"], story["last_seen"]) if d]
        assert all(d in cells for d in dates)


@pytest.mark.parametrize("listing", ["stories", "entities"])
def test_limit_offset_and_showing_n_of_m(stores: dict[str, Path], listing: str) -> None:
    db = stores["analyzed"]
    everything = json.loads(cli(db, listing, "-f", "json", "--limit", "0").stdout)
    total = everything["total"]
    assert total == len(everything[listing]) >= 4 and everything["limit"] is None
    page = cli(db, listing, "-f", "json", "--limit", "2", "--offset", "1")
    document = json.loads(page.stdout)
    assert document[listing] == everything[listing][1:3]
    assert (document["total"], document["offset"], document["limit"]) == (total, 1, 2)
    noun = "stories" if listing == "stories" else "entities"
    assert f"showing 2 of {total} {noun} (2-3; next: --offset 3)" in page.stderr
    table = cli(db, listing, "--limit", "2", "--offset", "1")
    assert len(table.stdout.splitlines()) == 3  # header + 2: the note is on stderr only
    assert "showing 2 of" in table.stderr and "showing" not in table.stdout
    lines = cli(db, listing, "-f", "jsonl", "-n", "3").stdout.splitlines()
    assert [json.loads(line) for line in lines] == everything[listing][:3]


def _hinted(result: Result, *words: str) -> None:
    assert result.exit_code == 0
    assert "newsloom analyze" in result.stderr and all(w in result.stderr for w in words)


@pytest.mark.parametrize("command", [
    ["stories"], ["storylines"], ["entities"], ["entities", "Huawei"],
    ["timeline", "--story", "s0"], ["summary", "--story", "s0"], ["search", "Huawei", "--stories"],
    ["compare", "--pairs", "PAIRS"], ["export", "stories"], ["export", "entities"]])
def test_ingest_only_store_says_to_run_analyze(stores: dict[str, Path], command: Sequence[str],
                                               tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"id1,id2\n000_04d8964427728e2c,{MTS_SEED}\n", encoding="utf-8")
    args = [str(pairs) if a == "PAIRS" else a for a in command]
    result = runner.invoke(app, [*args, "--db", str(stores["ingested"])])
    _hinted(result, "5 articles are ingested but not analyzed")
    assert result.stdout == ""  # nothing half-made on stdout


@pytest.mark.parametrize("command", [["search", "Huawei"], ["show", MTS_SEED]])
def test_ingest_only_store_answers_and_says_what_is_missing(stores: dict[str, Path],
                                                            command: list[str]) -> None:
    """Keyword search and an article's card work after `ingest` alone; stderr says that
    stories (and semantic matches) come with `analyze`."""
    result = runner.invoke(app, [*command, "--db", str(stores["ingested"])])
    _hinted(result, "5 articles are ingested but not analyzed")
    assert result.stdout.strip()
    analyzed = runner.invoke(app, [*command, "--db", str(stores["analyzed"])])
    assert analyzed.exit_code == 0 and "newsloom analyze" not in analyzed.stderr


@pytest.mark.parametrize("command", [["stories"], ["entities"], ["search", "Huawei"],
                                     ["show", MTS_SEED], ["export", "articles"]])
def test_empty_store_says_what_to_run(stores: dict[str, Path], command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--db", str(stores["empty"])])
    _hinted(result, "holds no articles")


def test_empty_listing_in_json_is_still_one_document(stores: dict[str, Path]) -> None:
    result = runner.invoke(app, ["stories", "-f", "json", "--db", str(stores["ingested"])])
    assert json.loads(result.stdout) == {"stories": [], "total": 0, "offset": 0, "limit": 50}


def test_show_rounds_confidences(stores: dict[str, Path]) -> None:
    shown = cli(stores["analyzed"], "show", MTS_SEED).stdout
    exact = json.loads(cli(stores["analyzed"], "show", MTS_SEED, "-f", "json").stdout)
    match = re.search(r"language_confidence: (\S+)", shown)
    assert match and match.group(1) == f"{exact['language_confidence']:.2f}"


def test_old_json_flag_still_works_with_a_warning(stores: dict[str, Path]) -> None:
    result = cli(stores["analyzed"], "stories", "--json")
    assert "--json is deprecated" in result.stderr
    assert result.stdout == cli(stores["analyzed"], "stories", "-f", "jsonl").stdout


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("command", [["stories"], ["export", "articles", "-f", "json"],
                                     ["timeline", "--entity", "Huawei"]])
def test_a_reader_closing_the_pipe_early_is_no_error(stores: dict[str, Path],
                                                     command: list[str], buffered: bool) -> None:
    """`newsloom ... | head`: the reader is gone before the first write; the command stops
    quietly (exit 0, no traceback), whether stdout is buffered (the usual case: the error
    comes when it is flushed) or not."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["NEWSLOOM_DB"] = str(stores["analyzed"])
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen([sys.executable, "-m", "newsloom", *command], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr
