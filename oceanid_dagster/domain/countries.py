"""ISO 3166-1 countries, the spellings vessel documents use for them, and the two ITU tables
that tie identifiers to a country (MMSI Maritime Identification Digits, call-sign series).

The tables are packaged data files under ``domain/data/`` (fixed public lists, read once).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Country:
    alpha_2: str
    alpha_3: str
    numeric: str
    name: str
    official_name: str = ""
    common_name: str = ""


# Spellings seen in RFMO lists, port-state reports and the press that ISO does not carry.
_NAME_ALIASES: dict[str, str] = {
    "korea": "KOR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "korea republic of": "KOR",
    "korea rep": "KOR",
    "korea rep of": "KOR",
    "rep of korea": "KOR",
    "north korea": "PRK",
    "dprk": "PRK",
    "korea dpr": "PRK",
    "taiwan": "TWN",
    "chinese taipei": "TWN",
    "taipei": "TWN",
    "fishing entity of taiwan": "TWN",
    "taiwan province of china": "TWN",
    "republic of china": "TWN",
    "china peoples republic of": "CHN",
    "peoples republic of china": "CHN",
    "pr china": "CHN",
    "p r china": "CHN",
    "prc": "CHN",
    "russia": "RUS",
    "russian federation": "RUS",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "micronesia": "FSM",
    "federated states of micronesia": "FSM",
    "micronesia federated states of": "FSM",
    "uk": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "united kingdom": "GBR",
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "cote divoire": "CIV",
    "czech republic": "CZE",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "turkey": "TUR",
    "turkiye": "TUR",
    "brunei": "BRN",
    "faroe islands": "FRO",
    "faroes": "FRO",
    "faeroe islands": "FRO",
    "the bahamas": "BHS",
    "bahamas the": "BHS",
    "the gambia": "GMB",
    "gambia the": "GMB",
    "guinea bissau": "GNB",
    "dr congo": "COD",
    "drc": "COD",
    "democratic republic of the congo": "COD",
    "congo democratic republic of the": "COD",
    "republic of the congo": "COG",
    "st vincent and the grenadines": "VCT",
    "saint vincent": "VCT",
    "st vincent": "VCT",
    "st kitts and nevis": "KNA",
    "saint kitts": "KNA",
    "st lucia": "LCA",
    "sao tome": "STP",
    "falklands": "FLK",
    "falkland islands": "FLK",
    "falkland islands malvinas": "FLK",
    "marshall islands": "MHL",
    "republic of the marshall islands": "MHL",
    "netherlands": "NLD",
    "the netherlands": "NLD",
    "holland": "NLD",
    "curacao": "CUW",
    "hong kong": "HKG",
    "macau": "MAC",
    "east timor": "TLS",
    "burma": "MMR",
    "palestine": "PSE",
    "vatican": "VAT",
}


def _by_alias(aliases_by_code: dict[str, str], separator: str | None) -> dict[str, str]:
    """Alias -> alpha-3 code, from each code's aliases joined by ``separator`` (None: whitespace)."""
    return {alias: code for code, aliases in aliases_by_code.items() for alias in aliases.split(separator)}


