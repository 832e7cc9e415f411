"""The publication date of an HTML page: an ensemble of date evidence, decided by rules.

Candidates (:mod:`newsloom.extract.html_date_evidence`) come from JSON-LD, ``<meta>`` tags,
``<time>``/itemprop elements, the URL, datelines at the top of the main text, htmldate's quick
search (run by trafilatura) and, only when all of those are silent, htmldate's extensive search.
The rules, in the order :func:`decide` applies them:

1. *Plausible days only*: nothing after the crawl (one day of slack for time zones), nothing
   before 1995 (no news site existed), nothing before the date in the page's own URL.
2. *Published beats modified*: htmldate's day, when only modification fields state it, is an
   update; a published candidate replaces it, or we abstain.
3. *Local day beats UTC*: a day stated only by UTC timestamps yields to a local-day candidate
   (URL, dateline, a timestamp with its own offset) one day away.
4. *Visible beats ambiguous*: a machine date whose day and month are the swap of the visible
   dateline's was read in the wrong order; the dateline wins.
5. *Agreement*: htmldate's day is kept when published sources state it or none contradicts
   it. Otherwise the day stated by the most kinds of published source (at least two: JSON-LD,
   meta, element, URL, dateline) wins; with no such day, structured metadata that is more
   than a day from htmldate's makes us abstain.
6. *Last resort*: htmldate's extensive search, unless its day is a bare January 1 (a year
   without a day) or the evidence above disagrees with it. Low confidence, provenance
   ``page-text``.

The :class:`DateDecision` keeps the chosen candidate and the rule that chose it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from newsloom.extract.dates import declared_date
from newsloom.extract.html_date_evidence import (
    DateCandidate,
    parse_day,
    parse_page,
    structured_candidates,
    text_candidates,
    url_candidate,
)
from newsloom.model import DateSource, PublicationDate, RawDocument

_WEB_START = date(1995, 1, 1)  # htmldate's own lower bound: the first news sites
_ONE_DAY = timedelta(days=1)
#: JSON-LD types whose dates are those of an embedded picture, video or person, not the page's.
_EMBEDDED = ("ImageObject", "VideoObject", "AudioObject", "MediaObject", "Person",
             "Organization", "Comment", "Review", "Event", "Product")


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Everything known about a page's date before deciding."""

    candidates: tuple[DateCandidate, ...]  # structured, URL and text, in that order
    quick: date | None  # htmldate's quick search (original_date=True), via trafilatura
    crawled: date  # the crawl day (WARC date) or today
    #: htmldate's extensive search, run only if needed (it costs a second pass over the page).
    extensive: Callable[[], date | None] = field(default=lambda: None)


@dataclass(frozen=True, slots=True)
class DateDecision:
    """The chosen day (or None: abstained), with the rule that chose it."""

    date: PublicationDate | None
    rule: str
    origin: str = ""  # the candidate behind the day, e.g. "meta:article:published_time"


def page_published(doc: RawDocument, data: dict[str, Any], text: str) -> PublicationDate | None:
    """The container's date if it declares one, else the HTML date ensemble's decision."""
    from_container = declared_date(doc.published)
    if from_container:
        return from_container
    return decide(page_evidence(doc, data, text)).date


def page_evidence(doc: RawDocument, data: dict[str, Any], text: str) -> DateEvidence:
    url = doc.url or data.get("url")
    tree = parse_page(doc.content) if doc.content_type == "html" else None
    found = list(structured_candidates(tree)) if tree is not None else []
    from_url = url_candidate(url if isinstance(url, str) else None)
    found += [from_url] if from_url else []
    found += text_candidates(text)
    quick = parse_day(data["date"]) if isinstance(data.get("date"), str) else None

    def extensive() -> date | None:
        from htmldate import find_date

        # the tree parsed above, so the page is not parsed a third time (evidence is taken)
        value = find_date(tree if tree is not None else doc.content, extensive_search=True,
                          original_date=True, url=url if isinstance(url, str) else None)
        parsed = parse_day(value) if value else None
        return parsed[0] if parsed else None

    return DateEvidence(tuple(found), quick[0] if quick else None, crawl_day(doc), extensive)


def crawl_day(doc: RawDocument) -> date:
    """The day the page was fetched: a WARC record's date, else today."""
    fetched = doc.metadata.get("fetched")
    parsed = parse_day(fetched) if isinstance(fetched, str) else None
    return parsed[0] if parsed else date.today()


def decide(evidence: DateEvidence) -> DateDecision:
    """Apply the module's rules, in order, to one page's evidence."""
    candidates = _plausible(evidence.candidates, evidence.crawled)
    published = [c for c in candidates if c.kind == "published"]
    modified = {c.day for c in candidates if c.kind == "modified"}
    quick = evidence.quick if evidence.quick and _in_range(
        evidence.quick, evidence.crawled, candidates) else None
    if quick is not None:
        return _check_quick(quick, published, modified, candidates)
    consensus = _consensus(published)
    if consensus is not None:
        return _decision(consensus, "published sources agree", 0.85)
    best = _best_supported(published)
    if best is not None:
        return _decision(best, "most kinds of published source agree", 0.75)
    if published or modified:
        return DateDecision(None, "published sources disagree")
    return _last_resort(evidence, candidates)


