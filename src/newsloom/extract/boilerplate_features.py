"""Per-line features for the plain-text boilerplate classifier (numpy only).

A document is the sequence of its non-blank lines. Every line gets signals that carry over
between languages and sites: length, stop-word density in the document's language,
punctuation, link-like text, lexicon hits per boilerplate category (see
:mod:`newsloom.extract.boilerplate_lexicon`), repetition, and where the line sits relative to
the document's dense text. Context matters as much as the line itself (a short subheading
between two paragraphs is content, a short line inside a run of short lines is a menu), so the
same features of the neighbours and window averages are appended.

Training (:mod:`newsloom.training.boilerplate_train`) and inference call the same
:func:`document_features`, so the two can never drift apart.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsloom.extract.boilerplate_lexicon import CATEGORIES, category_hit_matrix
from newsloom.extract.boilerplate_lexicon import TOKEN as _TOKEN
from newsloom.extract.lineshape import (
    SHORTCODE,
    is_credit,
    is_date_only,
    is_link_only,
    is_self_repeat,
)

#: ISO 639-1 → name of jusText's stop-word list (jusText ships with trafilatura).
_STOPLIST_NAMES = {
    "de": "German", "en": "English", "nl": "Dutch", "fr": "French", "es": "Spanish",
    "it": "Italian", "pl": "Polish", "ru": "Russian", "pt": "Portuguese", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "fi": "Finnish",
    "cs": "Czech", "sk": "Slovak", "sl": "Slovenian", "hr": "Croatian", "sr": "Serbian",
    "bs": "Bosnian", "hu": "Hungarian", "ro": "Romanian", "bg": "Bulgarian",
    "uk": "Ukrainian", "el": "Greek", "tr": "Turkish", "ca": "Catalan", "gl": "Galician",
    "eu": "Basque", "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian", "id": "Indonesian",
    "ms": "Malay", "vi": "Vietnamese", "lb": "Luxembourgish", "af": "Afrikaans",
}
_STOPWORDS_PER_LANGUAGE = 250  # the lists are frequency-ordered; the head is what matters
_FALLBACK_LANGUAGES = ("en", "de", "fr", "es", "nl", "it", "pt", "pl", "ru")


def _stoplist_dir() -> Path | None:
    spec = importlib.util.find_spec("justext")  # locate without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "stoplists"


@lru_cache(maxsize=64)
def _stoplist(code: str, size: int = _STOPWORDS_PER_LANGUAGE) -> frozenset[str]:
    directory, name = _stoplist_dir(), _STOPLIST_NAMES.get(code)
    if directory is None or name is None or not (directory / f"{name}.txt").exists():
        return frozenset()
    words: list[str] = []
    for raw in (directory / f"{name}.txt").read_text(encoding="utf-8").split("\n"):
        word = raw.strip().lower()
        if word and word not in words:
            words.append(word)
            if len(words) >= size:
                break
    return frozenset(words)


@lru_cache(maxsize=64)
def stopwords(language: str | None) -> frozenset[str]:
    """Stop words of ``language``; for an unknown language the heads of the major lists."""
    own = _stoplist(language[:2].lower()) if language else frozenset()
    if own:
        return own
    return frozenset().union(*(_stoplist(code, 60) for code in _FALLBACK_LANGUAGES))


_N_CAT = len(CATEGORIES)
BASE_NAMES: tuple[str, ...] = (
    "log_len", "log_words", "stop_ratio", "log_stop", "end_sentence", "end_colon", "end_quote",
    "comma_per_word", "digit_ratio", "upper_initial_ratio", "alpha_ratio", "mean_word_len",
    "separators", "linkish", "ui_ratio", *(f"cat_{i}" for i in range(_N_CAT)), "price",
    "date_like", "copyright", "shortcode", "self_repeat", "log_dups", "first_copy",
    "starts_symbol", "log_sentences", "starts_lower", "ends_q_or_excl", "short", "dense",
    "credit", "link_only", "date_only",
)
_NEIGHBOUR_BASE = ("log_len", "stop_ratio", "end_sentence", "ui_ratio", "short", "dense",
                   "credit", "price", "date_like", "upper_initial_ratio")
_OFFSETS = (-3, -2, -1, 1, 2, 3)
DOC_NAMES: tuple[str, ...] = (
    "rel_pos", "mass_before", "mass_after", "log_dist_prev_dense", "log_dist_next_dense",
    "log_short_run", "log_doc_lines", "len_vs_max", "win_len", "win_stop", "win_ui",
    "win_dense", "win_short", "ui_run_after", "ui_run_before", "from_headline", "is_headline",
    "in_main", "log_before_main", "log_after_main", "main_share",
)
FEATURE_NAMES: tuple[str, ...] = (
    *BASE_NAMES,
    *(f"{name}@{off:+d}" for off in _OFFSETS for name in _NEIGHBOUR_BASE),
    *DOC_NAMES,
)
_COL = {name: i for i, name in enumerate(BASE_NAMES)}

_SPACE = r"[^\S\n]"  # whitespace within a line: patterns run over the whole document
# Every pattern starts with a digit, a symbol or a fixed letter so that the regex engine can
# skip ahead quickly: they run over whole documents.
_SEPARATORS = re.compile(r"(?<=\s)[|·•›»>/–](?=\s)|[|•›»]")
_LINKISH = re.compile(r"https?://|www\.|@\w|(?<=\w)\.(?:com|de|nl|fr|es|it|pl|ru|org|net|at|"
                      r"ch|be|eu|info|co\.uk|io|pt|br)\b", re.IGNORECASE)
_PRICE = re.compile(rf"[€$£¥]{_SPACE}?\d|\d[\d.,]*{_SPACE}?(?:€|\$|£|eur\b|euro\b|usd\b|zł|"
                    rf"руб|chf\b)|(?<![^\n])\d{{1,5}}[.,]\d\d(?![^\n])|\d{_SPACE}?%",
                    re.IGNORECASE)
# A year, a numeric date or a clock time: the stuff of datelines.
_DATE = re.compile(r"(?<!\d)(?:(?:19|20)\d\d(?!\d)|\d{1,2}[./-][^\S\n]?\d{1,2}[./-]"
                   r"|\d{1,2}:\d\d(?!\d))")
_COPYRIGHT = re.compile(rf"©|\(c\){_SPACE}|copyright", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?…][\"'“”»)]?(?=\s|$)", re.MULTILINE)
_WORD = re.compile(r"\w+", re.UNICODE)
_TITLE_SPLIT = re.compile(r"\s+(?:[|–—»·/]|-|::|//)\s+|\s*\|\s*")
_SHORT_WORDS = 6  # fewer words than this is a menu item, label, caption or heading
_DENSE_WORDS = 12  # at least this many words with stop words in them is running text


@lru_cache(maxsize=1)
def _char_tables() -> tuple[np.ndarray, ...]:
    """Per code point (BMP): is letter, is digit, is upper case, ends a sentence, ends with a
    quote, may start prose. Built once; everything above the BMP (emoji) counts as a symbol."""
    chars = [chr(c) if not 0xD800 <= c < 0xE000 else " " for c in range(0x10000)]
    letter = np.array([c.isalpha() for c in chars])
    digit = np.array([c.isdigit() for c in chars])
    upper = np.array([c.isupper() for c in chars])
    lower = np.array([c.islower() for c in chars])
    flags = np.zeros((4, 0x10000), dtype=bool)
    for row, members in enumerate((".!?…", "\"'“”»«)]’", "?!", "\"'“„«‘(¿¡")):
        for ch in members:
            flags[row, ord(ch)] = True
    for table in (letter, digit, upper, lower):
        table[0xFFFF] = False
    return letter, digit, upper, lower, flags[0], flags[1], flags[2], flags[3]


def _per_line(positions: list[int] | np.ndarray, starts: np.ndarray, n: int,
              weights: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum ``weights`` of) matches per line, from their offsets in the document."""
    if len(positions) == 0:
        return np.zeros(n)
    lines = np.searchsorted(starts, np.asarray(positions), side="right") - 1
    return np.bincount(lines, weights=weights, minlength=n)[:n].astype(np.float64)


