"""Rule-based bootstrap extractor: fills the entities table until a trained model exists.

Rule families, each with its own confidence:

* labelled fields ("IMO No.: 9086758", "Flag State - Vanuatu", "Call sign   JILE"), in forms, prose and
  OCR text where I/1/l and O/0 are confused;
* tables whose text layer is columns separated by runs of spaces (or tabs / pipes): a header row
  with known column names labels the cells below it by column position;
* identifier patterns checked by their validators (IMO check digit, MMSI MID), only where the
  context speaks of that identifier;
* vocabularies: RFMO acronyms and names, FAO vessel types and gears, country names in flag context;
* dates, tonnages and lengths with their units, build years;
* an optional :class:`Gazetteer` of registry names.

Overlaps are resolved by :func:`remove_overlaps` (best score, then longest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from oceanid_dagster.domain.countries import country_names, lookup_country
from oceanid_dagster.domain.gazetteer import MISSING_VALUES, Gazetteer
from oceanid_dagster.domain.identifiers import (
    IdentifierError,
    imo_check_digit_ok,
    normalise_ircs,
    normalise_mmsi,
)
from oceanid_dagster.domain.spans import Span, remove_overlaps

SCORES: dict[str, float] = {
    "validated_field": 0.95,
    "field": 0.9,
    "rfmo": 0.9,
    "table": 0.85,
    "date": 0.85,
    "gazetteer": 0.8,
    "measure": 0.8,
    "vocabulary": 0.75,
    "flag_context": 0.75,
    "prose_name": 0.7,
    "pattern": 0.6,
}

# Labels whose values have a strict shape, so "IMO 9086758" needs no colon to count as a field.
# FLAG too: its value must be a country, so "flag Japan," is a field.
STRICT_LABELS = frozenset({"IMO", "MMSI", "IRCS", "TONNAGE", "LENGTH", "BUILD_YEAR", "REGISTRATION_NUMBER", "FLAG"})

_RFMO_ACRONYMS = (
    "IOTC", "WCPFC", "ICCAT", "IATTC", "CCSBT", "NAFO", "NEAFC", "NPFC", "SPRFMO", "SIOFA", "CCAMLR",
    "GFCM", "SEAFO", "NASCO", "CCBSP", "SPRFMO", "APFIC", "WECAFC", "CECAF", "RECOFI",
)
_RFMO_NAMES = (
    "Indian Ocean Tuna Commission",
    "Western and Central Pacific Fisheries Commission",
    "International Commission for the Conservation of Atlantic Tunas",
    "Inter-American Tropical Tuna Commission",
    "Commission for the Conservation of Southern Bluefin Tuna",
    "Northwest Atlantic Fisheries Organization",
    "North-East Atlantic Fisheries Commission",
    "North East Atlantic Fisheries Commission",
    "North Pacific Fisheries Commission",
    "South Pacific Regional Fisheries Management Organisation",
    "Southern Indian Ocean Fisheries Agreement",
    "Commission for the Conservation of Antarctic Marine Living Resources",
    "General Fisheries Commission for the Mediterranean",
    "South East Atlantic Fisheries Organisation",
)
_OCR_I = "[I1l|]"
_OCR_O = "[O0]"
_NUMBER_WORD = r"(?:N[o0]|Nr|Number|Num|ID|#)\b\.?"
_RFMO_ALT = "|".join(sorted(set(_RFMO_ACRONYMS), key=len, reverse=True))

# (label or None for fields whose value is not an entity, key phrase). Earlier phrases win where two
# start at the same place, so longer and "not an entity" phrases come first.
FIELD_KEYS: tuple[tuple[str | None, str], ...] = (
    (None, r"(?:registered\s+)?owner(?:'s)?\s+(?:address|country|nationality|contact|e-?mail|tel(?:ephone)?)"),
    (None, r"operator(?:'s)?\s+(?:address|country|nationality|contact|e-?mail|tel(?:ephone)?)"),
    (None, r"(?:name\s+of\s+(?:the\s+)?master|master(?:'s)?(?:\s+name)?(?:\s+and\s+nationality)?|captain|nationality\s+of\s+(?:the\s+)?master)"),
    (None, r"port\s+state(?:\s+authority)?|flag\s+state\s+authority|authorising\s+entity|issuing\s+authority"),
    (None, r"(?:e-?mail|tel(?:ephone)?|phone|fax|address|remarks|comments|signature|species|crew|area|position|page|ref(?:erence)?\s*(?:No)?\.?)"),
    (None, r"(?:date(?:\s+of\s+(?:inspection|issue|sighting|entry|report))?|valid\s+(?:from|until|to)|period|authori[sz]ed\s+(?:from|to|until)|start\s+date|end\s+date)"),
    (None, r"(?:engine\s+power|power|hold\s+capacity|freezing\s+capacity|beam|breadth|depth|draught|draft)"),
    ("IMO", rf"(?:LR\s*/\s*|Lloyd'?s(?:\s+register)?\s*(?:/\s*)?)?{_OCR_I}M{_OCR_O}(?:\s+ship)?(?:\s+identification)?(?:\s*{_NUMBER_WORD})?"),
    ("IMO", rf"(?:(?:num[eé]ro|n[°º]\.?)\s+)?OMI|ship\s+identification\s+{_NUMBER_WORD}|Lloyd'?s(?:\s+register)?\s*{_NUMBER_WORD}"),
    ("MMSI", rf"MMS{_OCR_I}(?:\s*{_NUMBER_WORD})?"),
    ("IRCS", rf"(?:international\s+)?(?:radio\s+)?ca[l1I|]{{2}}[\s\-]*s[i1l]gn(?:\s*{_NUMBER_WORD})?|IRCS|callsign|signal\s+letters|call\s+letters|"
             r"indicatif(?:\s+d['’]appel)?(?:\s+radio)?|indicativo(?:\s+de\s+llamada)?(?:\s+de\s+radio)?"),
    ("REGISTRATION_NUMBER", rf"(?:{_RFMO_ALT}|RFMO)\s+(?:regist(?:ration|ry|er)\s*(?:number|{_NUMBER_WORD})|record\s+(?:number|{_NUMBER_WORD})|vessel\s+ID|serial\s+{_NUMBER_WORD}|ID|{_NUMBER_WORD})"),
    ("REGISTRATION_NUMBER", rf"(?:national\s+|official\s+)?regist(?:ration|ry|er)\s*{_NUMBER_WORD}|(?:national\s+)?registration|reg\.?\s*{_NUMBER_WORD}"),
    ("REGISTRATION_NUMBER", rf"WIN|UVI|CFR|vessel\s+ID|(?:licen[cs]e|authori[sz]ation|permit)\s*{_NUMBER_WORD}|official\s+number|external\s+(?:markings?|marks?|ID)|"
                            r"(?:num[eé]ro\s+d['’])?immatriculation|matr[ií]cula"),
    ("VESSEL_NAME", r"name\s+of\s+(?:the\s+)?(?:fishing\s+)?(?:vessel|ship|boat)|(?:fishing\s+)?(?:vessel|boat)(?:'s)?\s+name|ship(?:'s)?\s+name|"
                    r"[FM]/?V\s+name|nom\s+du\s+(?:navire|bateau)|nombre\s+del\s+(?:buque|barco)"),
    ("VESSEL_NAME", r"(?:previous|former)\s+(?:vessel\s+)?names?|vessel"),
    ("PORT", r"port\s+of\s+(?:registry|registration|register|landing|inspection|call|entry|departure)|home\s*port|registered\s+port|base\s+port|place\s+of\s+issue|"
             r"port\s+d['’]attache|puerto\s+(?:base|de\s+matr[ií]cula)|port"),
    ("OWNER", r"(?:registered\s+|beneficial\s+|vessel\s+|ship\s*)?owner(?:'s)?(?:\s*/\s*operator)?(?:\s+name)?|operator(?:\s+name)?|(?:ship\s+)?manager|charterer|"
              r"(?:owning|operating|management|fishing)\s+company|company(?:\s+name)?|armateur|armador|propri[eé]taire|propietario"),
    ("FLAG", r"(?:current\s+|previous\s+|former\s+)?flag(?:\s+state)?(?:\s+of\s+(?:the\s+)?(?:vessel|ship))?|vessel\s+flag|nationality(?:\s+of\s+(?:the\s+)?vessel)?|"
             r"country\s+of\s+(?:registration|registry|flag)|pavillon|pabell[oó]n|bandera"),
    ("VESSEL_TYPE", r"(?:vessel|ship)\s+(?:type|category)|type\s+of\s+(?:vessel|ship)|vessel\s+category|type\s+de\s+navire|tipo\s+de\s+buque"),
    ("GEAR_TYPE", r"type\s+of\s+(?:fishing\s+)?gear|(?:fishing\s+)?gear(?:\s+type)?|gear\s+used|(?:type\s+of\s+)?fishing\s+methods?|fishing\s+technique|"
                  r"engins?(?:\s+de\s+p[eê]che)?|arte(?:\s+de\s+pesca)?"),
    ("VESSEL_TYPE", r"type"),
    ("TONNAGE", r"gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons)|net\s+tonnage|tonnage|GRT|GT|jauge(?:\s+brute)?|arqueo(?:\s+bruto)?"),
    ("LENGTH", r"length\s+over\s*all|length|LOA|longueur(?:\s+hors\s+tout)?|eslora(?:\s+total)?"),
    ("BUILD_YEAR", r"year\s+(?:of\s+)?buil[td]|(?:year|date)\s+of\s+(?:construction|build)|when\s+built|construction\s+year|built|"
                   r"ann[eé]e\s+de\s+construction|a[ñn]o\s+de\s+construcci[oó]n"),
)

# Column headers of tables: the field keys plus the short names only a header row uses.
COLUMN_KEYS: tuple[tuple[str | None, str], ...] = (
    ("VESSEL_NAME", r"name|(?:fishing\s+)?(?:vessel|ship|boat)(?:\s+name)?"),
    ("DATE", r"(?:authori[sz]ation\s+|auth\.?\s+)?(?:start|end|from|to|until|expiry|expires|date)(?:\s+date)?|valid\s+(?:from|to|until)|date\s+\w+"),
    ("BUILD_YEAR", r"year"),
    (None, r"no\.?|#|s/?n|serial|item|remarks?|status"),
) + FIELD_KEYS

_SEPARATOR = re.compile(
    r"[ \t]*[:;：=][ \t]*(?:\n[ \t]*(?=\S))?|[ \t]*(?:\.{3,}|…+)[ \t]*|[ \t]+[-–][ \t]+|[ \t]{2,}|\t"
)
_STRICT_SEPARATOR = re.compile(r"[ \t]*[:#]?[ \t]*\n?[ \t]*")
# "The registered owner is X." / "Its official number is 447872.": the value ends with the sentence.
_PROSE_SEPARATOR = re.compile(r"[ \t]+(?:is|was)[ \t\n]+")
_SENTENCE_END = re.compile(r"\.(?=\s+[^\d\s]|\s*$)")
_VALUE_BREAK = re.compile(r"\n|[ \t]{2,}|\t|\||;")


@dataclass(frozen=True)
class FieldKey:
    start: int
    end: int
    value_start: int
    label: str | None
    strict: bool  # separated from its value by plain space only
    colon: bool = False  # separated by ":" (or "=" ...), so it ends the value of a key before it
    sentence: bool = False  # "<key> is <value>.": the value ends with the sentence


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    label: str
    validated: bool = False


def _key_alternatives(keys: tuple[tuple[str | None, str], ...]) -> str:
    return "|".join(f"(?P<k{index}>{pattern})" for index, (_, pattern) in enumerate(keys))


# A key may carry a qualifier in brackets: a unit ("Length (m)") or the scheme of the number ("UVI (IMO)").
_QUALIFIER = r"(?:[ \t]*\((?P<qualifier>[^()\n\d]{1,25})\))?"  # no digits: "No. (2025)FT-200033" is a value
_FIELD_KEY_RE = re.compile(
    rf"(?<![\w/])(?:{_key_alternatives(FIELD_KEYS)})(?:\(s\))?(?![\w]){_QUALIFIER}", re.IGNORECASE
)
_COLUMN_KEY_RE = re.compile(rf"^(?:{_key_alternatives(COLUMN_KEYS)})(?:\(s\))?\.?{_QUALIFIER}\.?$", re.IGNORECASE)
_QUALIFIER_KEY_RE = re.compile(rf"^(?:{_key_alternatives(FIELD_KEYS)})$", re.IGNORECASE)


def _matched_key(match: re.Match[str], keys: tuple[tuple[str | None, str], ...]) -> str | None:
    group = next(name for name, value in match.groupdict().items() if value is not None and name.startswith("k"))
    return keys[int(group[1:])][0]


def _key_label(match: re.Match[str], keys: tuple[tuple[str | None, str], ...]) -> str | None:
    """The label of the key, or of its qualifier where that names an entity itself ("UVI (IMO)" is an IMO)."""
    label = _matched_key(match, keys)
    qualifier = match.group("qualifier")
    qualified = _QUALIFIER_KEY_RE.match(qualifier.strip()) if qualifier else None
    if label is not None and qualified is not None:
        return _matched_key(qualified, FIELD_KEYS) or label
    return label


# --- small text helpers ----------------------------------------------------------------------

_COMPANY_SUFFIX = re.compile(
    r"^(?:LTD|LIMITED|INC|CO|CORP|CORPORATION|LLC|S\.?A|S\.?L|S\.?R\.?L|S\.?A\.?C|S\.?A\.?S|S\.?P\.?A|SARL|GMBH|B\.?V|N\.?V|A/?S|ASA|AB|"
    r"PTY|PLC|K\.?K|PT|TBK|LDA|LTDA|CIA|C\.?A|SDN\.?\s*BHD|BHD|OY|OOO|JSC|PJSC|E\.?I\.?R\.?L)\b\.?",
    re.IGNORECASE,
)
_TRIM_CHARS = " \t\n\r,;:.\"'“”‘’()[]{}-–"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and punctuation, keeping a closing dot of an abbreviation ("LTD.")."""
    while start < end and text[start] in _TRIM_CHARS:
        if text[start] == "(" and ")" in text[start:end]:
            break
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        if text[end - 1] == "." and re.search(r"(?:\b[A-Za-z]{1,4}|\.[A-Za-z])\.$", text[start:end]):
            if _COMPANY_SUFFIX.match(text[start:end].split()[-1]) or re.search(r"\.[A-Za-z]\.$", text[start:end]):
                break
        if text[end - 1] == ")" and "(" in text[start:end]:
            break
        end -= 1
    return start, end


