"""Title, outlet and author detection on plain text.

Scraped text usually starts with the page's ``<title>`` ("Headline | Outlet") and repeats the
headline further down as the ``<h1>``; hand-pasted text starts with the headline, sometimes
after a stray token ("X") or a skip link. Bylines ("Von Max Mustermann", "By Jane Doe", "Door
Jan Jansen") sit near the headline. None of this needs a site list: it is shape, a handful of
byline words per language, and the boilerplate verdicts of
:mod:`newsloom.extract.boilerplate`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsloom.extract.boilerplate import LineVerdict
from newsloom.extract.meta_names import SiteNames, clean_authors

_SEPARATOR = re.compile(r"\s+(?:[|–—»·/]|-|::|//)\s+|\s*\|\s*")
_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_TITLE_WORDS = 40
_MAX_OUTLET_CHARS = 60
_TITLE_SCAN = 250  # past the longest menus, but not into the page foot of a long page


@dataclass(frozen=True, slots=True)
class TitleChoice:
    """The headline, the line it came from (None if it came from metadata or a stripped
    ``<title>``), other lines that only repeat it, and an outlet name found next to it."""

    title: str | None
    index: int | None
    duplicates: tuple[int, ...]
    outlet_hint: str | None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def word_set(text: str) -> frozenset[str]:
    """The case-folded words of a text, for overlap between title candidates."""
    return frozenset(_words(text))


def _similarity(a: str, b: str) -> float:
    wa, wb = word_set(a), word_set(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _headline_shape(text: str, min_words: int = 2) -> bool:
    words = _words(text)
    if not min_words <= len(words) <= _MAX_TITLE_WORDS or len(text) > 300:
        return False
    return sum(ch.isalpha() for ch in text) >= 0.5 * len(text)


def _not_furniture(verdict: LineVerdict, max_score: float) -> bool:
    """Not removed by a rule or for lexicon reasons with confidence: a headline may look like
    "low-density text" to the line classifier, but it is no login prompt."""
    if verdict.lexicon_hits >= max(1, 0.3 * len(_words(verdict.text))):
        return False  # "Overslaan en naar de inhoud gaan", "Przejdź do treści"
    return (verdict.reason is None or verdict.reason in _SOFT_REASONS
            or verdict.score < max_score)


_SOFT_REASONS = frozenset({"low-density text", "navigation/UI", "caption", "repeated line"})


def _segments(line: str) -> list[str]:
    return [part.strip() for part in _SEPARATOR.split(line) if part.strip()]


def _at_boundary(first: str, text: str) -> bool:
    """Whether ``text`` is the start or the end of ``first`` up to punctuation ("Headline: Kicker
    | Site", "Site - Headline"), not a few words cut out of a longer headline ("Ultium Cells"
    from "Ultium Cells erhöht Kapazität")."""
    if first.startswith(text):
        rest = first[len(text):].lstrip()
        return not rest or not rest[0].isalnum()
    if first.endswith(text):
        head = first[: len(first) - len(text)].rstrip()
        return not head or not head[-1].isalnum()
    return False


def _match(text: str, first: str, segments: list[str],
           targets: list[frozenset[str]]) -> float:
    """How well a body line repeats the ``<title>`` line ``first`` (1 = exactly); ``targets``
    are the word sets of ``first`` and of its segments."""
    if text == first or text in segments:
        return 1.0
    if len(text) >= 4 and _at_boundary(first, text):
        return 0.95  # "Headline · Part | Site": the separator was part of the headline
    if len(first) >= 10 and first in text:
        return 0.9  # the <title> was cut short
    words = frozenset(_words(text))
    if not words:
        return 0.0
    return max(len(words & t) / len(words | t) for t in targets)


def _outlet_from_segments(segments: list[str], headline: str) -> str | None:
    """The site's part of a title line: sites put their name last ("Headline | Section |
    Site"), or first when the headline is last ("Site - Section - Headline")."""
    rest = [s for s in segments if _similarity(s, headline) < 0.5 and s not in headline]
    if not rest or len(segments) < 2:
        return None
    headline_last = _similarity(segments[-1], headline) >= 0.5 or segments[-1] in headline
    outlet = rest[0] if headline_last else rest[-1]
    return outlet if len(outlet) <= _MAX_OUTLET_CHARS else None