def _regex_counts(pattern: re.Pattern[str], text: str, starts: np.ndarray, n: int) -> np.ndarray:
    return _per_line([m.start() for m in pattern.finditer(text)], starts, n)


def _base_matrix(lines: Sequence[str], stop: frozenset[str]) -> np.ndarray:
    """The per-line features of :data:`BASE_NAMES`, computed over the joined document at once
    (regexes and character classes run once per document, not once per line)."""
    n = len(lines)
    text = "\n".join(lines)
    lengths = np.array([len(line) for line in lines], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    ends = starts + lengths - 1
    code = np.minimum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), 0xFFFF)
    letter, digit, upper, lower, sent_end, quote_end, q_or_excl, prose_start = _char_tables()
    def per_line_sum(table: np.ndarray) -> np.ndarray:
        return np.asarray(np.add.reduceat(table[code].astype(np.float64), starts))

    letters, digits = per_line_sum(letter), per_line_sum(digit)
    commas = np.add.reduceat((code == ord(",")).astype(np.float64), starts)
    last, first = code[ends], code[starts]

    tokens = [(m.start(), m.group().lower()) for m in _TOKEN.finditer(text)]
    positions = np.array([pos for pos, _ in tokens], dtype=np.int64)
    words = [word for _, word in tokens]
    n_words = _per_line(positions, starts, n)
    n_stop = _per_line(positions, starts, n, np.array([w in stop for w in words], dtype=float))
    n_upper = _per_line(positions, starts, n, upper[code[positions]].astype(float)
                        if len(positions) else None)
    hits = category_hit_matrix(text, words, positions, starts, n)
    safe_words = np.maximum(n_words, 1)

    self_repeat = np.array([is_self_repeat(line) for line in lines], dtype=np.float64)
    short_shapes = [(is_credit(line) or is_link_only(line), is_link_only(line),
                     is_date_only(line)) if len(line) <= 80 else (False, False, False)
                    for line in lines]
    shortcode = np.array([line[0] == "[" and bool(SHORTCODE.match(line)) for line in lines],
                         dtype=np.float64)
    counts = Counter(lines)
    seen: set[str] = set()
    first_copy = np.zeros(n)
    for i, line in enumerate(lines):
        first_copy[i] = line not in seen
        seen.add(line)
    dups = np.array([counts[line] for line in lines], dtype=np.float64)
    return np.column_stack((
        np.log1p(lengths), np.log1p(n_words), n_stop / safe_words, np.log1p(n_stop),
        sent_end[last], last == ord(":"), quote_end[last], commas / safe_words,
        digits / lengths, n_upper / safe_words, letters / lengths, letters / safe_words,
        np.minimum(_regex_counts(_SEPARATORS, text, starts, n), 5),
        _regex_counts(_LINKISH, text, starts, n) > 0,
        hits.sum(axis=1) / safe_words,
        np.minimum(hits, 3),
        _regex_counts(_PRICE, text, starts, n) > 0,
        _regex_counts(_DATE, text, starts, n) > 0,
        _regex_counts(_COPYRIGHT, text, starts, n) > 0,
        shortcode, self_repeat, np.log1p(dups - 1), first_copy,
        ~(letter[first] | digit[first] | prose_start[first]),
        np.log1p(_regex_counts(_SENTENCE, text, starts, n)),
        lower[first], q_or_excl[last],
        n_words < _SHORT_WORDS,
        (n_words >= _DENSE_WORDS) & ((n_stop > 0) | (not stop)),
        np.array(short_shapes, dtype=np.float64).reshape(n, 3),
    )).astype(np.float64)