def _found(text: str, start: int, end: int, label: str, validated: bool = False) -> Found | None:
    start, end = _trim(text, start, end)
    if start >= end or text[start:end].casefold() in MISSING_VALUES:
        return None
    return Found(start, end, label, validated)


def _line_bounds(text: str, position: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    return line_start, len(text) if line_end < 0 else line_end


# --- value parsers: (text, start, end) of a field or cell -> entities inside it -------------

ValueParser = Callable[[str, int, int], list[Found]]
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})
_IMO_TOKEN = re.compile(r"(?<![\w])[0-9OoIlS|B]{7}(?![\w])")
_MMSI_TOKEN = re.compile(r"(?<!\d)\d{9}(?!\d)")
_NUMBER = r"\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_TONNAGE_UNIT = r"GT|GRT|gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons)|tonnes|tons|t\b|MT"
_LENGTH_UNIT = r"m|metres|meters|metre|meter|ft|feet"
# Units some registers write before the number: "GT 439", NEAFC's "LC 109" (London Convention) and "OA 32".
_TONNAGE_UNIT_FIRST = r"GT|GRT|LC"
_LENGTH_UNIT_FIRST = r"LOA|OA"
_OTHER_UNIT = re.compile(r"\s?(?:m|metres|meters|ft|feet|kw|hp|m3|m³|mm|cm|kg|%)(?![\w³])", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:18[5-9]\d|19\d\d|20[0-4]\d)(?!\d)")


