"""How records become stored columns and back, the same for every backend: the JSON-encoded
columns of an article, a document's metadata, an entity row, the surname key, a story's and
a storyline's listing record. Backends keep the SQL; what a column holds is decided once, here
(and the story-profile sums in store/profile_sums.py). No numpy here: the read commands
import this module through the ports and never touch a vector."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

from newsloom.model import (
    Article,
    DateEstimate,
    Entity,
    EntityRef,
    PublicationDate,
    RawDocument,
    RemovedLine,
    Story,
    StorylineRecord,
)
from newsloom.store.records import ArticleListFilter, ClusterState

#: The stored columns of an article, in table order.
ARTICLE_COLUMNS = (
    "id", "source_id", "source", "url", "title", "outlet", "authors", "published",
    "published_confidence", "published_source", "published_estimate", "language",
    "language_confidence", "text", "removed_lines", "extractor", "wire_source",
)
#: The stored columns of an entity, in the order :func:`entity_from_row` reads them.
ENTITY_COLUMNS = ("id", "key", "name", "type", "aliases", "articles", "vouched")
#: :func:`newsloom.model.entities.confirmed_entity` in SQL (both stores), over ``entities``
#: (``e.`` prefixed in :data:`CONFIRMED_E_SQL`): the entities newsloom lists.
#: (Literal SQL, as psycopg's typing wants; a test ties the 2 to CORROBORATING_ARTICLES.)
CONFIRMED_SQL: Final = "(articles >= 2 OR vouched OR (type = 'PER' AND surname IS NOT NULL))"
CONFIRMED_E_SQL: Final = (
    "(e.articles >= 2 OR e.vouched OR (e.type = 'PER' AND e.surname IS NOT NULL))")


def article_values(article: Article) -> list[Any]:
    """The article's column values in :data:`ARTICLE_COLUMNS` order (lists and the
    estimate JSON-encoded)."""
    record = article.to_record()
    record["authors"] = json.dumps(record["authors"], ensure_ascii=False)
    record["published_estimate"] = (
        json.dumps(record["published_estimate"]) if record["published_estimate"] else None
    )
    record["removed_lines"] = json.dumps(record["removed_lines"], ensure_ascii=False)
    record["extractor"] = article.extractor
    return [record[column] for column in ARTICLE_COLUMNS]


def article_from_row(row: Mapping[str, Any]) -> Article:
    """An article from a row with the :data:`ARTICLE_COLUMNS` by name."""
    published = (
        PublicationDate(row["published"], float(row["published_confidence"] or 0.0),
                        row["published_source"])
        if row["published"] else None
    )
    estimate = row["published_estimate"]
    return Article(
        id=row["id"], source_id=row["source_id"], source=row["source"], url=row["url"],
        title=row["title"], outlet=row["outlet"], authors=json.loads(row["authors"]),
        published=published,
        published_estimate=DateEstimate(**json.loads(estimate)) if estimate else None,
        language=row["language"], language_confidence=row["language_confidence"],
        text=row["text"],
        removed_lines=[RemovedLine(**line) for line in json.loads(row["removed_lines"])],
        extractor=row["extractor"], wire_source=row["wire_source"],
    )


def document_meta(doc: RawDocument) -> str:
    """The container metadata stored beside a document's content, as JSON."""
    meta = {"title": doc.title, "published": doc.published, "language": doc.language,
            "authors": list(doc.authors), "metadata": doc.metadata}
    return json.dumps(meta, ensure_ascii=False, default=str)


def document_from_row(row: Mapping[str, Any], content: str) -> RawDocument:
    meta = json.loads(row["meta"])
    return RawDocument(
        id=row["id"], source_id=row["source_id"], source=row["source"],
        version_key=row["version_key"], content_type=row["content_type"], content=content,
        url=row["url"], title=meta.get("title"), published=meta.get("published"),
        language=meta.get("language"), authors=tuple(meta.get("authors") or ()),
        metadata=meta.get("metadata") or {},
    )