def _window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``column`` over lines i-radius..i+radius (clipped at the document ends)."""
    padded = np.concatenate(([0.0], np.cumsum(column)))
    n = len(column)
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    return np.asarray((padded[hi] - padded[lo]) / (hi - lo))


def _distance_to(flags: np.ndarray, forward: bool) -> np.ndarray:
    """Lines from each line to the nearest flagged line before it (or after it); 50 if none."""
    n = len(flags)
    out = np.full(n, 50.0)
    last = -1
    order = range(n - 1, -1, -1) if forward else range(n)
    for i in order:
        if last >= 0:
            out[i] = min(abs(i - last), 50)
        if flags[i]:
            last = i
    return out


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive flagged lines it belongs to (0 if
    it is not flagged)."""
    out = np.zeros(len(flags))
    start = 0
    for i in range(len(flags) + 1):
        if i == len(flags) or not flags[i]:
            if i > start:
                out[start:i] = i - start
            start = i + 1
    return out


def headline_index(lines: Sequence[str], scan: int = 80) -> int:
    """Index of the line that repeats the first line (the page ``<title>``, or a segment of
    it) as the on-page headline; 0 when nothing repeats it."""
    if len(lines) < 2:
        return 0
    first = lines[0]
    targets = [set(_WORD.findall(part.casefold())) for part in _TITLE_SPLIT.split(first)]
    targets.append(set(_WORD.findall(first.casefold())))
    targets = [t for t in targets if t]
    for i in range(1, min(len(lines), scan)):
        line = lines[i]
        if line == first:
            return i
        words = set(_WORD.findall(line.casefold()))
        if not 2 <= len(words) <= 40:
            continue
        if any(len(words & t) / len(words | t) >= 0.6 for t in targets):
            return i
    return 0


