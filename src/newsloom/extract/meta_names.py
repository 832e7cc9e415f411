"""Site names and person names in page metadata: shared by the HTML and plain-text paths.

A site's own name shows up in its titles ("How to Build a Terrarium | eHow"), in its
``og:site_name`` and in its host name; :class:`SiteNames` holds that evidence and strips it
from a title. Author fields carry UI words ("Lesedauer: 3 Min", "See full bio", "Last Updated
January 7"), photo credits and the same name twice; :func:`clean_authors` keeps the people.
Archive copies are attributed to the page they archive: ``web.archive.org/web/2019.../
https://www.example.com/...`` is example.com's page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlparse

from newsloom.extract.boilerplate_lexicon import CATEGORIES

# " | ", " - ", " – ", " — ", " » ", " · ", " • ", " :: ", " › ", " : " between title parts.
TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—»·•›/~]|-|::|:)\s+|\s*\|\s*")
_SQUASH = re.compile(r"[\W_]+", re.UNICODE)
_ARCHIVE_HOSTS = frozenset(("web.archive.org", "archive.org", "wayback.archive.org",
                            "archive.today", "archive.ph", "archive.is", "archive.li"))
_ARCHIVED_URL = re.compile(r"^/web/\d{1,14}[a-z_]*/+(?P<url>.+)$")
_HOST_NOISE = frozenset(("www", "m", "mobile", "amp", "web", "blog", "blogs", "news"))
_MIN_LABEL = 4  # shorter host labels ("taz", "ap") are too often part of ordinary words


def squash(text: str) -> str:
    """Letters and digits only, case-folded: "Battery-News.de" → "batterynewsde"."""
    return _SQUASH.sub("", unicodedata.normalize("NFKC", text).casefold())


def source_host(url: str | None) -> str | None:
    """The host a page comes from, without "www.", archive hosts unwrapped."""
    if not url:
        return None
    parsed = urlparse(url if "://" in url else f"http://{url}")
    host = (parsed.hostname or "").casefold()
    if host in _ARCHIVE_HOSTS:
        match = _ARCHIVED_URL.match(parsed.path)
        inner = match["url"] if match else ""
        inner_host = urlparse(inner if "://" in inner else f"http://{inner}").hostname
        if not inner_host or "." not in inner_host:
            return None  # an archive's own page is nobody's article
        host = inner_host.casefold()
    return host.removeprefix("www.") if "." in host else None  # "hard::page-17" is no URL


def _host_labels(host: str | None) -> tuple[str, ...]:
    """The name-like parts of a host: "seglerblog.stössenseer.de" → seglerblog, stössenseer."""
    if not host:
        return ()
    parts = host.split(".")[:-1]  # the top-level domain names no site
    return tuple(squash(p) for p in parts if p not in _HOST_NOISE and squash(p))


@dataclass(frozen=True, slots=True)
class SiteNames:
    """What a page says its site is called: declared names and the host."""

    names: tuple[str, ...] = ()
    host: str | None = None

    @classmethod
    def of(cls, names: Iterable[str | None], url: str | None) -> SiteNames:
        kept = tuple(dict.fromkeys(n.strip() for n in names if n and squash(n)))
        return cls(kept, source_host(url))

    def matches(self, segment: str) -> bool:
        """Whether a title part names the site: it is a declared name, contains one, or is
        mostly the host's name ("Battery-News.de", "Zobacz na przepisy.pl", "Python Wiki")."""
        flat = squash(segment)
        if not flat or len(segment.split()) > 6:
            return False
        for name in self.names:
            declared = squash(name)
            if flat == declared or (len(declared) >= _MIN_LABEL and declared in flat
                                    and len(declared) >= 0.5 * len(flat)):
                return True
        host = squash(self.host or "")
        if flat == host:
            return True
        words = [squash(w) for w in segment.split()]
        for label in _host_labels(self.host):
            if flat == label or (len(label) >= _MIN_LABEL and label in flat
                                 and len(label) >= 0.4 * len(flat)):
                return True
            # "offshore-stiftung.de" ~ "Stiftung OFFSHORE-WINDENERGIE": every part a word
        hyphened = [p for p in (self.host or "").split(".")[0].split("-") if p]
        return len(hyphened) >= 2 and all(
            any(w.startswith(squash(p)) for w in words) for p in hyphened)

    def strip_from(self, title: str) -> str:
        """The title without the site's name and its separator at either end."""
        parts = TITLE_SEPARATOR.split(title.strip())
        seps = TITLE_SEPARATOR.findall(title.strip())
        while len(parts) > 1 and self.matches(parts[-1]):
            parts, seps = parts[:-1], seps[:-1]
        while len(parts) > 1 and self.matches(parts[0]):
            parts, seps = parts[1:], seps[1:]
        if len(parts) == 1:
            return _strip_colon_site(parts[0].strip(), self)
        return "".join(p + s for p, s in zip(parts, [*seps, ""], strict=True)).strip()


def _strip_colon_site(title: str, site: SiteNames) -> str:
    """"BDZV: Headline" and "Headline: Stadt Ahlen" when the colon part is the site."""
    head, sep, tail = title.partition(": ")
    if sep and tail and site.matches(head) and head.strip() and len(head.split()) <= 3:
        return tail.strip()
    head, sep, tail = title.rpartition(": ")
    if sep and head and site.matches(tail) and len(tail.split()) <= 4:
        return head.strip()
    return title


# ------------------------------------------------------------------------------ authors --

