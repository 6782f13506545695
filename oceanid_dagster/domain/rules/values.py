"""Value parsers: (text, start, end) of a field or cell -> the entities inside it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from oceanid_dagster.domain.countries import country_by_demonym, lookup_country
from oceanid_dagster.domain.identifiers import (
    IdentifierError,
    imo_check_digit_ok,
    normalise_ircs,
    normalise_mmsi,
)
from oceanid_dagster.domain.rules.keys import Found
from oceanid_dagster.domain.rules.mentions import _countries_in, _dates_in
from oceanid_dagster.domain.rules.text import _COMPANY_END_BEFORE_DASH, _COMPANY_SUFFIX, _found, _trim

ValueParser = Callable[[str, int, int], list[Found]]
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})
# seven digits, or seven that OCR parted with a space ("871 0728"), which the check digit then vouches for
_IMO_TOKEN = re.compile(r"(?<![\w])(?:[0-9OoIlS|B]{7}|[0-9OoIlS|B]{2,5}[ \t][0-9OoIlS|B]{2,5})(?![\w])")
_MMSI_TOKEN = re.compile(r"(?<!\d)\d{9}(?!\d)")
_NUMBER = r"\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_TONNAGE_UNIT = r"GT|GRT|gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons)|tonnes|tons|t\b|MT"
_LENGTH_UNIT = r"m|metres|meters|metre|meter|m[eè]tres|metros|metri|ft|feet|м"
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
        digits = "".join(token.split()).translate(_OCR_DIGITS)
        if len(digits) == 7 and digits.isdigit() and digits != "0000000" and imo_check_digit_ok(digits):
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


_CALL_SIGN_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-]{2,8}|[a-z0-9][a-z0-9\-]{2,8}")
# Typed in lower case ("call sign bcfd5"), a call sign has a digit or is four letters, which these words are not.
_FOUR_LETTER_WORDS = frozenset({"from", "with", "that", "this", "were", "over", "only", "then", "when", "also", "same"})


def _lower_case_word(token: str) -> bool:
    if not token.islower():
        return False
    return not any(character.isdigit() for character in token) and (len(token) != 4 or token in _FOUR_LETTER_WORDS)


# what a scan's specks leave before a value ("-YLPC.", "— HC3028")
_LEADING_SPECKS = re.compile(r"[-–—_.,'‘’`~][ \t]?")


# a call sign printed as its series and its number, the whole of its value: "Call sign ZMV 2179  ·"
_SPACED_CALL_SIGN = re.compile(r"[A-Z]{2,3} \d{1,4}(?=[\s.,;·|]*$)")


def _ircs_values(text: str, start: int, end: int) -> list[Found]:
    speck = _LEADING_SPECKS.match(text, start, end)
    begin = speck.end() if speck else start
    for pattern in (_SPACED_CALL_SIGN, _CALL_SIGN_TOKEN):
        match = pattern.match(text, begin, end)
        if match is None or (match.end() < end and text[match.end()].isalnum()) or _lower_case_word(match.group()):
            continue
        try:
            normalise_ircs(match.group())
        except IdentifierError:
            continue
        return [Found(match.start(), match.end(), "IRCS", True)]
    return []


# an estimate's range, with its unit: "55-60 m"
_RANGE = rf"(?:{_NUMBER})[ \t]?[-–][ \t]?(?:{_NUMBER})"


def _measure_values(label: str, unit: str, unit_first: str) -> ValueParser:
    pattern = re.compile(
        rf"{_RANGE}\s?(?:{unit})(?![\w³²])|(?:(?:{unit_first})\s?)?(?:{_NUMBER})(?:\s?(?:{unit})(?![\w³²]))?",
        re.IGNORECASE,
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
    # a nationality is often written as its adjective ("Nationality: Korean", "Pavillon : espagnol"),
    # also before a comma and the next field ("Last flag Cuban, port of registry Havana")
    comma = text.find(",", value_start, value_end)
    for part_end in (value_end, comma) if comma > value_start else (value_end,):
        value = text[value_start:part_end]
        if value_start < part_end and (lookup_country(value) or country_by_demonym(value)) is not None:
            return [Found(value_start, part_end, "FLAG", True)]
    return [Found(s, e, "FLAG", True) for s, e in _countries_in(text, value_start, value_end, codes=True)]


# Letters of any alphabet: Nordic marks end in their municipality's letters ("M-0172-HØ", "TF-2 I").
_REGISTRATION_TOKEN = re.compile(r"(?:[^\W_]|\()[\w()\-/.\s]{0,38}(?:[^\W_]|\))|[^\W_]")


# A Chinese fishing vessel's certificate of registry, romanised or not, however spaced:
# "(ZHE)CHUANDENG(JI)(2021)FT-200067", "(JIN) CHUAN DENG (JI)(2012) FT-200019HAO", "(浙)船登(籍)(2024)FT-200011号".
_BRACKET_OPEN, _BRACKET_CLOSE = r"[(（][ \t]*", r"[ \t]*[)）]"
_PROVINCE = (
    rf"(?:{_BRACKET_OPEN}(?:[A-Z]{{2,5}}(?:[ \t][A-Z]{{2,5}})?|[\u4e00-\u9fff]{{1,2}}){_BRACKET_CLOSE}"
    r"|(?<![\w])[A-Z]{2,5})"
)
CN_CERTIFICATE = re.compile(
    # (OCR reads the I of "JI" as l or 1)
    rf"{_PROVINCE}[ \t]*(?:CHUAN[ \t]*DENG|船登)[ \t]*(?:{_BRACKET_OPEN}(?:J[Il1|]|籍){_BRACKET_CLOSE}|J[Il1|])[ \t]*"
    rf"{_BRACKET_OPEN}(?:19|20)\d\d(?:{_BRACKET_CLOSE})?[ \t]*[A-Z]{{1,3}}[ \t]*-?[ \t]*\d{{4,6}}"
    r"(?:[ \t]?(?:HAO|号))?(?![\w])"
)


def _registration_values(text: str, start: int, end: int) -> list[Found]:
    if certificate := CN_CERTIFICATE.search(text, start, end):
        return [Found(*certificate.span(), "REGISTRATION_NUMBER", True)]
    match = _REGISTRATION_TOKEN.match(text, start, end)
    if match is None:
        return []
    value_end = match.end()
    comma = text.find(", ", match.start(), value_end)
    if comma >= 0:
        value_end = comma
    # a later word in lower case ends the number ("1249 issued by ..."); capitals go on ("T-8 SE", "M-123 A")
    words = list(re.finditer(r"\S+", text[match.start() : value_end]))
    if words and words[0].group().isalpha() and words[0].group().islower():
        return []  # a sentence goes on after the key ("authorisation of KM BANDAR BAHARI 278")
    kept_end = match.start()
    for word in words:
        if kept_end > match.start() and not any(ch.isdigit() for ch in word.group()) and not word.group().isupper():
            break
        kept_end = match.start() + word.end()
    found = _found(text, match.start(), kept_end, "REGISTRATION_NUMBER")
    value = text[found.start : found.end] if found else ""
    # a lone digit numbers a hold or an item ("port side number 3 hold"), not a vessel
    if not any(ch.isdigit() for ch in value) or sum(ch.isalnum() for ch in value) < 2:
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


# What describes a vessel after its name ("LURONGYUANYUYUN009, Chinese-flag reefer") names no other one.
_DESCRIPTION = re.compile(r"(?i)flag(?:ged)?\b")


# What a name is written after but is no part of it: "M/V LUCKY STAR", "F/V YUAN CHING", Indonesian "KM" (Kapal Motor).
_VESSEL_PREFIX = re.compile(r"(?:(?i:[FMSR]/[VB]|[FMSR]\.V\.)|MFV|FV|MV|KM|KMN|KLM)[ \t]+(?=\S)")


# A caption, not a name: "FISHING VESSEL", "CARRIER VESSEL" over a form's columns.
_VESSEL_WORD_LAST = re.compile(r"(?i)\b(?:vessels?|ships?|boats?)$")


def _vessel_name_values(text: str, start: int, end: int) -> list[Found]:
    """Names, with what follows them in the field: "HANYI78 (ex-HENGXIN36), China" is a name and its flag."""
    end = _without_trailing_remark(text, start, end)
    found: list[Found] = []
    for seg_start, seg_end in _split_segments(text, start, end, r",\s+|\s+/\s+"):
        if found and _DESCRIPTION.search(text, seg_start, seg_end):
            continue
        if found and (flag := _country_segment(text, seg_start, seg_end)):
            found.append(flag)
            continue
        if prefix := _VESSEL_PREFIX.match(text, _trim(text, seg_start, seg_end)[0], seg_end):
            seg_start = prefix.end()
        name = _name_like(text, seg_start, _without_trailing_remark(text, seg_start, seg_end), "VESSEL_NAME", 6)
        if name and not _VESSEL_WORD_LAST.search(text[name.start : name.end]):
            found.append(name)
    return found


def _country_segment(text: str, start: int, end: int) -> Found | None:
    found = _found(text, start, end, "FLAG")
    return found if found and lookup_country(text[found.start : found.end]) is not None else None


def _owner_values(text: str, start: int, end: int) -> list[Found]:
    end = _without_trailing_remark(text, start, end)
    company_end = _COMPANY_END_BEFORE_DASH.search(text, start, end)
    end = company_end.end() if company_end else end
    # "Sanford Limited and/or subsidiaries": an insurance policy's owner, then who else it covers
    segments = list(_split_segments(text, start, end, r",\s+|\s+and/or\s+"))
    owner_end = segments[0][1]
    for seg_start, seg_end in segments[1:]:
        if not _COMPANY_SUFFIX.match(text[seg_start:seg_end]):
            break
        owner_end = seg_end
    found = _name_like(text, start, owner_end, "OWNER", 10)
    # a legal form alone is the end of a company whose name held the key's word ("WHITECAPS FISHING COMPANY LIMITED")
    if found is None or _COMPANY_SUFFIX.fullmatch(text[found.start : found.end]):
        return []
    return [found]


def _short_text_values(label: str, max_words: int, split: str | None) -> ValueParser:
    """First part only where ``split`` is None (a port before its country), else every part."""

    def parse(text: str, start: int, end: int) -> list[Found]:
        end = _without_trailing_remark(text, start, end)
        segments = list(_split_segments(text, start, end, split or r",\s*"))
        found = [_name_like(text, s, e, label, max_words) for s, e in (segments if split else segments[:1])]
        return [item for item in found if item]

    return parse


_LATIN_END = "\u0250"  # Basic Latin to Latin Extended-B: the letters of the Latin alphabets
_WORD_BREAK = re.compile(r"[ \t]+(?:/[ \t]+)?")


def _is_latin(char: str) -> bool:
    return char < _LATIN_END


def _script_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A value written in two scripts ("Мурманск / Murmansk", "舟山 Zhoushan"): each script's words,
    split where the letters before a space or slash and after it are of different alphabets."""
    parts, part_start = [], start
    for gap in _WORD_BREAK.finditer(text, start, end):
        before = next((ch for ch in reversed(text[part_start : gap.start()]) if ch.isalpha()), None)
        after = next((ch for ch in text[gap.end() : end] if ch.isalpha()), None)
        if before and after and _is_latin(before) != _is_latin(after):
            parts.append((part_start, gap.start()))
            part_start = gap.end()
    if not parts:
        return [(start, end)]
    return [_unbracketed(text, *part) for part in [*parts, (part_start, end)]]


