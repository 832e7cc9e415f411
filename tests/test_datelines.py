"""Dates and wire agencies stated in the header of plain text: datelines in every supported
language, timestamps, "published" / "last updated" stamps; dates in sentences never count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsloom.extract import extract
from newsloom.extract.datelines import header_date, untokenise, updated_date, wire_source
from newsloom.extract.dates import find_byline_date
from newsloom.ingest.decode import ReadOptions
from newsloom.ingest.jsonl import record_to_document
from newsloom.model import Article, RawDocument

FIXTURE = Path(__file__).parent / "fixtures_datelines"

DATELINES = [
    ("BERLIN, 3. März 2024 (dpa) – Die Bundesregierung hat am Sonntag ein Programm "
     "vorgestellt.", "2024-03-03", "dpa"),
    ("LONDON, March 3, 2024 (Reuters) - British retailers reported stronger sales.",
     "2024-03-03", "Reuters"),
    ("PARIS, 4 mars 2024 (AFP) - Le gouvernement a présenté lundi un plan.", "2024-03-04",
     "AFP"),
    ("AMSTERDAM, 5 maart 2024 (ANP) - De gemeente wil duizend woningen bouwen.", "2024-03-05",
     "ANP"),
    ("MADRID, 6 de marzo de 2024 (EFE) - El Gobierno aprobó una reforma.", "2024-03-06", "EFE"),
    ("BRÜSSEL, 7. März 2024 (dpa/AFP) – Die EU-Kommission legt einen Entwurf vor.",
     "2024-03-07", "dpa/AFP"),
    ("WIEN, 8. März 2024 (APA) - Der Nationalrat hat das Budget beschlossen.", "2024-03-08",
     "APA"),
]


def _article(text: str, **fields: object) -> Article:
    doc = record_to_document({"id": "t", "text": text, **fields}, "t.jsonl#L1", "t-1",
                             ReadOptions())
    assert isinstance(doc, RawDocument)
    return extract(doc)


@pytest.mark.parametrize(("line", "day", "agency"), DATELINES)
def test_dateline_gives_date_and_agency_in_every_language(line: str, day: str,
                                                          agency: str) -> None:
    found = header_date([line])
    assert found is not None and (found.published.value, found.kind) == (day, "dateline")
    assert found.published.source == "dateline"
    assert wire_source([line]) == agency


def test_dateline_wins_over_dates_in_the_body() -> None:
    article = _article("BERLIN, 3. März 2024 (dpa) – Die Regierung stellte ein Programm vor.\n"
                       "Das Programm war am 12. Januar 2023 angekündigt worden.")
    assert article.published is not None and article.published.value == "2024-03-03"
    assert article.wire_source == "dpa"


def test_dateline_without_date_still_records_the_agency() -> None:
    lines = ["WASHINGTON (AP) — The Senate passed the bill late on Tuesday."]
    assert header_date(lines) is None
    assert wire_source(lines) == "AP"


@pytest.mark.parametrize("line", [
    "The World Health Organization (WHO) - said the virus was spreading.",
    "A worker cleans a beach in Louisiana. (AP Photo) The spill widened.",
    "and the agency (Reuters) - a sentence that only mentions it.",
])
def test_brackets_that_are_no_wire_dateline(line: str) -> None:
    assert wire_source([line]) is None


def test_treebank_tokenised_stamp_and_dateline() -> None:
    line = ("HONG KONG | Tue May 12 , 2009 8:56 am EDT HONG KONG -LRB- Reuters -RRB- - A "
            "virologist has described the new virus as unstable .")
    assert untokenise("May 12 , 2009 -LRB- Reuters -RRB-") == "May 12, 2009 (Reuters)"
    found = header_date([untokenise(line)])
    assert found is not None and found.published.value == "2009-05-12"
    assert wire_source([untokenise(line)]) == "Reuters"


def test_last_updated_date_at_the_top_beats_the_event_it_recalls() -> None:
    article = _article(
        "8 November 2011 Last updated at 06:28 Doctor found guilty The doctor has been found "
        "guilty of causing the death of the singer, who died on 25 June 2009.\n"
        "Jackson died at his home on 25 June 2009 aged 50.\n"
        "A sentencing hearing is set for 29 November.")
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2011-11-08", "byline")


def test_page_last_updated_stamp_is_read_with_its_time_and_weekday() -> None:
    lines = ["Page last updated at 11:14 GMT, Thursday, 3 February 2011 The mother of the "
             "singer can go ahead with a lawsuit."]
    assert header_date(lines) is None  # an updated stamp is not a publication stamp
    found = updated_date(lines)
    assert found is not None and (found.published.value, found.kind) == ("2011-02-03",
                                                                          "updated")


def test_published_stamp_beats_updated_and_a_byline_date_beats_updated() -> None:
    found = header_date(["Published: 3 March 2024 | Updated: 5 March 2024"])
    assert found is not None and found.published.value == "2024-03-03"
    article = _article("Ein Titel für den Test\nUpdated: August 22, 2019\nJanuary 28, 2018\n"
                       "Der erste Absatz des Artikels ist lang genug, um als Text zu gelten.")
    assert article.published is not None and article.published.value == "2018-01-28"


@pytest.mark.parametrize(("line", "day"), [
    ("Tuesday 12 May 2009 16.36 BST The swine flu virus will infect a third", "2009-05-12"),
    ("Saturday, May 15, 2010; 11:47 PM The company also owns a rig", "2010-05-15"),
    ("Dienstag, 01. Februar 2022 12:10", "2022-02-01"),
    ("mardi 3 mars 2020 à 10h30", "2020-03-03"),
    ("Fergus Walsh | 09:53 AM, Thursday, 21 May 2009 I have been reporting", "2009-05-21"),
    ("Veröffentlicht am 23. Februar 2020", "2020-02-23"),
    ("Gepubliceerd op 18 maart 2024", "2024-03-18"),
])
def test_timestamps_and_published_stamps(line: str, day: str) -> None:
    found = header_date([line])
    assert found is not None and found.published.value == day


@pytest.mark.parametrize("line", [
    "The rig exploded on 20 April 2010 at 21:45, killing 11 workers.",
    "Laboratory-confirmed cases as of 17:00 GMT 15 June 2009 are 35,000.",
    "This clip was first broadcast on 26 May 2010.",
    "Die Explosion ereignete sich am 20. April 2010 um 21:45 Uhr auf der Plattform.",
])
def test_dates_in_sentences_are_never_stamps(line: str) -> None:
    assert header_date([line]) is None


def test_two_stamps_that_disagree_give_no_date() -> None:
    lines = ["More on vaccines - 16:10 UK time, Wednesday, 8 July 2009 Policy shift - 08:55 "
             "UK time, Thursday, 2 July 2009"]
    assert header_date(lines) is None


def test_byline_lines_that_are_sentences_are_passed_over() -> None:
    sentence = "In that letter, dated Jan. 14, 2010, Reps. Henry Waxman asked for answers."
    assert find_byline_date([sentence], prose=False) is None
    assert find_byline_date([", Thursday, Sept. 2, 2010."], prose=False) is None
    byline = find_byline_date([sentence, "Written by Ana Sandoiu on July 27, 2017"],
                              prose=False)
    assert byline is not None and (byline[0].value, byline[1]) == ("2017-07-27", 1)
    german = find_byline_date(["von Stefan Beiersmann am 29. Mai 2017, 14:14 Uhr"], prose=False)
    assert german is not None and german[0].value == "2017-05-29"


def test_eval_dates_counts_every_record_once() -> None:
    from newsloom.eval.text_dates import evaluate_text_dates, report_to_json

    data = report_to_json(evaluate_text_dates(FIXTURE))
    lines = [line for line in (FIXTURE / "articles.jsonl").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
    overall = data["overall"]
    mine = overall["newsloom"]
    assert mine["correct"] + mine["wrong"] + mine["none"] + overall["skipped"] == len(lines)
    # the record whose reference is a day after its stamp is the one wrong date
    assert [w["id"] for w in data["wrong_examples"]] == ["en-wrong-reference"]
    assert overall["skipped"] == 1  # the record without a reference date
    assert overall["wire_sources"]["Reuters"] == 2


def _newsloom(*args: str, db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSLOOM_DB": str(db), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_stores_and_shows_the_wire_source(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({
        "id": "wire-1", "text": "BERLIN, 3. März 2024 (dpa) – Die Bundesregierung hat am "
        "Sonntag ein neues Förderprogramm für kommunale Wärmenetze vorgestellt. Es soll "
        "Städten helfen, ihre Netze bis 2030 auszubauen."}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    db = tmp_path / "n.db"
    ingested = _newsloom("ingest", str(source), db=db, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    shown = _newsloom("show", "wire-1", "--format", "json", db=db, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert (record["wire_source"], record["published"], record["published_source"]) == (
        "dpa", "2024-03-03", "dateline")
    card = _newsloom("show", "wire-1", db=db, cwd=tmp_path)
    assert "wire_source: dpa" in card.stdout
