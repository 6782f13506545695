"""Patterns and vocabularies: RFMOs, dates, measures, vessel types, gears, flags in context, prose names,
bare identifiers."""

from __future__ import annotations

import re

from oceanid_dagster.domain.countries import country_by_demonym, lookup_country
from oceanid_dagster.domain.identifiers import imo_check_digit_ok
from oceanid_dagster.domain.rules.keys import (
    _QUALIFIER_KEY_RE,
    _RFMO_ACRONYMS,
    _RFMO_ALT,
    _RFMO_NAMES,
    FIELD_KEYS,
    Found,
    _matched_key,
)
from oceanid_dagster.domain.rules.mentions import _MONTH, _SHORT_MONTH, _country_name_re
from oceanid_dagster.domain.rules.text import _COMPANY_SUFFIX, _key_shadow, is_field_key
from oceanid_dagster.domain.rules.values import (
    _LENGTH_UNIT,
    _NUMBER,
    _RANGE,
    CN_CERTIFICATE,
    VALUE_PARSERS,
    _ircs_values,
    _mmsi_values,
    _name_like,
    _owner_values,
    _registration_values,
)


def _vocabulary_alternatives(terms: tuple[str, ...]) -> str:
    """The terms as one alternation, longest first, words joined by spaces or hyphens, plural allowed."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = [re.escape(word) for word in re.split(r"[\s\-]+", term)]
        alternatives.append(r"[\s\-]+".join(words) + "s?")
    return "|".join(alternatives)


def _vocabulary_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + _vocabulary_alternatives(terms) + r")(?![\w])", re.IGNORECASE)


VESSEL_TYPE_TERMS: tuple[str, ...] = (
    "stern trawler",
    "side trawler",
    "freezer trawler",
    "factory trawler",
    "stern freezer trawler",
    "wetfish trawler",
    "otter trawler",
    "beam trawler",
    "outrigger trawler",
    "pair trawler",
    "bottom trawler",
    "midwater trawler",
    "shrimp trawler",
    "prawn trawler",
    "pelagic trawler",
    "demersal trawler",
    "trawler",
    "tuna purse seiner",
    "purse seiner",
    "purse seine vessel",
    "danish seiner",
    "seiner",
    "tuna longliner",
    "longliner",
    "long liner",
    "longline vessel",
    "longline fishing vessel",
    "tuna longline vessel",
    "pole and line vessel",
    "pole and liner",
    "gillnetter",
    "gill netter",
    "drift netter",
    "driftnetter",
    "squid jigger",
    "stick-held dip netter",
    "dip netter",
    "stick-held dip net vessel",
    "dip net vessel",
    "gillnet vessel",
    "jigger",
    "jigging vessel",
    "squid jigging vessel",
    "handliner",
    "hand liner",
    "handline vessel",
    "hand line vessel",
    "troller",
    "trolling vessel",
    "trap setter",
    "potter",
    "dredger",
    "dredge vessel",
    "reefer",
    "reefer vessel",
    "refrigerated cargo vessel",
    "refrigerated cargo ship",
    "fish carrier",
    "carrier vessel",
    "transhipment vessel",
    "transshipment vessel",
    "fish transport vessel",
    "fishing support vessel",
    "support vessel",
    "supply vessel",
    "bunker vessel",
    "bunkering vessel",
    "carrier",
    "mother ship",
    "factory ship",
    "fish processing vessel",
    "research vessel",
    "patrol vessel",
    "tanker",
    # Spanish, French, Portuguese
    "buque pesquero",
    "barco pesquero",
    "buque de pesca",
    "buque frigorífico",
    "palangrero de superficie",
    "palangrero de fondo",
    "palangrero",
    "cerquero",
    "atunero cerquero",
    "atunero",
    "arrastrero",
    "arrastrero congelador",
    "navire de pêche",
    "palangrier",
    "thonier senneur",
    "senneur",
    "thonier",
    "chalutier",
    "chalutier congélateur",
    "fileyeur",
    "navire frigorifique",
    "palangreiro",
    "cercador",
    "atuneiro",
    "arrastão",
    "navio de pesca",
    "espinheleiro",
    "embarcación pesquera artesanal",
    "embarcación pesquera",
    "nave pesquera industrial de cerco",
    "nave pesquera industrial",
    "nave pesquera",
    # Italian
    "motopeschereccio",
    "peschereccio a strascico",
    "peschereccio",
    "motovedetta",
)
GEAR_TERMS: tuple[str, ...] = (
    "drifting longlines",
    "surface longlines",
    "surface longline",
    "bottom set longlines",
    "bottom set longline",
    "set longline",
    "set longlines",
    "bottom longlines",
    "pelagic longlines",
    "bottom longline",
    "pelagic longline",
    "longlines",
    "longline",
    "purse seines",
    "purse seine",
    "ring nets",
    "beach seines",
    "boat seines",
    "danish seines",
    "scottish seines",
    "pair seines",
    "seine nets",
    "bottom trawls",
    "bottom otter trawls",
    "beam trawls",
    "midwater trawls",
    "midwater otter trawls",
    "pelagic trawls",
    "pair trawls",
    "otter trawls",
    "otter twin trawls",
    "shrimp trawls",
    "shrimp trawl",
    "bottom otter trawl",
    "midwater otter trawl",
    "bottom trawl",
    "midwater trawl",
    "pelagic trawl",
    "beam trawl",
    "pair trawl",
    "otter trawl",
    "gillnets",
    "gill nets",
    "gill net",
    "set gillnets",
    "set nets",
    "set net",
    "fyke nets",
    "fyke net",
    "drift gillnets",
    "driftnets",
    "drift nets",
    "drift net",
    "trammel nets",
    "trammel net",
    "entangling nets",
    "pole and line",
    "pole and lines",
    "handlines",
    "hand lines",
    "handline",
    "hand line",
    "stick-held dip nets",
    "stick-held dip net",
    "handlines and hand-operated pole-and-lines",
    "jigging lines",
    "mechanized lines",
    "squid jigging",
    "jigging",
    "trolling lines",
    "trolling",
    "troll",
    "troll lines",
    "hooks and lines",
    "pots and traps",
    "pots",
    "traps",
    "dredges",
    "lift nets",
    "falling gear",
    "cast nets",
    "harpoons",
    # Spanish, French, Portuguese
    "palangre de superficie",
    "palangre de deriva",
    "palangre de fondo",
    "palangre",
    "red de cerco",
    "redes de cerco",
    "red de arrastre",
    "arrastre de fondo",
    "arrastre pelágico",
    "redes de enmalle",
    "red de enmalle",
    "línea de mano",
    "caña",
    "palangre dérivante",
    "senne coulissante",
    "chalut pélagique",
    "chalut de fond",
    "chalut",
    "filets maillants",
    "ligne à main",
    "canne",
    "palangre de superfície",
    "cerco com retenida",
    "rede de arrasto",
    "linha de mão",
    "espinhel horizontal de superfície",
    "espinhel horizontal",
    "espinhel pelágico",
    "espinhel de superfície",
    "espinhel de fundo",
    "espinhel",
    "palangaro di fondo",
    "palangaro",
    "rete a strascico",
    "rete a circuizione",
    # the methods, as prose names them
    "pelagic trawling",
    "pair trawling",
    "bottom trawling",
    "beam trawling",
    "purse seining",
    "longlining",
    "gillnetting",
)
_VESSEL_TYPE_ALT = _vocabulary_alternatives(VESSEL_TYPE_TERMS)
_VESSEL_TYPE_RE = _vocabulary_regex(VESSEL_TYPE_TERMS)
_GEAR_ALT = _vocabulary_alternatives(GEAR_TERMS)
_GEAR_RE = _vocabulary_regex(GEAR_TERMS)
# ... but not as part of an e-mail or web address ("secretariat@ccsbt.org", "www.iccat.int")
_RFMO_RE = re.compile(
    r"(?<![\w@.])(?:"
    + _RFMO_ALT
    + r")(?![\w]|\.[a-z])|(?<![\w])(?:"
    + "|".join(r"[\s\-]+".join(map(re.escape, re.split(r"[\s\-]+", name))) for name in _RFMO_NAMES)
    + r")(?![\w])",
    re.IGNORECASE,
)
_TONNAGE_RE = re.compile(
    rf"(?<![\w.,])(?:{_NUMBER})\s?(?:GT|GRT|gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons)|"
    r"toneladas\s+de\s+(?:arqueo|registro)\s+(?:bruto|grueso)|tonneaux\s+de\s+jauge\s+brute|toneladas\s+de\s+arqueação\s+bruta)(?![\w])",
    re.IGNORECASE,
)
# ... not a dimension of gear or a hold: "2 x 45 m", "12×8 m"
_LENGTH_RE = re.compile(
    # ... nor minutes after hours: "2h 10m"
    rf"(?<![\w.,])(?<![x×][ \t])(?<![×])(?<!\dh[ \t])"
    rf"(?:{_RANGE}\s?(?:{_LENGTH_UNIT})|(?:{_NUMBER})(?:\s?(?:{_LENGTH_UNIT})|-(?:metre|meter)))(?![\w³²])"
)
# ... nor another dimension of the hull: "Draught   6.2 m", "beam of 9.6 m"
_OTHER_DIMENSION_BEFORE = re.compile(
    r"(?i:draught|draft|beam|breadth|depth|height|width|manga|puntal|calado)\b[^\n\d]{0,12}$"
)


# ... but the first of a hull's dimensions, given together, is its length: "Length x Beam 57 m x 13 m",
# "Dimensions:      38.28 x 7.50 x 3.35 m", "LOA x B x D (m): 45.0 x 8.2 x 4.1", opening their line (not a
# net's "Net dimensions 2 x 45 m")
_HULL_DIMENSIONS = re.compile(
    r"(?m)^[ \t]*(?:(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[-*•])[ \t]+)?"
    r"(?i:(?:main\s+|principal\s+|hull\s+)?dimensions|(?:length|loa|l)(?:\s+overall)?\s*[x×]\s*(?:beam|breadth|b)(?:\s*[x×]\s*(?:depth|d))?)"
    rf"(?:[ \t]*\([^()\n]{{1,12}}\))?[ \t]*[:.]*[ \t]*(?P<l>(?:{_NUMBER})(?:\s?(?:{_LENGTH_UNIT}))?)[ \t]*[x×][ \t]*\d"
)


def _prose_lengths(text: str) -> list[Found]:
    return [
        Found(match.start(), match.end(), "LENGTH")
        for match in _LENGTH_RE.finditer(text)
        if not _OTHER_DIMENSION_BEFORE.search(text, max(0, match.start() - 20), match.start())
    ] + [Found(*match.span("l"), "LENGTH") for match in _HULL_DIMENSIONS.finditer(text)]


_BUILT_RE = re.compile(
    r"\b(?:built|constructed|constru(?:ido|ida|ído|ída|it|ite))\s+(?:in\s+|en\s+|em\s+|at\s+|by\s+)?(?:(?:[A-Z][\w.]*,?\s+){1,3}(?:in\s+)?)?(?P<y>(?:19|20)\d\d)\b"
)


# "battant pavillon du Portugal", "de bandera de Chile", "com bandeira do Brasil", "bandiera della Spagna"
_FLAG_OF_COUNTRY = re.compile(
    r"\b(?:pavillon|bandera|bandeira|bandiera)\s+"
    r"(?:du|de\s+la|de\s+l['’]|des|de|del|do|da|di|della|dello|dell['’])\s*(?P<c>[A-Z][\w' \-]{1,40})"
)
_FLAG_CONTEXTS = (
    re.compile(r"(?P<c>[A-Z][\w' .,\-]{1,40}?)[\s\-]+flagged\b"),
    re.compile(r"\b(?:re)?flagged\s+(?:to|in|by|under)\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})", re.IGNORECASE),
    re.compile(r"\bflag\s+(?:of|state\s+of)\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})", re.IGNORECASE),
    re.compile(r"\b(?:under|flying)\s+(?:the\s+|a\s+)?(?P<c>[A-Z][\w' \-]{1,40}?)\s+flag\b", re.IGNORECASE),
    re.compile(r"\bregistered\s+in\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})"),
    _FLAG_OF_COUNTRY,
    re.compile(r"(?<=[A-Z0-9.])[ \t]\((?P<c>[A-Z][\w' .\-]{1,40}?)\)"),  # "FENG CHENG 105 (China)"
    re.compile(r"(?<![\w])(?P<c>[A-Z][\w' .\-]{1,40}?)[ \t]+\((?i:flag(?:[ \t]+state)?)\)"),  # "China (flag)"
    # a list item's name in capitals, a dash, then its flag: "1) JOEL — Ecuador; registration P-02-00065"
    re.compile(
        r"(?m)^[ \t]*(?:(?:\d{1,3}[.)]|[-*•])[ \t]+)?[A-Z0-9][A-Z0-9 .'\-]{1,40}?[ \t]+[—–-][ \t]+"
        r"(?P<c>[A-Z][\w' .\-]{1,40}?)(?=[ \t]*[;,(\n])"
    ),
)
_FLAG_BEFORE = frozenset({0, 3, 7})  # the patterns whose country ends where the match's "c" group ends
_FLAG_WHOLE = frozenset({6, 8})  # the patterns whose "c" group is the country and nothing else
# A word a flag stands before: "Icelandic-flagged", "a Faroese longliner", "the New Zealand trawler",
# "under Panamanian colours".
_FLAG_FOLLOWER_RE = re.compile(
    rf"(?<![\w])(?:flagged|registered|registration|registry|register|flag|colou?rs|(?:fishing\s+)?(?:vessel|ship|boat)s?|"
    # ... and a fleet named by its gear: "Japanese stick-held dip net vessels", "Chinese pole-and-line"
    rf"{_VESSEL_TYPE_ALT}|{_GEAR_ALT})(?![\w])",
    re.IGNORECASE,
)
_WORDS_BEFORE = re.compile(r"((?:[\w'’]+[ \-]){0,3}[\w'’]+)[ \t\-]+$")
_ADJECTIVE_AFTER_FLAG = re.compile(r"\b(?:bandera|pavillon|bandeira|bandiera)\s+(?P<a>[^\W\d_]+)", re.IGNORECASE)
# ... and after a vessel type in the languages that put it there: "un palangrero ecuatoriano", "le chalutier espagnol"
_ADJECTIVE_AFTER_TYPE = re.compile(rf"(?<![\w])(?:{_VESSEL_TYPE_ALT})[ \t]+(?P<a>[^\W\d_]+)", re.IGNORECASE)


_COMPASS_WORDS = frozenset(
    {"south", "north", "east", "west", "southern", "northern", "eastern", "western", "central", "upper", "lower"}
)


def _flag_before(text: str, position: int) -> Found | None:
    """The flag in the (up to four) words before ``position``: an adjective ("Faroese", "chinese"), or
    a country's name in capitals ("New Zealand")."""
    words = _WORDS_BEFORE.search(text, max(0, position - 48), position)
    if words is None:
        return None
    parts = list(re.finditer(r"[\w'’]+", words.group(1)))
    for first in range(len(parts)):
        start, end = words.start(1) + parts[first].start(), words.end(1)
        candidate = text[start:end]
        if first == len(parts) - 1 and country_by_demonym(candidate) is not None:
            return Found(start, end, "FLAG", True)
        if candidate[0].isupper() and _country_name_re().fullmatch(candidate):
            # a region is not its country: "SOUTH AUSTRALIA REGISTRY" (the compass word and the country
            # together, "South Korea", were tried first)
            region = first and parts[first - 1].group().casefold() in _COMPASS_WORDS
            return None if region else Found(start, end, "FLAG", True)
    return None