def _main_region(mass: np.ndarray, dense: np.ndarray) -> tuple[int, int, float]:
    """The run of lines around dense text (gaps up to 4 lines bridged) holding the most text:
    its first and last index and its share of all dense text."""
    near = _window_mean(dense, 2) > 0
    best, best_mass, start = (0, len(mass) - 1), -1.0, None
    for i in range(len(mass) + 1):
        if i < len(mass) and near[i]:
            start = i if start is None else start
        elif start is not None:
            region_mass = float(mass[start:i].sum())
            if region_mass > best_mass:
                best, best_mass = (start, i - 1), region_mass
            start = None
    total = float(mass.sum())
    return best[0], best[1], (best_mass / total) if total > 0 else 0.0


def document_features(lines: Sequence[str], language: str | None) -> np.ndarray:
    """Feature matrix (one row per line, columns :data:`FEATURE_NAMES`) of non-blank lines."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    base = _base_matrix(lines, stopwords(language))

    neighbour_cols = [_COL[name] for name in _NEIGHBOUR_BASE]
    sub = base[:, neighbour_cols]
    pad = np.full((3, len(neighbour_cols)), -1.0)  # "no such line"
    padded = np.vstack((pad, sub, pad))
    neighbours = [padded[3 + off: 3 + off + n] for off in _OFFSETS]

    dense = base[:, _COL["dense"]]
    short = base[:, _COL["short"]]
    ui = np.minimum(base[:, _COL["ui_ratio"]], 1.0)
    chars = np.array([len(line) for line in lines], dtype=np.float64)
    mass = chars * dense
    total = mass.sum() or 1.0
    before = (np.cumsum(mass) - mass) / total
    # "UI run after": how much of what follows this line (next 8 lines) is lexicon-heavy;
    # a heading followed by login prompts is a widget title, not a subheading.
    ui_flag = (ui > 0.2).astype(np.float64)
    cumulative = np.concatenate(([0.0], np.cumsum(ui_flag)))
    lo = np.arange(1, n + 1)
    hi = np.minimum(lo + 8, n)
    ui_after = (cumulative[hi] - cumulative[lo]) / np.maximum(hi - lo, 1)
    lo_before = np.maximum(np.arange(n) - 8, 0)
    ui_before = (cumulative[np.arange(n)] - cumulative[lo_before]) / np.maximum(
        np.arange(n) - lo_before, 1)
    head = headline_index(lines)
    first, last, share = _main_region(mass, dense)
    index = np.arange(n)
    doc = np.column_stack((
        np.arange(n) / max(1, n - 1),
        before,
        1.0 - before - mass / total,
        np.log1p(_distance_to(dense > 0, forward=False)),
        np.log1p(_distance_to(dense > 0, forward=True)),
        np.log1p(_run_lengths(short > 0)),
        np.full(n, np.log1p(n)),
        chars / max(1.0, chars.max()),
        _window_mean(base[:, _COL["log_len"]], 3),
        _window_mean(base[:, _COL["stop_ratio"]], 3),
        _window_mean(ui, 3),
        _window_mean(dense, 5),
        _window_mean(short, 5),
        ui_after,
        ui_before,
        np.clip(index - head, -30, 60),
        (index == head).astype(np.float64),
        ((index >= first) & (index <= last)).astype(np.float64),
        np.log1p(np.clip(first - index, 0, 50)),
        np.log1p(np.clip(index - last, 0, 50)),
        np.full(n, share),
    ))
    return np.hstack((base, *neighbours, doc))