def _is_content(verdict: LineVerdict) -> bool:
    return not verdict.boilerplate and verdict.text.count(" ") >= 11  # about 12 words


def _repeated_headline(verdicts: Sequence[LineVerdict], first: str) -> TitleChoice | None:
    """The on-page headline: a line near the top that repeats the ``<title>`` line or a part
    of it, preferring one that the article text follows and that is not repeated elsewhere
    (a site name in the page header repeats the "| Outlet" part too)."""
    segments = _segments(first)
    targets = [t for t in (frozenset(_words(x)) for x in (first, *segments)) if t]
    if not targets:
        return None
    content = [_is_content(v) for v in verdicts]
    best: tuple[float, int] | None = None
    seen: set[str] = set()
    for verdict in verdicts[1:_TITLE_SCAN]:
        repeat = verdict.text in seen  # a site name recurs in the header; a headline does not
        seen.add(verdict.text)
        text = verdict.text
        if len(text) > 300:
            continue
        match = _match(text, first, segments, targets)
        if match < 0.6 or not _headline_shape(text, 1 if match >= 0.95 else 2):
            continue
        score = match + 0.3 * any(content[verdict.index + 1: verdict.index + 9])
        score -= 0.4 * repeat
        # "Headline | Outlet" is the common order: the last part alone is likely the site name.
        score -= 0.25 * (len(segments) > 1 and text == segments[-1])
        score += 0.02 * min(len(_words(text)), 10)  # "Derek Jarman · The Garden" over "Derek …"
        if best is None or score > best[0] + 1e-9:
            best = (score, verdict.index)
    if best is None or best[0] < 0.6:
        return None
    title = verdicts[best[1]].text
    return TitleChoice(title, best[1], (0,), _outlet_from_segments(segments, title))


def find_title(verdicts: Sequence[LineVerdict], declared: str | None = None) -> TitleChoice:
    """Choose the headline among the lines, given the classifier's verdicts."""
    if not verdicts:
        return TitleChoice(declared.strip() if declared else None, None, (), None)
    if declared and declared.strip():
        title = declared.strip()
        dupes = tuple(v.index for v in verdicts[:_TITLE_SCAN]
                      if _similarity(v.text, title) >= 0.8 or v.text in title)
        return TitleChoice(title, None, dupes, None)
    first = verdicts[0]
    repeated = _repeated_headline(verdicts, first.text)
    if repeated is not None:
        return repeated
    if _headline_shape(first.text) and _not_furniture(first, 0.8):
        segments = _segments(first.text)
        if len(segments) == 1:
            return TitleChoice(first.text, 0, (), None)  # the text starts with its headline
        headline = max(segments, key=lambda s: len(_words(s)))
        return TitleChoice(headline, None, (0,), _outlet_from_segments(segments, headline))
    # A stray token or a skip link first: the headline is the next headline-like line
    # before the running text starts.
    for verdict in verdicts[1:_TITLE_SCAN]:
        if _is_content(verdict) or len(_words(verdict.text)) >= 40:
            break
        if _headline_shape(verdict.text, 3) and _not_furniture(verdict, 0.0):
            return TitleChoice(verdict.text, verdict.index, (), None)
    return TitleChoice(None, None, (), None)


_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?"
                        r"(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?)?[\s,.]*", re.IGNORECASE)
