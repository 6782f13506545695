"""The extractor: every rule family over one page, scored by family, overlaps removed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.rules.fields import _labelled_fields, _naf_fields, _xml_fields
from oceanid_dagster.domain.rules.keys import Found
from oceanid_dagster.domain.rules.mentions import _dates_in
from oceanid_dagster.domain.rules.patterns import (
    _BUILT_RE,
    _GEAR_RE,
    _RFMO_RE,
    _TONNAGE_RE,
    _VESSEL_TYPE_RE,
    _bare_identifiers,
    _capitalised_companies,
    _flags_in_context,
    _prose_lengths,
    _prose_owners_and_ports,
    _prose_vessel_names,
    _regex_spans,
    _values_before_their_keys,
)
from oceanid_dagster.domain.rules.tables import _tables
from oceanid_dagster.domain.rules.text import _trim
from oceanid_dagster.domain.spans import Span, remove_overlaps

SCORES: dict[str, float] = {
    "validated_field": 0.95,
    "field": 0.9,
    "rfmo": 0.9,
    "table": 0.85,
    "date": 0.85,
    "gazetteer": 0.8,
    "company": 0.8,
    "measure": 0.8,
    "vocabulary": 0.75,
    "flag_context": 0.75,
    "prose_name": 0.7,
    "pattern": 0.6,
    "repeated": 0.55,
}


# an e-mail or web address names no vessel type ("ops@pioneer-reefers.example")
_WEB_ADDRESS = re.compile(r"[^\s<>()]+[ \t]?@[^\s<>()]+|\b(?:https?://|www\.)[^\s<>()]+")


def _scored(found: list[Found], family: str, text: str) -> list[Span]:
    spans = []
    for item in found:
        start, end = _trim(text, item.start, item.end)
        if start >= end:
            continue
        score = SCORES["validated_field"] if item.validated and family in ("field", "table") else SCORES[family]
        spans.append(Span(start, end, item.label, score))
    return spans


def _outside(found: list[Found], ranges: list[tuple[int, int]]) -> list[Found]:
    return [item for item in found if not any(start <= item.start and item.end <= end for start, end in ranges)]


# A form's option left unticked ("[ ] trawler   [x] longliner") is not what the form says.
_UNTICKED_BOX = re.compile(r"(?:\[[ \t]?\]|\([ \t]?\)|[☐□])[ \t]*$")


def _ticked_or_plain(found: list[Found], text: str) -> list[Found]:
    return [item for item in found if not _UNTICKED_BOX.search(text, max(0, item.start - 8), item.start)]


# A form's blank filled in by hand or by a typist keeps its underscores round the value ("___TFEW___",
# or "___ BORKUR" where OCR parted them): the rules read them as the spaces they stand for. A line of
# underscores alone is a rule and stays.
_FORM_BLANK = re.compile(r"_{2,}")
_RULED_LINE = re.compile(r"[ \t]*_[_ \t]*$")


def _without_form_blanks(text: str) -> str:
    """``text`` of the same length, a blank's underscores as spaces on lines that hold more than them."""
    lines = text.split("\n")
    return "\n".join(
        line if _RULED_LINE.fullmatch(line) else _FORM_BLANK.sub(lambda blank: " " * len(blank.group()), line)
        for line in lines
    )


