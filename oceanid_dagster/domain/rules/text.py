"""Small text helpers shared by the rule families: trimming, found values, line bounds, keys as OCR misreads them."""

from __future__ import annotations

import re

from oceanid_dagster.domain.gazetteer import MISSING_VALUES
from oceanid_dagster.domain.rules.keys import _FIELD_KEY_RE, Found

_COMPANY_SUFFIXES = (
    r"(?:LTD|LIMITED|INC|CO|CORP|CORPORATION|LLC|S\.?A|S\.?L|S\.?R\.?L|S\.?A\.?C|"
    r"S\.?A\.?S|S\.?P\.?A|SARL|GMBH|B\.?V|N\.?V|A/?S|ASA|AB|"
    r"PTY|PLC|K\.?K|PT|TBK|LDA|LTDA|CIA|C\.?A|SDN\.?\s*BHD|BHD|OY|OOO|JSC|PJSC|E\.?I\.?R\.?L|E?HF|P/F|SP/F)\b\.?"
)
_COMPANY_SUFFIX = re.compile(rf"^{_COMPANY_SUFFIXES}", re.IGNORECASE)
# "Rongcheng Marine Fishery Co., Ltd. - all other terms as per last", "KILAT MUDAH JAYA, PT. / ETA Benoa",
# "Wave Crest Fishing Ltd on Friday" (not "S.A. de C.V."): the company ends at its suffix.
# ... and at its full stop where a sentence follows ("Sellers: Pesca Caribe S.A. Price idea on request").
_COMPANY_END_BEFORE_DASH = re.compile(
    rf"(?<![\w.]){_COMPANY_SUFFIXES}(?=[ \t]+(?:[-–—/][ \t]|(?!(?:de|del|y|e|and)\b)(?-i:[a-z])))|"
    rf"(?<![\w.]){_COMPANY_SUFFIXES}(?<=\.)(?=[ \t]+(?!{_COMPANY_SUFFIXES})(?-i:[A-Z][a-z]+\b[ \t]+[a-z]))",
    re.IGNORECASE,
)
# ... and a value at the slash or pipe that separates it from the next field ("Flag: Indonesia / IMO: ...").
_TRIM_CHARS = " \t\n\r,;:.\"'“”‘’()[]{}-–/|"


def _keeps_closing_dot(value: str) -> bool:
    """An abbreviation's dot stays: a company suffix ("LTD.") or dotted initials ("S.A.")."""
    if not re.search(r"(?:\b[A-Za-z]{1,4}|\.[A-Za-z])\.$", value):
        return False
    return bool(_COMPANY_SUFFIX.match(value.split()[-1]) or re.search(r"\.[A-Za-z]\.$", value))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and punctuation, keeping a closing dot of an abbreviation ("LTD.")."""
    while start < end and text[start] in _TRIM_CHARS:
        if text[start] == "(" and ")" in text[start:end]:
            break
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        if text[end - 1] == "." and _keeps_closing_dot(text[start:end]):
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


_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z]\w*[A-Za-z])(?=\w*[01])\w+\b")
# ... with a speck OCR reads beside its underscore ("call._sign", "official _number")
_SNAKE_CASE = re.compile(r"(?<=[A-Za-z])(?:[. ]?_|_[. ])(?=[A-Za-z])")
# a speck OCR reads as a full stop between a key's words ("number or.letters", "Name of. Ship")
_OCR_WORD_STOP = re.compile(r"(?<=[a-z]{2})\.(?=[a-z]{2})|(?<=\bof)\.(?=[ \t])")


def _key_shadow(text: str) -> str:
    """Same length as ``text``, as keys are looked for in it: in words with letters, 0 and 1 read
    as O and l ("Vesse1" -> "Vessel"); an export's snake_case reads as words ("call_sign"), and so
    do words OCR joined with a speck's full stop ("or.letters")."""
    text = _MIXED_WORD.sub(lambda m: m.group().replace("0", "O").replace("1", "l"), text)
    return _OCR_WORD_STOP.sub(" ", _SNAKE_CASE.sub(lambda m: " " * len(m.group()), text))


def is_field_key(words: str) -> bool:
    """Whether ``words`` are a field key and nothing else ("Date", "Port of registry")."""
    return bool(words) and _FIELD_KEY_RE.fullmatch(_key_shadow(words)) is not None
