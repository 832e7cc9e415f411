"""The analysis report (Markdown and HTML): what was found, what was removed, which dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from newsloom.model import Article, Skip, Story, StorylineRecord
from newsloom.queries.stories import list_stories, list_storylines
from newsloom.store.files import write_text_atomic
from newsloom.store.ports import ReportSource, StoreSummary


@dataclass(frozen=True, slots=True)
class ArticleRow:
    source_id: str
    title: str
    language: str
    outlet: str
    date: str  # stated date with provenance, an estimate marked as such, or "none stated"
    kept_chars: int
    removed: int


#: The outcomes of an ingest run, in the order they add up to its documents seen.
INGEST_OUTCOMES = ("added", "new_versions", "unchanged", "duplicates", "skipped")


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
class Report:
    generated: str
    summary: StoreSummary
    articles: list[ArticleRow]
    skipped: list[Skip]
    stories: list[Story]
    storylines: list[StorylineRecord]
    last_ingest: IngestRunRow | None = None


def _date_cell(article: Article) -> str:
    if article.published:
        p = article.published
        return f"{p.value} ({p.source}, {p.confidence:.2f})"
    if article.published_estimate:
        return f"none stated; estimate {article.published_estimate.value}"
    return "none stated"


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


def build_report(store: ReportSource) -> Report:
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
        for a in store.articles()
    ]
    stories = list_stories(store)
    return Report(
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        summary=store.summary(),
        articles=rows,
        skipped=store.skipped(),
        stories=stories,
        storylines=list_storylines(store, stories=stories),
        last_ingest=last_ingest_run(store),
    )


def _escape_md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _ingest_lines(run: IngestRunRow | None) -> list[str]:
    if run is None:
        return []
    parts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in run.outcomes.items())
    parts = parts.replace(" duplicates", " duplicates of another input")
    missing = f", {run.unaccounted} unaccounted" if run.unaccounted else ""
    return ["## Last ingest", "",
            f"`{_escape_md(run.command)}` ({run.status}): {run.documents} documents seen = "
            f"{parts}{missing}.", ""]


def render_markdown(report: Report) -> str:
    s = report.summary
    out = [
        "# newsloom report",
        "",
        f"Generated {report.generated}. {s.articles} articles from {s.documents} documents; "
        f"{s.skipped} inputs skipped.",
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
    out += ["", "## Stories", "",
            "| story | title | articles | sources | languages | key entities | storyline |",
            "|---|---|---:|---:|---|---|---|"]
    out += [f"| {st.id} | {_escape_md(st.title)} | {len(st.article_ids)} | {st.sources} | "
            f"{', '.join(st.languages)} | {_escape_md(', '.join(e.name for e in st.key_entities))}"
            f" | {st.storyline_id or ''} |" for st in report.stories]
    out += ["", "## Storylines", ""]
    out += [f"- {line.id}: {_escape_md(line.label)} ({len(line.story_ids)} stories)"
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


def render_html(report: Report) -> str:
    env = Environment(loader=PackageLoader("newsloom", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(report=report)


def write_report(store: ReportSource, directory: Path) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``directory``; returns both paths."""
    report = build_report(store)
    directory.mkdir(parents=True, exist_ok=True)
    md, html = directory / "report.md", directory / "report.html"
    # Replaced atomically: a reader (or a second analyze) never sees a half-written report.
    write_text_atomic(md, render_markdown(report))
    write_text_atomic(html, render_html(report))
    return md, html
