"""Articles the monitoring end-to-end tests serve (written for these tests): older news, then
one new event about Airbus reported in English and in French."""

from __future__ import annotations

from monitor_server import article_page

OLD = {
    "/2025/11/airbus-court-fine.html": ("en", "2025-11-18T08:00:00Z",
        "Court fines Airbus over bribery of officials in Sri Lanka and Ghana", [
        "A court in London on Tuesday ordered Airbus to pay a fine of 120 million pounds "
        "after the company admitted that agents had bribed officials to win contracts.",
        "Prosecutors said the payments were made between 2011 and 2015 to officials in Sri "
        "Lanka and Ghana who had influence over the purchase of airline and military jets.",
        "The judge said the company had cooperated with the investigation and had replaced "
        "the managers responsible, which reduced the size of the penalty.",
        "Airbus said in a statement that it accepted the ruling and that its compliance "
        "rules had been rewritten since the events described in court."]),
    "/2026/02/bergen-storm.html": ("en", "2026-02-12T07:30:00Z",
        "Storm closes schools and ferries along the coast of western Norway", [
        "A winter storm with gusts of more than 140 kilometres per hour closed schools and "
        "stopped ferry services along the coast of western Norway on Thursday.",
        "The city of Bergen asked residents to stay indoors after roofs were torn off several "
        "buildings and fallen trees blocked the main roads into the city centre.",
        "The national weather service said the storm would move north during the night and "
        "that the wind was expected to ease by Friday morning.",
        "Power companies said about twenty thousand homes were without electricity and that "
        "repair crews would start work as soon as the wind allowed it."]),
}

NEW = {
    "/2026/03/airbus-hydrogen-plant.html": ("en", "2026-03-02T09:00:00Z",
        "Airbus opens hydrogen aircraft plant in Toulouse", [
        "Airbus on Monday opened a factory in Toulouse where it will build the fuel cell "
        "engines of its first hydrogen-powered passenger aircraft, planned for 2035.",
        "The plant cost 450 million euros and will employ 600 people, Airbus said, adding "
        "that the first engines would be tested on a modified A380 next year.",
        "French ministers attended the opening and said the government would fund part of "
        "the hydrogen supply network needed at airports for the new aircraft.",
        "Airbus chief executive Guillaume Faury called the plant the most important step "
        "yet towards aviation without carbon emissions."]),
    "/2026/03/airbus-usine-hydrogene.html": ("fr", "2026-03-02T10:00:00Z",
        "Airbus inaugure à Toulouse une usine d'avions à hydrogène", [
        "Airbus a inauguré lundi à Toulouse une usine où seront fabriqués les moteurs à pile "
        "à combustible de son premier avion de passagers à hydrogène, prévu pour 2035.",
        "L'usine a coûté 450 millions d'euros et emploiera 600 personnes, a indiqué Airbus, "
        "précisant que les premiers moteurs seront testés sur un A380 modifié l'an prochain.",
        "Des ministres français ont assisté à l'inauguration et ont annoncé que l'État "
        "financerait une partie du réseau d'hydrogène nécessaire dans les aéroports.",
        "Le président exécutif d'Airbus, Guillaume Faury, a qualifié l'usine d'étape la plus "
        "importante vers une aviation sans émissions de carbone."]),
}


def page_html(lang: str, published: str, title: str, paragraphs: list[str]) -> str:
    return article_page(title, paragraphs, published, lang)


def rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)