def _imo_values(text: str, start: int, end: int) -> list[Found]:
    for match in _IMO_TOKEN.finditer(text, start, end):
        token = match.group()
        if sum(ch.isdigit() for ch in token) < 5:
            continue
        digits = token.translate(_OCR_DIGITS)
        if digits.isdigit() and digits != "0000000" and imo_check_digit_ok(digits):
            return [Found(match.start(), match.end(), "IMO", True)]
        return []
    return []


def _mmsi_values(text: str, start: int, end: int) -> list[Found]:
    match = _MMSI_TOKEN.search(text, start, end)
    if match is None:
        return []
    try:
        normalise_mmsi(match.group())
    except IdentifierError:
        return []
    return [Found(match.start(), match.end(), "MMSI", True)]


_CALL_SIGN_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-]{2,8}")


def _ircs_values(text: str, start: int, end: int) -> list[Found]:
    match = _CALL_SIGN_TOKEN.match(text, start, end)
    if match is None or (match.end() < end and text[match.end()].isalnum()):
        return []
    try:
        normalise_ircs(match.group())
    except IdentifierError:
        return []
    return [Found(match.start(), match.end(), "IRCS", True)]


def _measure_values(label: str, unit: str, unit_first: str) -> ValueParser:
    pattern = re.compile(
        rf"(?:(?:{unit_first})\s?)?(?:{_NUMBER})(?:\s?(?:{unit})(?![\w³²]))?", re.IGNORECASE
    )

    def parse(text: str, start: int, end: int) -> list[Found]:
        match = pattern.match(text, start, end)
        if match is None or (match.end() < end and text[match.end()].isalnum()):
            return []
        if _OTHER_UNIT.match(text, match.end(), end) and not re.search(unit, match.group(), re.IGNORECASE):
            return []
        found = _found(text, match.start(), match.end(), label)
        return [found] if found else []

    return parse


