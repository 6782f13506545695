"""Dates and country names wherever they stand in a stretch of text (value parsers and patterns both look for them)."""

from __future__ import annotations

import re
from functools import lru_cache

from oceanid_dagster.domain.countries import country_names, lookup_country

# English, French, Spanish, Portuguese, Italian, German and Dutch month names and their usual
# abbreviations (longest first within each, so "juillet" is not read as "juil").
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"janv(?:ier)?|f[ée]v(?:rier|r)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[ûu]t|septembre|octobre|"
    r"novembre|d[ée]cembre|"
    r"enero|ene|febrero|marzo|abril|abr|mayo|junio|julio|agosto|ago|sep?tiembre|octubre|noviembre|diciembre|dic|"
    r"janeiro|fevereiro|mar[çc]o|maio|junho|julho|setembro|outubro|novembro|dezembro|dez|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"januar|februar|m[äa]rz|juni|juli|oktober|dezember|januari|februari|maart|mei|augustus|"
    r"maret|agustus|nopember|desember)\.?"
)
_SHORT_MONTH = r"(?:Jan|Feb|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_OF = r"(?:de[l]?\s+)?"  # "3 de junio de 2025", "1 de julio del 2025"
_DATE_PATTERNS = (
    re.compile(
        rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|°)?[\s\-/]+{_OF}{_MONTH}[\s\-/,]+{_OF}"
        rf"(?P<y>\d{{4}}|\d{{2}})(?![\w])",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<![\w]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?![\w])", re.IGNORECASE),
    re.compile(
        r"(?<![\w.\-/])(?P<y>(?:19|20)\d\d)(?P<s>[\-/.])(?P<m>0?[1-9]|1[0-2])(?P=s)(?P<d>\d{1,2})(?![\d]|[\-/.]\d)"
    ),
    re.compile(r"(?<![\w.\-/])(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>(?:19|20)\d\d)(?![\w\-/]|\.\d)"),
    # ... with a two-digit year, slashed only ("[03/02/25, 22:14]"; "1.2.25" is a version)
    re.compile(r"(?<![\w.\-/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d\d)(?![\w\-/]|[.,]\d)"),
    # ... or abbreviated, capitalised, in a telex or a schedule ("ETA Benoa 09-Dec", "17 Nov", "Dec 06, 14:00");
    # never "Mar" or "May", which are words too
    re.compile(rf"(?<![\w.\-/])(?P<d>\d{{1,2}})[ \-]{_SHORT_MONTH}(?![\w\-/])"),
    re.compile(rf"(?<![\w.\-/]){_SHORT_MONTH}[ ](?P<d>\d{{1,2}})(?![\w.\-/:]|,[ \t]*\d{{4}})"),
    # a deed's "this 2nd day of June 2025"
    re.compile(
        rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)[ \t]+day[ \t]+of[ \t]+{_MONTH},?[ \t]+(?P<y>\d{{4}})(?![\w])",
        re.IGNORECASE,
    ),
    # Chinese and Japanese: "2024年3月18日"; Korean: "2024년 2월 7일"
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[ \t]*年[ \t]*(?P<m>\d{1,2})[ \t]*月[ \t]*(?P<d>\d{1,2})[ \t]*日"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[ \t]*년[ \t]*(?P<m>\d{1,2})[ \t]*월[ \t]*(?P<d>\d{1,2})[ \t]*일"),
    # a day of a month the letter's year makes plain ("our letter of 6 January"): the full English name
    # only, capitalised, as a yearless "4 mar" or "5 may" is too often no date
    re.compile(
        r"(?<![\w.\-/])(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:January|February|March|April|May|June|July|"
        r"August|September|October|November|December)(?![\w])"
    ),
)


def _dates_in(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text, start, end):
            parts = match.groupdict()
            day = int(parts["d"])
            month = int(parts["m"]) if parts.get("m") else 1
            if not (1 <= day <= 31 and (1 <= month <= 12 or 1 <= day <= 12 and month <= 31)):
                continue
            spans.append((match.start(), match.end()))
    return spans


# A country name's letters as written with or without accents ("Perú", "Panamá", "España").
_ACCENTED = {
    "a": "[aáàâãä]",
    "e": "[eéèêë]",
    "i": "[iíìîï]",
    "o": "[oóòôõöø]",
    "u": "[uúùûü]",
    "n": "[nñ]",
    "c": "[cç]",
}


# The apostrophes name keys drop: "People's Republic of China", "Côte d'Ivoire".
_APOSTROPHES = {"peoples": "people['’]?s", "divoire": "d['’]?ivoire"}


def _letters(word: str) -> str:
    return _APOSTROPHES.get(word) or "".join(_ACCENTED.get(char, re.escape(char)) for char in word)


@lru_cache(maxsize=1)
def _country_name_re() -> re.Pattern[str]:
    names = sorted(country_names(), key=len, reverse=True)
    alternatives = [r"[\W_]+".join(map(_letters, name.split())) for name in names]
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


_ALPHA3 = re.compile(r"(?<![\w])[A-Z]{3}(?![\w])")


# Andorra, landlocked and without a fleet, shares its code with a word of headings ("CHANGE OF FLAG AND NAME")
_CODES_THAT_ARE_WORDS = frozenset({"AND"})


def _countries_in(text: str, start: int, end: int, codes: bool) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _country_name_re().finditer(text, start, end) if not m.group().islower()]
    if codes:
        spans += [
            (m.start(), m.end())
            for m in _ALPHA3.finditer(text, start, end)
            if m.group() not in _CODES_THAT_ARE_WORDS and lookup_country(m.group())
        ]
    return spans
