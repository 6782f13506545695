"""Labelled fields: "<key> <separator> <value>" in forms, prose and OCR text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache

import regex

from oceanid_dagster.domain.rules.keys import (
    _ARROW,
    _CAPS_VALUE_SEPARATOR,
    _CHANGE_SEPARATOR,
    _CHANGE_TO,
    _COLUMN_KEY_RE,
    _COMPANY_VALUE_SEPARATOR,
    _FIELD_KEY_RE,
    _OF_SEPARATOR,
    _PROSE_SEPARATOR,
    _QUOTE,
    _SENTENCE_END,
    _SEPARATOR,
    _STRICT_SEPARATOR,
    _VALUE_BREAK,
    CAPS_VALUE_LABELS,
    COLUMN_KEYS,
    FIELD_KEYS,
    LINE_START_KEYS,
    OF_LABELS,
    STRICT_LABELS,
    FieldKey,
    Found,
    _key_label,
    _key_labels,
    key_words,
)
from oceanid_dagster.domain.rules.text import _key_shadow, _line_bounds, _trim, is_field_key
from oceanid_dagster.domain.rules.values import _LENGTH_UNIT, _TONNAGE_UNIT, VALUE_PARSERS, paired_values

_KEY_JOINER = re.compile(r"[ \t]*[/&][ \t]*|[ \t]+and[ \t]+")  # "Flag / IMO", "Call Sign & MMSI", "Port and number"
# \Z: "$" would match before a newline; "120.7 m LOA; 7,765 GT": the measure's own key after it
_UNIT_AFTER_NUMBER = {
    label: re.compile(rf"\d[ \t]?(?:(?:{unit})[ \t])?\Z", re.IGNORECASE)
    for label, unit in (("LENGTH", _LENGTH_UNIT), ("TONNAGE", _TONNAGE_UNIT))
}
_UNIT_BEFORE_NUMBER = re.compile(r"GR?T \d")
# What may stand before a bare "Name" key on its line: indentation and an item number ("3.", "B1", "-").
_LINE_OPENING = re.compile(r"[ \t]*(?:(?:\w{1,3}[.)]?|[-*•])[ \t]+)?")


_NESTED_OBJECT = re.compile(r"[:=][ \t]*$")


def _record_name_key(text: str, start: int, end: int) -> bool:
    """A record's own quoted "name" key ('{"name": "TAVR", "ircs": ...}'), not one of an object inside it
    ('"owner": {"name": ...}')."""
    if text[start - 1 : start] not in ('"', "'") or text[end : end + 1] != text[start - 1]:
        return False
    brace = text.rfind("{", 0, start)
    return brace >= 0 and not _NESTED_OBJECT.search(text, max(0, brace - 20), brace)


_COLON_AFTER = re.compile(r"[ \t]*:")
_COLUMN_GAP_BEFORE = re.compile(r"[ \t]{3,}$")


def _side_by_side_key(text: str, line_start: int, start: int, end: int) -> bool:
    """The same key again after a column gap, on a line it opens ("Name:  KAPRODON      Name:  BELOYE
    MORE"): two records side by side."""
    if not _COLUMN_GAP_BEFORE.search(text, line_start, start) or not _COLON_AFTER.match(text, end):
        return False
    opening = _LINE_OPENING.match(text, line_start).end()
    key = text[start:end].casefold()
    return (
        text[opening : opening + len(key)].casefold() == key
        and _COLON_AFTER.match(text, opening + len(key)) is not None
    )


def _after_a_value_slash(text: str, start: int, end: int, keys: list[FieldKey]) -> bool:
    """Right after a slash that does not join two keys ("VSL/ALBATROSS II" is a telex field's value;
    "Name/Call sign" are two keys, a telex's "//" ends a field, and "Client/owner:" ends on its colon)."""
    if start == 0 or text[start - 1] != "/" or text[start - 2 : start] == "//" or _COLON_AFTER.match(text, end):
        return False
    return not (keys and keys[-1].end == start - 1)


def _bracketed_field(text: str, shadow: str, match: re.Match[str]) -> bool:
    """Whether the key's bracketed qualifier is a field of its own ("The vessel (call sign UBTI) was boarded"):
    a key of a strict label then a value of it."""
    if match.group("qualifier") is None:
        return False
    start, end = _trim(text, *match.span("qualifier"))
    inner = _FIELD_KEY_RE.match(shadow, start, end)
    label = _key_label(inner, FIELD_KEYS) if inner is not None else None
    if label not in STRICT_LABELS:
        return False
    return bool(VALUE_PARSERS[label](text, _STRICT_SEPARATOR.match(text, inner.end()).end(), end))


def _key_matches(text: str, shadow: str) -> Iterator[re.Match[str]]:
    """The field keys in order; a key whose brackets hold a field of their own gives way to that field."""
    position = 0
    while (match := _FIELD_KEY_RE.search(shadow, position)) is not None:
        if _bracketed_field(text, shadow, match):
            position = match.start("qualifier")
            continue
        yield match
        position = match.end()


def _field_keys(text: str, skip_lines: set[int]) -> list[FieldKey]:
    keys: list[FieldKey] = []
    shadow = _key_shadow(text)
    for match in _key_matches(text, shadow):
        line_start = _line_bounds(text, match.start())[0]
        if line_start in skip_lines or _after_a_value_slash(text, match.start(), match.end(), keys):
            continue
        label, paired = _key_labels(match, FIELD_KEYS)
        if key_words(match) in LINE_START_KEYS and not (
            _LINE_OPENING.fullmatch(text, line_start, match.start())
            or _record_name_key(text, match.start(), match.end())
            or _side_by_side_key(text, line_start, match.start(), match.end())
        ):
            continue
        if (
            label in _UNIT_AFTER_NUMBER
            and _UNIT_AFTER_NUMBER[label].search(text, max(0, match.start() - 12), match.start())
            and not text.startswith("=", match.end())  # "gt=89 loa=19": an export's next pair
        ):
            continue
        separator = _SEPARATOR.match(text, match.end())
        prose = _PROSE_SEPARATOR.match(text, match.end())
        if (change := _CHANGE_SEPARATOR.match(text, match.end())) is not None:
            keys.append(FieldKey(match.start(), match.end(), change.end(), label, strict=False, change=True))
        elif label == "TONNAGE" and _UNIT_BEFORE_NUMBER.fullmatch(text, match.start(), match.end() + 2):
            # "GT 140": the unit written first is the value's, not a key
            keys.append(FieldKey(match.start(), match.start(), match.start(), label, strict=True))
        elif separator is not None and separator.end() > match.end():
            colon = bool(re.match(r"[\"']?[ \t]*[:;：=>]", separator.group()))
            keys.append(
                FieldKey(match.start(), match.end(), separator.end(), label, strict=False, colon=colon, paired=paired)
            )
        elif prose is not None:
            keys.append(FieldKey(match.start(), match.end(), prose.end(), label, strict=False, sentence=True))
        elif (slash := _KEY_JOINER.match(text, match.end())) and _FIELD_KEY_RE.match(shadow, slash.end()):
            # the first of keys joined by a slash ("Vessel / Voyage: ..."): its value is their value's first part
            keys.append(FieldKey(match.start(), match.end(), match.end(), label, strict=False))
        elif label in OF_LABELS and (of := _OF_SEPARATOR.match(text, match.end())) is not None:
            keys.append(FieldKey(match.start(), match.end(), of.end(), label, strict=True))
        elif label in CAPS_VALUE_LABELS and (
            caps := _CAPS_VALUE_SEPARATOR.match(text, match.end()) or _COMPANY_VALUE_SEPARATOR.match(text, match.end())
        ):
            keys.append(FieldKey(match.start(), match.end(), caps.end(), label, strict=True))
        elif label in STRICT_LABELS:
            strict = _STRICT_SEPARATOR.match(text, match.end())
            keys.append(FieldKey(match.start(), match.end(), strict.end(), label, strict=True))
    return keys


# A key OCR misread ("Call SIgQh ....... UBST3", "HOME POFt ..... Benoa", "Fi1ag : China") still opens its
# line before a leader or a colon: what opens such a line, where no key was read, is compared with the
# keys allowing an error or two.
_LINE_KEY = re.compile(
    r"(?m)^[ \t]*(?:(?:\d{1,2}(?:\.\d{1,2})*|[A-Z]\d?)[.)]?[ \t]+|[-*•][ \t]+)?"
    r"(?P<key>[^\W\d_][^\n:;.…|]{2,38}?)[ \t]*(?::[.,]?|\.{3,}[.,:;\w]*|…+)[ \t]*(?=\S)"
)
_MIN_FUZZY_KEY = 4  # "GT", "LOA" misread are anything
_SHORT_KEY = 8  # ... and a key this short is allowed one error, and only for a value of strict shape


@cache
def _fuzzy_key_patterns() -> tuple[tuple[str | None, regex.Pattern[str], regex.Pattern[str]], ...]:
    return tuple(
        (
            label,
            regex.compile(rf"(?:{pattern}){{e<=1}}", regex.IGNORECASE | regex.BESTMATCH),
            regex.compile(rf"(?:{pattern}){{e<=2}}", regex.IGNORECASE | regex.BESTMATCH),
        )
        for label, pattern in FIELD_KEYS
    )


def _closest_key_label(key: str) -> str | None:
    """The label of the field key ``key`` is a misreading of, or None (no key is near, or the nearest
    names no entity)."""
    best: tuple[int, str | None] | None = None
    for label, one_error, two_errors in _fuzzy_key_patterns():
        match = (one_error if len(key) <= _SHORT_KEY else two_errors).fullmatch(key)
        if match is not None and (best is None or sum(match.fuzzy_counts) < best[0]):
            best = (sum(match.fuzzy_counts), label)
    if best is None or best[0] == 0 or (len(key) <= _SHORT_KEY and best[1] not in STRICT_LABELS):
        return None
    return best[1]


# A key a form words out before its colon: "Vessel name as painted on hull:", "Flag observed:",
# "Former name(s) and date of change:". Not a bare "Name" ("Name of person reporting: ...").
# The words after the key qualify it, so they open with a preposition or a participle ("Authorisation
# period", "Vessel register match" name other things), and do not end on a preposition ("Vessel sighted at:").
_ELABORATION = re.compile(
    r"[ \t]+(?:as|of|and|per|on|in|[a-z]+ed)\b(?:[ \t]+[a-z][a-z'’\-]*){0,4}"
    r"(?<![ \t]at)(?<![ \t]in)(?<![ \t]on)(?<![ \t]by)(?<![ \t]to)(?<![ \t]from)(?<![ \t]of)(?<![ \t]for)"
    r"(?<![ \t]with)(?<![ \t]and)(?<![ \t]or)"
)


def _elaborated_key_label(key: str) -> str | None:
    match = _FIELD_KEY_RE.match(_key_shadow(key))
    if match is None or key_words(match) in LINE_START_KEYS or not _ELABORATION.fullmatch(key, match.end()):
        return None
    return _key_label(match, FIELD_KEYS)


_OF_THE_VESSEL = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?(?:fishing[ \t]+)?(?=(?:vessel|ship|boat)$)", re.IGNORECASE)


def _of_the_vessel(text: str, start: int, end: int) -> set[int]:
    """Where "vessel" stands in a key that ends "of the vessel" ("Owner of the vessel", "Name of master of
    fishing vessel"): no key of its own."""
    match = _OF_THE_VESSEL.search(text, start, end)
    return {match.end()} if match else set()


def _line_opening_keys(text: str, keys: list[FieldKey], skip_lines: set[int]) -> tuple[list[FieldKey], set[int]]:
    """Keys that open their line before a colon or a leader: worded out, they replace the keys read inside
    them ("Owner of the vessel:" is no vessel's name); misread by OCR, they count where no key was read.
    Returns them and the starts of the keys they replace."""
    found, replaced = [], set()
    for match in _LINE_KEY.finditer(text):
        start, end = match.span("key")
        if _line_bounds(text, start)[0] in skip_lines or len(text[start:end].strip()) < _MIN_FUZZY_KEY:
            continue
        key = " ".join(text[start:end].split())
        of_the_vessel = _of_the_vessel(text, start, end)
        replaced |= of_the_vessel
        inside = {other.start for other in keys if start <= other.start < match.end()} - of_the_vessel
        # ... worded out, where no other key was read in it ("Vessel master name and nationality:")
        label = _elaborated_key_label(key) if inside <= {start} else None
        if label is None and not inside:
            label = _closest_key_label(key)
        elif label is not None:
            replaced |= inside
        if label is not None:
            found.append(FieldKey(start, end, match.end(), label, strict=False, colon=True))
    return found, replaced


# An export's key OCR misread ('“lag_state’: "ESP"', '“ires   “LAVF7"', "official_riumber=INS172"): quoted
# before a colon or before its quoted value, or before an "=", compared with the keys allowing an error as a
# line's opening key is.
_RECORD_KEYS = (
    re.compile(
        rf"(?:^|(?<=[{{,\s])){_QUOTE}?(?P<key>[^\W\d][\w.@ ]{{2,30}}?)(?:{_QUOTE}|\*)[ \t]*[:;][ \t]*{_QUOTE}?", re.M
    ),
    re.compile(rf"(?<={_QUOTE})(?P<key>[^\W\d][\w.@]{{2,30}})[ \t]*[:;][ \t]*{_QUOTE}?"),
    re.compile(rf"(?<={_QUOTE})(?P<key>[^\W\d][\w.@]{{2,30}}){_QUOTE}?[ \t]+{_QUOTE}"),
    re.compile(r"(?:^|(?<=[ \t;,|]))(?P<key>[^\W\d][\w.@]{2,30})="),
)
_KEY_WORD_JOINER = re.compile(r"[\s_.]+|(?<=[a-z])(?=[A-Z])")


def _misread_record_keys(text: str, keys: list[FieldKey], skip_lines: set[int]) -> list[FieldKey]:
    """Record keys OCR misread, where no key of ``keys`` was read in them."""
    read = {key.start for key in keys}
    found: dict[int, FieldKey] = {}
    for pattern in _RECORD_KEYS:
        for match in pattern.finditer(text):
            start, end = match.span("key")
            if start in found or _line_bounds(text, start)[0] in skip_lines or any(start <= r < end for r in read):
                continue
            words = _KEY_WORD_JOINER.sub(" ", text[start:end]).strip()
            if len(words) >= _MIN_FUZZY_KEY and (label := _closest_key_label(words)) is not None:
                found[start] = FieldKey(start, end, match.end(), label, strict=False, colon=True)
    return list(found.values())


def _value_end(text: str, key: FieldKey, next_key_start: int) -> int:
    brk = _VALUE_BREAK.search(text, key.value_start)
    end = brk.start() if brk else len(text)
    if key.change and (to := _CHANGE_TO.search(text, key.value_start, end)) is not None:
        end = to.start()
    if key.sentence:
        # the full stop goes with the value, where _trim keeps it only after an abbreviation ("S.A.")
        stop = _SENTENCE_END.search(text, key.value_start, end)
        end = stop.end() if stop else end
    return min(end, next_key_start)


def _new_values(text: str, key: FieldKey, parsed: list[Found]) -> list[Found]:
    """The value a field changed to ("changed from ZMKT to ZMKT2", "UBFR3 -> UBFR4"), read like the old one."""
    if not parsed or key.label is None:
        return []
    after = parsed[-1].end
    joiner = (_CHANGE_TO.match(text, after) if key.change else None) or _ARROW.match(text, after)
    if joiner is None:
        return []
    brk = _VALUE_BREAK.search(text, joiner.end())
    return VALUE_PARSERS[key.label](text, joiner.end(), brk.start() if brk else len(text))


def _fits_sentence_value(text: str, key: FieldKey, found: Found) -> bool:
    """After "<key> is", only a checked value, or a name in capitals of an owner or of a key that says
    "name": "The vessel is 33 m long" names no vessel, "The vessel's name is Ocean Star" does."""
    if found.label in STRICT_LABELS:
        return True
    words = text[found.start : found.end].split()
    named = found.label == "OWNER" or (found.label == "VESSEL_NAME" and "name" in text[key.start : key.end].casefold())
    return named and all(word[0].isupper() or not word[0].isalpha() for word in words)


_VALUE_JOINER = re.compile(r"[ \t]+/[ \t]+|/")


def _joined_keys(text: str, keys: list[FieldKey]) -> set[int]:
    """Keys joined by a slash to the key before them, sharing one value ("Flag / IMO ...... Japan /
    9086758", "Built / LOA / GT: 2014 / 93.57 m / 3830 GT", "Vessel / Voyage: TIGR 2 / 25-07N", whose
    voyage is no entity; "LOA / Breadth / Depth"): the indices of every key but the first, where one key
    of the run names an entity."""
    runs: list[list[int]] = []
    for index in range(len(keys)):
        if index and _KEY_JOINER.fullmatch(text, keys[index - 1].end, keys[index].start):
            runs[-1].append(index)
        else:
            runs.append([index])
    return {index for run in runs if any(keys[i].label for i in run) for index in run[1:]}


def _joined_parts(
    text: str, start: int, end: int, labels: list[str | None]
) -> tuple[list[Found], list[tuple[int, int]], int]:
    """The value of keys joined by slashes, read part by part in the keys' order but the last's: the
    entities, the parts of keys of no entity, and where the rest, the last key's, starts."""
    found: list[Found] = []
    no_entity: list[tuple[int, int]] = []
    for label in labels:
        split = _VALUE_JOINER.search(text, start, end)
        if split is None:
            break
        if label is not None:
            found.extend(VALUE_PARSERS[label](text, start, split.start()))
        else:
            no_entity.append((start, split.start()))
        start = split.end()
    return found, no_entity, start


_KEY_MARK = re.compile(r"[ \t]*[*:.]*$")


def _another_key_alone(text: str, start: int, end: int) -> bool:
    """Whether the value is only another key: a header row of keys side by side ("Port of registry
    Date *") holds no value."""
    start, end = _trim(text, start, end)
    value = text[start:end]
    return is_field_key(value[: _KEY_MARK.search(value).start()])


def _labelled_fields(
    text: str, skip_lines: set[int]
) -> tuple[list[Found], list[tuple[int, int]], list[tuple[int, int]]]:
    """The fields' values; where their keys stand (a key's words are not entities: "Name of carrier"); and
    the values of keys of no entity joined to others ("9.2 m" in "LOA / Beam: 45.5 m / 9.2 m")."""
    keys = _field_keys(text, skip_lines)
    opening, replaced = _line_opening_keys(text, keys, skip_lines)
    opening += _misread_record_keys(text, keys + opening, skip_lines)
    keys = sorted([key for key in keys if key.start not in replaced] + opening, key=lambda key: key.start)
    joined = _joined_keys(text, keys)
    found: list[Found] = []
    no_entity: list[tuple[int, int]] = []
    for index, key in enumerate(keys):
        if index + 1 in joined or (key.label is None and index not in joined):
            continue
        next_start = next(
            (other.start for other in keys[index + 1 :] if other.start >= key.value_start and other.colon),
            len(text),
        )
        end = _value_end(text, key, next_start)
        if key.value_start >= end:
            continue
        first = index
        while first in joined:
            first -= 1
        if first < index:
            before, skipped, rest_start = _joined_parts(
                text, key.value_start, end, [k.label for k in keys[first:index]]
            )
            found.extend(before)
            no_entity.extend(skipped)
            key = FieldKey(key.start, key.end, rest_start, key.label, strict=False)
        if key.label is None:
            no_entity.append((key.value_start, end))
            continue
        if _another_key_alone(text, key.value_start, end):
            continue
        parsed = paired_values(VALUE_PARSERS, key.label, key.paired, text, key.value_start, end)
        parsed += _new_values(text, key, parsed)
        if key.sentence:
            parsed = [item for item in parsed if _fits_sentence_value(text, key, item)]
        if key.strict:
            parsed = [item for item in parsed if item.start == _trim(text, key.value_start, end)[0]]
        found.extend(parsed)
    return found, [(key.start, key.end) for key in keys if key.label is not None], no_entity


# North Atlantic Format (NAF), the VMS and catch-report messages of NEAFC, NAFO and their flag states:
# "//SR//AD/XNE//FR/NZL//NA/OCEAN PIONEER//IR/ZM2582//XR/90054//IM/9100750//DA/20250311//".
_NAF_FIELD = re.compile(r"(?<=//)(?P<code>[A-Z]{2})/(?P<value>[^/\n]+)(?=//)")
_NAF_LABELS = {
    "NA": "VESSEL_NAME",
    "IR": "IRCS",
    "RC": "IRCS",
    "XR": "REGISTRATION_NUMBER",
    "IM": "IMO",
    "FS": "FLAG",
    "FR": "FLAG",  # the transmitting party: the flag state's monitoring centre
    "GE": "GEAR_TYPE",
}


def _naf_fields(text: str) -> list[Found]:
    found: list[Found] = []
    for match in _NAF_FIELD.finditer(text):
        code, (start, end) = match.group("code"), match.span("value")
        if code == "DA" and _is_compact_date(match.group("value")):
            found.append(Found(start, end, "DATE"))
        elif code in _NAF_LABELS:
            found.extend(VALUE_PARSERS[_NAF_LABELS[code]](text, start, end))
    return found


def _is_compact_date(value: str) -> bool:
    """YYYYMMDD, a real date."""
    if len(value) != 8 or not value.isdigit():
        return False
    try:
        date.fromisoformat(f"{value[:4]}-{value[4:6]}-{value[6:]}")
    except ValueError:
        return False
    return True


# XML elements: <GrossTonnage unit="GT">1087.0</GrossTonnage>; a bare <Name> is what the element
# around it names (<Vessel><Name>, <Owner><Name>), and nothing under an element of no known label.
_XML_TAG = re.compile(r"<(?P<close>/?)(?P<tag>[A-Za-z][\w.-]*)(?:\s[^<>]*?)?(?P<empty>/?)>")
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _xml_label(tag: str) -> str | None:
    key = _COLUMN_KEY_RE.match(_CAMEL_CASE.sub(" ", tag).replace("_", " "))
    return _key_label(key, COLUMN_KEYS) if key is not None else None


def _xml_fields(text: str) -> list[Found]:
    found: list[Found] = []
    open_tags: list[str] = []  # the elements around the current tag, outermost first
    tags = list(_XML_TAG.finditer(text))
    for tag, after in zip(tags, tags[1:] + [None]):
        name = tag.group("tag")
        if tag.group("empty"):
            continue
        if tag.group("close"):
            if name in open_tags:  # close it and whatever was left open inside it
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
            continue
        holds_a_value = after is not None and after.group("close") and after.group("tag") == name
        if holds_a_value and "\n" not in text[tag.end() : after.start()]:
            label = _xml_label(name) if name.casefold() != "name" else (open_tags and _xml_label(open_tags[-1]))
            if label:
                found.extend(VALUE_PARSERS[label](text, tag.end(), after.start()))
        open_tags.append(name)
    return found
