"""The analysis report (Markdown and HTML): what was found, what was removed, which dates.

Everything it shows is read through the :class:`~newsloom.store.ports.ReportSource` port and
the read side (``queries/``); both renderings take their wording from the same functions here,
so report.md and report.html say the same thing."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from newsloom.model import Article, Skip, Story, StorylineRecord
from newsloom.queries.stories import list_stories, list_storylines
from newsloom.store.files import write_text_atomic
from newsloom.store.ports import ReportSource, StoreSummary
from newsloom.text.counts import counted

#: Articles listed under each story; a larger story lists these and says how many more, so
#: that one big story does not bury the rest of the report.
STORY_ARTICLES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ArticleRow:
    source_id: str
    title: str
    language: str
    outlet: str
    date: str  # stated date with provenance, an estimate marked as such, or "none stated"
    kept_chars: int
    removed: int


#: The outcomes of an ingest run, in the order they add up to its documents seen; the ones
#: counted as a noun ("1 new version") have it below, the others read as they are ("3 added").
INGEST_OUTCOMES = ("added", "new_versions", "unchanged", "duplicates", "skipped")
_OUTCOME_NOUNS = {"new_versions": "new version", "duplicates": "duplicate"}


@dataclass(frozen=True, slots=True)
class IngestRunRow:
    """The counts of the latest finished ingest run (what the CLI printed at its end)."""

    command: str
    status: str
    documents: int
    outcomes: dict[str, int]  # INGEST_OUTCOMES → count; they sum to ``documents``

    @property
    def unaccounted(self) -> int:
        return self.documents - sum(self.outcomes.values())


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article as listed under its story."""

    title: str
    outlet: str | None
    published: str | None  # the stated publication date; an estimate is not a date
    estimate: str | None  # the year (or month) estimate of an undated article
    language: str | None
    link: str | None  # the article's URL, or the path of the file it was read from

    @property
    def when(self) -> str:
        if self.published:
            return self.published
        return f"undated (estimated {self.estimate})" if self.estimate else "undated"

    @property
    def facts(self) -> str:
        """Outlet, date and language, as listed after the title."""
        return f"{self.outlet or 'unknown outlet'}, {self.when}, {self.language or '?'}"


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """A story with its articles: dated ones first (by date), then undated ones."""

    story: Story
    size: str  # "3 articles"
    span: str  # the story's time span from its dated articles, see :func:`dated_span`
    articles: list[StoryArticle]  # the first STORY_ARTICLES_SHOWN
    more: int  # members not listed


@dataclass(frozen=True, slots=True)
class Report:
    generated: str
    summary: StoreSummary
    articles: list[ArticleRow]
    skipped: list[Skip]
    stories: list[Story]
    storylines: list[StorylineRecord]
    story_entries: list[StoryEntry]  # the stories again, each with its articles
    last_ingest: IngestRunRow | None = None

    @property
    def overview(self) -> str:
        s = self.summary
        return (f"{counted(s.articles, 'article')} from {counted(s.documents, 'document')}; "
                f"{counted(s.skipped, 'input')} skipped; {counted(len(self.stories), 'story')}"
                f", {counted(len(self.storylines), 'storyline')}.")

    @property
    def no_stories_note(self) -> str | None:
        """What to run next when the store has no stories yet (None when it has some)."""
        if self.stories:
            return None
        if not self.summary.articles:
            return ("No stories: the store holds no articles. `newsloom analyze PATH...` "
                    "reads files and builds stories, entities and storylines.")
        return ("No stories yet: the articles are ingested but not analyzed. Run `newsloom "
                "analyze PATH...` on the same files (what is already ingested is not read "
                "again).")


def dated_span(dates: Sequence[str], articles: int) -> str:
    """A story's time span, from its dated articles only and labelled as such: one dated
    article is a date, not a one-day span; undated articles never stretch or shrink it."""
    if not dates:
        return "no dated articles"
    if len(dates) == 1:
        return f"1 dated article: {dates[0]}"
    first, last = min(dates), max(dates)
    share = f"({len(dates):,} of {articles:,} dated)"
    if first == last:
        return f"dated articles all on {first} {share}"
    return f"dated articles span {first} – {last} {share}"


def _date_cell(article: Article) -> str:
    if article.published:
        p = article.published
        return f"{p.value} ({p.source}, {p.confidence:.2f})"
    if article.published_estimate:
        return f"none stated; estimate {article.published_estimate.value}"
    return "none stated"


