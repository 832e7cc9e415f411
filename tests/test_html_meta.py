"""Title, authors and outlet of HTML pages (newsloom.extract.html_meta / html_sources)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from trafilatura.utils import load_html

from newsloom.extract import ExtractOptions, extract
from newsloom.extract.html_meta import choose_title, page_authors, page_outlet, site_names
from newsloom.extract.html_sources import PageSources, read_sources
from newsloom.ingest import read_path
from newsloom.model import RawDocument

FIXTURES = Path(__file__).parent / "fixtures_meta"


def _page(head: str, body: str = "") -> PageSources:
    return read_sources(load_html(f"<html><head>{head}</head><body>{body}</body></html>"))


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _doc() -> RawDocument:
    return RawDocument.create(content="<html></html>", source_id="t", source="test",
                              content_type="html")


# ------------------------------------------------------------------------------ sources --

def test_json_ld_author_as_string_object_list_and_graph() -> None:
    as_string = _page(_ld({"@type": "NewsArticle", "headline": "H", "author": "Jane Doe"}))
    assert as_string.ld_authors == ["Jane Doe"]
    as_object = _page(_ld({"@type": "Article", "headline": "H",
                           "author": {"@type": "Person", "givenName": "Jane",
                                      "familyName": "Doe"}}))
    assert as_object.ld_authors == ["Jane Doe"]
    in_graph = _page(_ld({"@graph": [{"@type": "WebSite", "name": "Example Times"},
                                     {"@type": "BlogPosting", "headline": "H",
                                      "author": [{"name": "Jane Doe"}, {"name": "John Roe"},
                                                 {"@type": "Organization", "name": "ET"}]}]}))
    assert in_graph.ld_authors == ["Jane Doe", "John Roe"]
    assert in_graph.ld_org_authors == ["ET"]
    assert in_graph.site_names == ["Example Times"]


def test_json_ld_references_are_resolved_and_a_person_publishes_no_outlet() -> None:
    graph = {"@graph": [
        {"@type": "NewsArticle", "headline": "H", "author": {"@id": "#jane"},
         "publisher": {"@id": "#org"}},
        {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
        {"@type": "NewsMediaOrganization", "@id": "#org", "name": "The Example Times"}]}
    page = _page(_ld(graph))
    assert page.ld_authors == ["Jane Doe"] and page.publishers == ["The Example Times"]
    blog = _page(_ld({"@type": "BlogPosting", "headline": "H", "author": "Ann Poe",
                      "publisher": {"@type": "Person", "name": "Ann Poe"}}))
    assert blog.publishers == []


def test_unreadable_json_ld_is_skipped() -> None:
    page = _page('<script type="application/ld+json">{"headline": "H",</script>'
                 '<meta property="og:title" content="Still read">')
    assert page.ld_headlines == [] and page.og_title == "Still read"


def test_kicker_markup_is_not_part_of_the_heading() -> None:
    page = _page("", '<h1><span class="article-heading__kicker">Klimaschutz</span>'
                     '<span class="visually-hidden">: </span>'
                     '<span class="article-heading__title">Bohren, bis es heiß wird</span></h1>'
                     '<h1><small>Einheit der Woche</small><br/>Lagen-Pyramide mit GA2</h1>')
    assert page.headings == ["Bohren, bis es heiß wird", "Lagen-Pyramide mit GA2"]


# -------------------------------------------------------------------------------- title --

def test_boilerplate_heading_is_skipped() -> None:
    sources = PageSources(headings=["Navigation und Service", "Letzte Kommentare",
                                    "Stadtrat beschließt neuen Haushalt"],
                          html_title="Stadtrat beschließt neuen Haushalt - Stadt Beispiel")
    assert choose_title(sources, site_names(sources, ["https://www.beispiel.de/a"])) == \
        "Stadtrat beschließt neuen Haushalt"


def test_blog_name_heading_gives_way_to_the_title() -> None:
    sources = PageSources(headings=["Liebe geht durch den Magen"],
                          html_title="Rinderleber mit Apfel und Zwiebel | "
                                     "Liebe geht durch den Magen")
    site = site_names(sources, ["https://www.example.org/rezepte/rinderleber"])
    assert choose_title(sources, site) == "Rinderleber mit Apfel und Zwiebel"


def test_heading_that_the_metadata_agrees_with_wins() -> None:
    sources = PageSources(headings=["Bundeskriminalamt (BKA)",
                                    "Messengerdienste sind kein rechtsfreier Raum"],
                          html_title="BKA - Pressemitteilungen 2022 - Messengerdienste sind "
                                     "kein rechtsfreier Raum")
    site = site_names(sources, ["https://www.bka.de/DE/Presse/x.html"])
    assert choose_title(sources, site) == "Messengerdienste sind kein rechtsfreier Raum"


def test_visible_headline_beats_a_rewritten_og_title() -> None:
    sources = PageSources(headings=["Firmenwagen: Leasing oder Finanzierung?"],
                          og_title="Firmenwagen: Leasen oder Finanzieren? Was lohnt sich?",
                          html_title="Firmenwagen: Leasen oder Finanzieren? Was lohnt sich?")
    assert choose_title(sources, site_names(sources, [None])) == \
        "Firmenwagen: Leasing oder Finanzierung?"


def test_unmarked_kicker_is_cut_when_the_metadata_title_is_the_rest() -> None:
    sources = PageSources(headings=["Politics | St. Louis Park elects a new mayor"],
                          og_title="St. Louis Park elects a new mayor")
    assert choose_title(sources, site_names(sources, [None])) == \
        "St. Louis Park elects a new mayor"


def test_furniture_word_is_the_headline_when_the_page_says_so() -> None:
    sources = PageSources(headings=["Impressum", "Zodiac Pro"], og_title="Impressum",
                          html_title="Impressum - Werbeagentur Beispiel")
    assert choose_title(sources, site_names(sources, [None])) == "Impressum"


def test_without_headings_the_site_name_is_stripped_from_the_metadata_title() -> None:
    sources = PageSources(og_title="How to Build a Terrarium | eHow",
                          html_title="How to Build a Terrarium | eHow", site_names=["eHow"])
    assert choose_title(sources, site_names(sources, [None])) == "How to Build a Terrarium"


# ---------------------------------------------------------------------- authors, outlet --

def test_authors_prefer_declared_people_and_drop_ui_words() -> None:
    sources = PageSources(ld_authors=["Jane Doe", "JANE DOE"],
                          meta_authors=["See full bio", "John Roe"])
    site = site_names(sources, [None])
    assert page_authors(_doc(), {"author": "Photo: Max Muster"}, sources, site) == \
        ["Jane Doe", "John Roe"]
    # nothing declared: trafilatura's byline, cleaned; a photographer is no author
    empty = PageSources()
    assert page_authors(_doc(), {"author": "Lesedauer: 3 Min"}, empty, site) == []
    assert page_authors(_doc(), {"author": "By Ann Poe | Photo: Max Muster"}, empty, site) == \
        ["Ann Poe"]


def test_publisher_is_not_an_organisation_author_but_a_blogger_may_publish() -> None:
    site = site_names(PageSources(), [None])
    same = PageSources(ld_org_authors=["RTL Online"], publishers=["RTL Online"])
    assert page_authors(_doc(), {}, same, site) == []
    blog = PageSources(meta_authors=["Andreas Beispiel"], publishers=["Andreas Beispiel"])
    assert page_authors(_doc(), {}, blog, site_names(blog, [None])) == ["Andreas Beispiel"]


def test_outlet_prefers_a_written_name_to_a_host_given_as_site_name() -> None:
    sources = PageSources(site_names=["tdg.ch/", "Tribune de Genève"])
    assert page_outlet(sources, [None], None, site_names(sources, [None])) == \
        "Tribune de Genève"
    meta = PageSources(copyright_meta=["(c) 2010-2016 Some Verlag GmbH", "Beispiel Feuerwehr"])
    url = "https://www.beispiel-feuerwehr.de/x"
    assert page_outlet(meta, [url], None, site_names(meta, [url])) == "Beispiel Feuerwehr"


def test_outlet_from_declared_name_copyright_or_unwrapped_host() -> None:
    archived = "https://web.archive.org/web/20190305112233/https://www.example.com/news/1"
    declared = PageSources(site_names=["{$plugin.tx_news.opengraph.site_name}", "Example News"])
    assert page_outlet(declared, [archived], None, site_names(declared, [archived])) == \
        "Example News"
    footer = PageSources(copyright_lines=["© Getty Images", "© 2021 Example GmbH"])
    assert page_outlet(footer, [archived], None, site_names(footer, [archived])) == "Example GmbH"
    credit = PageSources(copyright_lines=["© 2020 Theme by Someone"])
    assert page_outlet(credit, [archived], None, site_names(credit, [archived])) == "example.com"
    assert page_outlet(PageSources(), ["hard::page-1", None], None,
                       site_names(PageSources(), [None])) is None


# ----------------------------------------------------------------------------- end to end --

def _extract(name: str) -> tuple[str | None, list[str], str | None]:
    [doc] = [d for d in read_path(FIXTURES / name) if isinstance(d, RawDocument)]
    article = extract(doc, ExtractOptions())
    return article.title, article.authors, article.outlet


def test_news_page_end_to_end() -> None:
    assert _extract("harbour_news.html") == ("Harbour reopens after the winter storm",
                                             ["Jane Doe", "John Roe"], "Harbour Times")


def test_archived_blog_page_end_to_end() -> None:
    title, authors, outlet = _extract("kitchen_blog.html")
    assert title == "Pumpkin dumplings with sage butter"
    assert authors == []  # "See full bio", "Posted by Username" name nobody
    assert outlet == "kitchen-notes.example"


def test_cli_ingest_and_export_carry_the_metadata(tmp_path: Path) -> None:
    src = str(Path(__file__).parents[1] / "src")  # this checkout, whatever the cwd
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "NEWSLOOM_DB": str(tmp_path / "n.db"), "PYTHONPATH": path}

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=300,
                                check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("ingest", str(FIXTURES))
    records = {r["title"]: r for r in map(json.loads, run(
        "export", "articles", "--format", "jsonl").splitlines())}
    news = records["Harbour reopens after the winter storm"]
    assert news["authors"] == ["Jane Doe", "John Roe"] and news["outlet"] == "Harbour Times"
    assert records["Pumpkin dumplings with sage butter"]["outlet"] == "kitchen-notes.example"