def _adjective_and_prefix_flags(text: str) -> list[Found]:
    """Flags named before a flag or vessel word, and adjectives after "bandera"/"pavillon" ("de bandera chilena")."""
    found = [flag for match in _FLAG_FOLLOWER_RE.finditer(text) if (flag := _flag_before(text, match.start()))]
    for match in [*_ADJECTIVE_AFTER_FLAG.finditer(text), *_ADJECTIVE_AFTER_TYPE.finditer(text)]:
        if country_by_demonym(match.group("a")) is not None:
            found.append(Found(*match.span("a"), "FLAG", True))
    return found


def _flags_in_context(text: str) -> list[Found]:
    found = _adjective_and_prefix_flags(text)
    for index, pattern in enumerate(_FLAG_CONTEXTS):
        must_end, must_start = index in _FLAG_BEFORE | _FLAG_WHOLE, index not in _FLAG_BEFORE
        for match in pattern.finditer(text):
            start, end = match.span("c")
            named = False
            for country in _country_name_re().finditer(text, start, end):
                if (must_end and country.end() != end) or (must_start and country.start() != start):
                    continue
                found.append(Found(country.start(), country.end(), "FLAG", True))
                named = True
            code = _country_code_at(text, start, end) if not named and must_start else None
            if code is not None and not (must_end and code.end() != end):
                found.append(Found(code.start(), code.end(), "FLAG", True))
    return found


