"""Extract: raw document → :class:`Article` (main text, title, outlet, authors, date, language).

A pure function of one record; models are loaded once per process on first use, so the same
code runs in a worker pool here and on remote executors later.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsloom.model import Article, PageMetadata, RawDocument

__all__ = ["ExtractOptions", "ExtractionError", "MetadataOnly", "extract"]


class ExtractionError(Exception):
    """The document holds no extractable article text; the message says why."""


class MetadataOnly(ExtractionError):
    """A page with no article text whose metadata is still worth keeping (``page``)."""

    def __init__(self, reason: str, page: PageMetadata) -> None:
        super().__init__(f"{reason}; metadata kept: {page.describe()}")
        self.page = page


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Knobs for extraction. Defaults are what the benchmarks in docs/benchmarks.md measure."""

    #: trafilatura's trade-off for HTML pages: "balanced", "precision" or "recall".
    #: "precision" measured best on both AEB and trafilatura-eval-dev (docs/benchmarks.md).
    html_focus: str = "precision"
    #: With focus "precision": complete the text from trafilatura's recall extraction where the
    #: line classifier agrees (:mod:`newsloom.extract.html_cascade`).
    html_cascade: bool = True
    #: Probability above which a plain-text line counts as boilerplate. A little above the
    #: model's own 0.5: issue 15 asks the plain-text path to keep more (must-keep >= 0.92 with
    #: must-remove >= 0.85). Out-of-fold on trafilatura-eval-dev, 0.5 gives 0.919 / 0.885 and
    #: 0.55 gives 0.927 / 0.877 (the same F, 0.904); see docs/benchmarks.md.
    boilerplate_threshold: float = 0.55
    #: Minimum characters of main text for a document to count as an article.
    min_text_chars: int = 20


def extract(doc: RawDocument, options: ExtractOptions | None = None) -> Article:
    """Dispatch on content type. Raises :class:`ExtractionError` when nothing is left."""
    options = options or ExtractOptions()
    if doc.content_type == "html":
        from newsloom.extract.html import extract_html

        article = extract_html(doc, options)
    else:
        from newsloom.extract.text import extract_text

        article = extract_text(doc, options)
    chars = len(article.text.strip())
    if chars < options.min_text_chars:
        if doc.clean_text:  # kept whole, so the record itself is this short
            raise ExtractionError(f"declared text too short: {chars} characters "
                                  f"(an article has at least {options.min_text_chars})")
        raise ExtractionError(f"no article text: {chars} characters left after extraction")
    return article