# The flag states of the world's fishing fleets in Spanish, French, Portuguese, Italian, German and
# Dutch where these differ from English ("Estado de bandeira: Espanha"); accents are optional.
_FOREIGN_NAMES = _by_alias(
    {
        "ESP": "españa|espagne|espanha|spagna|spanien|spanje",
        "FRA": "francia|frança|frankreich|frankrijk",
        "PRT": "portogallo|portugalia",
        "ITA": "italia|itália|italie|italien|italië",
        "DEU": "alemania|allemagne|alemanha|germania|deutschland|duitsland",
        "NLD": "países bajos|pays-bas|países baixos|paesi bassi|niederlande|nederland",
        "BEL": "bélgica|belgique|belgio|belgien|belgië",
        "IRL": "irlanda|irlande|irland|ierland",
        "GBR": "reino unido|royaume-uni|regno unito|vereinigtes königreich|verenigd koninkrijk",
        "NOR": "noruega|norvège|norvegia|norwegen|noorwegen",
        "ISL": "islandia|islande|islândia|islanda|ijsland",
        "DNK": "dinamarca|danemark|danimarca|dänemark|denemarken",
        "FRO": "islas feroe|îles féroé|ilhas faroé|isole faroe|färöer|faeröer",
        "GRL": "groenlandia|groenland|gronelândia|grönland",
        "SWE": "suecia|suède|suécia|svezia|schweden|zweden",
        "FIN": "finlandia|finlande|finlândia|finnland",
        "POL": "polonia|pologne|polónia|polônia",
        "LTU": "lituania|lituanie|lituânia|litauen|litouwen",
        "LVA": "letonia|lettonie|letónia|lettonia|lettland|letland",
        "EST": "estonie|estónia|estland",
        "GRC": "grecia|grèce|grécia|griechenland|griekenland",
        "CYP": "chipre|chypre|cipro|zypern",
        "TUR": "turquía|turquie|turquia|turchia|türkei|turkije",
        "RUS": "rusia|russie|rússia|russland|rusland",
        "MAR": "marruecos|maroc|marrocos|marocco|marokko",
        "MRT": "mauritanie|mauritânia",
        "SEN": "sénégal",
        "CPV": "cap-vert|capo verde|kap verde|kaapverdië",
        "ZAF": "sudáfrica|afrique du sud|áfrica do sul|sudafrica|südafrika|zuid-afrika",
        "NAM": "namibie|namíbia",
        "EGY": "egipto|égypte|egito|egitto|ägypten",
        "CHN": "chine|cina",
        "JPN": "japón|japon|japão|giappone",
        "KOR": "corea del sur|corée du sud|coreia do sul|corea|corée|coreia|südkorea|zuid-korea",
        "TWN": "taiwán|taïwan",
        "PHL": "filipinas|filippine|philippinen|filipijnen",
        "IDN": "indonésie|indonésia|indonesien|indonesië",
        "THA": "tailandia|thaïlande|tailândia|thailandia",
        "SGP": "singapur|singapour|singapura",
        "ECU": "équateur|equador",
        "PER": "pérou|perù",
        "CHL": "cile",
        "ARG": "argentinien|argentinië",
        "BRA": "brasil|brésil|brasile|brasilien|brazilië",
        "MEX": "méxico|mexique|messico|mexiko",
        "PAN": "panamá",
        "BLZ": "belice",
        "USA": "estados unidos|états-unis|stati uniti|vereinigte staaten|verenigde staten",
        "CAN": "canadá",
        "AUS": "australie|austrália|australien|australië",
        "NZL": "nueva zelanda|nouvelle-zélande|nova zelândia|nuova zelanda|neuseeland|nieuw-zeeland",
        "PNG": "papúa nueva guinea|papouasie-nouvelle-guinée",
        "FJI": "fiyi|fidji",
        "MUS": "mauricio|maurícia",
        "SYC": "seychelles",
    },
    separator="|",
)