# "the flag of RUS": a country's ISO alpha-3 code where a flag is named
_COUNTRY_CODE = re.compile(r"[A-Z]{3}\b")


def _country_code_at(text: str, start: int, end: int) -> re.Match[str] | None:
    match = _COUNTRY_CODE.match(text, start, end)
    return match if match is not None and lookup_country(match.group()) is not None else None


# Capitals include the accented ones of Spanish, Portuguese, French and Nordic names ("BONDAÑA", "JÁKUP B").
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_CAPS_WORD = rf"[{_UPPER}0-9][{_UPPER}0-9'’.\-/]*(?![{_LOWER}])"
# A hull number after a dash is part of the name: "KILAT SAMUDERA - 3", "SENTRA NELAYAN - I".
_HULL_NUMBER = r"(?:[ ][-–][ ](?:\d{1,4}|[IVX]{1,4})(?![\w\-]))"
_CAPS_NAME = rf"{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,5}}{_HULL_NUMBER}?"
_TITLE_NAME = r"[A-Z0-9][\w'’.\-/]*(?:[ ][A-Z0-9][\w'’.\-/]*){0,4}"
# A name in title case ending in its hull number: "Agnes 109", "Bandar Nelayan 208", "Hai Feng 718"
# ... and the number after a name in capitals, written "No. 78"
_MIXED_HULL_NUMBER = r"No\.[ ]?\d{1,4}(?![\w\-])"
_NUMBERED_TITLE_NAME = (
    r"[A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+){0,3}[ ](?:No\.?[ ]?)?(?!(?:19|20)\d\d\b)\d{1,4}(?![\w.,]\d|[\w\-])"
)
_QUOTED = r"[“\"‘'](?P<q>[^”\"’'\n]{2,40})[”\"’']"
_NAME_STOP_WORDS = frozenset(
    {
        "IMO",
        "MMSI",
        "IRCS",
        "GT",
        "GRT",
        "LOA",
        "FLAG",
        "FLAGGED",
        "CALL",
        "WAS",
        # the words of a Spanish or French title ("AUTORIZA A LA EMBARCACIÓN QUE INDICA PARA OPERAR")
        "QUE",
        "QUI",
        "PARA",
        "POUR",
        "IS",
        "AND",
        "THE",
        "OF",
        "IN",
        "ON",
        "AT",
        "WITH",
        "BY",
        "FOR",
        "TO",
        "INTO",
        "FROM",
        # a register's or a list's title in capitals: "NATIONAL FISHING VESSEL REGISTER"
        "REGISTER",
        "REGISTRY",
        "RECORD",
        "LIST",
    }
    | set(_RFMO_ACRONYMS)
)
# "the vessel" in the languages the forms come in: "del buque X", "du navire X", "das Schiff X", "il peschereccio X".
_FOREIGN_VESSEL_WORDS = (
    r"(?:du|le)\s+(?:navire|patrouilleur)|(?:del|el)\s+(?:buque|pesquero)|(?:do|o)\s+navio|[aà]\s+embarca[cç][aã]o|la\s+embarcaci[oó]n|"
    r"(?:das|dem|des)\s+(?:schiff|fischereifahrzeug)|(?:la|della)\s+nave|(?:il|del)\s+peschereccio|"
    r"(?:het|van\s+het)\s+(?:schip|vaartuig|vissersvaartuig)"
)
_IDENTIFIER_KEY = r"(?:IMO|IRCS|call\s+sign|MMSI)"  # what, after a name, makes it a vessel's
# ... as does a mark in brackets, letters and digits: "the otter trawler Realt Ara (G897)"
_BRACKETED_CODE = r"[ \t]*\((?=[A-Z\d\-]*\d)(?=[A-Z\d\-]*[A-Z])[A-Z\d][A-Z\d\-]{2,14}[,)]"
# ... as does its port mark after a name in title case, as British, Irish and Nordic news write it: "the
# pelagic trawler Aðalsteinn Jónsson SU 11 landed" (not a tonnage, a month or a key: "GT 140", "JUN 2025";
# after capitals, "RUN DA 1" is a Chinese name).
_PORT_MARK_WORD = (
    r"(?!(?:GR?T|NR?T|KW|HP|LOA|NO|NR|IMO|MMSI|IRCS|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\b)"
    r"[A-Z]{1,3}[ \t\-]?\d{1,4}(?![\w\-])"
)
_MARK_AFTER_NAME = rf"[ \t]+(?:[-–][ \t]+)?(?P<mark>{_PORT_MARK_WORD})"
# ... and after capitals, set apart as a column is, before an identifier: "BRISAN  FD9  call sign MEEY"
_MARK_BEFORE_IDENTIFIER = (
    rf"(?:[ \t]{{2,}}|[ \t]+[-–][ \t]+){_PORT_MARK_WORD}(?:[ \t]{{2,}}|[ \t]*,[ \t]+){_IDENTIFIER_KEY}\b"
)
_MARK_AFTER_NAME_RE = re.compile(_MARK_AFTER_NAME)
_MARK_BEFORE_IDENTIFIER_RE = re.compile(_MARK_BEFORE_IDENTIFIER)
_EX = r"ex-|ex\.?[ \t]"  # "ex-MAR DE MARÍA", "ex LU HUANG YUAN YU 116", "ex. TAISEI MARU"
_PROSE_NAME_PATTERNS = (
    re.compile(rf"(?<![\w])(?:F/V|M/V|FV|MV|F\.V\.|M\.V\.|S/V|FB|F/B)[ \n](?:{_QUOTED}|(?P<n>{_TITLE_NAME}))"),
    # Indonesian "Kapal Motor": "KM BANDAR BAHARI 278" (not a distance: "12 KM NORTH")
    re.compile(rf"(?<![\w])(?<!\d[ \t])(?:KM|KMN|KLM)[ \t](?P<n>{_CAPS_NAME})"),
    re.compile(
        # (a word between, not a dash: "PART A - VESSEL INFORMATION" is a heading)
        rf"(?<![\w])(?i:(?:the|this|fishing|a|an|[\w\-]+-flagged)\s+(?:\w[\w\-]*\s+)?(?:fishing\s+)?(?:vessel|ship|boat)|"
        rf"vessel\s+(?:named|called)|(?:re-?)?named|called|{_FOREIGN_VESSEL_WORDS}|{_VESSEL_TYPE_ALT})[ \n]"
        # ... and its flag between, as Romance languages write it: "motopeschereccio di bandiera spagnola X"
        r"(?:(?i:di|de|com|sous|battant)[ \n](?i:bandiera|bandera|bandeira|pavillon)[ \n][^\W\d_]+[ \n])?"
        rf"(?:{_QUOTED}|(?P<n>{_CAPS_NAME}))"
    ),
    # "Inspectors at Tema boarded HONG RUN LENG 2 on 22-Oct-2024"
    re.compile(
        rf"(?<![\w])(?i:boarded|inspected|detained|arrested|seized|sighted|escorted|intercepted)\s+(?:the\s+)?"
        rf"(?P<n>{_CAPS_NAME})(?=[ \t\n]+(?:on|in|at|off|near|while|for|and|after)\b|[ \t]*[,.;(])"
    ),
    # "TAISEI MARU, a Japanese fishing vessel, ...", "NO.637 DONG WON, Korean longliner"
    re.compile(
        rf"(?<![\w])(?P<n>{_CAPS_NAME}),\s+(?:an?\s+)?(?:[\w\-]+\s+){{0,2}}(?i:vessel|ship|boat|{_VESSEL_TYPE_ALT})\b"
    ),
    # "SALERNO (Cyprus), IMO 9189873"; not a code in brackets after the name ("VALLE FRAGA (3ST-4-2551, call sign")
    re.compile(
        rf"(?<![\w(])(?P<n>{_CAPS_NAME})\s*(?:\(\s*{_IDENTIFIER_KEY}(?!\s*\))|"
        rf"(?:[ \t]*\([A-Z][A-Za-z .'\-]{{1,30}}\))?,\s+{_IDENTIFIER_KEY}\b|"
        # ... or with its port mark between: "BRISAN  FD9  call sign MEEY"
        rf"{_MARK_BEFORE_IDENTIFIER})"
    ),
    # a name in title case after its vessel word, where an identifier follows: "the longliner Hai Feng 718
    # (call sign V3RY2)", "the fishing vessel Ocean Star, IMO 9123456"
    re.compile(
        rf"(?<![\w])(?i:vessel|ship|boat|{_VESSEL_TYPE_ALT})[ \n](?P<n>{_TITLE_NAME})"
        rf"(?=\s*\(\s*(?i:{_IDENTIFIER_KEY})\b|,\s+(?i:{_IDENTIFIER_KEY})\b|{_BRACKETED_CODE}|(?<=[{_LOWER}]){_MARK_AFTER_NAME})"
    ),
    # ... or, numbered, after its vessel word alone: "the Korean squid jigger Agnes 109 returned"
    re.compile(
        rf"(?<![\w])(?i:the\s+(?:[\w\-]+\s+)?(?:vessel|ship|boat|{_VESSEL_TYPE_ALT}))[ \n](?P<n>{_NUMBERED_TITLE_NAME})"
    ),
    # ... or before its identifiers: "that Agnes 109 (call sign DTBS2) fished"
    re.compile(rf"(?<![\w])(?P<n>{_NUMBERED_TITLE_NAME})(?=[ \t]*\((?i:{_IDENTIFIER_KEY})\b)"),
    # ... or after its flag: "the Chinese-flagged Lu Rong Yuan Yu 118 was ..."
    re.compile(rf"(?<![\w])[A-Z][a-z]+-flagged[ \n](?P<n>{_TITLE_NAME})"),
    # ... or before what it is: "Ocean Star, a Panamanian-flagged reefer, ...", "The Ocean Star, a 45-metre trawler"
    re.compile(
        rf"(?<![\w])(?:The[ ])?(?P<n>{_TITLE_NAME}),[ ]an?[ ](?:[\w.\-]+[ ]){{0,2}}"
        rf"(?:(?:fishing[ ])?(?:vessel|ship|boat)|{_VESSEL_TYPE_ALT})\b"
        r"(?![ ](?i:owner|operator|agent|manager|master|captain|crew))"
    ),
    # the new name before the former one: "JINFENG998 (formerly LUPENGYUANYU079)", "BONDAÑA (ex-MAR DE MARÍA)",
    # "HONGRUN116  ex LU HUANG YUAN YU 116"
    re.compile(
        rf"(?<![\w])(?:\d{{1,3}}[.)][ \t]+)?(?P<n>{_CAPS_NAME})"
        rf"(?:[ \t]*\([ \t]*(?i:formerly|{_EX})|,?[ \t]+(?:formerly|{_EX}))"
    ),
    # a former name: "BONDAÑA, ex-MAR DE MARÍA", "(formerly LUPENGYUANYU079)", "previously named ..."
    re.compile(
        rf"(?<![\w])(?i:{_EX}|formerly[ \t]+(?:named[ \t]+|known[ \t]+as[ \t]+)?|previously[ \t]+named[ \t]+)"
        rf"(?:{_QUOTED}|(?P<n>{_CAPS_NAME}))"
    ),
    # ... in title case too, in brackets after the name: "HANYI839 (formerly Lurongyuanyu 839)",
    # "Sanko Maru No. 85 (ex Fukucho Maru No. 21)"
    re.compile(rf"\((?i:formerly|previously[ \t]+named)[ \t]+(?P<n>{_TITLE_NAME})\)"),
    # ... of two words at least after "ex" ("Price (ex Works)" names no vessel)
    re.compile(rf"\((?i:{_EX})[ \t]*(?P<n>[A-Z][\w'’.\-/]*(?:[ ][A-Z0-9][\w'’.\-/]*){{1,4}})\)"),
    # a chat message that opens with a vessel's name in capitals and its number, as exported from WhatsApp
    # ("[03/02/25, 22:14] Capt. Hendra: KILAT MAJU JAYA - 21 alongside now", "03/02/2025, 22:14 - Agent: ...");
    # words shouted in a chat ("OK NOTED will do") carry no number.
    re.compile(
        r"(?m)^[ \t]*(?:\[[^\]\n]{5,30}\]|\d{1,2}/\d{1,2}/\d{2,4},?[ \t]+\d{1,2}:\d{2}(?:[ \t]*[AP]M)?[ \t]+-)"
        rf"[ \t]*[^:\n]{{1,40}}:[ \t]+(?P<n>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,4}}(?:{_HULL_NUMBER}|[ ]\d{{1,4}}))"
        r"(?=[ \t]+[a-z])"
    ),
)


