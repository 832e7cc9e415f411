"""Entity precision on news text: what newsloom *reports* on real articles, judged by hand.

WikiANN and CoNLL F1 (:mod:`newsloom.eval.ner`) score the tagger on sentences in the style it
was trained on. What users see is different: the entities the corpus stage reports per article
after NER, mention clean-up (:mod:`newsloom.enrich.mentions`), per-article linking and
corpus-wide resolution (type vote). This module runs exactly that chain on real news articles
and scores it against a committed file of hand labels.

Articles (nothing of them is committed; they are read from the shared data at eval time):

- ``semeval-pairs-dev/articles.jsonl`` — real news in de, en, es, fr, pl (title + text);
- the seed articles (``.txt`` scrapes, through newsloom's own text extraction): de, nl;
- ``ner/conll2002/nl/val.conllu`` — Dutch news sentences (De Morgen, 2000), tokenised, grouped
  into pseudo-articles of :data:`CONLL_SENTENCES` consecutive sentences: the only Dutch news
  text here beside one seed;
- ``trafilatura-eval-dev/html/`` — web pages (news, blogs, municipal notices) in de, fr, es,
  pl, en…, through newsloom's own HTML extraction: fresh French and Spanish text once the
  SemEval articles of those languages were all labelled.

Labels: a TSV with ``lang, source, article, name, type, label, gold_type, note``. ``label`` is
``correct`` (a real named entity with the right type), ``wrong`` or ``?`` (drawn, not yet
labelled). ``gold_type`` is the right type, or ``-`` when the string is not a named entity at
all, so that a later system that changes only the type is judged without relabelling: a
reported entity counts as correct when ``(article, name)`` is labelled and ``gold_type`` equals
the reported type. Reported entities without a label are counted as *unlabelled* and shown,
so drift is visible; :func:`draw_sample` adds a seeded random sample of them for labelling.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console

#: Sentences per Dutch CoNLL pseudo-article.
CONLL_SENTENCES = 25
#: Pseudo-articles taken from CoNLL-2002 nl val (from its start).
CONLL_ARTICLES = 12
LANGS = ("de", "en", "es", "fr", "nl", "pl")
FIELDS = ("lang", "source", "article", "name", "type", "label", "gold_type", "note")


@dataclass(frozen=True, slots=True)
class NewsArticle:
    lang: str
    source: str  # "semeval", "seed", "conll2002-nl"
    id: str
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Reported:
    """One entity as newsloom reports it for one article."""

    lang: str
    source: str
    article: str
    name: str
    type: str
    surfaces: tuple[str, ...]
    mentions: int = 0  # in this article


@dataclass(frozen=True, slots=True)
class Label:
    lang: str
    source: str
    article: str
    name: str
    type: str  # the type reported when it was labelled
    label: str  # correct | wrong | ?
    gold_type: str  # PER/ORG/LOC/MISC, or "-" when not a named entity
    note: str = ""


@dataclass(slots=True)
class LangPrecision:
    lang: str
    reported: int = 0  # entities reported on the articles of this language
    labelled: int = 0  # of them, with a label
    correct: int = 0
    unlabelled: int = 0
    wrong: list[Reported] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.labelled if self.labelled else 0.0


# ------------------------------------------------------------------------------ articles


def load_articles(data: Path, seeds: Path | None) -> list[NewsArticle]:
    """The news articles of the module docstring that exist under ``data`` and ``seeds``."""
    out: list[NewsArticle] = []
    semeval = data / "semeval-pairs-dev" / "articles.jsonl"
    if semeval.is_file():
        with semeval.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("lang") in LANGS and record.get("text"):
                    out.append(NewsArticle(record["lang"], "semeval", str(record["id"]),
                                           record.get("title"), record["text"]))
    if seeds is not None and seeds.is_dir():
        out += _seed_articles(seeds)
    conll = data / "ner" / "conll2002" / "nl" / "val.conllu"
    if conll.is_file():
        out += _conll_articles(conll)
    pages = data / "trafilatura-eval-dev"
    if (pages / "evaldata.json").is_file():
        out += _web_pages(pages)
    return out


def _web_pages(folder: Path) -> list[NewsArticle]:
    entries = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    found = (_extracted(folder / "html" / entry["file"], url, "html", "trafilatura")
             for url, entry in sorted(entries.items())
             if (folder / "html" / entry["file"]).is_file())
    return [article for article in found if article is not None]


def _extracted(path: Path, source: str, content_type: Literal["text", "html"],
               kind: str) -> NewsArticle | None:
    """``path`` through newsloom's own extraction, or None when it yields no article."""
    from newsloom.extract import ExtractionError, extract
    from newsloom.model import RawDocument

    raw = RawDocument.create(content=path.read_text(encoding="utf-8", errors="replace"),
                             source_id=path.stem, source=source, content_type=content_type)
    try:
        article = extract(raw)
    except ExtractionError:
        return None
    if article.language not in LANGS:
        return None
    return NewsArticle(article.language, kind, path.stem, article.title, article.text)


