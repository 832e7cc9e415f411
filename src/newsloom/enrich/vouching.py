"""Evidence in an article that a name the tagger found is an organisation, beyond the tagger.

An entity one article names, that no gazetteer knows and no second article confirms, is right
about half the time on hand-labelled news (docs/benchmarks.md "Entities you can trust"): it is
kept but not listed (:func:`newsloom.model.entities.confirmed_entity`). News introduces an
organisation it expects readers not to know with a noun: "the Russian operator MTS", "de
Russische telecomprovider MTS", "l'opérateur MTS". That noun, right before the name, is the
evidence this module reads. Gazetteers and lists with a known name ("Alcatel, Lucent und
Nokia") are read in :mod:`newsloom.enrich.entities`.
"""

from __future__ import annotations

import re

#: Nouns that introduce an organisation by its kind, per language (lower case).
_ORGANISATION_NOUNS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "company", "firm", "group", "operator", "provider", "carrier", "maker", "manufacturer",
        "producer", "bank", "lender", "insurer", "retailer", "airline", "agency", "broadcaster",
        "newspaper", "network", "party", "union", "association", "startup", "conglomerate",
        "automaker", "carmaker", "chipmaker", "supplier", "giant"
    }),
    "de": frozenset({
        "unternehmen", "konzern", "firma", "hersteller", "anbieter", "betreiber", "gruppe",
        "bank", "versicherer", "fluggesellschaft", "airline", "agentur", "sender", "zeitung",
        "partei", "verband", "verein", "gewerkschaft", "mobilfunker", "provider", "händler",
        "zulieferer", "startup"
    }),
    "nl": frozenset({
        "bedrijf", "concern", "onderneming", "firma", "fabrikant", "producent", "provider",
        "operator", "aanbieder", "persbureau", "bank", "verzekeraar", "maatschappij", "groep",
        "partij", "krant", "omroep", "vakbond", "vereniging", "agentschap", "leverancier"
    }),
    "fr": frozenset({
        "société", "entreprise", "groupe", "opérateur", "fabricant", "constructeur",
        "fournisseur", "banque", "assureur", "compagnie", "agence", "journal", "parti",
        "syndicat", "association"
    }),
    "es": frozenset({
        "empresa", "compañía", "grupo", "operador", "operadora", "fabricante", "proveedor",
        "banco", "aseguradora", "aerolínea", "agencia", "diario", "periódico", "partido",
        "sindicato", "asociación"
    }),
    "pl": frozenset({
        "firma", "spółka", "koncern", "operator", "producent", "dostawca", "bank",
        "ubezpieczyciel", "agencja", "partia", "związek", "stowarzyszenie", "gazeta"
    }),
}
#: Languages that write a kind of organisation as the head of a compound
#: ("Technologiekonzern", "telecomprovider").
_COMPOUNDING = frozenset({"de", "nl"})
_MIN_COMPOUND_HEAD = 5
_PREVIOUS_WORD = re.compile(r"(?:^|[\s(\"'«„“])(?:[lLdD]['’])?([^\W\d_][\w-]*)\s+$")


def introduced_as_organisation(text: str, start: int, lang: str | None) -> bool:
    """Whether the word right before ``text[start:]`` is a noun naming a kind of
    organisation in ``lang`` ("operator" in "the Russian operator MTS")."""
    nouns = _ORGANISATION_NOUNS.get(lang or "")
    if not nouns:
        return False
    found = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
    if found is None:
        return False
    word = found.group(1).lower()
    if word in nouns:
        return True
    return lang in _COMPOUNDING and any(
        word.endswith(noun) and len(noun) >= _MIN_COMPOUND_HEAD for noun in nouns)
