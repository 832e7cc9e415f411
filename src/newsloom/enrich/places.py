"""A multilingual gazetteer of countries, regions and major cities from CLDR (via Babel).

"Verenigde Staaten", "Vereinigte Staaten", "USA" and "Соединённые Штаты" all resolve to the key
``loc:US``; inflected forms ("Russlands", "России", "Rosji") and country adjectives
("russischen", "Russische") resolve to the country too. Built once per process from the locale
data Babel ships, so it needs no download and covers every CLDR language the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from babel import Locale

#: Languages whose place names are indexed (names are matched in any text language).
GAZETTEER_LOCALES = ("en", "de", "nl", "fr", "es", "it", "pt", "pl", "ru", "uk", "cs", "sv",
                     "da", "tr")

#: Short forms CLDR keeps only as "alt" variants that Babel does not expose.
_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "US", "U.S.", "U.S.A.", "VS", "EE. UU.", "EE.UU.", "EEUU", "США", "Amerika",
           "America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "Großbritannien", "Groot-Brittannië",
           "Grande-Bretagne", "Gran Bretaña", "Wielka Brytania", "Великобритания"),
    "AE": ("UAE", "VAE"),
    "EU": ("EU", "E.U.", "UE", "ЕС"),
    "RU": ("Russian Federation", "Russische Föderation", "Russische Federatie", "РФ"),
    "CN": ("Volksrepublik China", "Volksrepubliek China", "People's Republic of China", "PRC"),
    "KR": ("South Korea",),
    "NL": ("Holland",),
}

#: Adjective stems CLDR names do not yield ("amerikanisch" is about the USA, not the Americas).
_EXTRA_ADJECTIVE_STEMS: dict[str, str] = {
    "amerikan": "US", "amerikaans": "US", "american": "US", "americain": "US",
    "estadounidense": "US", "amerykan": "US", "amerikansk": "US", "brit": "GB",
    "franzos": "FR", "francais": "FR", "frans": "FR", "french": "FR",
    "deutsch": "DE", "duits": "DE", "german": "DE", "allemand": "DE", "aleman": "DE",
    "niemieck": "DE", "nemets": "DE", "holland": "NL", "nederland": "NL", "dutch": "NL",
    "spanisch": "ES", "spaans": "ES", "spanish": "ES", "espagnol": "ES", "espanol": "ES",
    "europ": "EU",
}
_ADJECTIVE_SUFFIXES = (
    "isch", "ische", "ischen", "ischer", "isches", "ischem", "ian", "ians", "ish", "ese", "esen",
    "esisch", "esische", "esischen", "esischer", "ien", "ienne", "iens", "iennes", "ois", "oise",
    "o", "a", "os", "as", "ano", "ana", "anos", "anas", "ski", "ska", "skie", "skiego", "skiej",
    "skim", "en", "er", "e", "es", "se", "sche", "isk", "iska", "kiy", "kaia", "kikh", "kogo",
    "skii", "skaia", "skogo", "skoi", "skikh", "an", "ans", "aise", "ais", "ischen", "",
)
_NAME_ENDINGS = ("land", "ien", "ija", "ia", "ie", "en", "a", "e", "o")
_SPACE = re.compile(r"[\s\-‐‑–—'’.]+")


#: Distinct surfaces remembered per process by the pure lookups below. Entity linking asks
#: about the same few thousand names over and over (each mention several times: clean-up,
#: protection, keys), and a fuzzy place lookup costs tens of microseconds; 2**16 entries of
#: short strings stay within a few MB.
_CACHED_SURFACES = 1 << 16


@lru_cache(maxsize=_CACHED_SURFACES)
def fold(text: str) -> str:
    """Script- and case-independent key: transliterated, lower-case, punctuation-free."""
    return _SPACE.sub(" ", anyascii(text).lower()).strip()


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # "loc:US", "loc:150", "loc:Europe/Moscow"
    names: dict[str, str]  # language → CLDR name

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names.get("en") or next(iter(self.names.values()))


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: dict[str, Place]
    by_name: dict[str, str]  # folded name → key
    by_prefix: dict[str, list[str]]  # first 4 folded chars → folded names (inflection lookup)
    adjective_stems: dict[str, str]  # folded stem → key


def _territory_codes(locale: Locale) -> list[str]:
    # Two-letter codes are countries; three-digit codes are continents and regions.
    codes = [str(c) for c in locale.territories]
    return [c for c in codes if (len(c) == 2 and c.isalpha() and c != "ZZ")
            or (len(c) == 3 and c.isdigit() and c != "001")]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: dict[str, dict[str, str]] = {}
    by_name: dict[str, str] = {}
    for lang in GAZETTEER_LOCALES:
        locale = Locale(lang)
        for code in _territory_codes(locale):
            places.setdefault(f"loc:{code}", {})[lang] = locale.territories[code]
        for zone, data in locale.time_zones.items():
            city = data.get("city") if hasattr(data, "get") else None
            if city and "/" in zone and not zone.startswith("Etc/"):
                places.setdefault(f"loc:{zone}", {})[lang] = city
    for key in list(places):
        if "/" in key:  # English city names are the time-zone ids themselves
            places[key].setdefault("en", key.rsplit("/", 1)[1].replace("_", " "))
    for key, names in places.items():
        for name in names.values():
            by_name.setdefault(fold(name), key)  # first language wins on clashes
    for code, extra in _EXTRA_NAMES.items():
        for name in extra:
            by_name[fold(name)] = f"loc:{code}"
    stems = {stem: f"loc:{code}" for stem, code in _EXTRA_ADJECTIVE_STEMS.items()}
    for key, names in places.items():
        if "/" in key or not key[4:].isalpha():
            continue
        for name in names.values():
            folded = fold(name)
            if " " in folded:
                continue
            for ending in _NAME_ENDINGS:
                if folded.endswith(ending) and len(folded) - len(ending) >= 4:
                    stems.setdefault(folded[: -len(ending)], key)
                    break
    by_prefix: dict[str, list[str]] = {}
    for name in by_name:
        if len(name) >= 5:
            by_prefix.setdefault(name[:4], []).append(name)
    return Gazetteer({k: Place(k, v) for k, v in places.items()}, by_name, by_prefix, stems)


def _common_prefix(a: str, b: str) -> int:
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common


#: What an inflection may replace at the end of a place name: nothing, a final vowel or a
#: soft one ("Rosja" → "Rosji", "Россия" → "России"), or a velar + vowel that palatalises
#: ("Polska" → "Polsce"). A replaced consonant is another word: "Video" is not "Vídeň",
#: "Lublina" is not "Lubljana" ("lublan"), and "Kairouan" is not "Kairo" + "uan".
#: Case endings added to a whole place name (folded): "Russlands", "Berlinie", "Pekinu".
_ENDINGS = frozenset({"s", "es", "n", "en", "ns", "a", "e", "i", "u", "y", "o", "ie", "em",
                      "om", "er", "iu", "ii", "ia", "ei"})
_REPLACEABLE = frozenset({"", "a", "e", "i", "o", "u", "y", "ya", "ia", "ja", "ka", "ga", "ha"})


def _word_matches(word: str, name: str) -> bool:
    common = _common_prefix(word, name)
    if common == len(word) == len(name):
        return True
    replaced, added = name[common:], word[common:]
    # A vowel gives way to a vowel ending, a velar to c/z: "Servie" does not make "Service".
    soft = replaced[1:] == "a" and replaced[0] in "iyj"  # "Rossiya" → "Rossii", not "Almanac"
    endings = "aeiouy" if len(replaced) == 1 else "ie" if soft else "cz"
    if replaced and added and added[0] not in endings:
        return False
    if not replaced and added not in _ENDINGS:
        return False  # "Czytaj" is not "Czyta" (Chita) + "j"
    return (common >= max(3, len(name) - 2) and replaced in _REPLACEABLE
            and len(added) <= (2 if not replaced else 3))


def _inflected(folded: str, table: Gazetteer) -> str | None:
    """An inflected form of a name: Russlands, Rosji, России, "Vereinigten Staaten"."""
    words = folded.split()
    best: tuple[int, int, str] | None = None
    for name in table.by_prefix.get(folded[:4], ()):
        name_words = name.split()
        if len(name_words) != len(words) or (len(words) == 1 and len(name) < 5):
            continue
        if all(_word_matches(w, n) for w, n in zip(words, name_words, strict=True)):
            rank = (_common_prefix(folded, name), -abs(len(folded) - len(name)), name)
            if best is None or rank > best:
                best = rank
    return table.by_name[best[2]] if best else None


@lru_cache(maxsize=_CACHED_SURFACES)
def place_key(surface: str) -> str | None:
    """The gazetteer key a place mention refers to, in any language or script, or None."""
    table = gazetteer()
    folded = fold(surface)
    if not folded:
        return None
    if folded in table.by_name:
        return table.by_name[folded]
    if len(folded) >= 5:
        return _inflected(folded, table)
    return None


@lru_cache(maxsize=_CACHED_SURFACES)
def adjective_key(token: str) -> str | None:
    """The country a lower-case adjective or demonym names: "russischen" → ``loc:RU``."""
    if not token or (token[0].isupper() and token.isupper()):
        return None
    table = gazetteer()
    folded = fold(token)
    for cut in range(min(len(folded), 14), 3, -1):
        key = table.adjective_stems.get(folded[:cut])
        if key and folded[cut:] in _ADJECTIVE_SUFFIXES:
            return key
    return None


#: Languages that capitalise country adjectives ("Russian", "Russische"): a lower-case word
#: there is no adjective of a place ("serves" is no form of "Sérvia").
_CAPITALISED_ADJECTIVES = frozenset({"en", "nl"})
#: Languages whose infinitives end in "-er" ("libérer" is no form of "Libéria").
_ER_INFINITIVES = frozenset({"fr", "es", "it", "pt"})


def adjective_in_text(part: str, lang: str | None) -> str | None:
    """The country a word of running text is an adjective or demonym of ("russischen",
    "Amerikaanse"). A capitalised German "-sch" word is a language ("Deutsch"); a place's own
    name written in lower case ("manzana israel") names no place."""
    if not part:
        return None
    if part[0].isupper():
        return None if lang == "de" and part.endswith("sch") else adjective_key(part)
    folded = fold(part)
    if lang in _CAPITALISED_ADJECTIVES or folded in gazetteer().by_name or (
            lang in _ER_INFINITIVES and folded.endswith("er")):
        return None
    return adjective_key(part)


def place(key: str) -> Place | None:
    return gazetteer().places.get(key)


@lru_cache(maxsize=4096)
def exact_names(key: str) -> frozenset[str]:
    """Folded names of ``key`` as written: CLDR names in every language plus short forms."""
    table = gazetteer()
    return frozenset(name for name, found in table.by_name.items() if found == key)
