"""A deterministic synthetic news corpus of any size, recombined from real articles.

The scale benchmark needs tens of thousands of articles that cost what real ones cost: real
sentences in real languages (NER and the encoder see real names and real syntax), realistic
lengths, realistic dates, some syndicated copies and re-posts, and enough distinct content
that the duplicate detector and the clustering do real work. We have a few thousand real
articles (``../shared/data``), so each synthetic article keeps the title and lead of a real
one (what makes several reports "about the same event") and fills its body with real
paragraphs of other articles in the same language, up to a length drawn from the real length
distribution of that language. Dates follow the ingest order over two years, as a crawl
arrives. All randomness comes from one seeded ``random.Random``: same seed, same bytes.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from newsloom.text.ptb import detokenise

#: Share of each language in the generated corpus (renormalised over the languages the data
#: has): English and German dominate the available real text and the project's users.
DEFAULT_MIX: dict[str, float] = {"en": 0.46, "de": 0.32, "es": 0.08, "fr": 0.07, "pl": 0.05,
                                 "tr": 0.02}
#: Re-posts with a changed byline/footer (near-duplicates) and syndicated identical copies.
NEAR_DUPLICATE_RATE = 0.06
EXACT_DUPLICATE_RATE = 0.02
#: Body lengths are drawn from the real articles of the language, clamped to this range: the
#: few 100 kB page dumps in the data are not news articles.
MIN_CHARS, MAX_CHARS = 400, 12_000
_MIN_PARAGRAPH = 60
_RECENT = 500  # duplicates copy one of the last this-many fresh articles
_START = date(2021, 1, 1)
_SPAN_DAYS = 730
_TLD = {"en": "com", "de": "de", "es": "es", "fr": "fr", "pl": "pl", "tr": "com.tr"}
_OUTLETS_PER_LANGUAGE = 40
#: What a re-post adds: an agency credit line, per language (English for the rest).
_CREDIT = {"de": "Mit Material von dpa und Reuters.", "es": "Con información de EFE.",
           "fr": "Avec AFP.", "pl": "Źródło: PAP.", "tr": "Kaynak: Anadolu Ajansı.",
           "en": "Additional reporting by Reuters."}


@dataclass(frozen=True, slots=True)
class Source:
    """One real article: the material synthetic articles are made of."""

    lang: str
    title: str
    paragraphs: tuple[str, ...]
    published: date | None
    origin: str

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    articles: int = 50_000
    seed: int = 13
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    near_duplicate_rate: float = NEAR_DUPLICATE_RATE
    exact_duplicate_rate: float = EXACT_DUPLICATE_RATE


@dataclass(slots=True)
class CorpusStats:
    files: list[Path] = field(default_factory=list)
    articles: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    chars: int = 0
    sources: dict[str, int] = field(default_factory=dict)  # real articles per language

    @property
    def mean_chars(self) -> float:
        return self.chars / self.articles if self.articles else 0.0


def detokenize(text: str) -> str:
    """Undo Penn-Treebank tokenisation (timeline17 texts: "world 's", "-LRB-")."""
    return detokenise(text).strip()


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p for p in (" ".join(x.split()) for x in re.split(r"\n\s*\n|\n", text))
                 if len(p) >= _MIN_PARAGRAPH)


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _first_sentence(paragraph: str, limit: int = 110) -> str:
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0]


def load_sources(data: Path) -> list[Source]:
    """Every usable real article under ``data`` (missing datasets are simply absent)."""
    found: list[Source] = []
    semeval = data / "semeval-pairs-dev" / "articles.jsonl"
    if semeval.is_file():
        for r in _jsonl(semeval):
            paragraphs = _paragraphs(str(r.get("text") or ""))
            if r.get("title") and paragraphs:
                found.append(Source(str(r["lang"]), str(r["title"]), paragraphs,
                                    _iso(r.get("published")), f"semeval:{r['id']}"))
    for path in sorted((data / "timeline17-dev").glob("*/articles.jsonl")):
        for r in _jsonl(path):
            paragraphs = _paragraphs(detokenize(str(r.get("text") or "")))
            if len(paragraphs) >= 2:  # no title in the data: the first sentence serves
                found.append(Source("en", _first_sentence(paragraphs[0]), paragraphs[1:],
                                    _iso(r.get("time")), f"{path.parent.name}:{r['id']}"))
    found.extend(_trafilatura_sources(data / "trafilatura-eval-dev"))
    return found


def _trafilatura_sources(root: Path) -> list[Source]:
    evaldata = root / "evaldata.json"
    if not evaldata.is_file():
        return []
    from newsloom.extract.language import detect_language

    found = []
    for key, item in sorted(json.loads(evaldata.read_text(encoding="utf-8")).items()):
        rendering = root / "text" / (str(item["file"]).rsplit(".", 1)[0] + ".txt")
        if not rendering.is_file() or not item.get("title"):
            continue
        # Long lines of the naive rendering are mostly article text; the boilerplate left
        # (cookie notices, long menus) is what real scraped text carries too.
        lines = tuple(ln for ln in _paragraphs(rendering.read_text(encoding="utf-8"))
                      if len(ln) >= 120)
        lang = detect_language(" ".join(lines)).code if lines else None
        if lang and lines:
            found.append(Source(lang, str(item["title"]), lines, _iso(item.get("date")),
                                f"trafilatura:{key}"))
    return found


class _Generator:
    def __init__(self, sources: list[Source], spec: CorpusSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.by_lang: dict[str, list[Source]] = {}
        for source in sources:
            self.by_lang.setdefault(source.lang, []).append(source)
        mix = {lang: w for lang, w in spec.mix.items() if w > 0 and lang in self.by_lang}
        if not mix:
            raise ValueError(f"no source articles for any language in {sorted(spec.mix)}")
        self.languages = sorted(mix)
        self.weights = [mix[lang] for lang in self.languages]
        self.pool = {lang: [p for s in self.by_lang[lang] for p in s.paragraphs]
                     for lang in self.languages}
        self.recent: deque[dict[str, object]] = deque(maxlen=_RECENT)
        self.seen: set[tuple[str, ...]] = set()

    def _url(self, lang: str, day: date, k: int) -> str:
        outlet = self.rng.randrange(_OUTLETS_PER_LANGUAGE)
        host = f"news{outlet:02d}.example.{_TLD.get(lang, 'com')}"
        return f"https://{host}/{day:%Y/%m/%d}/article-{k:06d}"

    def _day(self, k: int) -> date:
        return _START + timedelta(days=k * _SPAN_DAYS // max(1, self.spec.articles)
                                  + self.rng.randrange(3))

    def fresh(self, k: int) -> dict[str, object]:
        lang = self.rng.choices(self.languages, self.weights)[0]
        sources = self.by_lang[lang]
        base = self.rng.choice(sources)
        target = min(MAX_CHARS, max(MIN_CHARS, self.rng.choice(sources).chars))
        body = [base.paragraphs[0]]
        own = list(base.paragraphs[1:])
        size = len(body[0])
        while size < target:
            # Half the body continues the base article, half comes from other articles: the
            # result reads like one report and differs from every other copy of the base.
            if own and self.rng.random() < 0.5:
                paragraph = own.pop(0)
            else:
                paragraph = self.rng.choice(self.pool[lang])
            body.append(paragraph)
            size += len(paragraph)
        while tuple(body) in self.seen:  # only copies repeat a text, fresh articles never
            body.append(self.rng.choice(self.pool[lang]))
        self.seen.add(tuple(body))  # tuples of pooled strings: references, not copies
        day = self._day(k)
        record: dict[str, object] = {
            "id": f"syn-{k:06d}", "url": self._url(lang, day, k), "title": base.title,
            "text": "\n\n".join(body), "published": day.isoformat(), "kind": "fresh",
            "base": base.origin, "corpus_lang": lang}
        if self.rng.random() < 0.7:  # feeds usually declare a language, not always
            record["lang"] = lang
        self.recent.append(record)
        return record

    def copy(self, k: int, exact: bool) -> dict[str, object]:
        original = self.rng.choice(self.recent)
        lang = str(original["corpus_lang"])
        day = _iso(original["published"]) or self._day(k)
        record = dict(original, id=f"syn-{k:06d}", kind="exact" if exact else "near",
                      copy_of=original["id"])
        if not exact:
            # A re-post: the agency credit added and sometimes a short closing paragraph cut
            # (at most a tenth of the text), a day later: well above the duplicate threshold
            # in shingle overlap, with a different content hash.
            paragraphs = str(original["text"]).split("\n\n")
            if (len(paragraphs) >= 4 and self.rng.random() < 0.5
                    and len(paragraphs[-1]) * 10 <= len(str(original["text"]))):
                paragraphs = paragraphs[:-1]
            record["text"] = "\n\n".join([*paragraphs, _CREDIT.get(lang, _CREDIT["en"])])
            day += timedelta(days=self.rng.randrange(2))
            record["published"] = day.isoformat()
        record["url"] = self._url(lang, day, k)
        return record

    def __call__(self, k: int) -> dict[str, object]:
        roll = self.rng.random()
        if self.recent and roll < self.spec.exact_duplicate_rate:
            return self.copy(k, exact=True)
        if self.recent and roll < self.spec.exact_duplicate_rate + self.spec.near_duplicate_rate:
            return self.copy(k, exact=False)
        return self.fresh(k)


def generate(sources: list[Source], spec: CorpusSpec) -> Iterator[dict[str, object]]:
    """The corpus, one JSONL record at a time, in ingest order."""
    make = _Generator(sources, spec)
    for k in range(spec.articles):
        yield make(k)


def write_corpus(sources: list[Source], spec: CorpusSpec, out_dir: Path,
                 batch_size: int) -> CorpusStats:
    """Write the corpus as ``batch-NNNNN.jsonl`` files of ``batch_size`` records each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats(sources=dict(Counter(s.lang for s in sources)))
    handle = None
    try:
        for k, record in enumerate(generate(sources, spec)):
            if k % batch_size == 0:
                if handle is not None:
                    handle.close()
                path = out_dir / f"batch-{k // batch_size:05d}.jsonl"
                stats.files.append(path)
                handle = path.open("w", encoding="utf-8")
            assert handle is not None
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            stats.articles += 1
            stats.by_kind[str(record["kind"])] += 1
            stats.by_language[str(record["corpus_lang"])] += 1
            stats.chars += len(str(record["text"]))
    finally:
        if handle is not None:
            handle.close()
    return stats
