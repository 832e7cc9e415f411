"""Per-article entity linking: NER mentions + gazetteer hits → language-independent keys.

A pure function of one article. Corpus-wide resolution (aliases seen across articles, name
similarity) happens later in :mod:`newsloom.enrich.resolve`, which sees the store.

Why each step:
- NER misses places inside compounds ("US-Regierung") and never tags adjectives
  ("russischen"), yet both say which country an article is about, so the gazetteer adds them.
- Keys are transliterated and case-folded so Cyrillic and Latin spellings meet.
- Inflected forms ("Huaweis", "Putina") and bare surnames ("Zhengfei") are merged into the
  longer or base form only when that form occurs in the same article: no guessing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsloom.enrich.lexicon import is_common_word
from newsloom.enrich.mention_filter import lower_case_word
from newsloom.enrich.mentions import (
    _AGENCY_FORMS,
    MentionOptions,
    _function_word,
    refine_mentions,
)
from newsloom.enrich.organisations import corporate_marker, is_organisation
from newsloom.enrich.places import (
    adjective_in_text,
    adjective_key,
    exact_names,
    fold,
    place,
    place_key,
)
from newsloom.enrich.spans import TakenSpans
from newsloom.enrich.vouching import introduced_as_organisation
from newsloom.model import ArticleEntity, EntityType, Mention
from newsloom.text.ptb import detokenise

_TOKEN = re.compile(r"[^\W\d_][\w.&'’]*[\w&]|[^\W\d_]", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ORG_SUFFIX = re.compile(
    r"\s+(?:group|gruppe|groep|groupe|grupo|inc|corp|corporation|co|ltd|llc|plc|ag|se|gmbh|"
    r"nv|bv|sa|spa|ab|oy|as)$")
_LEAD_CHARS = 400
_TITLE_WEIGHT, _LEAD_WEIGHT = 3.0, 1.0
_MAX_INFLECTION = 2  # characters a case ending may add to a name ("Huawei" → "Huaweis")


@dataclass(slots=True)
class _Group:
    type_votes: Counter[EntityType] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    mentions: int = 0
    salience: float = 0.0
    introduced: bool = False  # an organisation noun stands right before one mention


def plain_surface(surface: str) -> str:
    """A mention's words as they would be written normally. Tokenised text (research corpora
    ship news Penn-Treebank tokenised) gives spans such as "Grand Isle , Louisiana", "White
    House ``" and "BOP -RRB-": the name is "Grand Isle, Louisiana", "White House", "BOP", so
    it meets the same name in plain text. A bracket or quote left open by the span's edge goes
    with what it opens ("WASHINGTON -LRB- Reuters" → "WASHINGTON")."""
    plain = detokenise(surface).strip()
    while plain.count("(") != plain.count(")"):  # each round drops one bracket
        if plain.count("(") > plain.count(")"):
            plain = plain[:plain.rfind("(")]
        else:
            cut = plain.rfind(")")
            plain = plain[:cut] + plain[cut + 1:]
    if plain.count('"') == 1:
        plain = plain.replace('"', "")
    return " ".join(plain.split()).strip(" ,;:")


def mention_key(surface: str, entity_type: EntityType) -> tuple[str, EntityType]:
    """Language-independent key for one mention, and its type (gazetteer places are LOC)."""
    cleaned = _POSSESSIVE.sub("", surface.strip())
    place_hit = place_key(cleaned) if _may_be_place(cleaned) else None
    # NER calls "amerikanische" a place, too, and a lower-case "russischen" an organisation
    # (in "russischen Mobilfunker MTS"); a capitalised single word tagged ORG may be a name
    # ("Deutsche" for Deutsche Bank), so only lower-case ones are read as adjectives there.
    if place_hit is None and " " not in cleaned and (
            entity_type in ("LOC", "MISC") or (entity_type == "ORG" and cleaned[:1].islower())):
        place_hit = adjective_key(cleaned)
    if place_hit and (entity_type in ("LOC", "MISC", "ORG") or (
            " " in cleaned and _exact_place(cleaned) == place_hit)):
        return place_hit, "LOC"  # a person is not named exactly as a place ("Phnom Penh")
    demonym = adjective_key(cleaned) if entity_type == "PER" and " " not in cleaned \
        and _exact_place(cleaned) is None else None
    if demonym:  # "Venezuelan officials": a capitalised demonym tagged PER names no person
        return demonym, "LOC"
    folded = fold(cleaned)
    if entity_type == "ORG":
        folded = _ORG_SUFFIX.sub("", folded)
    return f"name:{folded}", entity_type


def gazetteer_mentions(text: str, spans: Sequence[tuple[int, int]], lang: str | None = None
                       ) -> list[tuple[Mention, str]]:
    """Country and city names (also inside hyphen compounds) and country adjectives, each with
    its place key, outside ``spans`` (the mentions NER found). A capitalised German "-sch"
    word is a language ("Deutsch", "Russisch"), not its country."""
    found: list[tuple[Mention, str]] = []
    taken = TakenSpans(spans)
    tokens = list(_TOKEN.finditer(text))
    # whether a token may open or close a multi-word name, once per token (not per window)
    edge = [t.group()[0].isupper() or t.group() in _PARTICLES for t in tokens]
    for i in range(len(tokens) - 1):  # multi-word names: "Verenigde Staten", "Estados Unidos"
        if not edge[i]:
            continue
        for size in (3, 2):
            run = tokens[i:i + size]
            if len(run) < size or not edge[i + size - 1]:
                continue
            start, end = run[0].start(), run[-1].end()
            phrase = text[start:end]
            if "\n" in phrase or taken.overlaps(start, end):
                continue
            key = _exact_place(phrase)
            if key:
                found.append((Mention(start, end, phrase, "LOC"), key))
                taken.add(start, end)
                break
    for match in tokens:
        token = match.group()
        for part_start, part in _hyphen_parts(match.start(), token):
            end = part_start + len(part)
            if len(part) < 2 or taken.overlaps(part_start, end):
                continue
            key = None
            if part[0].isupper():
                key = _exact_place(part)
                if key and lang and is_common_word(part, lang) and not _own_name(key, part, lang):
                    key = None  # "Seul en Europe": French "alone", not Seoul ("Séoul")
            if key is None and len(part) >= 6:
                key = adjective_in_text(part, lang)
            if key:
                found.append((Mention(part_start, end, part, "LOC"), key))
    return found


def _own_name(key: str, word: str, lang: str) -> bool:
    """Whether ``word`` is the place's own name in ``lang`` ("Turkey" in English)."""
    found = place(key)
    return found is not None and fold(found.names.get(lang, "")) == fold(word)