def _year_values(text: str, start: int, end: int) -> list[Found]:
    window = text[start : min(end, start + 40)].translate(_OCR_DIGITS)
    match = _YEAR.search(window)
    return [Found(start + match.start(), start + match.end(), "BUILD_YEAR")] if match else []


def _flag_values(text: str, start: int, end: int) -> list[Found]:
    value_start, value_end = _trim(text, start, end)
    if value_start < value_end and lookup_country(text[value_start:value_end]) is not None:
        return [Found(value_start, value_end, "FLAG", True)]
    return [Found(s, e, "FLAG", True) for s, e in _countries_in(text, value_start, value_end, codes=True)]


_REGISTRATION_TOKEN = re.compile(r"[A-Z0-9(][A-Z0-9()\-/.\s]{0,38}[A-Z0-9)]|[A-Z0-9]", re.IGNORECASE)


def _registration_values(text: str, start: int, end: int) -> list[Found]:
    match = _REGISTRATION_TOKEN.match(text, start, end)
    if match is None:
        return []
    value_end = match.end()
    comma = text.find(", ", match.start(), value_end)
    if comma >= 0:
        value_end = comma
    # a later word in lower case ends the number ("1249 issued by ..."); capitals go on ("T-8 SE", "M-123 A")
    words = list(re.finditer(r"\S+", text[match.start() : value_end]))
    kept_end = match.start()
    for word in words:
        if kept_end > match.start() and not any(ch.isdigit() for ch in word.group()) and not word.group().isupper():
            break
        kept_end = match.start() + word.end()
    found = _found(text, match.start(), kept_end, "REGISTRATION_NUMBER")
    if found is None or not any(ch.isdigit() for ch in text[found.start : found.end]):
        return []
    return [found]


def _name_like(text: str, start: int, end: int, label: str, max_words: int) -> Found | None:
    found = _found(text, start, end, label)
    if found is None:
        return None
    value = text[found.start : found.end]
    words = value.split()
    if len(words) > max_words or not any(ch.isalpha() for ch in value):
        return None
    if words[0][0].islower() and label in ("VESSEL_NAME", "OWNER", "PORT"):
        return None
    return found


def _without_trailing_remark(text: str, start: int, end: int) -> int:
    """End of a value before a bracketed remark that closes it ("Ise (Japan)", "Hand liner vessels (LH)");
    brackets inside a name belong to it ("MARUHA (N.Z.) CORPORATION LIMITED")."""
    value = text[start:end].rstrip()
    cut = value.rfind(" (")
    return start + cut if cut >= 0 and value.endswith(")") else end


def _split_segments(text: str, start: int, end: int, separators: str) -> Iterator[tuple[int, int]]:
    position = start
    for match in re.finditer(separators, text[start:end]):
        yield position, start + match.start()
        position = start + match.end()
    yield position, end


def _vessel_name_values(text: str, start: int, end: int) -> list[Found]:
    end = _without_trailing_remark(text, start, end)
    found = []
    for seg_start, seg_end in _split_segments(text, start, end, r",\s+|\s+/\s+"):
        name = _name_like(text, seg_start, seg_end, "VESSEL_NAME", 6)
        if name:
            found.append(name)
    return found


def _owner_values(text: str, start: int, end: int) -> list[Found]:
    end = _without_trailing_remark(text, start, end)
    segments = list(_split_segments(text, start, end, r",\s+"))
    owner_end = segments[0][1]
    for seg_start, seg_end in segments[1:]:
        if not _COMPANY_SUFFIX.match(text[seg_start:seg_end]):
            break
        owner_end = seg_end
    found = _name_like(text, start, owner_end, "OWNER", 10)
    return [found] if found else []


def _short_text_values(label: str, max_words: int, split: str | None) -> ValueParser:
    """First part only where ``split`` is None (a port before its country), else every part."""

    def parse(text: str, start: int, end: int) -> list[Found]:
        end = _without_trailing_remark(text, start, end)
        segments = list(_split_segments(text, start, end, split or r",\s*"))
        found = [_name_like(text, s, e, label, max_words) for s, e in (segments if split else segments[:1])]
        return [item for item in found if item]

    return parse


def _date_values(text: str, start: int, end: int) -> list[Found]:
    return [Found(s, e, "DATE") for s, e in _dates_in(text, start, end)]


VALUE_PARSERS: dict[str, ValueParser] = {
    "IMO": _imo_values,
    "MMSI": _mmsi_values,
    "IRCS": _ircs_values,
    "FLAG": _flag_values,
    "VESSEL_NAME": _vessel_name_values,
    "OWNER": _owner_values,
    "PORT": _short_text_values("PORT", 4, split=None),
    "VESSEL_TYPE": _short_text_values("VESSEL_TYPE", 8, split=r"\s*/\s*|,\s+|;\s*"),
    "GEAR_TYPE": _short_text_values("GEAR_TYPE", 10, split=r"\s*/\s*|,\s+|;\s*"),
    "TONNAGE": _measure_values("TONNAGE", _TONNAGE_UNIT, _TONNAGE_UNIT_FIRST),
    "LENGTH": _measure_values("LENGTH", _LENGTH_UNIT, _LENGTH_UNIT_FIRST),
    "BUILD_YEAR": _year_values,
    "REGISTRATION_NUMBER": _registration_values,
    "DATE": _date_values,
}
# In a table cell a vessel type, gear or owner is the whole cell ("fish carriers and reefers", "Liners - Pole
# and Line Vessels", "MICHAEL TERRY, JUDITH TERRY"); only slashes separate alternatives there.
TABLE_VALUE_PARSERS: dict[str, ValueParser] = {
    "VESSEL_TYPE": _short_text_values("VESSEL_TYPE", 8, split=r"\s+/\s+|;\s*"),
    "GEAR_TYPE": _short_text_values("GEAR_TYPE", 10, split=r"\s+/\s+|;\s*"),
    "OWNER": _short_text_values("OWNER", 12, split=r"\s+/\s+|;\s*"),
}