# A list item opening with a name in capitals and a separator: "3. KOPERE | New Zealand | ZMR7336",
# "- SANTA ISABEL flagged UKR; IMO No. 7230418", "* LINGSAR - 17 Indonesia reg. ...".
_LIST_ITEM_NAME = re.compile(
    rf"(?m)^[ \t]*(?:\d{{1,3}}[.)]|[-*•]|\(?[a-z]\)|\(\d{{1,3}}\))[ \t]+(?P<n>{_CAPS_NAME})"
    r"(?=[ \t]*(?:\||;|,|\(|\[|[-–—][ \t]|flagged\b|flag\b|$)|[ \t]+[A-Z][a-z])"
)
# An item of a name alone is identified by the sub-items under it: "(a) WESTERN VENTURE" over
# "    - external marking C335, call sign EI7657, IMO 9089310".
_SUB_ITEMS = re.compile(r"(?:\n[ \t]+[-*•][^\n]*)+")
# What makes the rest of such a line a vessel's: an identifier, or a flag.
_IDENTIFYING = re.compile(r"\bIMO\b|(?<![\d.,])\d{7}(?![\d.,])|\bMMSI\b|\bIRCS\b|call\s+sign|\bflag", re.IGNORECASE)
_LIST_CELL = re.compile(r"(?<=[|;,])[ \t]*(?P<c>[A-Z][A-Za-z .'\-]+?)[ \t]*(?=[|;,]|$)", re.MULTILINE)