def entity_from_row(row: Sequence[Any]) -> Entity:
    """An entity from a row with the :data:`ENTITY_COLUMNS` in order (aliases as JSON)."""
    return Entity(str(row[0]), str(row[1]), str(row[2]), row[3], json.loads(str(row[4])),
                  int(row[5]), bool(row[6]))


def cluster_state(features: Iterable[Sequence[Any]], stories: Iterable[Sequence[Any]],
                  entity_df: Counter[str], term_df: Counter[str], vector_sum: Any
                  ) -> ClusterState:
    """What the clusterer resumes from, out of the stored (article id, seq, story id) rows of
    the features in seq order and (story id, created seq, merged into) rows of the stories."""
    story_of: dict[str, str] = {}
    keys: dict[int, str] = {}
    for article_id, seq, story in features:
        story_of[article_id] = story
        keys[int(seq)] = article_id
    created: dict[str, int] = {}
    redirects: dict[str, str] = {}
    for story, seq, merged_into in stories:
        created[story] = int(seq)
        if merged_into:
            redirects[story] = merged_into
    return ClusterState(story_of, keys, entity_df, created, redirects, term_df, vector_sum)


def kept_count(filters: ArticleListFilter) -> tuple[str, list[str]] | None:
    """The ``article_counts`` rows (facet, values) whose sum is the number of current
    articles passing ``filters``, when the trigger-kept counts can answer (no filter, by
    language only, by outlet only); None when the articles must be counted."""
    if filters == ArticleListFilter():
        return "all", [""]
    if filters == ArticleListFilter(languages=filters.languages):
        return "language", sorted(set(filters.languages))
    if filters.outlet and filters == ArticleListFilter(outlet=filters.outlet):
        return "outlet", [filters.outlet]
    return None


def index_form(term: str) -> str:
    """``term`` as the keyword index stores it: lower case, diacritics removed (SQLite's FTS5
    ``unicode61 remove_diacritics 2``; the PostgreSQL store folds its lemmas the same way
    before ``to_tsvector``)."""
    decomposed = unicodedata.normalize("NFD", term.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def published_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# -- the listing records (a story's and a storyline's derived attributes, as JSON) --------------

def _refs_json(refs: Sequence[EntityRef]) -> list[list[object]]:
    return [[r.id, r.name, r.type, r.mentions] for r in refs]


def _refs(items: Iterable[Any]) -> list[EntityRef]:
    """Key entities as stored: [id, name, type, mentions] lists read back from JSON."""
    return [EntityRef(str(i[0]), str(i[1]), i[2], int(i[3])) for i in items]


def story_record(story: Story) -> str:
    """The story's attributes but its id and storyline (columns of their own)."""
    return json.dumps({
        "title": story.title, "languages": story.languages, "article_ids": story.article_ids,
        "duplicates": story.duplicates, "sources": story.sources,
        "key_entities": _refs_json(story.key_entities), "first_seen": story.first_seen,
        "last_seen": story.last_seen}, ensure_ascii=False)


def story_from_record(story_id: str, storyline_id: str | None, record: str) -> Story:
    data = json.loads(record)
    return Story(id=story_id, title=data["title"], languages=data["languages"],
                 article_ids=data["article_ids"], duplicates=int(data["duplicates"]),
                 sources=int(data["sources"]), key_entities=_refs(data["key_entities"]),
                 first_seen=data["first_seen"], last_seen=data["last_seen"],
                 storyline_id=storyline_id)


def storyline_record(line: StorylineRecord) -> str:
    return json.dumps({
        "label": line.label, "story_ids": line.story_ids,
        "key_entities": _refs_json(line.key_entities), "first_seen": line.first_seen,
        "last_seen": line.last_seen}, ensure_ascii=False)


def storyline_from_record(line_id: str, record: str) -> StorylineRecord:
    data = json.loads(record)
    return StorylineRecord(id=line_id, label=data["label"], story_ids=data["story_ids"],
                           key_entities=_refs(data["key_entities"]),
                           first_seen=data["first_seen"], last_seen=data["last_seen"])
