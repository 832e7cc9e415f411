"""Timelines: candidate dates from the text and publication dates, ranked by independent
coverage, with central, informative, non-redundant sentences per date.

1. Candidates. Every sentence of every independent (non-duplicate) article that holds a resolved
   time expression without a modifier ("vor 2020" dates nothing) and not followed by a clock
   time (a page's posting stamp) is a candidate for that expression's value, at its
   granularity. With keywords, only articles mentioning one count (``timeline.keywords``).
   The ``lead_sentences`` of an article with a *stated* publication date that state no date
   are candidates for that day. Year-level publication *estimates* never date anything:
   such articles go to the undated list, carrying the estimate.
2. Dates are ranked by coverage: articles mentioning the date count 1, articles only published
   on it ``publication_weight``, every further known outlet 0.25 (an unknown outlet is not
   another source), every later publication day referring back to it ``later_weight``
   (``timeline.dates``), times the date's specificity (a day 1, a month 0.5, a year 0.25);
   articles far from the selection's topic count less. Ties go to bigger stories.
3. Per date (best first) and event, sentences by MMR over TF-IDF: relevance is the similarity to the
   date's vector (the terms its mentions and its day's leads share) and, half of it, to all
   candidates (the selection's topic), times informativeness and the event-report prior
   (``timeline.prefer``); redundancy counts sentences already chosen for other dates too.
4. Candidates of one date are grouped into events: the same story is one event (the clustering
   already judged cross-lingual sameness), different stories join only when their sentences
   are similar. Each event becomes one entry citing all its articles, with up to
   ``sentences_per_date`` sentences of its own (steps 3 runs per event).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from newsloom.model import (
    Article,
    DateBasis,
    MemberRow,
    TimelineEntry,
    TimelineRequest,
    TimelineSentence,
    TimexGranularity,
)
from newsloom.text.timex_resolve import bounds
from newsloom.timeline.dates import rank_dates, topicality
from newsloom.timeline.keywords import filter_by_keywords
from newsloom.timeline.prefer import SentencePrior
from newsloom.timeline.select import Selection, select, span
from newsloom.timeline.sentences import dated_sentences, is_timestamp
from newsloom.timeline.textsim import (
    TfIdf,
    Vector,
    centroid,
    cosine,
    fit_tfidf,
    informativeness,
    mmr,
    normalise,
)

if TYPE_CHECKING:
    from newsloom.store.ports import ArticleReader, SearchingReader

ALL_GRANULARITIES: frozenset[TimexGranularity] = frozenset(
    ("day", "week", "month", "year", "range"))


@dataclass(frozen=True)
class TimelineOptions:
    """Parameters of :func:`timeline_from_selection`; the defaults are what the CLI uses."""

    granularities: frozenset[TimexGranularity] = ALL_GRANULARITIES
    publication_weight: float = 0.5
    #: per later publication day referring back to a date (see timeline.dates)
    later_weight: float = 2.0
    #: articles count in date ranking by their similarity to the selection's topic
    topical_dates: bool = True
    lead_sentences: int = 5  # leads of an article stand for its publication day
    #: the keyword protocol: only articles mentioning one are used (see timeline.keywords)
    keywords: tuple[str, ...] = ()
    merge_similarity: float = 0.3  # TF-IDF cosine for two stories' candidates to be one event
    mmr_lambda: float = 0.7
    lang_boost: float = 1.5  # relevance factor of sentences in the requested language
    #: share of relevance from similarity to all candidates (the selection's topic) rather
    #: than to the date's own candidates; keeps off-topic asides out
    topic_weight: float = 0.5
    include_undated: bool = True
    prior: SentencePrior = field(default_factory=SentencePrior)


@dataclass(slots=True)
class Candidate:
    date: str
    granularity: TimexGranularity
    basis: DateBasis
    sentence: TimelineSentence
    story_id: str
    vector: Vector = field(default_factory=dict)
    dates_in_sentence: int = 1  # distinct dates the sentence states (see timeline.prefer)


@dataclass(slots=True)
class _Collected:
    candidates: dict[str, list[Candidate]]
    undated: list[tuple[MemberRow, Article]]
    texts: list[str]
    articles: dict[str, str]  # article id → text, of the articles that count


def _within(value: str, first: date | None, last: date | None) -> bool:
    start, end = bounds(value)
    return (first is None or start >= first) and (last is None or end <= last)


def cited_sentence(article: Article, start: int, end: int) -> TimelineSentence:
    return TimelineSentence(
        text=article.text[start:end], lang=article.language, article_id=article.id,
        outlet=article.outlet, start=start, end=end,
        published=article.published.value if article.published else None, title=article.title)


def _anchor(article: Article) -> date | None:
    """The stated publication day; a malformed stored value counts as none (never guessed)."""
    try:
        return date.fromisoformat(article.published.value) if article.published else None
    except ValueError:
        return None


def _collect(store: ArticleReader, selection: Selection, request: TimelineRequest,
             options: TimelineOptions) -> _Collected:
    first, last = span(request)
    found: dict[str, list[Candidate]] = defaultdict(list)
    undated: list[tuple[MemberRow, Article]] = []
    texts: list[str] = []
    loaded = [((member, article), f"{article.title or ''}\n{article.text}")
              for member in selection.members if member.duplicate_of is None
              and (article := store.get_article(member.article_id)) is not None]
    articles: dict[str, str] = {}
    for member, article in filter_by_keywords(loaded, options.keywords):
        articles[article.id] = article.text
        anchor = _anchor(article)
        if anchor is None:
            undated.append((member, article))
        leads = 0
        for sentence in dated_sentences(article.text, article.language, anchor):
            texts.append(sentence.text)
            stated = {t.value: t for t in sentence.times
                      if t.value is not None and t.modifier is None
                      and not is_timestamp(article.text, t)}
            dated = False
            for value, time in stated.items():
                if (time.granularity not in options.granularities
                        or not _within(value, first, last)):
                    continue
                dated = True
                found[value].append(Candidate(
                    value, time.granularity, "mentioned",
                    cited_sentence(article, sentence.start, sentence.end), member.story_id,
                    dates_in_sentence=len(stated)))
            is_lead = leads < options.lead_sentences and len(sentence.text.split()) >= 6
            if is_lead:
                leads += 1
            if (is_lead and not dated and anchor is not None and "day" in options.granularities
                    and _within(anchor.isoformat(), first, last)):
                found[anchor.isoformat()].append(Candidate(
                    anchor.isoformat(), "day", "published",
                    cited_sentence(article, sentence.start, sentence.end), member.story_id))
    return _Collected(found, undated, texts, articles)


def _events(items: list[Candidate], threshold: float) -> list[list[Candidate]]:
    """Candidates of one date grouped into events (same story, or similar sentences)."""
    by_story: dict[str, list[Candidate]] = defaultdict(list)
    for item in items:
        by_story[item.story_id].append(item)
    groups = sorted(by_story.values(), key=lambda g: -len(g))
    merged: list[tuple[list[Candidate], Vector]] = []
    for group in groups:
        vector = centroid([c.vector for c in group])
        for other, other_vector in merged:
            if cosine(vector, other_vector) >= threshold:
                other.extend(group)
                break
        else:
            merged.append((list(group), vector))
    return sorted((group for group, _ in merged),
                  key=lambda g: -len({c.sentence.article_id for c in g}))


def headline(text: str, limit: int = 90) -> str:
    """A short headline from a sentence: cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + "…"