def extract_spans(text: str, gazetteer: Gazetteer | None = None) -> list[Span]:
    """Entities of one page of text; non-overlapping, sorted, offsets into ``text``."""
    text = _without_form_blanks(text)
    table_found, header_lines, no_entity_cells = _tables(text)
    spans = _scored(table_found, "table", text)
    fields, keys, no_entity_fields = _labelled_fields(text, header_lines)
    no_entity_values = no_entity_fields + no_entity_cells
    prose, companies = _prose_owners_and_ports(text), _capitalised_companies(text)
    # a vessel type inside an owner's name is the name's ("Seatrade Reefer Chartering N.V.")
    owners = [(item.start, item.end) for item in table_found + fields + prose + companies if item.label == "OWNER"]
    labelled = _ticked_or_plain(fields, text) + _naf_fields(text) + _xml_fields(text) + _values_before_their_keys(text)
    spans += _scored(labelled, "field", text)
    spans += _scored(_regex_spans(_RFMO_RE, text, "RFMO"), "rfmo", text)
    spans += _scored([Found(s, e, "DATE") for s, e in _dates_in(text)], "date", text)
    spans += _scored(_outside(_regex_spans(_TONNAGE_RE, text, "TONNAGE"), no_entity_values), "measure", text)
    spans += _scored(_outside(_prose_lengths(text), no_entity_values), "measure", text)
    spans += _scored(_regex_spans(_BUILT_RE, text, "BUILD_YEAR", "y"), "measure", text)
    vocabulary = _regex_spans(_VESSEL_TYPE_RE, text, "VESSEL_TYPE") + _regex_spans(_GEAR_RE, text, "GEAR_TYPE")
    web = [match.span() for match in _WEB_ADDRESS.finditer(text)]
    spans += _scored(_ticked_or_plain(_outside(vocabulary, keys + owners + web), text), "vocabulary", text)
    spans += _scored(_flags_in_context(text), "flag_context", text)
    spans += _scored(_prose_vessel_names(text), "prose_name", text)
    spans += _scored(prose, "prose_name", text)
    spans += _scored(companies, "company", text)
    spans += _scored(_bare_identifiers(text), "pattern", text)
    if gazetteer is not None:
        spans += [Span(m.start, m.end, m.label, SCORES["gazetteer"]) for m in gazetteer.find(text)]
    kept = remove_overlaps(spans)
    return remove_overlaps(kept + repeated_mentions(text, kept))


# A name read once on a page is the same entity wherever else the page writes it ("Fuzhou" as the port
# of registry, and again in the certificate's line; a vessel named in a heading and in the prose).
REPEATED_LABELS = frozenset({"VESSEL_NAME", "IRCS", "OWNER", "REGISTRATION_NUMBER", "PORT"})
_MIN_REPEATED_LENGTH = 3
# A town in an address ("23 Jungang-daero, Busan", "Address:  Port Lincoln SA 5606", "36202 Vigo") is not a
# port the vessel uses.
_IN_ADDRESS = re.compile(r"(?:,|(?i:address|adresse|direcci[oó]n)[ \t]*:|(?<![\w.,])\d{4,5})[ \t]*$")


# A dateline names where a letter or a press release was written: a line opening "Guayaquil, 22 de
# septiembre de 2025" or "Saint-Pierre, le 14 octobre 2025".
_DATELINE_COMMA = re.compile(r",[ \t]+(?:le[ \t]+|the[ \t]+)?")


def _is_dateline(text: str, start: int, end: int) -> bool:
    comma = _DATELINE_COMMA.match(text, end)
    if comma is None or text[text.rfind("\n", 0, start) + 1 : start].strip():
        return False
    return any(date_start == comma.end() for date_start, _ in _dates_in(text, comma.end(), comma.end() + 40))


def _is_word_character(text: str, index: int) -> bool:
    """As a regular expression's ``\\w``: a letter, a digit or an underscore (False off the text)."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _whole_word_occurrences(text: str, surface: str) -> Iterator[int]:
    """Where ``surface`` stands as whole words, not the start of a longer hyphenated name ("Saint-Pierre"
    in "Saint-Pierre-et-Miquelon"), left to right without overlapping. A plain search rather than a
    pattern per surface: merging is run for every candidate a release weighs, and compiling one pattern
    per name and page overflowed the ``re`` cache (most of the release step's time)."""
    start = text.find(surface)
    while start >= 0:
        end = start + len(surface)
        before_ok = not _is_word_character(text, start - 1) and not (
            text[start - 1 : start] == "-" and _is_word_character(text, start - 2)
        )
        after_ok = not _is_word_character(text, end) and not (
            text[end : end + 1] == "-" and _is_word_character(text, end + 1)
        )
        if before_ok and after_ok:
            yield start
            start = text.find(surface, end)
        else:
            start = text.find(surface, start + 1)


def repeated_mentions(text: str, spans: list[Span]) -> list[Span]:
    """Every other whole-word occurrence of what ``spans`` name, with their labels, at the lowest
    score (add them, then :func:`remove_overlaps`)."""
    found = []
    for surface, label in sorted({(text[s.start : s.end], s.label) for s in spans if s.label in REPEATED_LABELS}):
        if len(surface) < _MIN_REPEATED_LENGTH:
            continue
        for start in _whole_word_occurrences(text, surface):
            end = start + len(surface)
            if label == "PORT" and (
                _IN_ADDRESS.search(text, max(0, start - 30), start) or _is_dateline(text, start, end)
            ):
                continue
            found.append(Span(start, end, label, SCORES["repeated"]))
    return found
