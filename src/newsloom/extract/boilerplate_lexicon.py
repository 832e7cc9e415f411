"""A small multilingual lexicon of page-furniture words for the plain-text line classifier.

Each category lists lower-case single words (matched as whole tokens) and phrases (matched as
substrings of the lower-cased line). Words cover de, en, nl, fr, es, it, pl, ru, pt and a few
more. The lexicon does not decide anything by itself: hit counts per category are features of
the learned classifier, and the category with most hits names the reason a removed line is
given. That is why a word that also occurs in prose ("share", "comment") is fine here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of boilerplate: its reason string, trigger words and trigger phrases."""

    reason: str
    words: frozenset[str]
    phrases: tuple[str, ...]


def _w(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _p(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


# Order matters only for ties when naming a reason: the more specific kinds come first.
CATEGORIES: tuple[Category, ...] = (
    Category(
        "cookie/consent",
        _w("cookie cookies consent gdpr dsgvo tracking einwilligung zustimmen akzeptieren "
           "toestemming accepteren consentement accepter rgpd consentimiento aceptar rechazar "
           "consenso accetta accetto rifiuta zgoda akceptuję rodo согласие принять "
           "consentimento aceitar aceito reject ablehnen weigeren refuser"),
        _p("privacy policy|privacy settings|privacy-einstellungen|datenschutzeinstellungen|"
           "cookie-einstellungen|we use cookies|wir verwenden cookies|diese website nutzt|"
           "diese website verwendet|this website uses|this site uses|política de privacidad|"
           "politique de confidentialité|informativa sulla privacy|polityka prywatności|"
           "política de privacidade|privacybeleid|политика конфиденциальности|"
           "i agree|ich stimme zu|ik ga akkoord|j'accepte|estoy de acuerdo"),
    ),
    Category(
        "login/account prompt",
        _w("login logout anmelden einloggen registrieren abmelden passwort password inloggen "
           "uitloggen registreren wachtwoord abonnee connexion connecter inscription "
           "inscrire compte identifiant contraseña registrarse registrati accedi zaloguj "
           "zarejestruj hasło войти вход регистрация пароль аккаунт senha cadastre cadastrar "
           "account konto cuenta conta compte profil profile mein account"),
        _p("log in|sign in|sign up|create an account|create account|forgot your password|"
           "passwort vergessen|wachtwoord vergeten|mot de passe|iniciar sesión|"
           "mein konto|my account|mijn account|mon compte|mi cuenta|il mio account|moje konto|"
           "личный кабинет|minha conta|account vereist|account aan te maken|"
           "e-mailadres|bevestigingsmail|exklusiv für abonnenten|nur für abonnenten|"
           "for subscribers|subscribers only|réservé aux abonnés|exclusivo para suscriptores"),
    ),
    Category(
        "comment widget",
        _w("kommentar kommentare kommentieren comment comments commenting reply "
           "replies antworten antwort reactie reacties reageer reageren commentaire "
           "commentaires répondre comentario comentarios comentar responder commento commenti "
           "commenta rispondi komentarz komentarze komentuj odpowiedz комментарий "
           "комментарии комментариев ответить comentário comentários sagt: says: schreibt: "
           "schreef: a écrit: escribió:"),
        _p("leave a reply|leave a comment|schreibe einen kommentar|kommentar verfassen|"
           "kommentar schreiben|einen kommentar schreiben|deine e-mail-adresse wird nicht|"
           "ihre e-mail-adresse wird nicht|your email address will not be published|"
           "erforderliche felder|required fields are marked|laisser un commentaire|"
           "deja un comentario|lascia un commento|dodaj komentarz|оставить комментарий|"
           "deixe um comentário|plaats een reactie|reactie achter te laten|nett zueinander|"
           "gefällt mir|gefällt das|like this|lade …|loading...|bloggern gefällt"),
    ),
    Category(
        "newsletter/follow prompt",
        _w("newsletter newsletters subscribe abonnieren abonniere abonnement follow folgen folge "
           "folgt volg volgen suivez suivre abonnez síguenos suscríbete suscribirse seguici "
           "iscriviti obserwuj subskrybuj подписаться подпишитесь siga assine inscreva share "
           "teilen teile delen partager compartir condividi udostępnij поделиться compartilhar "
           "tweet tweets twitter facebook instagram whatsapp telegram linkedin pinterest "
           "youtube xing tiktok flipboard rss feed podcast podcasts e-mail email mail"),
        _p("follow us|folgt uns|folge uns|volg ons|suivez-nous|síguenos en|seguici su|"
           "obserwuj nas|подписывайтесь на|siga-nos|sign up for|melde dich an|"
           "jetzt abonnieren|schrijf je in|inscrivez-vous|per e-mail teilen|share this|"
           "auf facebook teilen|op facebook|sur facebook|en facebook|su facebook|"
           "newsletter-kanal|whatsapp-kanal|push-benachrichtigung|notifications"),
    ),
    Category(
        "ad/price box",
        _w("anzeige werbung advertisement advertising ad ads sponsored gesponsert sponsor "
           "advertentie advertorial publicité publicidad pubblicità reklama реклама "
           "publicidade angebot angebote deal deals preis preise price prices prijs prix precio "
           "prezzo cena цена preço amazon ebay rabatt ersparnis sale kaufen buy shop shopping "
           "gutschein gutscheine coupon coupons korting réduction descuento sconto rabat скидка "
           "desconto uvp affiliate affiliate-links blitzangebot versandkostenfrei bestellen "
           "warenkorb cart checkout €"),
        _p("jetzt kaufen|buy now|add to cart|in den warenkorb|in winkelwagen|ajouter au panier|"
           "añadir al carrito|aggiungi al carrello|do koszyka|в корзину|adicionar ao carrinho|"
           "preisvergleich|bei amazon|on amazon|provisionierte|affiliate link|"
           "unterstützen: vielen dank|zu unterstützen"),
    ),
    Category(
        "related articles",
        _w("related ähnliche verwandte gerelateerd similaires relacionados correlati "
           "powiązane похожие meistgelesen beliebteste populär popular trending "
           "tags schlagworte schlagwörter kategorien categories categorie categorieën "
           "catégories categorías kategorie категории categorias archiv archive archief "
           "archives archivo archivio archiwum архив arquivo"),
        _p("related articles|related posts|related stories|ähnliche beiträge|ähnliche artikel|"
           "das könnte sie auch interessieren|das könnte dich auch interessieren|"
           "mehr zum thema|lesen sie auch|lies auch|auch interessant|weitere artikel|"
           "weitere beiträge|neueste beiträge|neueste artikel|letzte beiträge|recent posts|"
           "latest news|latest posts|most read|most popular|you may also like|you might also|"
           "more from|read more|read next|weiterlesen|mehr lesen|lees ook|lees meer|"
           "meer nieuws|à lire aussi|lire aussi|sur le même sujet|lire la suite|"
           "te puede interesar|leer más|más noticias|leggi anche|leggi di più|czytaj też|"
           "czytaj także|zobacz także|czytaj więcej|читайте также|читать далее|leia também|"
           "leia mais|saiba mais|mais lidas|zuletzt kommentiert|recent comments|"
           "beitrags-navigation|post navigation|vorheriger beitrag|nächster beitrag|"
           "previous post|next post|article précédent|article suivant"),
    ),
    Category(
        "copyright/imprint",
        _w("copyright impressum imprint colofon colophon disclaimer haftungsausschluss "
           "agb nutzungsbedingungen datenschutz datenschutzerklärung privacy "
           "privacyverklaring confidentialité privacidad privacidade prywatność "
           "конфиденциальность regulamin mediadaten sitemap ©"),
        _p("all rights reserved|alle rechte vorbehalten|alle rechten voorbehouden|"
           "tous droits réservés|todos los derechos reservados|tutti i diritti riservati|"
           "wszelkie prawa zastrzeżone|все права защищены|todos os direitos reservados|"
           "terms of use|terms of service|terms and conditions|algemene voorwaarden|"
           "mentions légales|conditions générales|aviso legal|note legali|termos de uso|"
           "powered by|proudly powered|theme by|theme:|wordpress.com|bereitgestellt von"),
    ),
    Category(
        "photo credit",
        _w("foto fotos photo photos bild bilder image images bildquelle credit credits "
           "fotograf fotograaf photographer getty gettyimages imago dpa afp ap ddp epa "
           "shutterstock istock istockphoto unsplash pixabay pexels keystone picture-alliance "
           "beeld zdjęcie фото"),
        _p("foto:|photo:|bild:|image:|quelle:|source:|credit:|beeld:|crédit|crédito|"
           "picture alliance|getty images|foto de|(c)"),
    ),
    Category(
        "navigation/UI",
        _w("home menu menü startseite suche search suchen zurück weiter next previous back top "
           "mehr more startpagina zoeken menu overslaan accueil rechercher suivant précédent "
           "retour inicio buscar siguiente anterior volver cerca successivo precedente "
           "indietro szukaj dalej wstecz главная поиск далее назад início pesquisar próximo "
           "voltar drucken print imprimir stampa drukuj печать kontakt contact contacto "
           "contatti контакты navigation navigationspfad breadcrumb desktop-version mobil "
           "nachtmodus nacht-modus tag- dark-mode toggle hilfe help faq jobs karriere "
           "ressorts rubriken services service"),
        _p("skip to content|skip to main|zum inhalt springen|springe zum inhalt|direkt zum inhalt|"
           "naar de inhoud|overslaan en naar|aller au contenu|ir al contenido|"
           "vai al contenuto|przejdź do treści|перейти к содержанию|ir para o conteúdo|"
           "about us|über uns|over ons|qui sommes-nous|sobre nosotros|chi siamo|o nas|о нас|"
           "sobre nós|back to top|nach oben|naar boven|haut de page|volver arriba|"
           "torna su|do góry|наверх|voltar ao topo|desktop-version|mobile version|"
           "night mode|dark mode|nacht-modus|tag- /|main menu|hauptmenü|primäres menü|"
           "alle artikel|alle news|alle kommentare"),
    ),
)

#: Index of each category in :data:`CATEGORIES`, for code that needs one by name.
CATEGORY_INDEX: dict[str, int] = {cat.reason: i for i, cat in enumerate(CATEGORIES)}


#: Word tokens: a letter, then letters, digits, inner hyphens/apostrophes, a trailing colon.
TOKEN = re.compile(r"[^\W\d_][\w'’:-]*|©|€", re.UNICODE)


@lru_cache(maxsize=1)
def _word_masks() -> dict[str, int]:
    masks: dict[str, int] = {}
    for bit, cat in enumerate(CATEGORIES):
        for word in cat.words:
            masks[word] = masks.get(word, 0) | (1 << bit)
    return masks


def _trie_pattern(phrases: list[str]) -> str:
    """A regex for a set of literals, factored by common prefixes: Python's ``re`` would
    otherwise try every alternative at every position."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@lru_cache(maxsize=1)
def _phrases() -> tuple[re.Pattern[str], dict[str, int]]:
    """One pattern for all categories' phrases, and each phrase's category bit mask."""
    masks: dict[str, int] = {}
    for bit, cat in enumerate(CATEGORIES):
        for phrase in cat.phrases:
            masks[phrase] = masks.get(phrase, 0) | (1 << bit)
    # Phrases start at a word start; the look-behind also lets the engine skip ahead faster.
    return re.compile(r"(?<!\w)" + _trie_pattern(sorted(masks))), masks


def _line_of(positions: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.searchsorted(starts, positions, side="right") - 1


def category_hit_matrix(text: str, words: list[str], positions: np.ndarray,
                        starts: np.ndarray, n_lines: int) -> np.ndarray:
    """Lexicon hits per line and category, shape (lines, categories).

    ``text`` is the document's lines joined by newlines, ``words`` its lower-cased
    :data:`TOKEN` matches and ``positions`` their offsets, ``starts`` the line offsets.
    """
    hits = np.zeros((n_lines, len(CATEGORIES)))
    table = _word_masks()
    get = table.get
    masks = np.array([get(w) or get(w.rstrip(":"), 0) for w in words], dtype=np.int64)
    if len(masks):
        token_lines = _line_of(positions, starts)
        for bit in range(len(CATEGORIES)):
            hits[:, bit] += np.bincount(token_lines, weights=(masks >> bit) & 1,
                                        minlength=n_lines)[:n_lines]
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased
        lengths = [len(line) + 1 for line in lower.split("\n")]
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pattern, phrase_masks = _phrases()
    found = [(m.start(), phrase_masks.get(m.group(), 0)) for m in pattern.finditer(lower)]
    if found:
        phrase_lines = _line_of(np.array([pos for pos, _ in found]), starts)
        phrase_bits = np.array([mask for _, mask in found], dtype=np.int64)
        for bit in range(len(CATEGORIES)):
            hits[:, bit] += np.bincount(phrase_lines, weights=(phrase_bits >> bit) & 1,
                                        minlength=n_lines)[:n_lines]
    return hits
