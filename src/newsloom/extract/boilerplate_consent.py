"""Consent and privacy notices: the cookie banner or "we updated our privacy policy" text that a
scraper or feed sometimes stores above, or instead of, the article.

A notice is told from an article *about* privacy by two things together: it is dense with
data-protection vocabulary, and it speaks to the reader as the site ("we use cookies", "your
personal data", "Twoje dane osobowe", "Ihre Daten", "vos données"). A news paragraph on the
GDPR names the same things in the third person. Terms are matched lower-cased at a word start;
those marked as stems also in inflected forms ("prywatności", "prywatność"). Languages: those of
:mod:`newsloom.extract.boilerplate_lexicon` (de, en, nl, fr, es, it, pl, ru, pt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TERMS = (
    # en
    "cookie*", "personal data", "privacy policy", "privacy notice", "privacy statement",
    "privacy settings", "data protection", "gdpr", "legitimate interest", "consent",
    "personalised ad*", "personalized ad*", "store and/or access information", "accept all",
    "reject all", "manage preferences", "manage options",
    # de
    "personenbezogen*", "datenschutz*", "dsgvo", "einwilligung", "berechtigte interesse",
    "berechtigten interesse", "alle akzeptieren", "alle ablehnen", "personalisierte anzeigen",
    "personalisierte werbung", "datenverarbeitung", "verarbeitung ihrer daten",
    # nl
    "persoonsgegevens", "privacybeleid", "privacyverklaring", "toestemming",
    "gerechtvaardigd belang", "alles accepteren", "gepersonaliseerde advertenties",
    "cookiebeleid", "cookies*",
    # fr
    "données personnelles", "données à caractère personnel", "politique de confidentialité",
    "protection des données", "rgpd", "consentement", "intérêt légitime", "tout accepter",
    "tout refuser", "publicités personnalisées",
    # es
    "datos personales", "política de privacidad", "protección de datos", "consentimiento",
    "interés legítimo", "aceptar todo", "rechazar todo", "anuncios personalizados",
    "política de cookies",
    # it
    "dati personali", "informativa sulla privacy", "protezione dei dati", "consenso",
    "legittimo interesse", "accetta tutto", "rifiuta tutto", "annunci personalizzati",
    # pl
    "dane osobowe", "danych osobowych", "danymi osobowymi", "danym osobowym", "prywatnoś*",
    "ochronie danych", "ochrony danych", "rodo", "zgoda", "zgody", "zgodę", "zgodą",
    "przetwarzani*", "plików cookie*", "pliki cookie*", "administratorem danych",
    "administratorem twoich",
    # ru
    "персональн*", "конфиденциальност*", "файлы cookie", "согласие", "согласия",
    # pt
    "dados pessoais", "política de privacidade", "proteção de dados", "consentimento",
    "interesse legítimo", "aceitar todos", "lgpd",
)

#: The site speaking to its reader: second-person pronouns and possessives, and the site's
#: "we" about its own practice. Whole words, lower-cased. Words that also mean "their" (es
#: "su", pt "seus", it "suoi", de "ihre") are left out: a news report says "their data".
_READER = frozenset(" ".join((
    "you your yours we our us",  # en
    "du dein deine deinen wir unsere unserer unseren verwenden nutzen",  # de
    "u uw je jouw wij we onze gebruiken",  # nl
    "vous vos votre nous nos notre utilisons",  # fr
    "usted tu tus nosotros nuestra nuestro nuestros nuestras utilizamos usamos tratamos",  # es
    "tuoi tua tuo vostri vostro noi nostri nostra nostro utilizziamo",  # it
    "twoje twoich twoimi twoim twoja twoją twój masz możesz nas nam nasz nasza naszą naszej"
    " nasze naszych używamy zbieramy przetwarzamy",  # pl
    "вы вас вам ваш ваши ваших вашей мы наш наши используем",  # ru
    "você vocês nós nossos nossa nosso usamos utilizamos",  # pt
)).split())
#: German's polite "you" is told from "they" / "their" by its capital.
_READER_CASED = frozenset({"Sie", "Ihre", "Ihren", "Ihrer", "Ihnen", "Ihr"})


def _term_regex(term: str) -> str:
    """A term ending in ``*`` is a prefix (inflected forms); any other is a whole phrase."""
    return re.escape(term[:-1]) if term.endswith("*") else re.escape(term) + r"(?!\w)"


_TERM_PATTERN = re.compile(r"(?<!\w)(?:" + "|".join(
    _term_regex(term) for term in sorted(set(_TERMS), key=len, reverse=True)) + ")")
_WORD = re.compile(r"\w+", re.UNICODE)

#: A notice line names at least this many data-protection terms (one more in a line that
#: stands alone, with no notice line next to it).
_MIN_TERMS = 2
#: A text is a notice when notice lines hold at least this share of its characters.
NOTICE_SHARE = 0.6


def _terms(line: str) -> int:
    """Distinct terms: a recipe that says "cookies" five times names one."""
    return len(set(_TERM_PATTERN.findall(line.lower())))


def _addresses_reader(line: str) -> bool:
    words = _WORD.findall(line)
    return any(word in _READER_CASED or word.lower() in _READER for word in words)


def consent_lines(lines: Sequence[str]) -> list[bool]:
    """Which lines belong to a consent or privacy notice.

    A line that addresses the reader and names two data-protection terms is a notice line; a
    line that addresses the reader with one such term is one when it is next to a notice
    line, so a block grows from its core ("… see our Privacy Policy." / "As you already
    shared your personal data with us, tick the box below:").
    """
    terms = [_terms(line) for line in lines]
    voiced = [t > 0 and _addresses_reader(line) for t, line in zip(terms, lines, strict=True)]
    notice = [v and t >= _MIN_TERMS for v, t in zip(voiced, terms, strict=True)]
    # A block grows from its core lines through adjacent voiced lines, in both directions.
    for order in (range(1, len(lines)), range(len(lines) - 2, -1, -1)):
        for i in order:
            notice[i] = notice[i] or (voiced[i] and notice[i - order.step])
    return notice


def is_consent_notice(lines: Sequence[str]) -> bool:
    """Whether a whole text is a consent or privacy notice rather than an article."""
    flags = consent_lines(lines)
    total = sum(len(line) for line in lines)
    notice = sum(len(line) for line, flag in zip(lines, flags, strict=True) if flag)
    return total > 0 and notice >= NOTICE_SHARE * total