def _check_quick(quick: date, published: Sequence[DateCandidate], modified: set[date],
                 candidates: Sequence[DateCandidate]) -> DateDecision:
    supporters = [c for c in published if c.day == quick]
    if not supporters and quick in modified:  # rule 2: an update date
        consensus = _consensus(published)
        if consensus is not None:
            return _decision(consensus, "published beats modified", 0.85)
        return DateDecision(None, "only an update date")
    local = _local_day(quick, supporters, candidates)  # rule 3
    if local is not None:
        return _decision(local, "local day beats UTC", 0.85)
    swapped = _visible_swap(quick, published)  # rule 4
    if swapped is not None:
        return _decision(swapped, "visible dateline beats an ambiguous numeric date", 0.8)
    if supporters:
        strong = len({c.origin.split(":")[0] for c in supporters}) > 1
        return _decision(supporters[0], "htmldate agrees with published sources",
                         0.95 if strong else 0.9)
    best = _best_supported(published)  # rule 5
    if best is not None:
        return _decision(best, "published sources agree against htmldate", 0.8)
    structured = [c for c in published if c.origin not in ("url", "byline")]
    if structured and all(abs((c.day - quick).days) > 1 for c in structured):
        return DateDecision(None, "published metadata contradicts htmldate")
    return DateDecision(PublicationDate(quick.isoformat(), 0.75 if published else 0.8,
                                        "metadata"), "htmldate quick", "htmldate:quick")


def _last_resort(evidence: DateEvidence, candidates: Sequence[DateCandidate]) -> DateDecision:
    found = evidence.extensive()  # rule 6
    if found is None or not _in_range(found, evidence.crawled, candidates):
        return DateDecision(None, "no date evidence")
    if (found.month, found.day) == (1, 1):
        return DateDecision(None, "January 1 from a page search: a year, not a day")
    return DateDecision(PublicationDate(found.isoformat(), 0.55, "page-text"),
                        "htmldate extensive", "htmldate:extensive")


def _plausible(candidates: Sequence[DateCandidate], crawled: date) -> list[DateCandidate]:
    """Rule 1, and drop embedded media's dates."""
    return [c for c in candidates
            if _in_range(c.day, crawled, candidates)
            and not any(f":{kind}:" in c.origin for kind in _EMBEDDED)]


def _in_range(day: date, crawled: date, candidates: Sequence[DateCandidate]) -> bool:
    url_days = [c.day for c in candidates if c.origin == "url"]
    floor = max([_WEB_START, *url_days])
    return floor <= day <= crawled + _ONE_DAY


def _consensus(published: Sequence[DateCandidate]) -> DateCandidate | None:
    """The one day every published candidate states (UTC days yield to local ones a day
    away), or None if they disagree."""
    local = [c for c in published if not c.utc]
    days = {c.day for c in local} or {c.day for c in published}
    if len(days) != 1:
        return None
    day = days.pop()
    utc_days = {c.day for c in published if c.utc}
    if any(abs((other - day).days) > 1 for other in utc_days):
        return None
    return next(c for c in (local or published) if c.day == day)


def _best_supported(published: Sequence[DateCandidate]) -> DateCandidate | None:
    """The day stated by at least two kinds of source (jsonld, meta, element, url, byline)
    and by more kinds than any other day; None on a tie."""
    kinds: dict[date, set[str]] = {}
    for candidate in published:
        kinds.setdefault(candidate.day, set()).add(candidate.origin.split(":")[0])
    ranked = sorted(kinds.items(), key=lambda item: len(item[1]), reverse=True)
    if not ranked or len(ranked[0][1]) < 2 or (
            len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1])):
        return None
    return next(c for c in published if c.day == ranked[0][0])


def _local_day(quick: date, supporters: Sequence[DateCandidate],
               candidates: Sequence[DateCandidate]) -> DateCandidate | None:
    """A local-day candidate one day from ``quick`` when ``quick`` is stated only by UTC
    timestamps, or by nothing we can see (htmldate converted a timestamp)."""
    if not all(c.utc for c in supporters):
        return None
    if any(not c.utc and c.day == quick and c.kind != "modified" for c in candidates):
        return None
    local = [c for c in candidates
             if not c.utc and c.kind != "modified" and abs((c.day - quick).days) == 1
             and (c.kind == "published" or _lone_time_element(c, candidates))]
    return local[0] if len({c.day for c in local}) == 1 else None


def _lone_time_element(candidate: DateCandidate, candidates: Sequence[DateCandidate]) -> bool:
    """A bare ``<time>`` is the page's dateline only when no other ``<time>`` lies within a
    month of it: several are a list of dated teasers, not this article's date."""
    if candidate.origin != "element:time":
        return False
    near = [c for c in candidates if c.origin == "element:time"
            and abs((c.day - candidate.day).days) <= 31]
    return len(near) == 1


def _visible_swap(quick: date, published: Sequence[DateCandidate]) -> DateCandidate | None:
    for candidate in published:
        if candidate.origin == "byline" and candidate.day != quick and (
                candidate.day.year, candidate.day.month, candidate.day.day) == (
                quick.year, quick.day, quick.month):
            return candidate
    return None


_SOURCES: dict[str, DateSource] = {"url": "url", "byline": "byline"}


def _decision(candidate: DateCandidate, rule: str, confidence: float) -> DateDecision:
    source = _SOURCES.get(candidate.origin, "metadata")
    return DateDecision(PublicationDate(candidate.day.isoformat(), confidence, source), rule,
                        candidate.origin)