# --- labelled fields -------------------------------------------------------------------------


_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z]\w*[A-Za-z])(?=\w*[01])\w+\b")


def _ocr_shadow(text: str) -> str:
    """Same length as ``text``; in words with letters, 0 and 1 read as O and l ("Vesse1" -> "Vessel")."""
    return _MIXED_WORD.sub(lambda m: m.group().replace("0", "O").replace("1", "l"), text)


_UNIT_AFTER_NUMBER = re.compile(r"\d[ \t]?$")


def _field_keys(text: str, skip_lines: set[int]) -> list[FieldKey]:
    keys = []
    for match in _FIELD_KEY_RE.finditer(_ocr_shadow(text)):
        if _line_bounds(text, match.start())[0] in skip_lines:
            continue
        label = _key_label(match, FIELD_KEYS)
        if label in ("TONNAGE", "LENGTH") and _UNIT_AFTER_NUMBER.search(text, max(0, match.start() - 2), match.start()):
            continue
        separator = _SEPARATOR.match(text, match.end())
        prose = _PROSE_SEPARATOR.match(text, match.end())
        if separator is not None and separator.end() > match.end():
            colon = bool(re.match(r"[ \t]*[:;：=]", separator.group()))
            keys.append(FieldKey(match.start(), match.end(), separator.end(), label, strict=False, colon=colon))
        elif prose is not None:
            keys.append(FieldKey(match.start(), match.end(), prose.end(), label, strict=False, sentence=True))
        elif label in STRICT_LABELS:
            strict = _STRICT_SEPARATOR.match(text, match.end())
            keys.append(FieldKey(match.start(), match.end(), strict.end(), label, strict=True))
    return keys


def _value_end(text: str, key: FieldKey, next_key_start: int) -> int:
    brk = _VALUE_BREAK.search(text, key.value_start)
    end = brk.start() if brk else len(text)
    if key.sentence:
        # the full stop goes with the value, where _trim keeps it only after an abbreviation ("S.A.")
        stop = _SENTENCE_END.search(text, key.value_start, end)
        end = stop.end() if stop else end
    return min(end, next_key_start)


def _fits_sentence_value(text: str, found: Found) -> bool:
    """After "<key> is", only a checked value or a name in capitals: "The vessel is 33 m long" names no vessel."""
    if found.label in STRICT_LABELS:
        return True
    words = text[found.start : found.end].split()
    return found.label == "OWNER" and all(word[0].isupper() or not word[0].isalpha() for word in words)


def _labelled_fields(text: str, skip_lines: set[int]) -> list[Found]:
    keys = _field_keys(text, skip_lines)
    found: list[Found] = []
    for index, key in enumerate(keys):
        if key.label is None:
            continue
        next_start = next(
            (other.start for other in keys[index + 1 :] if other.start >= key.value_start and other.colon),
            len(text),
        )
        end = _value_end(text, key, next_start)
        if key.value_start >= end:
            continue
        parsed = VALUE_PARSERS[key.label](text, key.value_start, end)
        if key.sentence:
            parsed = [item for item in parsed if _fits_sentence_value(text, item)]
        if key.strict:
            parsed = [item for item in parsed if item.start == _trim(text, key.value_start, end)[0]]
        found.extend(parsed)
    return found


# --- tables ----------------------------------------------------------------------------------

# A cell is words joined by single spaces; two spaces, a tab or a pipe separate cells.
_CELL = re.compile(r"[^\s|]+(?: [^\s|]+)*")
# A ruled line under a header or between rows: "-----", "=====", "|----|:---|", "+----+".
_RULE_LINE = re.compile(r"^[\s|+:]*[-=_~]{3,}[\s|+:\-=_~]*$")
_HEADER_ALTERNATIVES = re.compile(r"\s*/\s*")


@dataclass(frozen=True)
class Column:
    start: int  # column within the line
    end: int
    label: str | None


def _cells(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CELL.finditer(text, line_start, line_end)]


def _is_rule_line(text: str, line_start: int, line_end: int) -> bool:
    return bool(_RULE_LINE.match(text[line_start:line_end]))


def _column_label(cell: str) -> tuple[bool, str | None]:
    """(is a known column name, its label); a bilingual or slashed header ("Lloyd's / IMO No.",
    "Nom du navire / Name of vessel") is known by any of its parts, the last one first."""
    for candidate in [cell, *reversed(_HEADER_ALTERNATIVES.split(cell))]:
        match = _COLUMN_KEY_RE.match(candidate.strip())
        if match is not None:
            return True, _key_label(match, COLUMN_KEYS)
    return False, None


def _columns_from_cells(cells: list[tuple[int, int, str]]) -> list[Column] | None:
    """Columns from (start within line, end within line, header text) cells, if enough are known."""
    if len(cells) < 3:
        return None
    labels: list[str | None] = []
    known = 0
    for _, _, cell in cells:
        is_known, label = _column_label(cell)
        if not is_known and any(ch.isdigit() for ch in cell):
            return None
        known += is_known
        labels.append(label)
    if known < 3 or known * 2 < len(cells):
        return None
    starts = [start for start, _, _ in cells]
    ends = starts[1:] + [10_000]
    return [Column(s, e, label) for s, e, label in zip(starts, ends, labels)]