def _unique(items: list[Candidate]) -> list[Candidate]:
    """One candidate per sentence; a stated date beats the publication day."""
    best: dict[tuple[str, int], Candidate] = {}
    for item in items:
        key = (item.sentence.article_id, item.sentence.start)
        if key not in best or (item.basis == "mentioned" and best[key].basis != "mentioned"):
            best[key] = item
    return list(best.values())


def _entry(value: str, score: float, group: list[Candidate], chosen: list[Candidate]
           ) -> TimelineEntry:
    stories = Counter(c.story_id for c in group)
    top = chosen[0]
    title = top.sentence.title if top.basis == "published" and top.sentence.title else None
    return TimelineEntry(
        date=value, granularity=top.granularity,
        basis="mentioned" if any(c.basis == "mentioned" for c in group) else "published",
        headline=headline(title or top.sentence.text),
        sentences=[c.sentence for c in chosen],
        story_id=stories.most_common(1)[0][0], story_ids=sorted(stories),
        citations=sorted({c.sentence.article_id for c in group}),
        outlets=sorted({c.sentence.outlet for c in group if c.sentence.outlet}),
        score=round(score, 3))


def _date_vector(group: list[Candidate]) -> Vector:
    """What the date's mentions and its day's reporting both say (their shared terms), or
    the centroid of all its candidates when one side is missing or they share nothing."""
    said = centroid([c.vector for c in group if c.basis == "mentioned"])
    led = centroid([c.vector for c in group if c.basis == "published"])
    if not said or not led:
        return centroid([c.vector for c in group])
    return (normalise({t: said[t] + led[t] for t in said.keys() & led.keys()})
            or centroid([c.vector for c in group]))


