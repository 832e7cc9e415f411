"""Plain text → Article: drop boilerplate lines, find title, outlet, authors, date, language.

Every non-blank line is judged by the line classifier of :mod:`newsloom.extract.boilerplate`;
removed lines are kept with their reason in ``Article.removed_lines`` so nothing disappears
silently. The headline goes to ``Article.title`` and is not part of ``text``.

Publication date precedence: container metadata (``doc.published``) > a date in the URL > a
date on a date/byline line near the headline in the *original* lines (a dateline is removed
from the text as boilerplate but still dates the article) > nothing, with only an estimate from
the clean text. A copyright year is never taken as a publication date.

Declared-clean text (``RawDocument.clean_text``: a JSONL record's ``text``) is trusted: only
obvious chrome goes (:func:`newsloom.extract.boilerplate.is_chrome`); the headline, bylines and
short one-sentence lines stay in the text. Should even that leave less than
``ExtractOptions.min_text_chars``, the whole text is kept and the article is flagged
:data:`~newsloom.model.KEPT_WHOLE`, unless the text is a consent or privacy notice: that is
no article, and extraction fails with that reason. Scraped text (``.txt`` files, feeds) is
not affected.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.extract.boilerplate import (
    BoilerplateModel,
    LineVerdict,
    classify_lines,
    document_language,
    is_chrome,
)
from newsloom.extract.boilerplate_consent import is_consent_notice
from newsloom.extract.language import detect_language
from newsloom.extract.lineshape import repair_mojibake
from newsloom.extract.metadata_text import TitleChoice, find_byline, find_outlet, find_title
from newsloom.model import KEPT_WHOLE, Article, PublicationDate, RawDocument, RemovedLine

_BYLINE_WINDOW = 12  # lines after the headline searched for a dateline / byline


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based line number in the original content
    text: str


def _lines(content: str) -> list[_Line]:
    text = content.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [_Line(i, repair_mojibake(line.strip()))
            for i, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _header_start(title: TitleChoice, verdicts: Sequence[LineVerdict]) -> int:
    """Where the article header (headline, dateline, byline) starts among the lines."""
    if title.index is not None:
        return title.index
    kept = [v.index for v in verdicts if not v.boilerplate and len(v.text.split()) >= 8]
    return max(0, kept[0] - 4) if kept else 0


def _published(doc: RawDocument, header: Sequence[str]) -> PublicationDate | None:
    """Container metadata, the URL, a date the header states (dateline, stamp), a short
    byline line, a "last updated" stamp: in that order. A date in a sentence is an event's,
    never taken."""
    from newsloom.extract.datelines import publication_date
    from newsloom.extract.dates import date_from_url, declared_date

    return declared_date(doc.published) or date_from_url(doc.url) or publication_date(header)


def _split(lines: Sequence[_Line], verdicts: Sequence[LineVerdict], title: TitleChoice,
           byline: Collection[int]) -> tuple[list[str], list[RemovedLine]]:
    """Scraped text: kept lines, and removed ones with their reason. The headline leaves the
    text for ``Article.title``, its repeats and the byline go too."""
    skip = set(title.duplicates) | ({title.index} if title.index is not None else set())
    kept: list[str] = []
    removed: list[RemovedLine] = []
    for verdict, line in zip(verdicts, lines, strict=True):
        if verdict.index == title.index:
            continue  # the headline itself lives in Article.title
        if verdict.index in skip:
            removed.append(RemovedLine(line.number, line.text, "page title (repeats headline)"))
        elif verdict.boilerplate:
            removed.append(RemovedLine(line.number, line.text, verdict.reason or "boilerplate"))
        elif verdict.index in byline:  # the names live in Article.authors
            removed.append(RemovedLine(line.number, line.text, "date/byline line"))
        else:
            kept.append(line.text)
    return kept, removed


def _trusted_split(lines: Sequence[_Line], verdicts: Sequence[LineVerdict],
                   ) -> tuple[list[str], list[RemovedLine]]:
    """Declared-clean text: only obvious chrome goes; every other line is the body's."""
    kept: list[str] = []
    removed: list[RemovedLine] = []
    for verdict, line in zip(verdicts, lines, strict=True):
        if is_chrome(verdict):
            removed.append(RemovedLine(line.number, line.text, verdict.reason or "chrome"))
        else:
            kept.append(line.text)
    return kept, removed


def extract_text(doc: RawDocument, options: ExtractOptions, *,
                 repeated_lines: frozenset[str] = frozenset(),
                 model: BoilerplateModel | None = None) -> Article:
    """Extract the article from a plain-text document.

    ``repeated_lines`` are lines the caller saw in several documents of the same outlet (a
    batch-level signal); short ones among them are removed as boilerplate. ``model`` replaces
    the shipped classifier (for evaluation and tests).
    """
    from newsloom.extract.dates import estimate_from_text

    lines = _lines(doc.content)
    texts = [line.text for line in lines]
    # The stop-word list follows a declared language; only undeclared ones are detected here.
    hint = doc.language if doc.language or not texts else document_language(texts)
    verdicts = classify_lines(texts, hint, threshold=options.boilerplate_threshold,
                              repeated_lines=repeated_lines, model=model)
    title = find_title(verdicts, declared=doc.title)
    start = _header_start(title, verdicts)
    authors, byline = find_byline(texts, start)
    if doc.clean_text:
        kept, removed = _trusted_split(lines, verdicts)
    else:
        kept, removed = _split(lines, verdicts, title, byline)
    text = "\n\n".join(kept)
    extractor = "text"
    if doc.clean_text and removed and len(text.strip()) < options.min_text_chars:
        if is_consent_notice(texts):  # the feed stored the site's notice, not an article
            raise ExtractionError("consent/privacy notice instead of an article")
        text, removed = "\n\n".join(line.text for line in lines), []
        extractor = f"text+{KEPT_WHOLE}"
    from newsloom.extract.datelines import untokenise, wire_source

    # Declared-clean text has no page chrome above its headline: its header is its top.
    top = 0 if doc.clean_text else start
    header = [untokenise(line) for line in texts[top: start + _BYLINE_WINDOW]]
    published = _published(doc, header)
    language = detect_language(f"{title.title or ''}\n{text}", declared=doc.language)
    return Article(
        id=doc.id,
        source_id=doc.source_id,
        source=doc.source,
        url=doc.url,
        title=title.title,
        outlet=find_outlet(texts, title.outlet_hint, doc.url),
        authors=list(doc.authors) or authors,
        published=published,
        published_estimate=None if published else estimate_from_text(text),
        language=language.code,
        language_confidence=language.confidence,
        text=text,
        removed_lines=removed,
        extractor=extractor,
        wire_source=wire_source(header),
    )