# Adjectives that name a flag ("Icelandic-flagged", "de bandera chilena", "pavillon espagnol"): English,
# then Spanish, French, Portuguese and Italian forms, for the flag states of the world's distant-water fleets.
_DEMONYMS = _by_alias(
    {
        "AGO": "angolan",
        "ALB": "albanian",
        "ARE": "emirati",
        "ARG": "argentine argentinian argentino argentina argentin",
        "AUS": "australian australiano australiana australien",
        "BEL": "belgian",
        "BEN": "beninese",
        "BGD": "bangladeshi",
        "BGR": "bulgarian",
        "BHS": "bahamian",
        "BLZ": "belizean beliceño beliceña",
        "BOL": "bolivian",
        "BRA": "brazilian brasileño brasileña brésilien brasileiro brasileira",
        "BRB": "barbadian",
        "BRN": "bruneian",
        "CAN": "canadian canadiense canadien canadienne",
        "CHL": "chilean chileno chilena chilien chilienne",
        "CHN": "chinese chino china chinois chinoise chinês chinesa cinese",
        "CIV": "ivorian",
        "CMR": "cameroonian",
        "COL": "colombian colombiano colombiana",
        "COM": "comoran comorian",
        "CPV": "verdean",
        "CUB": "cuban",
        "CYP": "cypriot",
        "DEU": "german",
        "DNK": "danish danés danesa danois",
        "DZA": "algerian",
        "ECU": "ecuadorian ecuatoriano ecuatoriana équatorien",
        "EGY": "egyptian",
        "ERI": "eritrean",
        "ESP": "spanish español española espagnol espagnole espanhol spagnolo spagnola",
        "EST": "estonian",
        "FIN": "finnish",
        "FJI": "fijian",
        "FRA": "french francés francesa français française francês francese",
        "FRO": "faroese feroés feroesa féroïen",
        "FSM": "micronesian",
        "GAB": "gabonese",
        "GBR": "british británico británica britannique britannico britannica scottish welsh",
        "GEO": "georgian",
        "GHA": "ghanaian",
        "GMB": "gambian",
        "GRC": "greek",
        "GRL": "greenlandic groenlandés",
        "GTM": "guatemalan",
        "HND": "honduran",
        "HRV": "croatian",
        "IDN": "indonesian indonesio indonesia indonésien",
        "IND": "indian",
        "IRL": "irish irlandés irlandesa irlandais irlandese",
        "IRN": "iranian",
        "ISL": "icelandic islandés islandesa islandais islandaise",
        "ISR": "israeli",
        "ITA": "italian italiano italiana italien",
        "JAM": "jamaican",
        "JPN": "japanese japonés japonesa japonais japonaise japonês giapponese",
        "KEN": "kenyan",
        "KHM": "cambodian",
        "KIR": "kiribati i-kiribati",
        "KOR": "korean coreano coreana coréen coréenne",
        "KWT": "kuwaiti",
        "LBN": "lebanese",
        "LBR": "liberian liberiano liberiana libérien",
        "LBY": "libyan",
        "LKA": "lankan",
        "LTU": "lithuanian",
        "LVA": "latvian",
        "MAR": "moroccan marroquí marocain",
        "MDG": "malagasy",
        "MDV": "maldivian",
        "MEX": "mexican mexicano mexicana mexicain",
        "MHL": "marshallese",
        "MLT": "maltese",
        "MMR": "burmese",
        "MNE": "montenegrin",
        "MNG": "mongolian",
        "MOZ": "mozambican",
        "MRT": "mauritanian",
        "MUS": "mauritian",
        "MYS": "malaysian",
        "NAM": "namibian",
        "NGA": "nigerian",
        "NIC": "nicaraguan",
        "NLD": "dutch neerlandés holandés néerlandais",
        "NOR": "norwegian noruego noruega norvégien norvégienne norvegese",
        "NRU": "nauruan",
        "NZL": "neozelandés néo-zélandais zealander",
        "OMN": "omani",
        "PAK": "pakistani",
        "PAN": "panamanian panameño panameña panaméen panaméenne",
        "PER": "peruvian peruano peruana péruvien",
        "PHL": "philippine filipino filipina philippin",
        "PLW": "palauan",
        "PNG": "papuan",
        "POL": "polish",
        "PRT": "portuguese portugués portuguesa portugais portugaise português portoghese",
        "QAT": "qatari",
        "ROU": "romanian",
        "RUS": "russian ruso rusa russe russo russa",
        "SAU": "saudi",
        "SEN": "senegalese senegalés sénégalais",
        "SGP": "singaporean",
        "SLB": "solomon",
        "SLE": "leonean",
        "SLV": "salvadoran",
        "SOM": "somali",
        "STP": "santomean",
        "SVN": "slovenian",
        "SWE": "swedish",
        "SYC": "seychellois",
        "SYR": "syrian",
        "TGO": "togolese",
        "THA": "thai tailandés thaïlandais",
        "TON": "tongan",
        "TUN": "tunisian",
        "TUR": "turkish",
        "TUV": "tuvaluan",
        "TWN": "taiwanese taiwanés taïwanais",
        "TZA": "tanzanian",
        "UKR": "ukrainian",
        "URY": "uruguayan",
        "USA": "american estadounidense américain",
        "VCT": "vincentian",
        "VEN": "venezuelan",
        "VNM": "vietnamese vietnamita vietnamien",
        "VUT": "vanuatuan",
        "WSM": "samoan",
        "YEM": "yemeni",
    },
    separator=None,
)