def _may_be_place(surface: str) -> bool:
    """Short names must be written in capitals: "ES" may be Spain, but "Es" is a pronoun
    (and folds to the Cyrillic "ЕС", the EU)."""
    return len(fold(surface)) > 3 or surface.isupper()


def _exact_place(part: str) -> str | None:
    folded = fold(part)
    hit = place_key(part) if _may_be_place(part) else None
    # Only exact single-word names here: fuzzy inflection matching of one capitalised word
    # ("Islands") is for spans NER already called places; a capitalised multi-word phrase that
    # inflects a place name ("Vereinigten Staaten") is safe.
    if hit and (folded in exact_names(hit) or part.isupper() or " " in folded):
        return hit
    return None


_PARTICLES = {"de", "del", "of", "la", "van"}


def _hyphen_parts(start: int, token: str) -> list[tuple[int, str]]:
    if "-" not in token:
        return [(start, token)]
    parts, offset = [], start
    for piece in token.split("-"):
        parts.append((offset, piece))
        offset += len(piece) + 1
    return parts


def link_article(title: str | None, text: str, mentions: Sequence[Mention],
                 lang: str | None = None, options: MentionOptions | None = None
                 ) -> list[ArticleEntity]:
    """Group an article's mentions into entities. ``mentions`` index ``title + "\\n" + text``;
    they are cleaned first (:func:`newsloom.enrich.mentions.refine_mentions`)."""
    full = f"{title}\n{text}" if title else text
    title_end = len(title) + 1 if title else 0
    mentions = refine_mentions(full, mentions, lang, options)
    vouched: set[str] = set()
    mentions = _coordinated_types(full, _surnames_typed(_full_names_typed(mentions, lang)),
                                  vouched)
    spans = [(m.start, m.end) for m in mentions]
    # each mention with its words as written normally (the name), its key and its type
    keyed = [(m, plain, *mention_key(plain, m.type))
             for m, plain in ((m, plain_surface(m.text)) for m in mentions)]
    surnames = _person_surnames(mentions)  # "(Davis)" after "Roman Griffin Davis": no place
    keyed += [(m, plain_surface(m.text), key, m.type)
              for m, key in gazetteer_mentions(full, spans, lang) if m.text not in surnames]
    groups: dict[str, _Group] = defaultdict(_Group)
    for mention, surface, key, entity_type in keyed:
        if key in ("name:", "loc:"):
            continue
        group = groups[key]
        group.type_votes[entity_type] += 1
        group.surfaces[surface] += 1
        group.mentions += 1
        group.salience += 1.0 + (_TITLE_WEIGHT if mention.start < title_end else
                                 _LEAD_WEIGHT if mention.start < title_end + _LEAD_CHARS else 0.0)
        group.introduced |= introduced_as_organisation(full, mention.start, lang)
    _merge_variants(groups)
    found = (_vouched(_entity(key, group), group, vouched) for key, group in groups.items())
    # MISC is the taggers' grab bag (nationalities, events, products, headers) and by far
    # their least precise type on news: it is not reported.
    return sorted((e for e in found if e.type != "MISC" and (
        any(s in vouched for s in e.surfaces) or not weak_entity(e, lang))),
                  key=lambda e: (-e.salience, e.key))


