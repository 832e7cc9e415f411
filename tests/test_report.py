"""The analysis report, end to end: the real ``newsloom`` command on the seed articles
(examples/) and on tests/fixtures_report/, reprints of two seeds that give stories of several
articles with 0, 1 and several stated dates:

- ``mailru_reprint_undated*.txt``: seed 000 (stated date 14.08.2019) without its date line,
  the second also without its last paragraph: with the seed, one story of 3 articles, 1 dated;
- ``att_reprint_dated_{20,22}aug.txt``: seed 002 (no stated date) with a dateline added after
  its outlet line, written as seed 000 writes its own: with the seed, 3 articles, 2 dated.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from markupsafe import escape

from newsloom.report import build_report, dated_span, default_report_dir, render_markdown
from newsloom.store import open_store

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
REPRINTS = Path(__file__).parent / "fixtures_report"
ANOTHER_CORPUS = "# newsloom report\n\nmade from another corpus\n"


def newsloom(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The defaults are under test: no store or report location from the environment.
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSLOOM_DB", "NEWSLOOM_REPORT_DIR")}
    return subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=cwd,
                          env={**env, "COLUMNS": "200"}, capture_output=True, text=True,
                          timeout=600, check=False)


@dataclass(frozen=True)
class Analyzed:
    work: Path
    stderr: str
    md: str
    html: str
    stories: dict[str, list[str]]  # story id → member article ids
    articles: dict[str, dict[str, object]]  # article id → export record

    def story_of(self, source_id: str) -> str:
        article = next(i for i, r in self.articles.items() if r["source_id"] == source_id)
        return next(s for s, members in self.stories.items() if article in members)

    def md_section(self, story_id: str) -> str:
        sections = self.md.split("\n## Articles of each story\n", 1)[1].split("\n## ", 1)[0]
        return next(part for part in sections.split("\n### ") if f"(`{story_id}`)" in part)

    def html_section(self, story_id: str) -> str:
        found = re.search(rf'<section class="story" id="{story_id}">(.*?)</section>', self.html,
                          re.S)
        assert found, story_id
        return found.group(1)


def _jsonl(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> Analyzed:
    work = tmp_path_factory.mktemp("report")
    (work / "newsloom-report").mkdir()  # the old default location, holding another report
    (work / "newsloom-report" / "report.md").write_text(ANOTHER_CORPUS, encoding="utf-8")
    result = newsloom("analyze", "--db", "newsloom.db", "--no-print", str(EXAMPLES),
                      str(REPRINTS), cwd=work)
    assert result.returncode == 0, result.stderr
    stories = _jsonl(newsloom("export", "stories", "--db", "newsloom.db", cwd=work))
    articles = _jsonl(newsloom("export", "articles", "--db", "newsloom.db", cwd=work))
    report = work / "newsloom.db.report"
    return Analyzed(
        work=work, stderr=result.stderr,
        md=(report / "report.md").read_text(encoding="utf-8"),
        html=(report / "report.html").read_text(encoding="utf-8"),
        stories={str(s["id"]): [str(a) for a in s["article_ids"]]  # type: ignore[attr-defined]
                 for s in stories},
        articles={str(a["id"]): a for a in articles})


def test_report_goes_beside_the_store_and_says_where(analyzed: Analyzed) -> None:
    report = analyzed.work / "newsloom.db.report"
    assert sorted(p.name for p in report.iterdir()) == ["report.html", "report.md"]
    assert "report written to newsloom.db.report/: report.md and report.html" in analyzed.stderr
    # A report made from another corpus in the old default location is left as it was.
    old = analyzed.work / "newsloom-report"
    assert sorted(p.name for p in old.iterdir()) == ["report.md"]
    assert (old / "report.md").read_text(encoding="utf-8") == ANOTHER_CORPUS


def test_report_dir_option_and_setting_choose_the_folder(analyzed: Analyzed) -> None:
    work = analyzed.work
    chosen = newsloom("report", "--db", "newsloom.db", "--report-dir", "chosen", cwd=work)
    assert chosen.returncode == 0, chosen.stderr
    assert "report written to chosen/" in chosen.stderr
    assert (work / "chosen" / "report.md").read_text(encoding="utf-8").startswith(
        "# newsloom report")
    configured = newsloom("--set", "report_dir=configured", "report", "--db", "newsloom.db",
                          cwd=work)
    assert configured.returncode == 0, configured.stderr
    assert (work / "configured" / "report.html").is_file()
    assert (work / "newsloom-report" / "report.md").read_text(encoding="utf-8") == ANOTHER_CORPUS


def test_each_story_lists_its_articles(analyzed: Analyzed) -> None:
    assert len(analyzed.stories) == 5 and len(analyzed.articles) == 9
    for story_id, members in analyzed.stories.items():
        md, html = analyzed.md_section(story_id), analyzed.html_section(story_id)
        bullets = [line for line in md.splitlines() if line.startswith("- ")]
        assert len(bullets) == len(members) == html.count("<li>"), story_id
        for article_id in members:
            record = analyzed.articles[article_id]
            facts = (f"{record['outlet'] or 'unknown outlet'}, "
                     f"{record['published'] or 'undated'}")
            assert any(str(record["title"]) in b and facts in b for b in bullets), (
                story_id, record["source_id"])
            assert str(escape(str(record["title"]))) in html
            assert f"— {escape(facts)}" in html


def test_article_links_open_the_input_file(analyzed: Analyzed) -> None:
    report = analyzed.work / "newsloom.db.report"
    for story_id in analyzed.stories:
        links = re.findall(r"\]\(([^)]+)\)", analyzed.md_section(story_id))
        hrefs = re.findall(r'<a href="([^"]+)">', analyzed.html_section(story_id))
        assert links and links == hrefs
        for link in links:
            target = report / unquote(link)  # relative to the report, or absolute
            assert target.is_file() and target.resolve().parent in (
                (EXAMPLES / "seeds").resolve(), REPRINTS.resolve())


def test_span_comes_from_dated_articles_only(analyzed: Analyzed) -> None:
    one_dated = analyzed.story_of("000_04d8964427728e2c")
    assert {analyzed.articles[a]["source_id"] for a in analyzed.stories[one_dated]} == {
        "000_04d8964427728e2c", "mailru_reprint_undated", "mailru_reprint_undated_short"}
    several = analyzed.story_of("002_5a5445e0100195ec")
    assert len(analyzed.stories[several]) == 3
    none_dated = analyzed.story_of("003_c6b275d6bc638668")
    expected = {
        one_dated: "3 articles; 1 dated article: 2019-08-14.",
        several: "3 articles; dated articles span 2019-08-20 – 2019-08-22 (2 of 3 dated).",
        none_dated: "1 article; no dated articles.",
    }
    for story_id, wording in expected.items():
        assert wording in analyzed.md_section(story_id)
        assert wording in analyzed.html_section(story_id)
    assert "first/last" not in analyzed.md
    # Dated articles are listed first, in date order; undated ones after them.
    bullets = [b for b in analyzed.md_section(several).splitlines() if b.startswith("- ")]
    assert [b.rsplit(", ", 2)[1] for b in bullets] == ["2019-08-20", "2019-08-22", "undated"]


def test_counts_read_right(analyzed: Analyzed) -> None:
    for text in (analyzed.md, analyzed.html):
        assert "9 articles from 9 documents; 0 inputs skipped; 5 stories, 3 storylines." in text
        assert not re.search(r"\b1 (articles|stories|storylines|documents|inputs)\b", text)
    assert "(1 story)" in analyzed.md  # the storyline of one story


def test_large_stories_list_the_first_articles_and_say_how_many_more(analyzed: Analyzed
                                                                      ) -> None:
    report_dir = analyzed.work / "newsloom.db.report"
    with open_store(analyzed.work / "newsloom.db") as store:
        md = render_markdown(build_report(store, report_dir, shown=2))
    blocks = md.split("\n## Articles of each story\n", 1)[1].split("\n## ", 1)[0].split("\n### ")
    big = [b for b in blocks if "3 articles;" in b]
    assert len(big) == 2
    for block in big:
        bullets = [line for line in block.splitlines() if line.startswith("- ")]
        assert len(bullets) == 3 and bullets[-1] == "- … and 1 more"
    small = [b for b in blocks if "1 article;" in b]
    assert len(small) == 3 and all("more" not in b for b in small)


@pytest.mark.parametrize(("dates", "articles", "wording"), [
    ([], 4, "no dated articles"),
    (["2019-08-14"], 5, "1 dated article: 2019-08-14"),
    (["2019-08-20", "2019-08-14", "2019-08-17"], 5,
     "dated articles span 2019-08-14 – 2019-08-20 (3 of 5 dated)"),
    (["2019-08-14", "2019-08-14"], 2, "dated articles all on 2019-08-14 (2 of 2 dated)"),
    (["2020-01-01"] * 1200, 1500,
     "dated articles all on 2020-01-01 (1,200 of 1,500 dated)"),
])
def test_dated_span_wording(dates: list[str], articles: int, wording: str) -> None:
    assert dated_span(dates, articles) == wording


def test_links_are_relative_when_report_and_inputs_share_a_folder(analyzed: Analyzed) -> None:
    # Built, not written: the report would sit in the repository, beside examples/.
    with open_store(analyzed.work / "newsloom.db") as store:
        report = build_report(store, ROOT / "corpus.db.report")
    links = {a.link for entry in report.story_entries for a in entry.articles}
    assert "../examples/seeds/000_04d8964427728e2c.txt" in links
    assert "../tests/fixtures_report/att_reprint_dated_20aug.txt" in links
    assert all(link and link.startswith("../") for link in links)


@pytest.mark.parametrize(("db", "folder"), [
    ("newsloom.db", "newsloom.db.report"),
    ("corpora/de/x.sqlite", "corpora/de/x.sqlite.report"),
    ("/srv/news/newsloom.db", "/srv/news/newsloom.db.report"),
    # a server store has no folder: named after the database, in the working directory
    ("postgresql://news@localhost:5432/newsloom?sslmode=disable", "newsloom.report"),
    (Path("postgresql://news@db.example/wire"), "wire.report"),
])
def test_default_report_dir_is_beside_the_store(db: str | Path, folder: str) -> None:
    assert default_report_dir(db) == Path(folder)


def test_report_of_an_ingest_only_store_says_what_to_run_next(tmp_path: Path) -> None:
    seed = EXAMPLES / "seeds" / "000_04d8964427728e2c.txt"
    ingested = newsloom("ingest", "--db", "s.db", str(seed), cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    written = newsloom("report", "--db", "s.db", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    md = (tmp_path / "s.db.report" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "s.db.report" / "report.html").read_text(encoding="utf-8")
    assert "1 article from 1 document; 0 inputs skipped; 0 stories, 0 storylines." in md
    assert "No stories yet: the articles are ingested but not analyzed. Run `newsloom " \
           "analyze PATH...` on the same files" in md
    assert "Run <code>newsloom analyze PATH...</code> on the same files" in html
    assert "Articles of each story" not in md and "Articles of each story" not in html
