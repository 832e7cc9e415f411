"""Extractive summaries of a story or storyline: 3-5 cited sentences.

Sentences of the independent articles are scored by similarity to the TF-IDF centroid of all
of them (central), informativeness (length) and position (leads carry the news), then chosen
by MMR (not redundant). With a target language, sentences in it are preferred; the others keep
their language tag. Shown in reading order: publication date, then ingest order, then offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from newsloom.cluster.views import build_story
from newsloom.model import Article, MemberRow, Summary, TimelineSentence
from newsloom.text.sentences import split_sentences
from newsloom.text.timex import normalise_lang
from newsloom.timeline.build import cited_sentence
from newsloom.timeline.select import UnknownTarget
from newsloom.timeline.textsim import centroid, cosine, fit_tfidf, informativeness, mmr

if TYPE_CHECKING:
    from newsloom.store.ports import ArticleReader, StoryReader

MIN_SENTENCES = 3
MAX_SENTENCES = 5


@dataclass(frozen=True)
class SummaryOptions:
    mmr_lambda: float = 0.7
    lang_boost: float = 1.5
    position_decay: float = 0.15  # relevance × 1 / (1 + decay · sentence index)
    max_sentences_per_article: int = 30  # later paragraphs are background


def _length(articles: int) -> int:
    """Two sentences more than independent articles, between 3 and 5."""
    return max(MIN_SENTENCES, min(MAX_SENTENCES, articles + 2))


def summarize_members(store: ArticleReader, kind: Literal["story", "storyline"], ident: str,
                      title: str, members: list[MemberRow], lang: str | None = None,
                      options: SummaryOptions | None = None) -> Summary:
    options = options or SummaryOptions()
    lang = normalise_lang(lang)
    candidates: list[tuple[MemberRow, Article, TimelineSentence, int]] = []
    for member in members:
        if member.duplicate_of is not None:
            continue
        article = store.get_article(member.article_id)
        if article is None:
            continue
        spans = [(s, e) for s, e in split_sentences(article.text)
                 if len(article.text[s:e].split()) >= 6][:options.max_sentences_per_article]
        candidates.extend((member, article, cited_sentence(article, s, e), i)
                          for i, (s, e) in enumerate(spans))
    independent = len({m.article_id for m, *_ in candidates})
    if not candidates:
        return Summary(kind, ident, title, [], lang, independent)
    tfidf = fit_tfidf([c[2].text for c in candidates])
    vectors = [tfidf.vector(c[2].text) for c in candidates]
    middle = centroid(vectors)
    relevance = [
        cosine(v, middle) * informativeness(c[2].text) / (1 + options.position_decay * c[3])
        * (options.lang_boost if lang and c[2].lang == lang else 1.0)
        for v, c in zip(vectors, candidates, strict=True)]
    picked = mmr(relevance, vectors, _length(independent), options.mmr_lambda)
    ordered = sorted(picked, key=lambda i: (candidates[i][0].published or "9999",
                                            candidates[i][0].seq, candidates[i][2].start))
    return Summary(kind, ident, title, [candidates[i][2] for i in ordered], lang, independent)


def summarize_story(store: StoryReader, story_id: str, lang: str | None = None) -> Summary:
    # A merged id summarises its survivor, and the summary names the survivor.
    story_id = store.resolve_story(story_id)
    members = store.story_members([story_id])
    if not members:
        raise UnknownTarget(f"no story {story_id!r} (see `newsloom stories`)")
    title = build_story(story_id, members, [], None, lang).title
    return summarize_members(store, "story", story_id, title, members, lang)


def summarize_storyline(store: StoryReader, storyline_id: str, lang: str | None = None
                        ) -> Summary:
    # An absorbed line's id summarises its survivor, and the summary names the survivor.
    storyline_id = store.resolve_storyline(storyline_id) or storyline_id
    stories = sorted(s for s, line in store.storyline_of().items() if line == storyline_id)
    if not stories:
        raise UnknownTarget(f"no storyline {storyline_id!r} (see `newsloom storylines`)")
    label = store.storyline_labels().get(storyline_id) or storyline_id
    return summarize_members(store, "storyline", storyline_id, label,
                             store.story_members(stories), lang)