def _unbracketed(text: str, start: int, end: int) -> tuple[int, int]:
    """One script's part in brackets, as the other language's gloss: "株式会社徳洋水産 (Tokuyo Suisan Co., Ltd.)"."""
    part = text[start:end].rstrip()
    if part.startswith("(") and part.endswith(")") and "(" not in part[1:-1] and ")" not in part[1:-1]:
        return start + 1, start + len(part) - 1
    return start, end


def _per_script(parse: ValueParser) -> ValueParser:
    """``parse`` applied to each script's part of a bilingual value."""

    def parse_parts(text: str, start: int, end: int) -> list[Found]:
        return [found for part in _script_parts(text, start, end) for found in parse(text, *part)]

    return parse_parts


# A number in a value, not a digit OCR read in a word ("purse se1ner")
_A_NUMBER = re.compile(r"(?<![^\W\d_])\d")


def _without_numbers(parse: ValueParser) -> ValueParser:
    """A place's name has no numbers: after "PUERTO" in a title, "Nº INS-2025-CO-0417" is a reference; nor
    has a vessel's type or gear: "Trawler, approx. 43 m" is a type and its length."""

    def parse_names(text: str, start: int, end: int) -> list[Found]:
        return [found for found in parse(text, start, end) if not _A_NUMBER.search(text, found.start, found.end)]

    return parse_names