def _list_item_vessels(text: str) -> list[Found]:
    """Vessel names opening list items whose line identifies a vessel, and the flags written as a
    whole delimited cell of such a line ("| New Zealand |", "; Indonesia;")."""
    found = []
    for match in _LIST_ITEM_NAME.finditer(text):
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        rest = text[match.end() : line_end]
        if not rest.strip() and (sub_items := _SUB_ITEMS.match(text, line_end)) is not None:
            rest = sub_items.group()
        countries = [
            cell for cell in _LIST_CELL.finditer(text, match.end(), line_end) if lookup_country(cell.group("c"))
        ]
        if not (_IDENTIFYING.search(rest) or countries):
            continue
        start, end = match.span("n")
        name = _name_like(text, start, _cut_at_stop_word(text, start, end), "VESSEL_NAME", 6)
        if name and _could_be_vessel_name(text, name):
            found.append(name)
        found += [Found(*cell.span("c"), "FLAG", True) for cell in countries]
    return found


# A name and its call sign or port mark in brackets, as sanctions and RFMO lists, patrol reports and
# news write them: "LU RONG YUAN YU YUN 678 (BCLO2) Fish Carrier 3,116GT", "ALINA (SNHR), IMO 8907046",
# "Mikasa Maru No. 21 (JD3722)", "HARVEST REAPER II (S287)", "VALLE FRAGA (3ST-4-2551, call sign EAGN)".
# (wrapped onto the next line in prose too, or after the IMO number: "HONG RUN 668 (IMO 8776954, BZV9Y)")
_BRACKETED_CODE_AFTER_NAME = (
    r"(?:[ \t]*\n)?[ \t]*\((?:IMO[ \t]*\d{7}[,;][ \t]*)?"
    r"(?P<c>[A-Z0-9](?:[A-Z0-9]|[ \-](?=[A-Z0-9])){1,11})(?:\)|,[ \t])"
)
_CODE_AFTER_NAME = re.compile(_BRACKETED_CODE_AFTER_NAME)
# A numbered heading of a document ("Resolution 21 (EU1)") is no vessel.
_DOCUMENT_PART = (
    r"(?:Article|Annex|Appendix|Area|Chapter|Decision|Figure|Form|Item|Measure|Page|Paragraph|Part|Point|"
    r"Regulation|Resolution|Rule|Schedule|Section|Table|Zone)\b"
)
_NAME_AND_CODE = re.compile(
    rf"(?<![\w])(?P<n>{_CAPS_NAME}|(?!{_DOCUMENT_PART}){_NUMBERED_TITLE_NAME}|"
    rf"{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,4}}[ ]{_MIXED_HULL_NUMBER})"
    rf"{_BRACKETED_CODE_AFTER_NAME}"
)
# A port mark, unlike a call sign, is written with a space or a dash, or is short after its letters:
# one letter and digits, two and at most three digits, or digits padded with a zero ("G897", "FD9",
# "GG 203", "3ST-4-2551", "MK0411"). Of the registries' 3,900 call signs of letters and digits, one
# ("JH311") reads as a mark by this.
_PORT_MARK = re.compile(r".*[ \-].*|[A-Z]\d{1,5}|[A-Z]{2}\d{1,3}|[A-Z]{1,3}0\d{2,4}")


def _code_after_name(text: str, start: int, end: int) -> list[Found]:
    """The call sign (IRCS) or the port mark (REGISTRATION_NUMBER) in ``text[start:end]``, a code in
    brackets after a vessel's name. A code of letters only ("(MFMR)" could be an acronym) is a call sign
    only after a numbered name ("SEIFUKU MARU No. 78 (JPZG)") or where the rest of the line identifies
    a vessel."""
    code = text[start:end]
    name_is_numbered = text[:start].rstrip(" \t(")[-1:].isdigit()
    if code in _NAME_STOP_WORDS or lookup_country(code):
        return []
    if _PORT_MARK.fullmatch(code) and any(ch.isalpha() for ch in code) and any(ch.isdigit() for ch in code):
        return [Found(start, end, "REGISTRATION_NUMBER", True)]
    if code.isalpha() and not name_is_numbered:
        line_end = text.find("\n", end)
        rest = text[end : len(text) if line_end < 0 else line_end]
        if not (_IDENTIFYING.search(rest) or _VESSEL_TYPE_RE.search(rest) or _TONNAGE_RE.search(rest)):
            return []
    return _ircs_values(text, start, end)


