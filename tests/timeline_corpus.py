"""The bridge story of tests/fixtures_timeline, ingested for real: a story with several dated
events, so that date ordering, the date limit and citations can be checked end to end."""

from __future__ import annotations

import json
from pathlib import Path

from timeline_fakes import load_fixture

#: Which fixture articles state each date, read by hand from their texts (a weekday or
#: "yesterday" counts from the article's publication day). a4 is the election story.
STATED: dict[str, set[str]] = {
    "2024-03-18": {"a1", "a2", "a3", "a4"},  # the collapse; the election
    "2024-03-20": {"a1", "a3", "a5"},  # the inquiry opens ("on Wednesday", "Gisteren")
    "2024-04-02": {"a5"},  # the bridge reopens
}
#: Articles the bridge story must hold for the checks to mean something: the collapse is
#: stated by two of them, the inquiry by two, the reopening by one.
CORE = {"a1", "a2", "a5"}


#: What an ingested record keeps; the fixture's gold fields for the in-memory fake (story,
#: duplicate_of, estimate) are left for the pipeline to find, or not.
INPUT_FIELDS = ("id", "title", "text", "lang", "outlet", "published")


def write_jsonl(folder: Path) -> Path:
    """The fixture as a JSONL file for ingest."""
    path = folder / "bridge.jsonl"
    path.write_text("".join(json.dumps({k: record[k] for k in INPUT_FIELDS}) + "\n"
                            for record in load_fixture()), encoding="utf-8")
    return path


def expected_citations(date: str, members: set[str], ids: dict[str, str]) -> set[str]:
    """Article ids an entry for ``date`` must cite: the story's members that state it."""
    return {ids[source] for source in STATED[date] & members}