#: Languages whose news precision the evidence rule below was measured on (benchmarks.md).
_EVIDENCE_LANGS = frozenset({"de", "en", "nl", "fr", "es", "pl"})


def weak_entity(entity: ArticleEntity, lang: str | None) -> bool:
    """An entity the article gives too little evidence for (precision first: a wrong entity
    costs more than a missed one). Named once, not known to any gazetteer, and:

    - a **one-word person** the article never names in full: news introduces a person by
      full name, so a lone capitalised word typed PER is more often an unknown place,
      product or service ("Kasserine", "Telegram", "Concorde"); initials in capitals
      (bylines: "RG", "KS") are exempt;
    - a **one-word organisation written like an ordinary capitalised word** ("News",
      "Liveblog", "Volksgezondheid"): organisations an article names once are acronyms,
      brands with a shape of their own (AT&T, WhatsApp), agencies or known companies;
    - in **English**, a multi-word organisation whose head (last word) is a common word:
      English headlines and events are title case ("Olympic Games", "European Debt
      Crisis", "Subscribe Thank"), so a capitalised common head marks no institution unless
      the article repeats the name.
    """
    if lang not in _EVIDENCE_LANGS or entity.mentions > 1 or not entity.key.startswith("name:"):
        return False
    name = entity.name.strip()
    if is_organisation(name) or corporate_marker(name):
        return False
    words = name.split()
    if entity.type == "PER" and len(words) == 1:
        return not name.isupper() and not any(" " in s.strip() for s in entity.surfaces)
    if entity.type == "ORG" and len(words) == 1:
        return name[:1].isupper() and name[1:].islower() and name not in _AGENCY_FORMS
    if entity.type == "ORG" and lang == "en" and len(words) > 1:
        head = words[-1].strip(".,;:!?\"'()")
        return head.isalpha() and is_common_word(
            head if head[:1].isupper() and not head.isupper() else head.capitalize(), lang)
    return False


