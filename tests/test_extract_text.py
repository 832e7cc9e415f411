"""The plain-text extraction path, on the five seed articles and on small fixtures."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from heldout_text_model import aeb_only_model
from newsloom.extract import ExtractOptions, extract
from newsloom.extract.metadata_text import find_authors, find_outlet
from newsloom.extract.text import extract_text
from newsloom.model import Article, RawDocument

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
# Not under fixtures/: the end-to-end CLI tests ingest that whole folder.
FIXTURES = Path(__file__).parent / "fixtures_plaintext"
EVAL_DEV = ROOT.parent / "shared" / "data" / "trafilatura-eval-dev"


def _doc(content: str, **kwargs: object) -> RawDocument:
    return RawDocument.create(content=content, source_id="t", source="test",
                              content_type="text", **kwargs)  # type: ignore[arg-type]


@cache
def seed(number: int) -> Article:
    path = next(SEEDS.glob(f"{number:03d}_*.txt"))
    return extract_text(_doc(path.read_text(encoding="utf-8")), ExtractOptions())


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def assert_kept(article: Article, *sentences: str) -> None:
    text = _norm(article.text)
    for sentence in sentences:
        assert _norm(sentence) in text, f"dropped: {sentence!r}"


def assert_removed(article: Article, *lines: str) -> None:
    text_lines = {_norm(line) for line in article.text.split("\n")}
    removed = {_norm(r.text) for r in article.removed_lines}
    for line in lines:
        assert _norm(line) not in text_lines, f"kept: {line!r}"
        assert _norm(line) in removed, f"not listed as removed: {line!r}"


TITLES = {
    0: "Huawei könnte sich jetzt mit den Russen gegen die USA verbünden",
    1: "Um seine Smartphones zu retten: Huawei-Chef bittet US-Präsident um Gespräche",
    2: "Huawei: Sogar Smartphone-Verkauf in den USA wird hart torpediert",
    3: "Huawei könnte eine Partnerschaft mit AT&T eingehen, um in die USA zu kommen.",
    4: "5G-techniek Huawei krijgt voet aan de grond in Rusland",
}


@pytest.mark.parametrize("number", sorted(TITLES))
def test_seed_titles(number: int) -> None:
    article = seed(number)
    assert article.title == TITLES[number]
    assert TITLES[number] not in article.text
    assert article.extractor == "text"


@pytest.mark.parametrize("number", sorted(TITLES))
def test_seed_language_and_reasons(number: int) -> None:
    article = seed(number)
    assert article.language == ("nl" if number == 4 else "de")
    assert all(r.reason and r.line_no >= 1 for r in article.removed_lines)


def test_seed_000_winfuture_article() -> None:
    article = seed(0)
    assert_kept(
        article,
        "Es gibt immer mehr Anzeichen dafür, dass sich die Boykottmaßnahmen der US-Regierung",
        "In der Folge könnten die Smartphones von Huawei zukünftig mit vorinstallierten Apps",
        "Die russischen Plattformen sind da schon eher kompatibel mit dem",
        "Zumal Mail.ru parallel auch an der Etablierung eigener Messenger-Infrastrukturen",
        "Bei den noch sehr dynamischen Märkten in vielen asiatischen und afrikanischen Ländern",
        "Was das Herz begehrt",
    )
    assert_removed(article, "X", "Memebase", "14.08.2019  16:36 Uhr", "☀ Tag- / 🌙 Nacht-Modus",
                   "Desktop-Version anzeigen", "Impressum", "Datenschutz", "Cookies",
                   "© 2024 WinFuture")
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2019-08-14", "byline")
    assert article.outlet == "WinFuture"
    reasons = {r.text: r.reason for r in article.removed_lines}
    assert reasons["© 2024 WinFuture"] == "copyright/imprint"
    # the removed dateline is listed with its original line number
    dateline = next(r for r in article.removed_lines if "16:36" in r.text)
    assert dateline.line_no == 7


def test_seed_001_keeps_quotes_and_drops_widgets() -> None:
    article = seed(1)
    assert_kept(
        article,
        "Schon seit bald zwei Jahren gibt es einen heftigen Streit zwischen den USA und Huawei",
        "Ren Zhengfei möchte mit dem neuen US-Präsidenten in einen Dialog treten",
        "„Ich glaube, dass das für beide Seiten vorteilhaft sein wird.",
        "damit wir alle von Chinas Wachstum profitieren können.“",
        "„Wir haben beschlossen, unser Smartphone-Geschäft nicht zu verkaufen.“",
        "Zuletzt kamen Gerüchte auf, Huawei würde seine Serien P und Mate verkaufen wollen.",
        "Auch für Bezug und Produktion von Hardware ist Huawei stark eingeschränkt",
    )
    shortcode = next(line for line in (SEEDS / "001_18839ef5ada43e2f.txt")
                     .read_text(encoding="utf-8").split("\n") if line.startswith("[sd_posts"))
    assert_removed(article, "Huawei Head", "@markcjn, Unsplash", shortcode,
                   "Folge jetzt unserem Newsletter-Kanal bei WhatsApp. Info: "
                   "*provisionierte Affiliate-Links.",
                   "Kommentar verfassen", "Bleibt bitte nett zueinander!")
    reasons = {r.text: r.reason for r in article.removed_lines}
    assert reasons[shortcode] == "CMS shortcode"
    assert article.published is None  # no stated date
    # its only year is a bound ("die bis 2020 erfolgreiche Sparte"), never an estimate
    assert article.published_estimate is None


def test_seed_002_drops_captions_and_the_deal_box() -> None:
    article = seed(2)
    assert_kept(
        article,
        "Für den chinesischen Netzwerkausrüster Huawei stellt nicht nur das Geschäft",
        "Der neueste Vorstoß Huaweis in Richtung der Verbraucher in den USA",
        "Und jetzt soll der Telekommunikationskonzern AT&T Interesse daran gezeigt haben",
        "Kurz vor Weihnachten schickten immerhin verschiedene Mitglieder des US-Senats",
        "Huaweis Engagement (oder auch Nicht-Engagement) auf dem US-Markt",
        "Das ist für die dortigen Carrier zuweilen ein Problem.",
        "werden letztlich in China hergestellt.",
        "Konzern unter Beschuss",
    )
    assert_removed(
        article,
        "Porsche Design, Huawei Mate 10 Pro, Huawei Mate 10 Porsche Design", "WinFuture.de",
        "Huawei Mate 10 ProHuawei Mate 10 ProHuawei Mate 10 ProHuawei Mate 10 Pro",
        "Jetzt einen Kommentar schreiben", "Alle Kommentare zu dieser News anzeigen",
        "Jetzt als Amazon Blitzangebot", "Original Amazon-Preis", "499,99",
        "Im Preisvergleich ab", "Blitzangebot-Preis", "354,99", "Ersparnis zu Amazon 29% oder 145",
        "Folgt uns auf Twitter", "WinFuture bei Twitter", "Tipp einsenden",
        "❤ WinFuture unterstützen",
        "Sie wollen online einkaufen? Dann nutzen Sie bitte einen der folgenden Links, um "
        "WinFuture zu unterstützen: Vielen Dank!",
    )
    assert "Acemagician" not in article.text
    assert "Amazon" not in article.text
    assert article.outlet == "WinFuture"


def test_seed_003_keeps_every_paragraph() -> None:
    article = seed(3)
    assert article.title is not None and article.title.endswith(".")
    assert_kept(
        article,
        "Nicht nur Menschen hoffen, in die USA auszuwandern",
        "Doch um weiter zu wachsen, erkennt Huawei, dass es den Weg in einen großen Markt",
        "heißt das natürlich nicht, dass er Wirklichkeit wird. Als Vermögen",
        "Beachten Sie, dass der Mobilfunkanbieter oft mit solchen Vorschlägen angesprochen wird",
        "Bisher haben sich weder Huawei noch AT&T zu dem angeblichen Deal geäußert.",
        "Dies ist nicht das erste Mal, dass Huawei versucht",
        "um die Tür zum US-Markt zu öffnen.",
    )
    assert article.removed_lines == []


def test_seed_004_drops_skip_link_credits_and_account_widget() -> None:
    article = seed(4)
    assert_kept(
        article,
        "Hoewel Huawei de afgelopen maanden veelal met een negatieve blik",
        "Huawei sloot namelijk een lucratieve deal met de Russische telecomprovider MTS.",
        "Met de deal krijgt Huawei de opdracht om nog voor 2020 een 5G-netwerk aan te legen",
        "De deal betekent een flinke moraalboost voor de Chinese fabrikant",
        "Door de deal zet Huawei zich samen met de Russische operator in",
        "Hoeveel geld er met de deal is gemoeid, is nog niet bekend.",
        "Moraalboost",
        "Nog dit jaar testen",
    )
    assert_removed(
        article, "Overslaan en naar de inhoud gaan", "Huawei-werknemers", "© Huawei", "Huawei",
        "Reacties", "Om een reactie achter te laten is een account vereist.",
        "Inloggen Word abonnee", "Bevestig jouw e-mailadres",
        "We hebben de bevestigingsmail naar %email% gestuurd.",
        "Geen bevestigingsmail ontvangen? Controleer je spam folder. Niet in de spam, klik dan "
        "hier om een account aan te maken.",
        "Er is iets mis gegaan",
        "Helaas konden we op dit moment geen account voor je aanmaken. Probeer het later nog eens.",
        "Maak een gratis account aan en geniet van alle voordelen:",
        "Heb je al een account? Log in",
    )
    reasons = {r.text: r.reason for r in article.removed_lines}
    assert reasons["© Huawei"] == "photo credit"
    assert article.outlet is None  # "© Huawei" credits a picture, it does not name the outlet


def test_title_suffix_names_the_outlet_and_byline_names_authors() -> None:
    content = (FIXTURES / "en_article.txt").read_text(encoding="utf-8")
    article = extract_text(_doc(content), ExtractOptions())
    assert article.title == "City council approves new housing plan"
    assert article.outlet == "The Daily Ledger"
    assert article.authors == ["Jane Doe", "John Smith"]
    assert article.published is not None and article.published.value == "2021-03-03"
    assert article.language == "en"
    assert "What happens next" in article.text
    assert "Sign up for our newsletter" not in article.text
    reasons = {r.text: r.reason for r in article.removed_lines}
    assert reasons["City council approves new housing plan | The Daily Ledger"].startswith(
        "page title")


def test_french_and_polish_bylines() -> None:
    fr = extract_text(_doc((FIXTURES / "fr_article.txt").read_text(encoding="utf-8")),
                      ExtractOptions())
    assert fr.title == "La mairie lance un plan vélo pour le centre-ville"
    assert fr.authors == ["Claire Dubois"]
    assert fr.outlet == "Le Journal du Centre"
    assert fr.published is not None and fr.published.value == "2021-03-03"
    pl = extract_text(_doc((FIXTURES / "pl_article.txt").read_text(encoding="utf-8")),
                      ExtractOptions())
    assert pl.title == "Rząd zapowiada nowe przepisy o transporcie publicznym"
    assert pl.authors == ["Anna Kowalska"]
    assert pl.outlet == "Gazeta Regionalna"


def test_date_precedence_metadata_then_url_then_byline() -> None:
    content = (SEEDS / "000_04d8964427728e2c.txt").read_text(encoding="utf-8")
    plain = extract_text(_doc(content), ExtractOptions())
    assert plain.published is not None and plain.published.source == "byline"
    from_url = extract_text(_doc(content, url="https://example.com/2019/08/13/huawei"),
                            ExtractOptions())
    assert from_url.published is not None
    assert (from_url.published.value, from_url.published.source) == ("2019-08-13", "url")
    assert from_url.outlet == "WinFuture"  # © holder beats the URL host
    declared = extract_text(_doc(content, published="2019-08-12T10:00:00+02:00"),
                            ExtractOptions())
    assert declared.published is not None
    assert (declared.published.value, declared.published.source) == ("2019-08-12", "metadata")


def test_copyright_year_is_never_a_publication_date() -> None:
    content = ("Ein kurzer Titel für einen Test\n\nDer Text des Artikels besteht aus einem "
               "Satz, der keinen Tag und keinen Monat nennt, und aus noch einem Satz dazu.\n"
               "© 2024 Beispielverlag")
    article = extract_text(_doc(content), ExtractOptions())
    assert article.published is None
    assert article.published_estimate is None
    assert "2024" not in article.text


def test_declared_title_and_authors_win() -> None:
    content = (FIXTURES / "en_article.txt").read_text(encoding="utf-8")
    article = extract_text(_doc(content, title="Housing plan approved", authors=("A. Writer",)),
                           ExtractOptions())
    assert article.title == "Housing plan approved"
    assert article.authors == ["A. Writer"]


def test_extract_dispatches_to_the_text_path() -> None:
    content = (FIXTURES / "es_clean.txt").read_text(encoding="utf-8")
    article = extract(_doc(content))
    assert article.extractor == "text"
    assert article.title == "El Gobierno aprueba una nueva ley de vivienda"
    assert article.language == "es"
    assert "limitar los precios del alquiler" in article.text
    assert article.removed_lines == []


def test_outlet_and_author_helpers() -> None:
    assert find_outlet(["text", "© 2024 WinFuture"], None, None) == "WinFuture"
    assert find_outlet(["text", "© Huawei"], None, "https://www.example.org/a") == "example.org"
    assert find_outlet(["golem.de"], None, None) == "golem.de"
    assert find_outlet(["Copyright © 2020 rete-mirabile.net. All Rights Reserved."], None,
                       None) == "rete-mirabile.net"
    assert find_authors(["Von Max Mustermann"]) == ["Max Mustermann"]
    assert find_authors(["Door Jan de Vries en Piet Jansen"]) == ["Jan de Vries", "Piet Jansen"]
    assert find_authors(["Von", "Heike Buchter", "19. Oktober 2019"]) == ["Heike Buchter"]
    assert find_authors(["By clicking here you agree"]) == []


@pytest.mark.shared_data
@pytest.mark.skipif(not EVAL_DEV.exists(), reason="needs ../shared/data")
def test_eval_dev_sample_regression_guard() -> None:
    """A regression guard on a sample of trafilatura-eval-dev, scored with a classifier that
    never saw those pages (the shipped one was trained on all of them). Measured when written:
    with kept 0.803, without removed 0.888 on these 50 pages."""
    from newsloom.training.boilerplate_report import score_plain_text
    from newsloom.training.boilerplate_train import eval_pages

    pages = eval_pages(EVAL_DEV.parent)[::7]
    score = score_plain_text(EVAL_DEV.parent, pages, aeb_only_model(EVAL_DEV.parent))
    assert score.pages == 50
    assert score.snippets.with_kept >= 0.75, score.snippets
    assert score.snippets.without_removed >= 0.85, score.snippets