#: A record inside an input file: a JSONL line ("#L3"), a WARC or feed record ("#3").
_RECORD_SUFFIX = re.compile(r"#L?\d+$")


def article_link(article: Article, report_dir: Path) -> str | None:
    """Where the reader of a report in ``report_dir`` can open the article: its web address,
    else the file it was read from, when that file is still there: as a path relative to the
    report when both are under one folder (Markdown viewers refuse ``file://`` links, and a
    relative one survives moving the report with its inputs), else as an absolute path. A
    relative source path is taken from the working directory, as ingest was given it."""
    if article.url and article.url.startswith(("http://", "https://")):
        return article.url
    path = Path(_RECORD_SUFFIX.sub("", article.source))
    try:
        if not path.is_file():
            return None
        target, base = path.resolve(), report_dir.resolve()
        shared = Path(os.path.commonpath([target, base]))
        link = target if shared == shared.parent else Path(os.path.relpath(target, base))
        return quote(link.as_posix())
    except (OSError, ValueError):  # an unusable stored path, or another drive than the report
        return None


def _story_article(article: Article, report_dir: Path) -> StoryArticle:
    return StoryArticle(
        title=article.title or "(untitled)", outlet=article.outlet,
        published=article.published.value if article.published else None,
        estimate=article.published_estimate.value if article.published_estimate else None,
        language=article.language, link=article_link(article, report_dir))


def story_entry(story: Story, members: Sequence[Article], shown: int, report_dir: Path
                ) -> StoryEntry:
    """The story with its first ``shown`` articles: dated ones in date order, then undated
    ones in ingest order (only those listed are looked up on disk for a link)."""
    dates = [a.published.value for a in members if a.published]
    ordered = sorted(members, key=lambda a: (a.published is None,
                                             a.published.value if a.published else ""))
    return StoryEntry(story=story, size=counted(len(members), "article"),
                      span=dated_span(dates, len(members)),
                      articles=[_story_article(a, report_dir) for a in ordered[:shown]],
                      more=max(0, len(members) - shown))


def last_ingest_run(store: ReportSource) -> IngestRunRow | None:
    """The latest ingest run that recorded its counts (``analyze`` runs ingest too)."""
    run = store.last_run("ingest ")
    if run is None or "documents" not in run.stats:
        return None
    stats = run.stats
    return IngestRunRow(
        command=run.command, status=run.status,
        documents=int(stats["documents"]),
        # runs recorded before duplicates were counted lack the key: 0, shown as unaccounted
        outcomes={name: int(stats.get(name, 0)) for name in INGEST_OUTCOMES},
    )


def build_report(store: ReportSource, report_dir: Path | None = None,
                 shown: int = STORY_ARTICLES_SHOWN) -> Report:
    """The report of what ``store`` holds, to be written to ``report_dir`` (the working
    directory if not given: links to input files are relative to it); ``shown`` articles are
    listed per story."""
    base = Path.cwd() if report_dir is None else report_dir
    articles = list(store.articles())
    rows = [
        ArticleRow(
            source_id=a.source_id,
            title=a.title or "(untitled)",
            language=(f"{a.language} ({a.language_confidence:.2f})" if a.language
                      and a.language_confidence is not None else "?"),
            outlet=a.outlet or "?",
            date=_date_cell(a),
            kept_chars=len(a.text),
            removed=len(a.removed_lines),
        )
        for a in articles
    ]
    by_id = {a.id: a for a in articles}
    stories = list_stories(store)
    return Report(
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        summary=store.summary(),
        articles=rows,
        skipped=store.skipped(),
        stories=stories,
        storylines=list_storylines(store, stories=stories),
        last_ingest=last_ingest_run(store),
        story_entries=[story_entry(st, [by_id[i] for i in st.article_ids if i in by_id],
                                   shown, base) for st in stories],
    )


def ingest_sentence(run: IngestRunRow) -> str:
    """'5 documents seen = 5 added, 0 new versions, …' (after the command and status)."""
    parts = []
    for name, count in run.outcomes.items():
        noun = _OUTCOME_NOUNS.get(name)
        part = counted(count, noun) if noun else f"{count:,} {name}"
        parts.append(part + (" of another input" if name == "duplicates" else ""))
    missing = f", {run.unaccounted:,} unaccounted" if run.unaccounted else ""
    return f"{counted(run.documents, 'document')} seen = {', '.join(parts)}{missing}."