def _full_names_typed(mentions: list[Mention], lang: str | None) -> list[Mention]:
    """A name of two or three capitalised words whose last word the article also uses
    alone ("Hassan Rouhani" … "Rouhani said") is a person, whatever the tagger typed the
    two: full name first, surname after is how news refers to people, not to places or
    organisations. Gazetteer places and organisations, corporate names, and spans with a
    common, function or place word (:func:`_no_name_word`: "European Commission" … "the
    Commission", "East Austin" … "Austin") are exempt."""
    alone = {m.text.strip() for m in mentions if " " not in m.text.strip()}
    out = []
    for m in mentions:
        words = m.text.split()
        if m.type != "PER" and 2 <= len(words) <= 3 and words[-1] in alone and all(
                w.isalpha() and w[:1].isupper() and w[1:].islower() for w in words) \
                and not any(_no_name_word(w, lang) for w in words) \
                and not is_organisation(m.text) and not corporate_marker(m.text) \
                and place_key(m.text) is None:
            m = Mention(m.start, m.end, m.text, "PER")
        out.append(m)
    return out  # the bare surname follows in _surnames_typed


def _no_name_word(word: str, lang: str | None) -> bool:
    """A word that makes a span something other than a person's name: a common or function
    word, or one the lexicon knows in lower case ("East Austin", "La Manouba"), a place or a
    country adjective ("Londen Swissair")."""
    return (is_common_word(word, lang) or lower_case_word(word, lang or "")
            or _function_word(word, lang)
            or place_key(word) is not None or adjective_key(word) is not None)


def _person_surnames(mentions: Sequence[Mention]) -> set[str]:
    """Last words of the article's full person names, without a possessive ending."""
    return {_POSSESSIVE.sub("", m.text.split()[-1]) for m in mentions
            if m.type == "PER" and len(m.text.split()) > 1}


def _surnames_typed(mentions: list[Mention]) -> list[Mention]:
    """A single word that ends exactly one full person name of the article is that person's
    surname ("Köditz" after "Kerstin Köditz", "Jordan" after "Michael Jordan"), whatever
    the tagger typed it: a bare surname is the usual second mention of a person in news."""
    owners: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        words = m.text.split()
        if m.type == "PER" and len(words) > 1:
            owners[_POSSESSIVE.sub("", words[-1])].add(m.text)
    if not owners:
        return mentions
    out = []
    for m in mentions:
        word = _POSSESSIVE.sub("", m.text.strip())
        if " " not in word and m.type != "PER" and len(owners.get(word, ())) == 1:
            m = Mention(m.start, m.end, m.text, "PER")
        out.append(m)
    return out


_COORDINATION = re.compile(
    r"(?:\s*,\s*|\s*,?\s+(?:und|and|en|et|y|e|i|oder|or|ou|o|oraz|lub|sowie)\s+)")


def _strong_type(mention: Mention) -> EntityType | None:
    """A type the gazetteers vouch for: an exact place, or a known organisation."""
    if is_organisation(mention.text):
        return "ORG"
    if " " not in mention.text and _exact_place(mention.text) is not None:
        return "LOC"
    return None