def _header_cells(text: str, line: tuple[int, int]) -> list[tuple[int, int, str]]:
    return [(start - line[0], end - line[0], text[start:end]) for start, end in _cells(text, *line)]


def _merged_header_cells(text: str, upper: tuple[int, int], lower: tuple[int, int]) -> list[tuple[int, int, str]]:
    """A header written on two lines ("Radio" over "call sign"): each lower cell joins the upper cell it
    overlaps most."""
    merged = [[start, end, words] for start, end, words in _header_cells(text, upper)]
    if not merged:
        return []
    for start, end, words in _header_cells(text, lower):
        best = max(merged, key=lambda cell: (min(end, cell[1]) - max(start, cell[0]), -abs(cell[0] - start)))
        if min(end, best[1]) - max(start, best[0]) <= 0:
            return []  # a lower cell under no header cell: not one header
        # a word hyphenated across the two lines ("Nation-" over "ality") is one word
        best[2] = f"{best[2][:-1]}{words}" if best[2].endswith("-") else f"{best[2]} {words}"
    return [(start, end, words) for start, end, words in merged]


def _known_count(columns: list[Column] | None) -> int:
    return -1 if columns is None else sum(column.label is not None for column in columns)


def _header_at(text: str, lines: list[tuple[int, int]], index: int) -> tuple[list[Column], int] | None:
    """Columns of a header starting at line ``index`` and the number of lines it takes (1 or 2)."""
    single = _columns_from_cells(_header_cells(text, lines[index]))
    double = None
    if index + 1 < len(lines) and not _is_rule_line(text, *lines[index + 1]):
        merged = _merged_header_cells(text, lines[index], lines[index + 1])
        double = _columns_from_cells(merged) if merged else None
    if double is not None and _known_count(double) > _known_count(single):
        return double, 2
    return (single, 1) if single is not None else None


def _column_of(columns: list[Column], cell_start: int, cell_end: int) -> Column:
    def overlap(column: Column) -> int:
        return min(cell_end, column.end) - max(cell_start, column.start)

    best = max(columns, key=lambda column: (overlap(column), -abs(column.start - cell_start)))
    return best


def _table_rows(text: str, lines: list[tuple[int, int]], first_row: int) -> Iterator[tuple[int, int]]:
    """Rows under a header: ruled lines are skipped, and a blank line right under the header too."""
    for number, (line_start, line_end) in enumerate(lines[first_row:]):
        if _is_rule_line(text, line_start, line_end):
            continue
        if not text[line_start:line_end].strip():
            if number == 0:
                continue
            return
        if len(_cells(text, line_start, line_end)) < 2:
            return
        yield line_start, line_end


def _lines(text: str) -> list[tuple[int, int]]:
    result, position = [], 0
    for line in text.split("\n"):
        result.append((position, position + len(line)))
        position += len(line) + 1
    return result


def _row_entities(text: str, row_start: int, row_end: int, columns: list[Column]) -> list[Found]:
    found: list[Found] = []
    cells = _cells(text, row_start, row_end)
    for position, (cell_start, cell_end) in enumerate(cells):
        if len(cells) == len(columns):
            column = columns[position]
        else:
            column = _column_of(columns, cell_start - row_start, cell_end - row_start)
        if column.label is not None:
            found.extend(TABLE_VALUE_PARSERS.get(column.label, VALUE_PARSERS[column.label])(text, cell_start, cell_end))
    return found


def _tables(text: str) -> tuple[list[Found], set[int]]:
    """Entities in table cells, and the start offsets of the table's lines (not read as fields)."""
    found: list[Found] = []
    table_lines: set[int] = set()
    lines = _lines(text)
    index = 0
    while index < len(lines):
        header = _header_at(text, lines, index)
        if header is None:
            index += 1
            continue
        columns, height = header
        table_lines.update(start for start, _ in lines[index : index + height])
        rows = list(_table_rows(text, lines, index + height))
        for row_start, row_end in rows:
            table_lines.add(row_start)
            found.extend(_row_entities(text, row_start, row_end, columns))
        index += height
    return found, table_lines


# --- patterns and vocabularies ---------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_PATTERNS = (
    re.compile(rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]+{_MONTH}[\s\-/,]+(?P<y>\d{{4}}|\d{{2}})(?![\w])", re.IGNORECASE),
    re.compile(rf"(?<![\w]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?![\w])", re.IGNORECASE),
    re.compile(r"(?<![\w.\-/])(?P<y>(?:19|20)\d\d)(?P<s>[\-/.])(?P<m>0?[1-9]|1[0-2])(?P=s)(?P<d>\d{1,2})(?![\d]|[\-/.]\d)"),
    re.compile(r"(?<![\w.\-/])(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>(?:19|20)\d\d)(?![\w\-/]|\.\d)"),
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


def _vocabulary_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = [re.escape(word) for word in re.split(r"[\s\-]+", term)]
        alternatives.append(r"[\s\-]+".join(words) + "s?")
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