# ... or after a slash, as a subject line or a schedule pairs them: "JIN HAI 888 / BZ3VI (China)"
_NAME_AND_SLASHED_CODE = re.compile(
    rf"(?<![\w/])(?P<n>{_CAPS_NAME})[ \t]+/[ \t]+(?P<c>[A-Z0-9]{{3,8}})(?=[ \t]*(?:[(,;]|[-–][ \t]|$))", re.MULTILINE
)


def _names_and_bracketed_codes(text: str) -> list[Found]:
    found = []
    # a Chinese certificate's words and brackets ("(LU)CHUANDENG (J1)(2023)FT-200088") name no vessel
    certificates = [match.span() for match in CN_CERTIFICATE.finditer(text)]
    for match in [*_NAME_AND_CODE.finditer(text), *_NAME_AND_SLASHED_CODE.finditer(text)]:
        if any(start <= match.start("n") < end for start, end in certificates):
            continue
        start, end = match.span("n")
        name = _name_like(text, start, _cut_at_stop_word(text, start, end), "VESSEL_NAME", 6)
        if name is None or name.end != end or not _could_be_vessel_name(text, name):
            continue
        if code := _code_after_name(text, *match.span("c")):
            found += [name, *code]
    return found


# An identifier with its field named after it in brackets: "UBTI (call sign)", "9657961 (IMO)".
_VALUE_BEFORE_KEY = re.compile(r"(?<![\w])(?P<v>[A-Z0-9][A-Z0-9\-]{2,8})[ \t]*\((?P<k>[^()\n]{2,40})\)")
_IDENTIFIER_LABELS = ("IMO", "MMSI", "IRCS")


def _values_before_their_keys(text: str) -> list[Found]:
    found = []
    for match in _VALUE_BEFORE_KEY.finditer(text):
        key = _QUALIFIER_KEY_RE.match(match.group("k").strip())
        label = _matched_key(key, FIELD_KEYS) if key else None
        if label in _IDENTIFIER_LABELS:
            found.extend(VALUE_PARSERS[label](text, *match.span("v")))
    return found


# A vessel page's heading: the name alone on its line over what the vessel is and its flag, as AIS and
# registry web pages write them ("WESTERN VIKING" over "Fishing vessel, Ireland").
_NAME_OVER_ITS_KIND = re.compile(
    rf"(?m)^[ \t]*(?P<n>{_CAPS_NAME})[ \t]*\n"
    rf"[ \t]*(?i:(?:[a-z\-]+[ \t]+){{0,2}}(?:vessel|ship|boat)|{_VESSEL_TYPE_ALT})"
    r"[ \t]*[,|(\-–][ \t]*(?P<f>[A-Z][A-Za-z .'\-]+?)[ \t]*\)?[ \t]*$"
)


# ... or over its indented identifiers, as a register's search results list them ("EMERALD ISLE" over
# "  Registered number 8266  ·  Call sign ZM3462")
_NAME_OVER_ITS_IDENTIFIERS = re.compile(
    rf"(?m)^[ \t]*(?P<n>{_CAPS_NAME})[ \t]*\n[ \t]+[^\n]*?(?<![\w])(?i:{_IDENTIFIER_KEY})"
    r"[ \t]*(?:(?i:no\.?|number)[ \t]*)?:?[ \t]*(?=[A-Z]*[ ]?\d)"
)


def _names_over_their_kind(text: str) -> list[Found]:
    found = []
    for match in _NAME_OVER_ITS_KIND.finditer(text):
        name = _name_like(text, *match.span("n"), "VESSEL_NAME", 6)
        if name and _could_be_vessel_name(text, name) and lookup_country(match.group("f")):
            found += [name, Found(*match.span("f"), "FLAG", True)]
    for match in _NAME_OVER_ITS_IDENTIFIERS.finditer(text):
        name = _name_like(text, *match.span("n"), "VESSEL_NAME", 6)
        if name and name.end == match.end("n") and _could_be_vessel_name(text, name):
            found.append(name)
    return found


def _prose_vessel_names(text: str) -> list[Found]:
    found = _list_item_vessels(text) + _names_and_bracketed_codes(text) + _names_over_their_kind(text)
    for pattern in _PROSE_NAME_PATTERNS:
        for match in pattern.finditer(text):
            group = "q" if match.groupdict().get("q") else "n"
            start, end = match.span(group)
            if group == "n":
                end = _cut_at_stop_word(text, start, end)
            name = _name_like(text, start, end, "VESSEL_NAME", 6)
            if name and _could_be_vessel_name(text, name):
                found.append(name)
                if code := _CODE_AFTER_NAME.match(text, name.end):
                    found += _code_after_name(text, *code.span("c"))
                elif (mark := _MARK_AFTER_NAME_RE.match(text, name.end)) and (
                    text[name.end - 1].islower() or _MARK_BEFORE_IDENTIFIER_RE.match(text, name.end)
                ):
                    found.append(Found(*mark.span("mark"), "REGISTRATION_NUMBER", True))
    return found


def _could_be_vessel_name(text: str, name: Found) -> bool:
    """Two letters at least, not a field name ("UVI (IMO)"), not a flag ("RUS, IMO 7803217")."""
    words = text[name.start : name.end]
    return sum(ch.isalpha() for ch in words) >= 2 and not _is_key(text, name) and lookup_country(words) is None


def _is_key(text: str, found: Found) -> bool:
    """A field name in capitals before "(IMO ...)" ("UVI (IMO)"), or as OCR misread it ("L0A"), is not a
    vessel name."""
    return _QUALIFIER_KEY_RE.match(_key_shadow(text[found.start : found.end])) is not None


# Words that end a name in capitals unless its hull number closes it: "SAE IN No.9", "STAR OF THE SEA NO. 2".
_JOINING_WORDS = frozenset({"IN", "ON", "OF", "THE", "AT", "AND", "TO"})
_NUMBERED_END = re.compile(r"[ ]No\.?[ ]?\d{1,4}$", re.IGNORECASE)


def _cut_at_stop_word(text: str, start: int, end: int) -> int:
    position = start
    hull_number = re.search(rf"{_HULL_NUMBER}$", text[start:end])
    if hull_number and _cut_at_stop_word(text, start, start + hull_number.start()) == start + hull_number.start():
        return end
    numbered = _NUMBERED_END.search(text, start, end) is not None
    for word in re.finditer(r"\S+", text[start:end]):
        bare = word.group().strip(".,;:").upper()
        if numbered and word.start() and bare in _JOINING_WORDS:
            position = start + word.end()
            continue
        if bare in _NAME_STOP_WORDS or (len(bare) == 3 and bare.isalpha() and lookup_country(bare) and word.start()):
            return position
        if not word.group()[0].isupper() and not word.group()[0].isdigit():
            return position
        position = start + word.end()
    return position