def _date_values(text: str, start: int, end: int) -> list[Found]:
    return [Found(s, e, "DATE") for s, e in _dates_in(text, start, end)]


VALUE_PARSERS: dict[str, ValueParser] = {
    "IMO": _imo_values,
    "MMSI": _mmsi_values,
    "IRCS": _ircs_values,
    "FLAG": _flag_values,
    "VESSEL_NAME": _per_script(_vessel_name_values),
    "OWNER": _per_script(_owner_values),
    "PORT": _per_script(_without_numbers(_short_text_values("PORT", 4, split=None))),
    "VESSEL_TYPE": _per_script(_without_numbers(_short_text_values("VESSEL_TYPE", 8, split=r"\s*/\s*|,\s+|;\s*"))),
    "GEAR_TYPE": _per_script(_without_numbers(_short_text_values("GEAR_TYPE", 10, split=r"\s*/\s*|,\s+|;\s*"))),
    "TONNAGE": _measure_values("TONNAGE", _TONNAGE_UNIT, _TONNAGE_UNIT_FIRST),
    "LENGTH": _measure_values("LENGTH", _LENGTH_UNIT, _LENGTH_UNIT_FIRST),
    "BUILD_YEAR": _year_values,
    "REGISTRATION_NUMBER": _registration_values,
    "DATE": _date_values,
}
# In a table cell a vessel type, gear or owner is the whole cell ("fish carriers and reefers", "Liners - Pole
# and Line Vessels", "MICHAEL TERRY, JUDITH TERRY"); only slashes separate alternatives there.
TABLE_VALUE_PARSERS: dict[str, ValueParser] = {
    "VESSEL_TYPE": _per_script(_short_text_values("VESSEL_TYPE", 8, split=r"\s+/\s+|;\s*")),
    "GEAR_TYPE": _per_script(_short_text_values("GEAR_TYPE", 10, split=r"\s+/\s+|;\s*")),
    "OWNER": _per_script(_short_text_values("OWNER", 12, split=r"\s+/\s+|;\s*")),
    "PORT": _per_script(_without_numbers(_short_text_values("PORT", 4, split=r"\s+/\s+|;\s*"))),
}