def _seed_articles(folder: Path) -> list[NewsArticle]:
    found = (_extracted(path, str(path), "text", "seed") for path in sorted(folder.glob("*.txt")))
    return [article for article in found if article is not None]


def _conll_articles(path: Path) -> list[NewsArticle]:
    from newsloom.training.ner_data import read_conll

    sentences = [" ".join(tokens) for tokens, _ in read_conll(path)]
    out = []
    for n in range(CONLL_ARTICLES):
        chunk = sentences[n * CONLL_SENTENCES:(n + 1) * CONLL_SENTENCES]
        if chunk:
            out.append(NewsArticle("nl", "conll2002-nl", f"val-{n:02d}", None, "\n".join(chunk)))
    return out


# ------------------------------------------------------------------------------ system


def report_entities(articles: Sequence[NewsArticle], unconfirmed: bool = False
                    ) -> list[Reported]:
    """Run NER, mention clean-up, linking and corpus resolution (type vote included) over
    ``articles`` in order, as the corpus stage does (without document vectors, so the
    similar-name rule, which only joins spellings, is off); entities as finally typed, and
    only those newsloom lists once all articles are in (``Entity.confirmed``: named in two
    or more of them, persons named in full, vouched for) unless ``unconfirmed``."""
    from newsloom.enrich.entities import link_article
    from newsloom.enrich.ner import recognize_many
    from newsloom.enrich.resolve import EntityResolver
    from newsloom.settings import settings

    ner_chars = settings().ner_chars  # what the corpus stage gives NER
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        by_lang[article.lang].append(i)
    texts = [(f"{a.title}\n{a.text}" if a.title else a.text)[:ner_chars] for a in articles]
    mentions: list[list[object]] = [[] for _ in articles]
    for lang, members in by_lang.items():
        for i, found in zip(members, recognize_many([texts[i] for i in members], lang),
                            strict=True):
            mentions[i] = list(found)
    resolver = EntityResolver()
    per_article = []
    for i, article in enumerate(articles):
        linked = link_article(article.title, article.text[:ner_chars],
                              mentions[i], article.lang)  # type: ignore[arg-type]
        per_article.append(resolver.resolve_article(linked, article.lang))
    out = []
    for article, resolved in zip(articles, per_article, strict=True):
        for item in resolved:
            entity = resolver.entities[item.entity_id]
            if not (unconfirmed or entity.confirmed):
                continue
            out.append(Reported(article.lang, article.source, article.id, entity.name,
                                entity.type, item.surfaces, item.mentions))
    return out


# ------------------------------------------------------------------------------ labels


def read_labels(path: Path) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Label(**{k: (row.get(k) or "") for k in FIELDS}) for row in rows]