def _escape_md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_link(text: str, link: str | None) -> str:
    label = _escape_md(text).replace("[", "\\[").replace("]", "\\]")
    if link is None:
        return label
    return f"[{label}]({link.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def _ingest_lines(run: IngestRunRow | None) -> list[str]:
    if run is None:
        return []
    return ["## Last ingest", "",
            f"`{_escape_md(run.command)}` ({run.status}): {ingest_sentence(run)}", ""]


def _story_lines(entries: Sequence[StoryEntry]) -> list[str]:
    out = ["", "## Articles of each story", ""]
    for entry in entries:
        st = entry.story
        out += [f"### {_escape_md(st.title)} (`{st.id}`)", "",
                f"{entry.size}; {entry.span}.", ""]
        out += [f"- {_md_link(a.title, a.link)} — {_escape_md(a.facts)}" for a in entry.articles]
        if entry.more:
            out.append(f"- … and {entry.more:,} more")
        out.append("")
    return out[:-1]


def render_markdown(report: Report) -> str:
    s = report.summary
    out = [
        "# newsloom report",
        "",
        f"Generated {report.generated}. {report.overview}",
        "",
        *_ingest_lines(report.last_ingest),
        "## Articles",
        "",
        "| source | title | language | outlet | published | kept chars | lines removed |",
        "|---|---|---|---|---|---:|---:|",
    ]
    out += [
        f"| {_escape_md(r.source_id)} | {_escape_md(r.title)} | {r.language} | "
        f"{_escape_md(r.outlet)} | {r.date} | {r.kept_chars} | {r.removed} |"
        for r in report.articles
    ]
    out += ["", "## Stories", ""]
    if report.no_stories_note:
        out.append(report.no_stories_note)
    else:
        out += ["| story | title | articles | sources | languages | key entities | storyline |",
                "|---|---|---:|---:|---|---|---|"]
        out += [f"| {st.id} | {_escape_md(st.title)} | {len(st.article_ids)} | {st.sources} | "
                f"{', '.join(st.languages)} | "
                f"{_escape_md(', '.join(e.name for e in st.key_entities))} | "
                f"{st.storyline_id or ''} |" for st in report.stories]
        out += _story_lines(report.story_entries)
    out += ["", "## Storylines", ""]
    out += [f"- {line.id}: {_escape_md(line.label)} ({counted(len(line.story_ids), 'story')})"
            for line in report.storylines] or ["- (none)"]
    for heading, counts in (
        ("Articles by language", s.by_language),
        ("Articles by outlet", s.by_outlet),
        ("Publication dates by provenance", s.by_date_source),
        ("Removed lines by reason", s.removed_by_reason),
    ):
        out += ["", f"## {heading}", ""]
        out += [f"- {_escape_md(k)}: {v}" for k, v in counts.items()] or ["- (none)"]
    out += ["", "## Skipped inputs", ""]
    out += [f"- `{_escape_md(x.source)}`: {_escape_md(x.reason)}" for x in report.skipped]
    if not report.skipped:
        out.append("- (none)")
    return "\n".join(out) + "\n"


def _inline_code(text: str) -> Markup:
    """``text`` escaped for HTML, its `backquoted` parts as <code>."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def render_html(report: Report) -> str:
    env = Environment(loader=PackageLoader("newsloom", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.globals.update(counted=counted, ingest_sentence=ingest_sentence)
    env.filters["inline_code"] = _inline_code
    return env.get_template("report.html.j2").render(report=report)


#: A store named by a server URL ("postgresql://…", which a Path folds to "postgresql:/…").
_SERVER_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def default_report_dir(db: Path | str) -> Path:
    """Where a store's report goes unless told: beside it, named after it (``newsloom.db`` →
    ``newsloom.db.report/``), so that no report is written over one made from another store.
    A store on a server has no folder: its report goes to ``<database name>.report/`` in the
    working directory."""
    text = str(db)
    if _SERVER_URL.match(text):
        name = text.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        return Path(f"{name or 'store'}.report")
    path = Path(text)
    return path.with_name(path.name + ".report")


def write_report(store: ReportSource, directory: Path) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``directory``; returns both paths."""
    report = build_report(store, directory)
    directory.mkdir(parents=True, exist_ok=True)
    md, html = directory / "report.md", directory / "report.html"
    # Replaced atomically: a reader (or a second analyze) never sees a half-written report.
    write_text_atomic(md, render_markdown(report))
    write_text_atomic(html, render_html(report))
    return md, html
