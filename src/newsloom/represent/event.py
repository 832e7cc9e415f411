"""What an article says about its event beyond the embedding: its own words and its date.

Both are pure functions of one article, so they run wherever features are computed (a worker
process, a Spark executor):

- :func:`event_terms` — the article's content lemmas (title and lead, stop words removed) with
  their counts; the corpus stage weights them by rarity to compare two articles' words;
- :func:`event_date` — when the reported event happened, as well as the article lets one know:
  the stated publication date, else the date most often named in the text (a day or month with
  a year, or a relative one resolved against a stated date), else the article's year estimate.
  Each carries its granularity, so a year estimate is weak evidence, never a day.
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from functools import lru_cache

from newsloom.model import Article, EventDate
from newsloom.text.stem import WORD, lemma
from newsloom.text.timex import find_time_expressions

#: Characters of title + text whose words describe the event (the lead carries the event;
#: later paragraphs drift into background shared by every event of a kind).
TERM_CHARS = 3000
#: Terms kept per article, most frequent first: enough to compare, bounded storage.
MAX_TERMS = 64
#: Characters searched for dates named in the text.
DATE_CHARS = 4000


@lru_cache(maxsize=64)
def stop_words(lang: str | None) -> frozenset[str]:
    """spaCy's stop-word list for ``lang`` (lower-case); empty when spaCy has none."""
    if not lang or not lang.isalpha():
        return frozenset()
    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(word.lower() for word in module.STOP_WORDS)


def event_terms(article: Article, chars: int = TERM_CHARS) -> dict[str, int]:
    """Content lemmas of the article's title and lead with their counts, at most
    :data:`MAX_TERMS` (most frequent first, then alphabetical, so the choice is stable)."""
    lang = article.language
    text = f"{article.title or ''}\n{article.text}"[:chars]
    stops = stop_words(lang)
    counts: Counter[str] = Counter()
    for word in WORD.findall(text):
        if len(word) < 3 or word.isdigit() or word.lower() in stops:
            continue
        form = lemma(word, lang)
        if form not in stops:
            counts[form] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
    return dict(ranked)


def event_date(article: Article, chars: int = DATE_CHARS) -> EventDate | None:
    """When the article's event happened, with granularity and basis; None when unknown."""
    if article.published:
        return EventDate(date.fromisoformat(article.published.value[:10]), "day", "published")
    named = _named_date(article.text[:chars], article.language)
    if named is not None:
        return named
    estimate = article.published_estimate
    if estimate is not None and estimate.value[:4].isdigit():
        return EventDate(date(int(estimate.value[:4]), 7, 1), "year", "estimate")
    return None


def _named_date(text: str, lang: str | None) -> EventDate | None:
    """The day (else the month) the text names most often; ties go to the latest. Without a
    stated publication date relative expressions stay unresolved, so only absolute dates
    count here."""
    days: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for found in find_time_expressions(text, lang, None):
        value = found.value
        if not value or found.modifier or "/" in value:
            continue
        if found.granularity == "day" and len(value) == 10:
            days[value] += 1
        elif found.granularity == "month" and len(value) == 7:
            months[value] += 1
    if days:
        best = max(days.items(), key=lambda item: (item[1], item[0]))[0]
        return EventDate(date.fromisoformat(best), "day", "text")
    if months:
        best = max(months.items(), key=lambda item: (item[1], item[0]))[0]
        return EventDate(date.fromisoformat(best + "-15"), "month", "text")
    return None