def _coordinated_types(text: str, mentions: list[Mention], vouched: set[str] | None = None
                       ) -> list[Mention]:
    """Names in one coordination ("Alcatel, Lucent und Nokia") are of one kind: members
    without gazetteer evidence take the type the gazetteers vouch for in the list (when
    they agree), or, in lists of three or more, the members' majority type. The texts of
    members a gazetteer vouches for through the list are added to ``vouched``: that is
    evidence enough for a name the article mentions once."""
    ordered = sorted(mentions, key=lambda m: m.start)
    chains: list[list[Mention]] = []
    for m in ordered:
        previous = chains[-1][-1] if chains else None
        if previous is not None and previous.end <= m.start and _COORDINATION.fullmatch(
                text[previous.end:m.start]):
            chains[-1].append(m)
        else:
            chains.append([m])
    out: list[Mention] = []
    for chain in chains:
        strong = [_strong_type(m) for m in chain]
        vouched_types = {t for t in strong if t}
        votes = Counter(m.type for m in chain).most_common(2)
        target: EntityType | None = None
        if len(vouched_types) == 1:
            target = next(iter(vouched_types))
        elif not vouched_types and len(chain) >= 3 and (
                len(votes) == 1 or votes[0][1] > votes[1][1]):
            target = votes[0][0]
        for m, known in zip(chain, strong, strict=True):
            if len(chain) > 1 and target and known in (None, target) and m.type != target:
                m = Mention(m.start, m.end, m.text, target)
            if len(chain) > 1 and len(vouched_types) == 1 and vouched is not None:
                vouched.add(m.text.strip())
            out.append(m)
    return out


def _merge_variants(groups: dict[str, _Group]) -> None:
    """Fold inflected forms and bare surnames into a form the same article also uses."""
    keys = sorted(groups, key=len)
    for key in sorted(groups, key=len, reverse=True):
        if not key.startswith("name:") or key not in groups:
            continue
        target = _inflection_base(key, keys, groups) or _full_name(key, keys, groups)
        if target and target != key:
            source = groups.pop(key)
            merged = groups[target]
            merged.type_votes.update(source.type_votes)
            merged.surfaces.update(source.surfaces)
            merged.mentions += source.mentions
            merged.salience += source.salience
            merged.introduced |= source.introduced


def _inflection_base(key: str, keys: list[str], groups: dict[str, _Group]) -> str | None:
    for base in keys:
        if (base != key and base in groups and base.startswith("name:") and len(base) >= 8
                and key.startswith(base) and len(key) - len(base) <= _MAX_INFLECTION
                and key[len(base):].isalpha()):
            return base
    return None


def _full_name(key: str, keys: list[str], groups: dict[str, _Group]) -> str | None:
    """A single-token person key that is the first or last token of exactly one full name."""
    if " " in key or groups[key].type_votes.most_common(1)[0][0] != "PER":
        return None
    token = key.removeprefix("name:")
    candidates = [k for k in keys if k in groups and " " in k
                  and groups[k].type_votes.most_common(1)[0][0] == "PER"
                  and token in (k.removeprefix("name:").split()[0], k.split()[-1])]
    return candidates[0] if len(candidates) == 1 else None


#: CLDR lists these as territories, but they are organisations of states.
ORGANISATION_TERRITORIES = frozenset({"loc:UN", "loc:EU"})


def _vouched(entity: ArticleEntity, group: _Group, coordinated: set[str]) -> ArticleEntity:
    """``entity`` with ``vouched`` set when the article backs the tagger: a gazetteer place,
    a known or corporate-looking organisation name, a list with a name a gazetteer knows, or
    (for an organisation) a noun of its kind right before it (:mod:`newsloom.enrich.vouching`).
    The corpus lists an entity only when it is vouched for, a person named in full, or in two
    articles."""
    vouched = (entity.key.startswith("loc:") or entity.key in ORGANISATION_TERRITORIES
               or any(is_organisation(s) or corporate_marker(s) or s in coordinated
                      for s in entity.surfaces)
               or (entity.type == "ORG" and group.introduced))
    return replace(entity, vouched=True) if vouched else entity


def _entity(key: str, group: _Group) -> ArticleEntity:
    entity_type: EntityType = (
        "ORG" if key in ORGANISATION_TERRITORIES else
        "LOC" if key.startswith("loc:") else group.type_votes.most_common(1)[0][0])
    surfaces = tuple(s for s, _ in group.surfaces.most_common())
    return ArticleEntity(key=key, name=surfaces[0], type=entity_type, mentions=group.mentions,
                         salience=round(group.salience, 3), surfaces=surfaces)