def write_labels(path: Path, labels: Iterable[Label]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(FIELDS)
        for label in labels:
            writer.writerow([getattr(label, k) for k in FIELDS])


def score(reported: Sequence[Reported], labels: Sequence[Label]) -> dict[str, LangPrecision]:
    """Precision per language over the labelled reported entities (see the docstring)."""
    gold = {(lb.source, lb.article, lb.name): lb for lb in labels if lb.label != "?"}
    out: dict[str, LangPrecision] = {}
    for item in reported:
        result = out.setdefault(item.lang, LangPrecision(item.lang))
        result.reported += 1
        label = gold.get((item.source, item.article, item.name))
        if label is None:
            result.unlabelled += 1
            continue
        result.labelled += 1
        if label.gold_type == item.type:
            result.correct += 1
        else:
            result.wrong.append(item)
    return dict(sorted(out.items()))


def draw_sample(reported: Sequence[Reported], labels: Sequence[Label], per_lang: int,
                seed: int = 10) -> list[Label]:
    """``labels`` plus up to ``per_lang`` unlabelled reported entities per language, drawn
    at random with ``seed`` (label ``?``, to be labelled by hand)."""
    known = {(lb.source, lb.article, lb.name) for lb in labels}
    pool: dict[str, list[Reported]] = defaultdict(list)
    for item in reported:
        if (item.source, item.article, item.name) not in known:
            pool[item.lang].append(item)
    rng = random.Random(seed)
    added = []
    for lang in sorted(pool):
        items = sorted(set(pool[lang]), key=lambda r: (r.source, r.article, r.name, r.type))
        for item in rng.sample(items, min(per_lang, len(items))):
            added.append(Label(item.lang, item.source, item.article, item.name, item.type, "?",
                               "", " | ".join(item.surfaces[:3])))
    return [*labels, *sorted(added, key=lambda lb: (lb.lang, lb.source, lb.article, lb.name))]


def summary(results: dict[str, LangPrecision]) -> dict[str, object]:
    """JSON-ready numbers: per language and over all labelled entities."""
    labelled = sum(r.labelled for r in results.values())
    correct = sum(r.correct for r in results.values())
    return {
        "languages": {lang: {"precision": round(r.precision, 3), "labelled": r.labelled,
                             "correct": r.correct, "reported": r.reported,
                             "unlabelled": r.unlabelled,
                             "wrong": [f"{w.name} ({w.type})" for w in r.wrong]}
                      for lang, r in results.items()},
        "precision": round(correct / labelled, 3) if labelled else 0.0,
        "labelled": labelled,
        "types": dict(Counter(w.type for r in results.values() for w in r.wrong)),
    }


_ROUND = re.compile(r"round (\d+)\b")


def label_round(label: Label) -> int | None:
    """The labelling round a label's note names ("round 9 (…): …"); None before rounds."""
    found = _ROUND.match(label.note)
    return int(found.group(1)) if found else None


def of_rounds(labels: Sequence[Label], rounds: frozenset[int]) -> list[Label]:
    """The labels of ``rounds`` (all of them when ``rounds`` is empty)."""
    return [lb for lb in labels if not rounds or label_round(lb) in rounds]


def run(sample: Path, data: Path, seeds: Path | None, draw: int = 0,
        unconfirmed: bool = False, rounds: frozenset[int] = frozenset()
        ) -> dict[str, LangPrecision]:
    """``eval ner --news-sample``: report entities on the news articles, optionally add
    ``draw`` unlabelled ones per language to ``sample``, and score against its labels (only
    those of ``rounds`` when given: labels drawn after a rule was written measure it
    fresh)."""
    labels = read_labels(sample) if sample.is_file() else []
    reported = report_entities(load_articles(data, seeds), unconfirmed)
    if draw:
        write_labels(sample, draw_sample(reported, labels, draw))
        labels = read_labels(sample)
    return score(reported, of_rounds(labels, rounds))


def print_table(results: dict[str, LangPrecision], console: Console) -> None:
    from rich.table import Table

    table = Table("lang", "precision", "correct", "labelled", "reported", "unlabelled",
                  "wrong (reported type)")
    for lang, row in results.items():
        table.add_row(lang, f"{row.precision:.3f}", str(row.correct), str(row.labelled),
                      str(row.reported), str(row.unlabelled),
                      ", ".join(f"{w.name} ({w.type})" for w in row.wrong[:8]))
    console.print(table)
    numbers = summary(results)
    console.print(f"all languages: precision {numbers['precision']} "
                  f"over {numbers['labelled']} labelled entities")