def _sort_key(entry: TimelineEntry) -> tuple[date, date, float]:
    start, end = bounds(entry.date or "9999")
    return start, end, -entry.score


def dated_entries(collected: _Collected, request: TimelineRequest, story_sizes: Counter[str],
                  options: TimelineOptions, tfidf: TfIdf) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    taken: list[Vector] = []
    dates = 0
    for items in collected.candidates.values():
        for item in items:
            item.vector = tfidf.vector(item.sentence.text)
    topic = centroid([c.vector for items in collected.candidates.values() for c in items]
                     ) if options.topic_weight else {}
    share = options.topic_weight
    weights = (topicality({a: tfidf.vector(text) for a, text in collected.articles.items()})
               if options.topical_dates else None)
    for value, score in rank_dates(collected.candidates, story_sizes, options.publication_weight,
                                   options.later_weight, weights):
        if dates >= request.max_dates:
            break
        # Each event of the date gets its own entry and sentences, the best covered first,
        # so a second event on the same day is never crowded out by the first one's quotes.
        made = 0
        for group in _events(_unique(collected.candidates[value]), options.merge_similarity):
            middle = _date_vector(group)
            relevance = [
                ((1 - share) * cosine(c.vector, middle) + share * cosine(c.vector, topic))
                * informativeness(c.sentence.text)
                * options.prior.factor(c.basis == "mentioned", c.dates_in_sentence,
                                       c.sentence.text)
                * (options.lang_boost if request.lang and c.sentence.lang == request.lang
                   else 1.0)
                for c in group]
            picked = mmr(relevance, [c.vector for c in group], request.sentences_per_date,
                         options.mmr_lambda, taken)
            if picked:
                taken.extend(group[i].vector for i in picked)
                entries.append(_entry(value, score, group, [group[i] for i in picked]))
                made += 1
        dates += made > 0
    return sorted(entries, key=_sort_key)


def undated_entries(collected: _Collected, k: int) -> list[TimelineEntry]:
    """Articles without a stated publication date: their gist, ordered by estimate only."""
    entries = []
    for member, article in collected.undated:
        sentences = [s for s in dated_sentences(article.text, article.language, None)
                     if len(s.text.split()) >= 6][:k]
        estimate = article.published_estimate.value if article.published_estimate else None
        entries.append((estimate or "9999", member.seq, TimelineEntry(
            date=None, granularity=None, basis=None,
            headline=headline(article.title or (sentences[0].text if sentences else "")),
            sentences=[cited_sentence(article, s.start, s.end) for s in sentences],
            story_id=member.story_id, story_ids=[member.story_id], citations=[article.id],
            outlets=[article.outlet] if article.outlet else [], score=0.0,
            estimate=estimate)))
    return [entry for *_, entry in sorted(entries, key=lambda item: (item[0], item[1]))]


def timeline_parts(store: ArticleReader, selection: Selection, request: TimelineRequest,
                   options: TimelineOptions) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """(dated entries in date order, undated entries) of the selected articles."""
    collected = _collect(store, selection, request, options)
    story_sizes = Counter(m.story_id for m in selection.members if m.duplicate_of is None)
    tfidf = fit_tfidf(collected.texts)
    dated = dated_entries(collected, request, story_sizes, options, tfidf)
    undated = (undated_entries(collected, request.sentences_per_date)
               if options.include_undated else [])
    return dated, undated


def select_and_build(store: SearchingReader, request: TimelineRequest,
                     options: TimelineOptions | None = None
                     ) -> tuple[Selection, list[TimelineEntry], list[TimelineEntry]]:
    selection = select(store, request)
    dated, undated = timeline_parts(store, selection, request, options or TimelineOptions())
    return selection, dated, undated
