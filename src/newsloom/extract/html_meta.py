"""Title, authors and outlet of an HTML page, chosen from the page's own declarations.

Title
    The candidates are the ``<h1>`` headings (kicker removed), ``og:title``, the JSON-LD
    ``headline``, ``twitter:title`` and ``<title>``, each with the site's name stripped
    (:class:`~newsloom.extract.meta_names.SiteNames`: ``og:site_name``, JSON-LD publisher,
    the host). A heading is the visible headline unless it is page furniture (the line
    classifier's lexicon), the site's name, or the site part of the ``<title>`` ("Headline |
    Blog name" with the blog name as ``<h1>``). Among several headings the one the metadata
    agrees with wins; without headings, the metadata title most sources agree on.
Authors
    JSON-LD people first, then ``<meta name="author">``, then trafilatura's byline, then
    organisations named as author; all cleaned by
    :func:`~newsloom.extract.meta_names.clean_authors`.
Outlet
    Evidence only: a declared site name, a © holder on the page, the host (archive hosts
    unwrapped). Never a piece of the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsloom.extract.boilerplate import classify_lines
from newsloom.extract.html_sources import PageSources
from newsloom.extract.meta_names import (
    TITLE_SEPARATOR,
    SiteNames,
    clean_authors,
    source_host,
    squash,
)
from newsloom.extract.metadata_text import copyright_holder, holder_name, word_set
from newsloom.model import RawDocument

_AGREES = 0.5  # word overlap (Jaccard) at which two title candidates tell the same headline
_SAME = 0.8
_MAX_OUTLET_CHARS = 60
_MAX_KICKER_WORDS = 4


def site_names(sources: PageSources, urls: Sequence[str | None]) -> SiteNames:
    """The site's declared names and host (from the first of ``urls`` that has one)."""
    url = next((u for u in urls if source_host(u)), None)
    return SiteNames.of(sources.site_names, url)