_OWNER_PROSE = re.compile(
    r"\b(?i:(?:owned|operated|managed|chartered)\s+by|belongs?\s+to|de\s+propriedade\s+d[aeo]|pertencente\s+[àa]|arm[ée]e?\s+par|exploit[ée]e?\s+par|"
    r"appartenant\s+[àa]|propiedad\s+de|armad[oa]\s+por|operad[oa]\s+por|pertenec(?:e|iente)\s+a|"
    r"(?:under\s+)?charter(?:ed)?\s+to)(?:[ \t]*:)?\s+(?:the\s+|la\s+|a\s+)?(?:company\s+|soci[ée]t[ée]\s+|empresa\s+)?"
    # a name may run on to the next line ("BPL BALEEIRA PESCAS\nLDA")
    r"(?P<o>[A-Z][\w&'.\-]*(?:(?:,?[ \t]+|,?[ \t]*\n[ \t]*|[ \t]+(?:de|del|la|of|and|&)[ \t]+)[A-Z&][\w&'.\-]*){0,7}"
    # ... and the legal forms written in lower case ("Eskja hf.", "Varðin P/F")
    r"(?:,?[ \t]+(?:e?hf|p/f|sp/f)(?![\w/])\.?)?)"
)
# A company written in capitals with its legal form ("TOEI REEFER LINE LTD.", "INTIMAS SURYA, PT."): in a
# vessel document, the vessel's owner, operator or manager. (Tried in title case too: the validation and
# held-out figures fell.)
_LEGAL_FORMS = (
    r"(?:LTD|LIMITED|INC|CORP|CORPORATION|LLC|S\.?A|S\.?L|S\.?A\.?C|S\.?R\.?L|GMBH|B\.?V|"
    r"A/S|ASA|PTY[ \t]+LTD|PLC|PT|TBK|LDA|LTDA|JSC|PJSC)"
)
_CAPS_COMPANY = re.compile(
    r"(?<![\w.])(?P<o>[A-Z][A-Z0-9&'\-]*(?:[ \t]+[A-Z&][A-Z0-9&'.\-]*){0,6},?[ \t]+"
    rf"(?:CO\.?,?[ \t]+)?{_LEGAL_FORMS}\b\.?)(?![\w])"
)
_PORT_PROSE = re.compile(
    # (a heading's "PORT OF LAS PALMAS - ...", a line's "Port of Nelson")
    r"\b(?:(?i:port\s+of\s+(?:registry|registration|reg\.|call))|port\s+of|PORT\s+OF|(?m:^[ \t]*)Port\s+of|"
    r"in\s+the\s+port\s+of|"
    r"at\s+the\s+port\s+of|[Ii]ssued\s+at|ET[AD](?:\s+(?:at|in))?|(?i:arriv(?:ed|al|es?|ing)\s+(?:in|at)|(?:home|base)\s+port(?:\s+(?:of|is|was))?|"
    r"(?:re-?)?registered\s+(?:in|at)|(?:dis)?embarked\s+(?:in|at)|(?:call|dock|berth|moor)(?:s|ed|ing)?\s+(?:in|at)|"
    r"(?:land|unload|discharg|tranship)(?:s|es|ed|ing|e)?\s+(?:[a-z\d]+\s+){0,4}?(?:in|at)|"
    r"(?:fish|operat|work|sail|run)\w*\s+(?:[a-z]+\s+){0,3}?out\s+of|"
    r"(?:landing|unloading|discharge|transhipment|inspection)s?\s+(?:(?:took|takes|will\s+take)\s+place\s+)?(?:in|at)|"
    r"(?:escorted|diverted|ordered|directed|brought|taken)\s+(?:in)?to|"
    r"(?:bound|steaming|sailing|heading|proceeding|en\s+route|transit(?:ing)?)\s+(?:to|for)|"
    r"(?:left|sailed|departed|leaving|departing)\s+for|"
    r"based\s+(?:in|at)|(?:sailed|departed|returned)\s+(?:from|to)|(?:left|departed|leaving|departing)|"
    r"(?:remain|stay)(?:s|ed|ing)?\s+(?:in|at)|(?:next|last|previous)\s+port(?:\s+of\s+call)?(?:\s+(?:is|was|will\s+be))?|"
    r"puerto\s+de|port\s+de|porto\s+d[ei]|"
    r"matr[ií]cula\s+de(?=\s+[A-Z][\w\-]+\s+(?i:n[º°o]\.?|n[úu]mero)[ \t]*\d)|"
    r"puerto\s+base\s+en|immatricul[ée]e?s?\s+[àa]|port\s+d['’]attache\s+est|"
    r"porto\s+de\s+(?:inscri[cç][aã]o|registro|registo)\s+em|"
    r"(?:inspectors|officers|authorities|inspected|boarded|detained|sighted|arrested|seized|impounded)\s+(?:in|at)|lying(?:\s+(?:in|at))?))\s+"
    # "at sea" is where an inspection happens, not a port; nor is "in port" one
    r"(?!(?i:sea)\b|(?i:port)\b(?![ \t]+(?:of\b|[A-Z])))"
    # ... nor is what a key's "Port of" goes on to ("Port of Registry ..... Port Vila")
    r"(?!(?i:regist(?:ry|ration|er)|call|entry|arrival|departure|landing|loading|discharge|destination|origin)\b)"
    # ... with a particle between its words: "Mazara del Vallo", "Puerto de la Cruz"
    # ... and a saint's abbreviated: "St. John's"
    r"(?P<p>(?:Port[ \t]+(?:of[ \t]+)?|Ste?\.[ \t]+)?[A-Z][\w'\-]+"
    r"(?:[ \t]+(?:(?:de|del|di|da|do|dos|das|la)[ \t]+)?[A-Z][\w'\-]+){0,2})"
)
_MONTH_WORD = re.compile(rf"{_MONTH}|{_SHORT_MONTH}", re.IGNORECASE)  # "ETA Dec 06" names no port
_PORT_STOP_WORDS = frozenset({"ETA", "ETD", "ON", "AT", "IN", "FROM", "TO", "BY", "AND", "WITH", "FOR", "VIA"})


def _before_port_stop_word(text: str, start: int, end: int) -> int:
    """A port name in capitals ends before the word that follows it in a telex ("LYTTELTON ETA 2406")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    stop = next((index for index, word in enumerate(words) if index and word.group() in _PORT_STOP_WORDS), None)
    return start + words[stop - 1].end() if stop else end


def _end_of_company(text: str, start: int, end: int) -> int:
    """A company's name ends with a suffix and its full stop ("... PESCAS LDA. El buque ...")."""
    for word in re.finditer(r"\S+", text[start:end]):
        if word.group().endswith(".") and _COMPANY_SUFFIX.fullmatch(word.group()) and start + word.end() < end:
            return start + word.end()
    return end


