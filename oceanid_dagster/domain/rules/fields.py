"""Labelled fields: "<key> <separator> <value>" in forms, prose and OCR text."""

from __future__ import annotations

import re

from oceanid_dagster.domain.rules.keys import (
    _FIELD_KEY_RE,
    _PROSE_SEPARATOR,
    _SENTENCE_END,
    _SEPARATOR,
    _STRICT_SEPARATOR,
    _VALUE_BREAK,
    FIELD_KEYS,
    STRICT_LABELS,
    FieldKey,
    Found,
    _key_label,
)
from oceanid_dagster.domain.rules.text import _line_bounds, _trim
from oceanid_dagster.domain.rules.values import VALUE_PARSERS

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
