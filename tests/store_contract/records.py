"""Records the contract tests write through the ports: pages (document + article), feature rows,
entities, and one small clustered corpus built the way the corpus stage commits batches."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from newsloom.model import (
    Article,
    ClusterEvent,
    Entity,
    EntityType,
    EventDate,
    PublicationDate,
    RawDocument,
    ResolvedEntity,
)
from newsloom.store.ports import Backend, FeatureRow

DIM = 4


def page(source_id: str, text: str | None = None, *, key: str | None = None,
         title: str | None = None, language: str | None = "en", outlet: str | None = None,
         published: str | None = None) -> tuple[RawDocument, Article]:
    """A document and its article; the id is the content's hash, so another text under the
    same ``key`` (default: the source id) is another version of the page."""
    text = text if text is not None else f"Text of {source_id}."
    doc_id = hashlib.sha1(text.encode()).hexdigest()[:16]
    doc = RawDocument(id=doc_id, source_id=source_id, source=f"{source_id}.txt",
                      version_key=key or source_id, content_type="text", content=text)
    stated = PublicationDate(published, 0.9, "metadata") if published else None
    return doc, Article(id=doc_id, source_id=source_id, source=f"{source_id}.txt", url=None,
                        title=title if title is not None else f"Title {source_id}",
                        outlet=outlet, authors=[], published=stated, published_estimate=None,
                        language=language, language_confidence=0.99 if language else None,
                        text=text)


def vector(*values: float) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def entity(entity_id: str, name: str, kind: EntityType = "PER",
           aliases: dict[str, list[str]] | None = None, articles: int = 1) -> Entity:
    return Entity(entity_id, f"name:{name.lower()}", name, kind, aliases or {"en": [name]},
                  articles)


def mention(entity_id: str, name: str, salience: float = 1.0, kind: EntityType = "PER"
            ) -> ResolvedEntity:
    return ResolvedEntity(entity_id, name, kind, 1, salience, (name,))


def feature(article_id: str, seq: int, story: str, values: Sequence[float], *,
            duplicate_of: str | None = None, mentions: Sequence[ResolvedEntity] = (),
            terms: dict[str, int] | None = None, signature: int = 0,
            bands: Sequence[tuple[int, bytes]] = (), event_date: EventDate | None = None
            ) -> FeatureRow:
    return FeatureRow(article_id, seq, "test-embedder", vector(*values),
                      np.full(8, signature, dtype=np.uint64), duplicate_of, story,
                      list(mentions), bands, terms or {}, event_date)


@dataclass(frozen=True)
class Corpus:
    """Ids of the clustered corpus: ``ids[source_id]`` is the article id."""

    ids: dict[str, str]
    ada: Entity
    acme: Entity


def clustered(store: Backend) -> Corpus:
    """Four articles in one committed batch, the way the corpus stage writes them:

    * story ``s1``: ``a`` and ``b`` (``b`` a near-duplicate of ``a``), both naming Ada;
    * story ``s2``: ``c``, naming Ada and Acme;
    * story ``s3``: ``d``, naming Acme.
    """
    pages = [page("a", "Ada Lovelace opens the engine hall.", outlet="Daily",
                  published="2024-03-01"),
             page("b", "Ada Lovelace opens the engine hall!", outlet="Weekly"),
             page("c", "Acme hires Ada Lovelace.", language="de", outlet="Daily"),
             page("d", "Acme reports profits.", outlet="Daily")]
    store.add(pages)
    ids = {doc.source_id: doc.id for doc, _ in pages}
    ada = entity("e-ada", "Ada Lovelace", aliases={"en": ["Ada Lovelace", "Countess Lovelace"]},
                 articles=3)
    acme = entity("e-acme", "Acme", "ORG", articles=2)
    seq = {article: s for s, article in store.pending_articles(10)}
    rows = [
        feature(ids["a"], seq[ids["a"]], "s1", (1, 0, 0, 0),
                mentions=[mention(ada.id, ada.name, 2.0)], terms={"engine": 1, "hall": 1},
                signature=1, bands=[(0, b"a0"), (1, b"a1")],
                event_date=EventDate(date(2024, 3, 1), "day", "published")),
        feature(ids["b"], seq[ids["b"]], "s1", (1, 0, 0, 0), duplicate_of=ids["a"],
                mentions=[mention(ada.id, ada.name, 2.0)], terms={"engine": 1}, signature=1),
        feature(ids["c"], seq[ids["c"]], "s2", (0, 1, 0, 0),
                mentions=[mention(ada.id, ada.name, 1.0),
                          mention(acme.id, acme.name, 0.5, "ORG")],
                terms={"hires": 1}, signature=2, bands=[(0, b"c0"), (1, b"a1")]),
        feature(ids["d"], seq[ids["d"]], "s3", (0, 0, 1, 0),
                mentions=[mention(acme.id, acme.name, 1.5, "ORG")], terms={"profits": 1},
                signature=3, bands=[(0, b"d0")]),
    ]
    events = [ClusterEvent("create", "s1", ids["a"]), ClusterEvent("join", "s1", ids["b"]),
              ClusterEvent("create", "s2", ids["c"]), ClusterEvent("create", "s3", ids["d"])]
    store.save_corpus_batch(rows, [ada, acme], [], events)
    return Corpus(ids, ada, acme)