# "registered as SA0450" ("under number ..." was tried too: the held-out figure fell)
_REGISTRATION_PROSE = re.compile(
    r"\b(?i:registered)(?:\s+(?:in|at|with)\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})?[ \t]+as"
    r"(?:[ \t]+(?:vessel|number|no\.))?[ \t]+(?=[A-Z0-9(])|"
    # "immatriculé BA 925133" (not "immatriculé à Bayonne")
    r"\b(?i:immatricul[ée]e?)[ \t]+(?=[A-Z]{1,3}[ \t\-]?\d)|"
    # Spanish and Portuguese registry prose: "inscrita en el Registro ... con el N° 2451", "matrícula de
    # Talcahuano N° 3127", "inscrita na Capitania dos Portos sob o nº 431-025417-0"
    r"\b(?i:(?:inscrit|registrad|registad|matriculad)[oa]s?\b[^.;\n]{0,60}?(?:\n[^.;\n]{0,60}?)?"
    r"\b(?:con\s+el|bajo\s+el|sob\s+o|com\s+o)|matr[ií]cula\s+de\s+[A-Z][\w\-]+)[ \t]+"
    r"(?i:n[º°o]|n[úu]mero)\.?[ \t]*(?=[A-Z0-9])"
)


def _prose_registrations(text: str) -> list[Found]:
    found = []
    for match in _REGISTRATION_PROSE.finditer(text):
        line_end = text.find("\n", match.end())
        found += _registration_values(text, match.end(), len(text) if line_end < 0 else line_end)
    return found


def _capitalised_companies(text: str) -> list[Found]:
    return [Found(*match.span("o"), "OWNER") for match in _CAPS_COMPANY.finditer(text)]


# A party named, then its role in brackets: "Respondents: Yuan Ching Fishery Co., Ltd. (owner) and ..."
_OWNER_BEFORE_ROLE = re.compile(
    r"(?P<o>[A-Z][\w&'.\-]*(?:,?[ \t]+[A-Z&][\w&'.\-]*){0,7})[ \t]*\("
    r"(?i:(?:registered[ \t]+|beneficial[ \t]+)?owners?|operators?|charterers?|managers?|armateur|armador|"
    r"propietario)\)"
)


# "while entering Benoa harbour": a harbour named before the word (not "The harbour", "Fishing harbour")
_NAMED_HARBOUR = re.compile(
    r"(?<![\w])(?!(?:The|This|That|Its|Her|His|Our|Their|A|An|Fishing|Inner|Outer|Main|Old|New)\b)"
    r"(?P<p>[A-Z][a-z'\-]+(?:[ ][A-Z][a-z'\-]+)?)[ ]harbou?r\b"
)


_CELL_GAP = re.compile(r"[ \t]{2,}")


def _cell_gap_start(text: str, start: int, end: int) -> int | None:
    """Where a name's words stop at a table's gap between cells ("Port of registry  GRT     Length")."""
    gap = _CELL_GAP.search(text, start, end)
    return gap.start() if gap else None


def _prose_owners_and_ports(text: str) -> list[Found]:
    found = _prose_registrations(text)
    for match in _OWNER_BEFORE_ROLE.finditer(text):
        found.extend(_owner_values(text, *match.span("o")))
    for match in _OWNER_PROSE.finditer(text):
        found.extend(_owner_values(text, match.start("o"), _end_of_company(text, *match.span("o"))))
    for match in [*_PORT_PROSE.finditer(text), *_NAMED_HARBOUR.finditer(text)]:
        start, end = match.span("p")
        end = _before_port_stop_word(text, start, _cell_gap_start(text, start, end) or end)
        name = text[start:end]
        if not (lookup_country(name) or _MONTH_WORD.fullmatch(name) or is_field_key(name)):
            port = _name_like(text, start, end, "PORT", 4)
            if port:
                found.append(port)
    return found


_IMO_CONTEXT = re.compile(r"\b(?:[I1l]M[O0]|LR|Lloyd'?s|ship\s+identification)", re.IGNORECASE)
_MMSI_CONTEXT = re.compile(r"\b(?:MMSI|AIS)\b", re.IGNORECASE)
_BARE_SEVEN = re.compile(r"(?<![\w.,\-/+])\d{7}(?![\w\-/]|[.,]\d)")
_BARE_NINE = re.compile(r"(?<![\w.,\-/+])\d{9}(?![\w\-/]|[.,]\d)")
_CONTEXT_WINDOW = 80
# nine digits after a satellite terminal's or a telephone's key are its number ("Inmarsat-C IMN: 441235680")
_PHONE_KEY_BEFORE = re.compile(
    r"\b(?:inmarsat(?:[ \t-]?[a-z])?|IMN|sat(?:ellite)?[ \t-]*(?:c|phone|telephony)|tel(?:ephone)?|phone|fax|mobile)\b"
    r"[^\n\d]{0,24}$",
    re.IGNORECASE,
)


def _bare_identifiers(text: str) -> list[Found]:
    """Seven digits that pass the IMO check, nine that start with a country's MID: after "IMO" /
    "MMSI" within a few words, or anywhere on a page that names them when the number stands alone
    as a cell or in brackets (a table under an unknown header, "ACONCAGUA BAY (9019652)"), not in
    a sentence ("we have 1234567 reasons")."""
    found = []
    page_names_imo, page_names_mmsi = bool(_IMO_CONTEXT.search(text)), bool(_MMSI_CONTEXT.search(text))
    for match in _BARE_SEVEN.finditer(text):
        near = _IMO_CONTEXT.search(text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()])
        in_cell = page_names_imo and _stands_alone(text, match.start(), match.end())
        if (near or in_cell) and imo_check_digit_ok(match.group()):
            found.append(Found(match.start(), match.end(), "IMO", True))
    for match in _BARE_NINE.finditer(text):
        if _PHONE_KEY_BEFORE.search(text, max(0, match.start() - _CONTEXT_WINDOW), match.start()):
            continue
        near = _MMSI_CONTEXT.search(text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()])
        in_cell = page_names_mmsi and _stands_alone(text, match.start(), match.end())
        if (near or in_cell) and _mmsi_values(text, match.start(), match.end()):
            found.append(Found(match.start(), match.end(), "MMSI", True))
    return found + [Found(*match.span(), "REGISTRATION_NUMBER", True) for match in CN_CERTIFICATE.finditer(text)]


_CELL_BEFORE = re.compile(r"(?:^|[(|\t]|\s{2})\s*$")
_CELL_AFTER = re.compile(r"^\s*(?:$|[)|\t,;]|\s{2})")


def _stands_alone(text: str, start: int, end: int) -> bool:
    """The value fills a cell or a bracket: a column gap, a pipe, a tab or a bracket on each side."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : len(text) if line_end < 0 else line_end]
    return bool(_CELL_BEFORE.search(before) and _CELL_AFTER.search(after))


def _regex_spans(pattern: re.Pattern[str], text: str, label: str, group: int | str = 0) -> list[Found]:
    return [Found(m.start(group), m.end(group), label) for m in pattern.finditer(text)]