_CODE_ALIASES: dict[str, str] = {"UK": "GBR", "EL": "GRC"}

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def name_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``"Korea, Republic of"`` -> ``"korea republic of"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    return _SEPARATORS.sub(" ", ascii_text.casefold()).strip()


def _data_lines(filename: str) -> list[dict[str, str]]:
    source = resources.files("oceanid_dagster.domain").joinpath("data", filename)
    with source.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def all_countries() -> tuple[Country, ...]:
    return tuple(Country(**row) for row in _data_lines("iso3166.csv"))


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Country]:
    table: dict[str, Country] = {}
    for country in all_countries():
        table[country.alpha_2] = country
        table[country.alpha_3] = country
    for alias, alpha_3 in _CODE_ALIASES.items():
        table[alias] = table[alpha_3]
    return table


@lru_cache(maxsize=1)
def country_names() -> dict[str, Country]:
    """Name key -> country, for every ISO name, official name, common name and known alias."""
    by_code = _by_code()
    table: dict[str, Country] = {}
    for country in all_countries():
        for name in (country.name, country.official_name, country.common_name):
            if name:
                table[name_key(name)] = country
    for alias, alpha_3 in (_NAME_ALIASES | _FOREIGN_NAMES).items():
        table[name_key(alias)] = by_code[alpha_3]
    return table


def country_by_code(code: str) -> Country | None:
    """ISO alpha-2 or alpha-3 code, any case."""
    return _by_code().get(code.strip().upper())


def country_by_name(name: str) -> Country | None:
    return country_names().get(name_key(name))


def country_by_demonym(word: str) -> Country | None:
    """The country an adjective names ("Icelandic", "chilena", "espagnol"), any case."""
    alpha_3 = _DEMONYMS.get(word.casefold())
    return _by_code()[alpha_3] if alpha_3 else None


def lookup_country(text: str) -> Country | None:
    """A country from a code (``"VU"``, ``"VUT"``) or a name in any common spelling."""
    stripped = text.strip()
    if stripped.isalpha() and len(stripped) in (2, 3) and stripped.isupper():
        by_code = country_by_code(stripped)
        if by_code is not None:
            return by_code
    return country_by_name(stripped) or (country_by_code(stripped) if len(stripped) in (2, 3) else None)


@lru_cache(maxsize=1)
def mid_countries() -> dict[str, Country]:
    """ITU Maritime Identification Digits (ship stations) -> country."""
    by_code = _by_code()
    return {row["mid"]: by_code[row["alpha_2"]] for row in _data_lines("mid.csv")}


@lru_cache(maxsize=1)
def _callsign_series() -> tuple[tuple[str, str, Country], ...]:
    by_code = _by_code()
    return tuple((row["first"], row["last"], by_code[row["alpha_2"]]) for row in _data_lines("callsign_prefixes.csv"))


def callsign_country(call_sign: str) -> Country | None:
    """The country the ITU allocated the call sign's series to (not necessarily the flag)."""
    if len(call_sign) < 2:
        return None
    head = call_sign[:3].upper()
    # Series are allocated by their first two characters (a few split on the third letter); a digit in
    # third place is the station's own number and sorts below every letter, so compare it as "A".
    if len(head) < 3 or head[2].isdigit():
        head = head[:2] + "A"
    for first, last, country in _callsign_series():
        if first <= head <= last:
            return country
    return None