_HOLDER_END = re.compile(r"\.\s|\s[|·•]\s|,\s|\ball rights\b|\balle rechte\b|\btous droits\b"
                         r"|\btodos los\b|\btutti i\b|\bwszelkie\b|\bвсе права\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DOMAIN = re.compile(r"^(?P<name>[\w-]{3,40})\.(?:de|com|nl|at|ch|fr|es|it|pl|ru|pt|net|org|"
                     r"be|eu|co\.uk|info|io)$", re.IGNORECASE)


_NOT_A_HOLDER = re.compile(r"\b(?:theme|powered|wordpress|template|design(?:ed)? by|"
                          r"webdesign|hosted)\b", re.IGNORECASE)


def copyright_holder(line: str) -> str | None:
    """"© 2024 WinFuture" → "WinFuture"; a year is required ("© Huawei" credits a picture),
    and a web designer's or theme's credit is no holder."""
    match = _COPYRIGHT.search(line)
    if not match or not _YEAR.search(line) or len(line) > 200:
        return None
    return holder_name(line[match.end():])


def holder_name(text: str) -> str | None:
    """The name in what follows a © sign: years, "by" and "All rights reserved" cut off."""
    holder = _HOLDER_END.split(text, maxsplit=1)[0]
    holder = _COPYRIGHT.sub("", _YEAR.sub("", holder)).strip(" .,-–|©")
    holder = re.sub(r"^(?:by|von|par|por)\s+", "", holder, flags=re.IGNORECASE)
    if (len(holder) < 3 or len(holder) > _MAX_OUTLET_CHARS or len(holder.split()) > 5
            or _NOT_A_HOLDER.search(holder)):
        return None
    return holder


def _domain_credit(lines: Sequence[str]) -> str | None:
    for line in lines:
        match = _DOMAIN.match(line.strip())
        # "WinFuture.de" styled as a brand names the outlet; "golem.de" stays as written.
        if match and match["name"].casefold() not in _PLATFORMS:
            name = match["name"]
            return name if any(ch.isupper() for ch in name[1:]) else line.strip()
    return None


_STRONG_SEPARATOR = r"(?:[|·»•›]|::)"
_ANY_SEPARATOR = r"(?:[|·»•›–—-]|::)"
_NUMBER = re.compile(r"(?<![\w.])\d[\d.,/:-]*\d(?!\w)")  # "2022", "02.11.2021", "15."
# A "Powered by" credit names the publishing software, not the outlet.
_PLATFORMS = frozenset(("wordpress", "blogger", "blogspot", "tumblr", "wix", "jimdo",
                        "squarespace", "typo3", "joomla", "drupal", "ghost", "substack"))


def _confirmed_hint(hint: str | None, lines: Sequence[str], site: SiteNames) -> str | None:
    """The part of a "Headline | Part" title line that is the site's name. It must be
    name-shaped (a clause cut from a headline at its dash, "… - be canceled .", is not), and
    sit where sites put their name: last in the title line, or next to a separator sites use
    for it (" | ", " · ", " » "), or it is the host's name, or a short line further down
    repeats it (a page header or foot)."""
    if not hint:
        return None
    hint = hint.strip(" -–—·|:")
    words = hint.split()
    if (not words or len(words) > 5 or len(hint) > _MAX_OUTLET_CHARS or ": " in hint
            or hint.endswith((" .", "!", "?", "…", '"', "”", "“"))
            or (hint.endswith(".") and len(words[-1]) > 4 and words[-1].islower())
            or _NUMBER.search(hint)):
        return None  # a sentence, a date or a page number, not a name ("e.V." is fine)
    if site.host and site.matches(hint):
        return hint
    name = re.escape(hint)
    placed = re.compile(rf"\s{_ANY_SEPARATOR}\s*{name}\s*$|{_STRONG_SEPARATOR}\s*{name}"
                        rf"|^\s*{name}\s*{_STRONG_SEPARATOR}")
    # "Site - Section - Headline" (a breadcrumb) names the site first; "Topic - Headline"
    # has a topic there.
    breadcrumb = re.compile(rf"^\s*{name}\s+{_ANY_SEPARATOR}\s.+\s{_ANY_SEPARATOR}\s")
    if any(placed.search(line) or breadcrumb.search(line) for line in lines[:3]):
        return hint
    key = hint.casefold()
    return hint if any(key in line.casefold() and len(line.split()) <= 12
                       for line in lines[1:]) else None


def find_outlet(lines: Sequence[str], title_hint: str | None, url: str | None) -> str | None:
    """The publishing outlet from evidence: the ``<title>`` suffix when the page confirms it
    (:func:`_confirmed_hint`), the © holder, a bare domain credit, the URL's host (archive
    copies unwrapped). A piece of a title alone is no evidence."""
    site = SiteNames.of((), url)
    confirmed = _confirmed_hint(title_hint, lines, site)
    if confirmed:
        return confirmed
    for line in reversed(lines):
        holder = copyright_holder(line)
        if holder:
            return holder
    return _domain_credit(lines) or site.host


_BYLINE = re.compile(
    r"^(?:von|by|door|par|por|di|de|av|af|przez|autor(?:in)?:?|author:?|auteur:?|"
    r"автор:?|text:?|texto:?|tekst:?|written by|geschrieben von|verfasst von|"
    r"ein beitrag von|a cura di|escrito por|publié par|posted by)\s+(?P<names>.+)$",
    re.IGNORECASE)
_BYLINE_WORD_ONLY = re.compile(r"^(?:von|by|door|par|por|di|autor:?|author:?|auteur:?)$",
                               re.IGNORECASE)
_AND = re.compile(r"\s+(?:und|and|en|et|y|e|i|и|og|och)\s+|\s*[,&]\s*")
_NAME_PARTICLES = frozenset(("van", "von", "de", "der", "den", "da", "di", "du", "le", "la",
                             "ter", "ten", "del", "della", "dos", "das", "zu", "y", "bin", "al",
                             "el"))
_NOT_NAMES = frozenset(("redaktion", "editorial", "staff", "team", "admin", "agentur", "agency"))


def _valid_name(candidate: str) -> bool:
    parts = candidate.split()
    if not 2 <= len(parts) <= 5 or any(p.casefold() in _NOT_NAMES for p in parts):
        return False
    for part in parts:
        if part.casefold() in _NAME_PARTICLES:
            continue
        if not part[0].isupper() or not all(ch.isalpha() or ch in "-.'’" for ch in part):
            return False
    return True


def _names(text: str) -> list[str]:
    # Cut what follows the names: "| 14.08.2019", ", dpa", "(Text)" …
    text = re.split(r"\s[|·•–—]\s|\s*\d|\(|\s-\s", text, maxsplit=1)[0].strip(" ,;:")
    names = [part.strip() for part in _AND.split(text) if part.strip()]
    if not names or not _valid_name(names[0]):
        return []
    return [name for name in names if _valid_name(name)]


def find_byline(lines: Sequence[str], start: int = 0,
                window: int = 15) -> tuple[list[str], list[int]]:
    """Author names from a byline among ``lines[start:start + window]``, and the indices of
    the line(s) that hold it ("Von" alone on a line, then the name, counts as two)."""
    stop = min(len(lines), start + window)
    for i in range(start, stop):
        line = lines[i].strip()
        if len(line) > 120:
            continue
        if _BYLINE_WORD_ONLY.match(line) and i + 1 < len(lines):
            found, used = _names(lines[i + 1].strip()), [i, i + 1]
        else:
            match = _BYLINE.match(line)
            found, used = (_names(match["names"]) if match else []), [i]
        found = clean_authors(found)  # UI words out, one spelling per person
        if found:
            return found, used
    return [], []


def find_authors(lines: Sequence[str], start: int = 0, window: int = 15) -> list[str]:
    """Author names from a byline among ``lines[start:start + window]``."""
    return find_byline(lines, start, window)[0]