VESSEL_TYPE_TERMS: tuple[str, ...] = (
    "stern trawler", "side trawler", "freezer trawler", "factory trawler", "wetfish trawler", "otter trawler",
    "beam trawler", "outrigger trawler", "pair trawler", "bottom trawler", "midwater trawler", "trawler",
    "tuna purse seiner", "purse seiner", "danish seiner", "seiner", "tuna longliner", "longliner",
    "long liner", "longline vessel", "longline fishing vessel", "tuna longline vessel", "pole and line vessel",
    "pole and liner", "gillnetter", "gill netter", "drift netter", "driftnetter", "squid jigger", "jigger",
    "jigging vessel", "squid jigging vessel", "handliner", "hand liner", "handline vessel", "troller",
    "trolling vessel", "trap setter", "potter", "dredger", "reefer", "reefer vessel", "refrigerated cargo vessel",
    "refrigerated cargo ship", "fish carrier", "carrier vessel", "transhipment vessel", "transshipment vessel",
    "fish transport vessel", "support vessel", "supply vessel", "bunker vessel", "bunkering vessel",
    "carrier", "mother ship", "factory ship", "fish processing vessel", "research vessel", "patrol vessel", "tanker",
)
GEAR_TERMS: tuple[str, ...] = (
    "drifting longlines", "set longlines", "bottom longlines", "pelagic longlines", "longlines", "longline",
    "purse seines", "purse seine", "ring nets", "beach seines", "boat seines", "danish seines", "scottish seines",
    "pair seines", "seine nets", "bottom trawls", "bottom otter trawls", "beam trawls", "midwater trawls",
    "midwater otter trawls", "pelagic trawls", "pair trawls", "otter trawls", "otter twin trawls",
    "shrimp trawls", "bottom trawl", "midwater trawl", "pelagic trawl", "gillnets", "gill nets",
    "set gillnets", "drift gillnets", "driftnets", "drift nets", "trammel nets", "entangling nets",
    "pole and line", "pole and lines", "handlines", "hand lines", "handlines and hand-operated pole-and-lines",
    "jigging lines", "mechanized lines", "squid jigging", "trolling lines", "troll lines", "hooks and lines",
    "pots and traps", "pots", "traps", "dredges", "lift nets", "falling gear", "cast nets", "harpoons",
)
_VESSEL_TYPE_RE = _vocabulary_regex(VESSEL_TYPE_TERMS)
_GEAR_RE = _vocabulary_regex(GEAR_TERMS)
_RFMO_RE = re.compile(
    r"(?<![\w])(?:" + _RFMO_ALT + r")(?![\w])|(?<![\w])(?:"
    + "|".join(r"[\s\-]+".join(map(re.escape, re.split(r"[\s\-]+", name))) for name in _RFMO_NAMES)
    + r")(?![\w])",
    re.IGNORECASE,
)
_TONNAGE_RE = re.compile(rf"(?<![\w.,])(?:{_NUMBER})\s?(?:GT|GRT|gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons))(?![\w])", re.IGNORECASE)
_LENGTH_RE = re.compile(rf"(?<![\w.,])(?:{_NUMBER})(?:\s?(?:m|metres|meters|ft|feet)|-(?:metre|meter))(?![\w³²])")
_BUILT_RE = re.compile(r"\b(?:built|constructed)\s+(?:in\s+)?(?:(?:[A-Z][\w.]*,?\s+){1,3}(?:in\s+)?)?(?P<y>(?:19|20)\d\d)\b")


@lru_cache(maxsize=1)
def _country_name_re() -> re.Pattern[str]:
    names = sorted(country_names(), key=len, reverse=True)
    alternatives = [r"[\W_]+".join(map(re.escape, name.split())) for name in names]
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


_ALPHA3 = re.compile(r"(?<![\w])[A-Z]{3}(?![\w])")


def _countries_in(text: str, start: int, end: int, codes: bool) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _country_name_re().finditer(text, start, end) if not m.group().islower()]
    if codes:
        spans += [(m.start(), m.end()) for m in _ALPHA3.finditer(text, start, end) if lookup_country(m.group())]
    return spans


_FLAG_CONTEXTS = (
    re.compile(r"(?P<c>[A-Z][\w' .,\-]{1,40}?)[\s\-]+flagged\b"),
    re.compile(r"\b(?:re)?flagged\s+(?:to|in|by|under)\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})", re.IGNORECASE),
    re.compile(r"\bflag\s+(?:of|state\s+of)\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})", re.IGNORECASE),
    re.compile(r"\b(?:under|flying)\s+(?:the\s+|a\s+)?(?P<c>[A-Z][\w' \-]{1,40}?)\s+flag\b", re.IGNORECASE),
    re.compile(r"\bregistered\s+in\s+(?:the\s+)?(?P<c>[A-Z][\w' \-]{1,40})"),
)


def _flags_in_context(text: str) -> list[Found]:
    found = []
    for pattern in _FLAG_CONTEXTS:
        for match in pattern.finditer(text):
            start, end = match.span("c")
            for country in _country_name_re().finditer(text, start, end):
                before_flag = pattern is _FLAG_CONTEXTS[0] or pattern is _FLAG_CONTEXTS[3]
                if before_flag and country.end() != end:
                    continue
                if not before_flag and country.start() != start:
                    continue
                found.append(Found(country.start(), country.end(), "FLAG", True))
    return found


_CAPS_NAME = r"[A-Z0-9][A-Z0-9'’.\-/]*(?![a-z])(?:[ ][A-Z0-9][A-Z0-9'’.\-/]*(?![a-z])){0,5}"
_TITLE_NAME = r"[A-Z0-9][\w'’.\-/]*(?:[ ][A-Z0-9][\w'’.\-/]*){0,4}"
_QUOTED = r"[“\"‘'](?P<q>[^”\"’'\n]{2,40})[”\"’']"
_NAME_STOP_WORDS = frozenset(
    {"IMO", "MMSI", "IRCS", "GT", "GRT", "LOA", "FLAG", "FLAGGED", "CALL", "WAS", "IS", "AND", "THE", "OF", "IN", "ON", "AT", "WITH", "BY", "FOR"}
    | set(_RFMO_ACRONYMS)
)
_PROSE_NAME_PATTERNS = (
    re.compile(rf"(?<![\w])(?:F/V|M/V|FV|MV|F\.V\.|M\.V\.|S/V|FB|F/B)[ ](?:{_QUOTED}|(?P<n>{_TITLE_NAME}))"),
    re.compile(
        rf"(?<![\w])(?i:(?:the|fishing|a)\s+(?:fishing\s+)?vessel|vessel\s+(?:named|called)|named|called|"
        rf"reefer|carrier|longliner|trawler|purse\s+seiner)[ \n](?:{_QUOTED}|(?P<n>{_CAPS_NAME}))"
    ),
    re.compile(rf"(?<![\w])(?P<n>{_CAPS_NAME})\s*(?:\(\s*(?:IMO|IRCS|call\s+sign|MMSI)|,\s+IMO\b)"),
)


