"""Per-language words for time expressions: de, en, nl, fr, es.

Month and weekday names come from CLDR via Babel (:mod:`newsloom.text.calendars`, one table
per language, so an English "Mars" or a Dutch "mar" never becomes a month); everything else
here is small hand-kept word lists.
Regex fragments are written to be joined into larger patterns by :mod:`timex_patterns`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from newsloom.text.calendars import babel_months, babel_weekdays

Unit = Literal["day", "week", "month", "year"]
Part = Literal["early", "mid", "late"]
Modifier = Literal["before", "after", "since", "until", "shortly-before", "shortly-after"]

@dataclass(frozen=True)
class Lexicon:
    """Everything language-specific the patterns need."""

    lang: str
    capitalised: bool  # month and weekday names start upper-case (en, de)
    weekday_compound: str  # regex for "Mittwochabend", "woensdagavond"; "" when none
    numbers: Mapping[str, int]  # number words 1-12
    units: Mapping[str, Unit]  # "Tagen" → day, "semaines" → week
    period_units: str  # singular week/month/year words after "last"/"dernier": "Jahres", "año"
    day_words: tuple[tuple[str, int], ...]  # regex → offset in days from the anchor
    ago: tuple[tuple[str, int], ...]  # regex with {num} and {unit} → direction (-1 ago, +1 in)
    since_ago: tuple[str, ...]  # "seit zwei Jahren": since that long ago
    rel_pre: tuple[tuple[str, int], ...]  # "letzte", "next" before a unit/weekday/month
    rel_post: tuple[tuple[str, int], ...]  # "dernier", "pasado" after it
    rel_words: tuple[tuple[str, Unit, int], ...]  # fixed words: "Vorjahr" → year -1
    unit_article: str  # optional article before "semaine dernière", "año pasado"
    month_of: str  # "mes de" in "el pasado mes de marzo"
    holidays: tuple[tuple[str, str], ...]  # regex → holiday key (see timex_resolve.HOLIDAYS)
    parts: tuple[tuple[str, Part], ...]  # "Anfang", "a finales de"
    modifiers: tuple[tuple[str, Modifier], ...]  # "kurz vor", "nog voor", "depuis"
    context: str  # plain words that make a bare month or year a date: "im", "in", "en"
    quarters: Mapping[str, int]  # ordinal words 1-4 before "Quartal", "quarter", ...
    quarter_pattern: str  # with {q} and {year}
    decades: tuple[str, ...]  # regexes with a (?P<dec>...) group

    @property
    def months(self) -> Mapping[str, int]:
        """Lower-case month name or abbreviation (no dot) → month number."""
        return babel_months(self.lang)[0]

    @property
    def full_months(self) -> frozenset[str]:
        """Wide month names: only these may stand without a day or a year."""
        return babel_months(self.lang)[1]

    @property
    def weekdays(self) -> Mapping[str, int]:
        """Lower-case wide weekday name → 0 (Monday) .. 6."""
        return babel_weekdays(self.lang)


def _words(text: str, value: int) -> dict[str, int]:
    return dict.fromkeys(text.split(), value)


def _numbers(*groups: str) -> dict[str, int]:
    """Number words: group ``i`` holds the words for ``i + 1``."""
    found: dict[str, int] = {}
    for index, group in enumerate(groups):
        found.update(_words(group, index + 1))
    return found


def _units(day: str, week: str, month: str, year: str) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    pairs: tuple[tuple[str, Unit], ...] = ((day, "day"), (week, "week"), (month, "month"),
                                           (year, "year"))
    for words, unit in pairs:
        units.update({word: unit for word in words.split()})
    return units


_YEAR_WORD_DE = r"(?:im\s+)?(?:\w*jahr(?:e|es|s)?)"

_DE = Lexicon(
    lang="de",
    since_ago=(r"seit\s+(?:(?:bald|fast|knapp|rund|über|gut|mehr\s+als)\s+)?{num}\s+{unit}",),
    period_units="woche monat monats jahr jahres",
    capitalised=True,
    weekday_compound=r"(?:abend|morgen|vormittag|nachmittag|mittag|nacht)?",
    numbers=_numbers("ein eine einem einer einen", "zwei", "drei", "vier", "fünf", "sechs",
                     "sieben", "acht", "neun", "zehn", "elf", "zwölf"),
    units=_units("tag tage tagen", "woche wochen", "monat monate monaten monats",
                 "jahr jahre jahren jahres"),
    day_words=((r"vorgestern", -2), (r"gestern", -1), (r"heute", 0), (r"(?-i:morgen)", 1),
               (r"übermorgen", 2)),
    ago=((r"vor\s+{num}\s+{unit}", -1), (r"in\s+{num}\s+{unit}", 1)),
    rel_pre=((r"(?:im\s+|in\s+der\s+)?(?:letzt|vergangen|vorig)\w*", -1),
             (r"(?:in\s+)?dies\w*", 0), (r"(?:im\s+|in\s+der\s+)?(?:nächst|kommend)\w*", 1)),
    rel_post=(),
    rel_words=((r"(?:im\s+)?Vorjahr(?:es)?", "year", -1), (r"heuer", "year", 0),
               (r"(?:im\s+)?Vormonat", "month", -1), (r"(?:in\s+der\s+)?Vorwoche", "week", -1)),
    unit_article="",
    month_of="",
    holidays=((r"Heilig(?:abend|en\s+Abend)", "christmas_eve"),
               (r"Weihnacht(?:en|stag|sfeiertage[n]?)?", "christmas"), (r"Silvester", "nye"),
               (r"Neujahr(?:stag)?", "new_year"), (r"Karfreitag", "good_friday"),
               (r"Oster(?:n|sonntag)", "easter"), (r"Pfingsten", "pentecost")),
    parts=((r"(?:Anfang|Beginn)(?:\s+des)?", "early"), (r"Mitte(?:\s+des)?", "mid"),
           (r"Ende(?:\s+des)?", "late")),
    modifiers=((r"(?:kurz|unmittelbar|knapp)\s+vor(?:\s+de[mr])?", "shortly-before"),
               (r"(?:kurz|unmittelbar|knapp)\s+nach(?:\s+de[mr])?", "shortly-after"),
               (r"(?:noch\s+|schon\s+|bereits\s+)?vor(?:\s+de[mr])?", "before"),
               (r"nach(?:\s+de[mr])?", "after"), (r"(?:seit|ab)(?:\s+de[mr])?", "since"),
               (r"bis(?:\s+zum|\s+zur|\s+in\s+den)?", "until")),
    context=rf"{_YEAR_WORD_DE}|im|für|vom|von|zum|um|zwischen|Sommer|Winter|Herbst|Frühjahr"
            r"|Frühling",
    quarters=_words("ersten 1.", 1) | _words("zweiten 2.", 2) | _words("dritten 3.", 3)
    | _words("vierten 4.", 4),
    quarter_pattern=r"(?:im\s+)?(?P<q>{q})\s+Quartal(?:s)?(?:\s+(?:des\s+Jahres\s+)?{year})?",
    decades=(r"(?P<dec>(?:19|20)\d0)er(?:[-\s]?Jahre[n]?)?", r"(?P<dec>\d0)er[-\s]?Jahre[n]?"),
)

_EN = Lexicon(
    lang="en",
    since_ago=(),
    period_units="week month year",
    capitalised=True,
    weekday_compound="",
    numbers=_numbers("a an one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                     "ten", "eleven", "twelve"),
    units=_units("day days", "week weeks", "month months", "year years"),
    day_words=((r"the\s+day\s+before\s+yesterday", -2), (r"yesterday", -1),
               (r"today|tonight|this\s+(?:morning|afternoon|evening)", 0),
               (r"the\s+day\s+after\s+tomorrow", 2), (r"tomorrow", 1)),
    ago=((r"{num}\s+{unit}\s+ago", -1), (r"in\s+{num}\s+{unit}(?!\s+(?:of|to|ago))", 1)),
    rel_pre=((r"(?:this\s+past|last)", -1), (r"this", 0), (r"(?:this\s+coming|next)", 1)),
    rel_post=(),
    rel_words=(),
    unit_article="",
    month_of="",
    holidays=((r"Christmas\s+Eve", "christmas_eve"), (r"Christmas(?:\s+Day)?", "christmas"),
               (r"New\s+Year['’]s\s+Eve", "nye"), (r"New\s+Year['’]s(?:\s+Day)?", "new_year"),
               (r"Good\s+Friday", "good_friday"), (r"Easter(?:\s+Sunday)?", "easter")),
    parts=((r"(?:at\s+)?the\s+(?:beginning|start)\s+of|early", "early"),
           (r"(?:in\s+)?the\s+middle\s+of|mid-?", "mid"),
           (r"(?:at\s+)?the\s+end\s+of|late", "late")),
    modifiers=((r"(?:shortly|just|right)\s+before", "shortly-before"),
               (r"(?:shortly|just|soon)\s+after", "shortly-after"),
               (r"before|prior\s+to", "before"), (r"after", "after"), (r"since", "since"),
               (r"until|till|by", "until")),
    context=r"in|during|of|for|from|between|the\s+year|in\s+the\s+year",
    quarters=_words("first 1st", 1) | _words("second 2nd", 2) | _words("third 3rd", 3)
    | _words("fourth 4th", 4),
    quarter_pattern=r"(?:the\s+)?(?P<q>{q})\s+quarter(?:\s+of)?(?:\s+{year})?",
    decades=(r"(?P<dec>(?:19|20)\d0)['’]?s", r"(?<=the\s)['’]?(?P<dec>\d0)['’]?s"),
)

_NL = Lexicon(
    lang="nl",
    since_ago=(),
    period_units="week maand jaar",
    capitalised=False,
    weekday_compound=r"(?:avond|ochtend|morgen|middag|nacht)?",
    numbers=_numbers("een één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
                     "tien", "elf", "twaalf"),
    units=_units("dag dagen", "week weken", "maand maanden", "jaar jaren"),
    day_words=((r"eergisteren", -2), (r"gister(?:en|avond|ochtend|middag)?", -1),
               (r"vandaag|vanavond|vanochtend|vanmorgen|vanmiddag", 0),
               (r"(?<!de\s)(?<!'s\s)(?<!deze\s)(?<!elke\s)morgen", 1), (r"overmorgen", 2)),
    ago=((r"{num}\s+{unit}\s+geleden", -1), (r"over\s+{num}\s+{unit}", 1)),
    rel_pre=((r"vorige?|afgelopen|verleden", -1), (r"deze|dit", 0),
             (r"volgende?|komende?|aanstaande", 1)),
    rel_post=((r"jongstleden|jl\.", -1), (r"aanstaande|a\.s\.", 1)),
    rel_words=(),
    unit_article="",
    month_of="",
    holidays=((r"kerstavond", "christmas_eve"),
               (r"(?:eerste\s+)?[Kk]erst(?:mis|dagen|dag)?", "christmas"),
               (r"oude?jaars?(?:avond|dag)?", "nye"), (r"[Nn]ieuwjaar(?:sdag)?", "new_year"),
               (r"Goede\s+Vrijdag", "good_friday"), (r"(?-i:Pasen)|[Pp]aaszondag", "easter"),
               (r"(?-i:Pinksteren)", "pentecost")),
    parts=((r"(?:in\s+het\s+)?begin(?:\s+van)?", "early"), (r"half|medio|midden", "mid"),
           (r"(?:aan\s+het\s+)?eind(?:e)?(?:\s+van)?", "late")),
    modifiers=((r"(?:kort|vlak|net)\s+v[oó][oó]r", "shortly-before"),
               (r"(?:kort|vlak|net)\s+na", "shortly-after"),
               (r"(?:nog|al|ruim)\s+v[oó][oó]r|vóór", "before"), (r"na", "after"),
               (r"sinds|sedert|vanaf", "since"), (r"tot(?:\s+en\s+met)?|t/m|uiterlijk", "until")),
    # plain "voor" is also "for" ("de plannen voor 2020"): it licenses, it does not mean before
    context=r"in|op|van|voor|het\s+jaar|in\s+het\s+jaar|per|tussen",
    quarters=_words("eerste", 1) | _words("tweede", 2) | _words("derde", 3) | _words("vierde", 4),
    quarter_pattern=r"(?:het\s+)?(?P<q>{q})\s+kwartaal(?:\s+(?:van\s+)?{year})?",
    decades=(r"jaren\s+['’]?(?P<dec>(?:19|20)?\d0)",),
)

_FR = Lexicon(
    lang="fr",
    since_ago=(r"depuis\s+(?:(?:presque|plus\s+de|près\s+de)\s+)?{num}\s+{unit}",),
    period_units="semaine mois an année annee",
    capitalised=False,
    weekday_compound="",
    numbers=_numbers("un une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
                     "dix", "onze", "douze"),
    units=_units("jour jours", "semaine semaines", "mois", "an ans année années annee annees"),
    day_words=((r"avant-hier", -2), (r"hier(?:\s+soir|\s+matin)?", -1),
               (r"aujourd['’]hui|ce\s+(?:matin|soir)", 0), (r"après-demain", 2),
               (r"demain", 1)),
    ago=((r"il\s+y\s+a\s+{num}\s+{unit}", -1), (r"dans\s+{num}\s+{unit}", 1)),
    rel_pre=((r"ce|cet|cette", 0),),
    rel_post=((r"derni(?:er|ère)|pass[ée]e?", -1), (r"prochaine?", 1), (r"-ci|en\s+cours", 0)),
    rel_words=(),
    unit_article=r"(?:(?:la|le|l['’])\s*)?",
    month_of=r"(?:(?:au\s+)?mois\s+d['’]|(?:au\s+)?mois\s+de\s+)?",
    holidays=((r"(?:la\s+veille|le\s+réveillon)\s+de\s+Noël", "christmas_eve"),
               (r"[Nn]oël", "christmas"), (r"(?:la\s+)?Saint-Sylvestre", "nye"),
               (r"(?:le\s+)?(?:jour\s+de\s+l['’]an|[Nn]ouvel\s+[Aa]n)", "new_year"),
               (r"[Vv]endredi\s+saint", "good_friday"), (r"Pâques", "easter"),
               (r"(?-i:Pentecôte)", "pentecost")),
    parts=((r"(?:au\s+)?début(?:\s+de|\s+d['’])?", "early"),
           (r"(?:à\s+la\s+)?mi-|au\s+milieu\s+de", "mid"),
           (r"(?:à\s+la\s+|en\s+)?fin(?:\s+de|\s+d['’])?", "late")),
    modifiers=((r"(?:peu|juste)\s+avant", "shortly-before"),
               (r"(?:peu|juste)\s+après", "shortly-after"),
               (r"avant(?:\s+le)?", "before"), (r"après(?:\s+le)?", "after"),
               (r"depuis(?:\s+le)?|à\s+partir\s+d[eu']|dès(?:\s+le)?", "since"),
               (r"jusqu['’](?:en|au|à)|d['’]ici(?:\s+à)?", "until")),
    context=r"en|le|pour|courant|durant|l['’]année|l['’]an|au\s+cours\s+de|entre",
    quarters=_words("premier 1er", 1) | _words("deuxième second 2e", 2)
    | _words("troisième 3e", 3) | _words("quatrième 4e", 4),
    quarter_pattern=r"(?:le\s+|au\s+)?(?P<q>{q})\s+trimestre(?:\s+(?:de\s+|d['’])?{year})?",
    decades=(r"années\s+(?P<dec>(?:19|20)?\d0)",),
)

_ES = Lexicon(
    lang="es",
    since_ago=(r"desde\s+hace\s+(?:(?:casi|más\s+de)\s+)?{num}\s+{unit}",),
    period_units="semana mes año",
    capitalised=False,
    weekday_compound="",
    numbers=_numbers("un una uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho",
                     "nueve", "diez", "once", "doce"),
    units=_units("día días dia dias", "semana semanas", "mes meses", "año años"),
    day_words=((r"anteayer|antier|antes\s+de\s+ayer", -2), (r"ayer|anoche", -1),
               (r"hoy|esta\s+(?:mañana|tarde|noche)", 0), (r"pasado\s+mañana", 2),
               (r"(?<!la\s)(?<!una\s)(?<!cada\s)(?<!de\s)(?<!por\s)mañana", 1)),
    ago=((r"hace\s+{num}\s+{unit}", -1), (r"dentro\s+de\s+{num}\s+{unit}", 1)),
    rel_pre=((r"(?:el\s+|la\s+)?pasad[oa]", -1), (r"est[ea]", 0),
             (r"(?:el\s+|la\s+)?próxim[oa]", 1)),
    rel_post=((r"pasad[oa]", -1), (r"próxim[oa]|que\s+viene", 1), (r"en\s+curso", 0)),
    rel_words=(),
    unit_article=r"(?:(?:el|la)\s+)?",
    month_of=r"(?:mes\s+de\s+)?",
    holidays=((r"Nochebuena", "christmas_eve"), (r"Navidad(?:es)?", "christmas"),
               (r"Nochevieja", "nye"), (r"Año\s+Nuevo", "new_year"),
               (r"Viernes\s+Santo", "good_friday"), (r"Semana\s+Santa", "holy_week"),
               (r"(?-i:Pascua)|Domingo\s+de\s+Resurrección", "easter")),
    parts=((r"(?:a\s+)?(?:principios|comienzos|inicios)\s+del?", "early"),
           (r"(?:a\s+)?mediados\s+del?", "mid"),
           (r"(?:a\s+)?(?:finales|fines)\s+del?|al\s+final\s+del?", "late")),
    modifiers=((r"(?:poco|justo)\s+antes\s+del?", "shortly-before"),
               (r"(?:poco|justo)\s+después\s+del?", "shortly-after"),
               (r"antes\s+del?", "before"), (r"después\s+del?|tras(?:\s+el)?", "after"),
               (r"desde(?:\s+el)?|a\s+partir\s+del?", "since"), (r"hasta(?:\s+el)?", "until")),
    context=r"en|el|de|del|para|durante|el\s+año|año|entre",
    quarters=_words("primer", 1) | _words("segundo", 2) | _words("tercer", 3) | _words("cuarto", 4),
    quarter_pattern=r"(?:el\s+)?(?P<q>{q})\s+trimestre(?:\s+(?:de|del)\s+{year})?",
    decades=(r"años\s+(?P<dec>(?:19|20)?\d0)",
             r"década\s+de(?:\s+los)?\s+(?P<dec>(?:19|20)?\d0)"),
)

_LEXICONS: dict[str, Lexicon] = {"de": _DE, "en": _EN, "nl": _NL, "fr": _FR, "es": _ES}


def lexicon(lang: str) -> Lexicon | None:
    """The lexicon of a supported language, else ``None``."""
    return _LEXICONS.get(lang)