# "TAURUS (UBTI)" under "Name (IRCS)": the key's own value, then its qualifier's in brackets.
_BRACKETED_END = re.compile(r"\(([^()\n]+)\)[ \t]*$")


# a form's value in its box: "[3] Radio call sign  [ UCTB  ]" (the value may end at the gap before "]")
_BOXED = re.compile(r"[ \t]*\[[ \t]*([^\[\]\n]*?)[ \t]*\]?[ \t]*")


def _unboxed(text: str, start: int, end: int) -> tuple[int, int]:
    box = _BOXED.fullmatch(text, start, end)
    return box.span(1) if box and box.group(1) else (start, end)


def paired_values(
    parsers: dict[str, ValueParser], label: str, paired: str | None, text: str, start: int, end: int
) -> list[Found]:
    """The entities of a value of ``label``; under a key whose own label ``paired`` differs from its
    qualifier's (``label``), a value ending in brackets gives the key's own entity before them and the
    qualifier's inside them."""
    start, end = _unboxed(text, start, end)
    bracket = _BRACKETED_END.search(text, start, end) if paired is not None else None
    if bracket is None or not text[start : bracket.start()].strip():
        return parsers.get(label, VALUE_PARSERS[label])(text, start, end)
    own = parsers.get(paired, VALUE_PARSERS[paired])(text, start, bracket.start())
    return own + parsers.get(label, VALUE_PARSERS[label])(text, *bracket.span(1))