# Words that open a byline, in the languages of the line classifier's lexicon.
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:article|text|texte|texto|tekst|written|posted|published|geschrieben|verfasst|"
    r"ein beitrag|beitrag|artikel|un documentaire|un reportage|escrito|publicado|scritto|"
    r"a cura|opublikowano|автор|auteur|autor(?:in)?|author|door|von|by|par|por|przez|от)"
    r"\b[\s:]*(?:by|von|par|por|de|di|door)?\s*)+", re.IGNORECASE)
# From here on a byline holds no names: photo credits, update stamps, reading time, profile
# links. Each is cut together with what follows it.
_NOT_A_NAME = re.compile(
    r"(?:^|[\s|/(,·•–—-])(?:photos?|fotos?|bild(?:er)?|images?|pictures?|credits?|"
    r"illustrations?|grafik|zdjęci[ea]|фото|foto's|photographer|fotograf"
    r"|(?:last\s+)?updated|aktualisiert|stand|mis à jour|actualizado|aggiornato|bijgewerkt|"
    r"zaktualizowano|обновлено|atualizado|published|veröffentlicht|publié|publicado|"
    r"pubblicato|gepubliceerd|opublikowano|опубликовано|hora de publicaci[oó]n|"
    r"lesedauer|lesezeit|reading time|min(?:ute)?s? read|leestijd|temps de lecture|"
    r"tiempo de lectura|tempo di lettura|czas czytania|время чтения|tempo de leitura|"
    r"see full bio|full bio|view profile|profil anzeigen|alle artikel|all articles|"
    r"more from|mehr von|follow|folgen|copyright)\b.*$"
    # "Jane Doe for The Mail on Sunday": the outlet follows the name
    r"|\s+for\s+(?:the\s+)?(?-i:[A-Z]).*$", re.IGNORECASE)
# A name made only of these (or of the line classifier's UI-lexicon words) is a placeholder
# or a UI label, not a person.
_PLACEHOLDER_WORDS = (
    "admin administrator user username benutzer benutzername gebruiker utilisateur usuario "
    "utente użytkownik пользователь usuário name naam nom nombre nome imię имя unknown "
    "unbekannt inconnu desconocido sconosciuto anonymous anonym anoniem anonyme anónimo "
    "anonimo staff writer writers editor editors editorial redaktion redactie rédaction "
    "redacción redazione redakcja редакция redação team guest gast invité invitado ospite "
    "gość гость convidado bio profile profil perfil profilo article artikel post beitrag "
    "by von door par por di de autor author auteur publisher herausgeber")
_PLACEHOLDERS = frozenset(_PLACEHOLDER_WORDS.split())
_MONTHS = re.compile(
    r"\s+(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|"
    r"mai|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b.*$", re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"\s*[;|]\s*|\s+(?:and|und|en|et|y|e|i|и|og|och|&)\s+|\s*&\s*",
                          re.IGNORECASE)
_MAX_NAME_WORDS = 5


@lru_cache(maxsize=1)
def _ui_words() -> frozenset[str]:
    """The UI lexicon's words in all its languages, but not its photo-credit words: "AFP"
    or "dpa" as an author is a wire agency, which is a fair author."""
    return frozenset(word for cat in CATEGORIES if cat.reason != "photo credit"
                     for word in cat.words)


def _name_key(name: str) -> str:
    """Same person whatever the case or accents: "JANE DOE" = "Jane Doe" = "Jane Doé"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return squash("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _clean_name(raw: str) -> str | None:
    name = _NOT_A_NAME.sub("", " ".join(raw.split()))
    name = _BYLINE_PREFIX.sub("", name)
    name = _MONTHS.sub("", re.split(r"\s*\d", name, maxsplit=1)[0])
    name = name.strip(" ,;:|·•-–—'\"()[]").lstrip("@")
    words = name.split()
    if not words or len(words) > _MAX_NAME_WORDS or len(name) > 60:
        return None
    if "@" in name or "://" in name or "www." in name.casefold() or "." in words[-1][1:-1]:
        return None  # an e-mail address, a URL, a domain
    if (sum(ch.isalpha() for ch in name) < 2 or "_" in name or "\\" in name
            or name == name.lower() != name.upper() or (len(words) == 1 and len(name) <= 3)):
        return None  # a user handle ("gabor_munier", "mf"), initials ("TK"), broken escapes
    if all(squash(w) in _PLACEHOLDERS or w.casefold().rstrip(":") in _ui_words()
           for w in words):
        return None
    return name


def _nicer(a: str, b: str) -> str:
    """Of two spellings of one name, the one in mixed case ("Jane Doe" over "JANE DOE")."""
    def mixed(s: str) -> bool:
        return s != s.upper() and s != s.lower()
    return b if mixed(b) and not mixed(a) else a


def split_names(value: str) -> list[str]:
    """One author field → its names ("X and Y | Photo: Z" → X, Y; "Smith, John" stays)."""
    value = _NOT_A_NAME.sub("", " ".join(value.split()))
    parts = _SPLIT_NAMES.split(value)
    commas = [p.strip() for part in parts for p in part.split(",") if p.strip()]
    if len(commas) != 2 or any(len(p.split()) > 1 for p in commas):  # "Doe, Jane" is one
        parts = commas
    return [p for p in parts if p.strip()]


def clean_authors(values: Iterable[str], site: SiteNames | None = None) -> list[str]:
    """People's names from author fields, in order, each once: UI words, photo credits,
    update stamps, placeholders and the site's own name dropped."""
    kept: dict[str, str] = {}
    for value in values:
        for part in split_names(value):
            name = _clean_name(part)
            if name is None or (site is not None and (site.matches(name) or site.matches(part))):
                continue
            key = _name_key(name)
            kept[key] = _nicer(kept[key], name) if key in kept else name
    return list(kept.values())
