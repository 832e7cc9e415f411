"""simplemma's lexicons as sorted files on disk, for lemmatising a few words without loading
a whole lexicon.

simplemma keeps each language's word → lemma table front-coded and compressed; its first
lookup in a language decodes the whole table into a dict in pure Python: 0.4 s for English,
2 s for German, 6.6 s for Polish (1-3.7 million entries; measured, docs/benchmarks.md "CLI
latency"). That is right for ingest, which lemmatises every word of every article, and wrong
for a query of three words lemmatised in the corpus's six largest languages, where it was 17
of the 21 s that ``newsloom timeline --query`` took. Here each table is written once to a
sorted file (``key \\t lemma \\n`` per entry, then the offset of every BLOCK-th entry) that
later processes map into memory and binary-search: opening it costs nothing and a lookup
reads a few pages.

The file is derived and deterministic (newsloom/cache.py): its name holds simplemma's version
and the size and modification time of the data file it came from, so an upgrade (or a
reinstall) of simplemma builds a new one; old ones can be deleted at any time. Lemmas
through :class:`IndexedDictionaryFactory` are those of simplemma's own dictionaries, since
simplemma's strategies only ever call ``get`` on the mapping (tests/test_lexicon_index.py
compares both on real words).
"""

from __future__ import annotations

import array
import logging
import mmap
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from simplemma.__metadata__ import __version__ as SIMPLEMMA_VERSION
from simplemma.strategies.dictionaries.dictionary_factory import (
    DATA_FOLDER,
    SUPPORTED_LANGUAGES,
    CachingDictionaryFactory,
    DecodedStrMapping,
    DefaultDictionaryFactory,
)

from newsloom.cache import cache_dir, source_stamp, write_atomically

log = logging.getLogger("newsloom")

#: Format of the files; a change here makes every process build new ones.
FORMAT = 2
MAGIC = b"newsloom-lexicon\n"
#: Entries per block: a lookup bisects the blocks' first keys, then scans one block.
BLOCK = 32
_HEADER = len(MAGIC) + 3 * 8  # magic, then entry count, block count and index offset
_BELOW_TAB = re.compile(rb"[\x00-\x08]")


def index_path(lang: str, root: Path | None = None) -> Path:
    """The file for ``lang``'s lexicon under ``root`` (default :func:`cache_dir`)."""
    stamp = source_stamp(DATA_FOLDER / f"{lang}.plzma")
    return ((root or cache_dir()) / "lexicons" / f"simplemma-{SIMPLEMMA_VERSION}"
            / f"{lang}-{stamp}.v{FORMAT}.lex")


def write_index(entries: Mapping[str, str], path: Path) -> None:
    """Write ``entries`` as a lexicon file at ``path`` (atomically). Raises ValueError for a
    key or value holding a tab, a line break or a lower control character, which the format
    cannot hold."""
    records = [b"%s\t%s\n" % (k.encode(), v.encode()) for k, v in entries.items()]
    records.sort()
    body = b"".join(records)
    # one tab and one line break per record, and no byte below the tab, so that sorting the
    # records sorts them by key (a key ends where its tab sorts below anything that follows)
    if (body.count(b"\t") != len(records) or body.count(b"\n") != len(records)
            or _BELOW_TAB.search(body)):
        raise ValueError("a lexicon entry holds a control character")
    starts = array.array("Q", [0]) * ((len(records) + BLOCK - 1) // BLOCK)
    offset = _HEADER
    for number, record in enumerate(records):
        if number % BLOCK == 0:
            starts[number // BLOCK] = offset
        offset += len(record)

    def write(stream: BinaryIO) -> None:
        stream.write(MAGIC)
        stream.write(array.array("Q", [len(records), len(starts), offset]).tobytes())
        stream.write(body)
        stream.write(starts.tobytes())

    write_atomically(path, write)


class IndexedLexicon(DecodedStrMapping):
    """Read-only word → lemma mapping over a lexicon file mapped into memory."""

    __slots__ = ("_count", "_end", "_map", "_starts")

    def __init__(self, data: mmap.mmap, count: int, starts: array.array[int], end: int
                 ) -> None:
        self._map = data
        self._count = count
        self._starts = starts
        self._end = end

    @classmethod
    def open(cls, path: Path) -> IndexedLexicon:
        """Map the file at ``path``; ValueError when it is not a complete lexicon file."""
        with path.open("rb") as stream:
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:len(MAGIC)] != MAGIC or len(data) < _HEADER:
            data.close()
            raise ValueError(f"{path} is not a lexicon file")
        count, blocks, end = array.array("Q", data[len(MAGIC):_HEADER])
        if end + 8 * blocks != len(data):
            data.close()
            raise ValueError(f"{path} is truncated")
        return cls(data, count, array.array("Q", data[end:]), end)

    def _key_at(self, offset: int) -> bytes:
        return self._map[offset:self._map.find(b"\t", offset)]

    def _lookup(self, key: str) -> str | None:
        target = key.encode()
        block = bisect_right(self._starts, target, key=self._key_at) - 1
        if block < 0:
            return None
        position = self._starts[block]
        stop = self._starts[block + 1] if block + 1 < len(self._starts) else self._end
        while position < stop:
            tab = self._map.find(b"\t", position)
            stored = self._map[position:tab]
            line_end = self._map.find(b"\n", tab)
            if stored == target:
                return self._map[tab + 1:line_end].decode()
            if stored > target:
                return None
            position = line_end + 1
        return None

    def __iter__(self) -> Iterator[str]:
        position = _HEADER
        while position < self._end:
            tab = self._map.find(b"\t", position)
            yield self._map[position:tab].decode()
            position = self._map.find(b"\n", tab) + 1

    def __len__(self) -> int:
        return self._count


def open_lexicon(lang: str, root: Path | None = None) -> IndexedLexicon:
    """``lang``'s lexicon file, built first when missing (one full simplemma load)."""
    path = index_path(lang, root)
    try:
        return IndexedLexicon.open(path)
    except (OSError, ValueError):
        pass
    log.info("building the %s lexicon index at %s (once per simplemma version)", lang, path)
    write_index(DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang), path)
    return IndexedLexicon.open(path)


class IndexedDictionaryFactory(CachingDictionaryFactory):
    """simplemma ``DictionaryFactory`` over the lexicon files under ``root`` (default
    :func:`cache_dir`). Where no file can be written (read-only home, full disk) it hands out
    simplemma's in-memory dictionary instead: slower to load, the same lemmas."""

    __slots__ = ("_root",)

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self._root = root

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang}")
        try:
            return open_lexicon(lang, self._root)
        except (OSError, ValueError) as exc:
            # slower, same lemmas: not worth a warning on every command of a read-only home
            log.info("no lexicon index for %s (%s); loading the whole lexicon", lang, exc)
            return DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)