def _overlap(a: str, b: str) -> float:
    wa, wb = word_set(a), word_set(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _meta_titles(sources: PageSources, site: SiteNames) -> list[str]:
    """og:title, JSON-LD headline, twitter:title, <title>: in that order, site name stripped."""
    raw = [sources.og_title, *sources.ld_headlines[:1], sources.twitter_title,
           sources.html_title]
    return [site.strip_from(t) for t in raw if t and t.strip()]


def _is_title_tail(heading: str, sources: PageSources, site: SiteNames) -> bool:
    """"Recipe | Blog name" with the blog name as <h1>: the heading is the part after a
    separator of a title whose first part is not the site's name."""
    flat = squash(heading)
    for title in (sources.html_title, sources.og_title):
        parts = TITLE_SEPARATOR.split(title or "")
        for k in range(1, len(parts)):
            if squash("".join(parts[k:])) == flat:  # unless the title starts with the site
                head = parts[:k]  # or a date ("08.11.2021 | Headline")
                return any(ch.isalpha() for ch in "".join(head)) and not any(
                    site.matches(part) for part in head)
    return False


def _furniture(headings: Sequence[str]) -> list[bool]:
    """Headings the line classifier's rules or lexicon mark as page furniture ("Navigation
    und Service", "Letzte Kommentare", "RSS Feeds")."""
    verdicts = classify_lines(headings, None) if headings else []
    return [v.by_rule or v.lexicon_hits >= max(1.0, 0.3 * len(v.text.split()))
            for v in verdicts]


def _without_kicker(heading: str, metas: Sequence[str]) -> str:
    """"Politics | Headline", "Open Progress Headline": a heading that ends with a metadata
    title and has a few more words in front carries an unmarked kicker."""
    flat = squash(heading)
    for meta in metas:
        tail = squash(meta)
        if (tail != flat and flat.endswith(tail) and len(meta.split()) >= 2
                and len(heading.split()) - len(meta.split()) <= _MAX_KICKER_WORDS):
            return meta
    return heading


def choose_title(sources: PageSources, site: SiteNames) -> str | None:
    """The headline by agreement between the page's title candidates."""
    def agreement(heading: str, metas: Sequence[str]) -> float:
        return max((_overlap(heading, m) for m in metas), default=0.0)

    candidates = [h for h in dict.fromkeys(sources.headings) if not site.matches(h)]
    raw_metas = _meta_titles(sources, site)
    # A heading that is the site part of the <title> names the site: strip it there too.
    tails = [h for h in candidates if agreement(h, raw_metas) < _SAME
             and _is_title_tail(h, sources, site)]
    if tails:
        site = SiteNames((*site.names, *tails), site.host)
    metas = _meta_titles(sources, site) if tails else raw_metas
    # Furniture ("Impressum") is still the headline when the page's own metadata says so,
    # so only the headings the metadata does not confirm go to the line classifier.
    confirmed = [h for h in candidates if agreement(h, metas) >= _SAME]
    unconfirmed = [h for h in candidates if h not in confirmed and h not in tails]
    furniture = {h for h, junk in zip(unconfirmed, _furniture(unconfirmed), strict=True)
                 if junk}
    headings = [h for h in candidates if h in confirmed or (
        h not in tails and h not in furniture)]
    if headings:
        best = max(headings, key=lambda h: agreement(h, metas))  # the first of equals
        if len(headings) == 1 or agreement(best, metas) >= _AGREES:
            return _without_kicker(best, metas)
    if metas:
        return max(metas, key=lambda m: sum(_overlap(m, o) >= _SAME for o in metas))
    return headings[0] if headings else None


def page_title(doc: RawDocument, data: dict[str, Any], sources: PageSources,
               site: SiteNames) -> str | None:
    """The container's title if it declares one, else the page's headline, else
    trafilatura's title."""
    title = doc.title or choose_title(sources, site) or data.get("title") or None
    return title.strip() if isinstance(title, str) and title.strip() else None


def page_authors(doc: RawDocument, data: dict[str, Any], sources: PageSources,
                 site: SiteNames) -> list[str]:
    """Declared people (JSON-LD persons, then meta authors), else trafilatura's byline, else
    organisations named as author; the site's own name is never an author, but the
    publisher may be (a blogger publishes what they write)."""
    if doc.authors:
        return list(doc.authors)
    byline = data.get("author")
    for group in ([*sources.ld_authors, *sources.meta_authors],
                  [byline] if isinstance(byline, str) else []):
        names = clean_authors(group, site)
        if names:
            return names
    # An organisation is the author only if it is not the publisher ("RTL Online" is both).
    publishers = SiteNames((*site.names, *sources.publishers), site.host)
    return clean_authors(sources.ld_org_authors, publishers)


def _plausible_outlet(name: str, title: str | None) -> bool:
    if not name or len(name) > _MAX_OUTLET_CHARS or sum(ch.isalpha() for ch in name) < 2:
        return False
    if any(mark in name for mark in ("{", "$", "://", "©")) or name.casefold().startswith(
            ("http", "@")):
        return False  # an unfilled template, a URL, a handle, a copyright line
    return not (title and squash(name) == squash(title))


def page_outlet(sources: PageSources, urls: Sequence[str | None], title: str | None,
                site: SiteNames) -> str | None:
    """The outlet from evidence: a declared site name, the © holder in the page foot if it
    is the host's owner (a © line in the body often credits a picture or a theme), the host
    of the first of ``urls`` that has one."""
    names = [n.strip().rstrip("/") for n in (*sources.site_names, *sources.publishers)
             if _plausible_outlet(n.strip(), title)]
    # A name as written ("Tribune de Genève") over a bare host given as the site name.
    named = [n for n in names if " " in n or "." not in n]
    if named or names:
        return (named or names)[0]
    holders = [holder_name(value) for value in sources.copyright_meta]
    holders += [copyright_holder(line) for line in reversed(sources.copyright_lines)]
    for holder in holders:
        if holder and _plausible_outlet(holder, title) and (
                site.host is None or site.matches(holder)):
            return holder
    return next((host for host in map(source_host, urls) if host), None)