def _prose_vessel_names(text: str) -> list[Found]:
    found = []
    for pattern in _PROSE_NAME_PATTERNS:
        for match in pattern.finditer(text):
            group = "q" if match.groupdict().get("q") else "n"
            start, end = match.span(group)
            if group == "n":
                end = _cut_at_stop_word(text, start, end)
            name = _name_like(text, start, end, "VESSEL_NAME", 6)
            if name and sum(ch.isalpha() for ch in text[name.start : name.end]) >= 2 and not _is_key(text, name):
                found.append(name)
    return found


def _is_key(text: str, found: Found) -> bool:
    """A field name in capitals before "(IMO ...)" ("UVI (IMO)") is not a vessel name."""
    return _QUALIFIER_KEY_RE.match(text[found.start : found.end]) is not None


def _cut_at_stop_word(text: str, start: int, end: int) -> int:
    position = start
    for word in re.finditer(r"\S+", text[start:end]):
        bare = word.group().strip(".,;:").upper()
        if bare in _NAME_STOP_WORDS or (len(bare) == 3 and bare.isalpha() and lookup_country(bare) and word.start()):
            return position
        if not word.group()[0].isupper() and not word.group()[0].isdigit():
            return position
        position = start + word.end()
    return position


_OWNER_PROSE = re.compile(
    r"\b(?:owned|operated|managed|chartered)\s+by\s+(?:the\s+)?(?:company\s+)?"
    r"(?P<o>[A-Z][\w&'.\-]*(?:(?:,?[ \t]+|[ \t]+(?:de|del|la|of|and|&)[ \t]+)[A-Z&][\w&'.\-]*){0,7})"
)
_PORT_PROSE = re.compile(
    r"\b(?:port\s+of|in\s+the\s+port\s+of|at\s+the\s+port\s+of|landed\s+(?:in|at)|arrived\s+(?:in|at)|[Ii]ssued\s+at)\s+"
    r"(?P<p>(?:Port\s+)?[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2})"
)


def _prose_owners_and_ports(text: str) -> list[Found]:
    found = []
    for match in _OWNER_PROSE.finditer(text):
        found.extend(_owner_values(text, *match.span("o")))
    for match in _PORT_PROSE.finditer(text):
        start, end = match.span("p")
        if lookup_country(text[start:end]) is None:
            port = _name_like(text, start, end, "PORT", 4)
            if port:
                found.append(port)
    return found


_IMO_CONTEXT = re.compile(r"\b(?:[I1l]M[O0]|LR|Lloyd'?s|ship\s+identification)", re.IGNORECASE)
_MMSI_CONTEXT = re.compile(r"\b(?:MMSI|AIS)\b", re.IGNORECASE)
_BARE_SEVEN = re.compile(r"(?<![\w.,\-/+])\d{7}(?![\w\-/]|[.,]\d)")
_BARE_NINE = re.compile(r"(?<![\w.,\-/+])\d{9}(?![\w\-/]|[.,]\d)")
_CONTEXT_WINDOW = 80


def _bare_identifiers(text: str) -> list[Found]:
    found = []
    for match in _BARE_SEVEN.finditer(text):
        context = text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()]
        if imo_check_digit_ok(match.group()) and _IMO_CONTEXT.search(context):
            found.append(Found(match.start(), match.end(), "IMO", True))
    for match in _BARE_NINE.finditer(text):
        context = text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()]
        if _MMSI_CONTEXT.search(context) and _mmsi_values(text, match.start(), match.end()):
            found.append(Found(match.start(), match.end(), "MMSI", True))
    return found


def _regex_spans(pattern: re.Pattern[str], text: str, label: str, group: int | str = 0) -> list[Found]:
    return [Found(m.start(group), m.end(group), label) for m in pattern.finditer(text)]


# --- the extractor ---------------------------------------------------------------------------


def _scored(found: list[Found], family: str, text: str) -> list[Span]:
    spans = []
    for item in found:
        start, end = _trim(text, item.start, item.end)
        if start >= end:
            continue
        score = SCORES["validated_field"] if item.validated and family in ("field", "table") else SCORES[family]
        spans.append(Span(start, end, item.label, score))
    return spans


def extract_spans(text: str, gazetteer: Gazetteer | None = None) -> list[Span]:
    """Entities of one page of text; non-overlapping, sorted, offsets into ``text``."""
    table_found, header_lines = _tables(text)
    spans = _scored(table_found, "table", text)
    spans += _scored(_labelled_fields(text, header_lines), "field", text)
    spans += _scored(_regex_spans(_RFMO_RE, text, "RFMO"), "rfmo", text)
    spans += _scored([Found(s, e, "DATE") for s, e in _dates_in(text)], "date", text)
    spans += _scored(_regex_spans(_TONNAGE_RE, text, "TONNAGE"), "measure", text)
    spans += _scored(_regex_spans(_LENGTH_RE, text, "LENGTH"), "measure", text)
    spans += _scored(_regex_spans(_BUILT_RE, text, "BUILD_YEAR", "y"), "measure", text)
    spans += _scored(_regex_spans(_VESSEL_TYPE_RE, text, "VESSEL_TYPE"), "vocabulary", text)
    spans += _scored(_regex_spans(_GEAR_RE, text, "GEAR_TYPE"), "vocabulary", text)
    spans += _scored(_flags_in_context(text), "flag_context", text)
    spans += _scored(_prose_vessel_names(text), "prose_name", text)
    spans += _scored(_prose_owners_and_ports(text), "prose_name", text)
    spans += _scored(_bare_identifiers(text), "pattern", text)
    if gazetteer is not None:
        spans += [Span(m.start, m.end, m.label, SCORES["gazetteer"]) for m in gazetteer.find(text)]
    return remove_overlaps(spans)
