"""Tables: a header row of known column names labels the cells below it by column position, or by
field order where the rows are delimited ("FLAG;IRCS;NAME;IMO", CSV with quoted fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from oceanid_dagster.domain.rules.keys import (
    _COLUMN_KEY_RE,
    COLUMN_KEYS,
    Found,
    _key_label,
)
from oceanid_dagster.domain.rules.values import TABLE_VALUE_PARSERS, VALUE_PARSERS

# A cell is words joined by single spaces; two spaces, a tab or a pipe separate cells.
_CELL = re.compile(r"[^\s|]+(?: [^\s|]+)*")
# A ruled line under a header or between rows: "-----", "=====", "|----|:---|", "+----+".
_RULE_LINE = re.compile(r"^[\s|+:]*[-=_~]{3,}[\s|+:\-=_~]*$")
_OCR_DASHES = frozenset("-=_~\u2012\u2013\u2014\u2015\u2212")  # hyphen, figure/en/em dashes, minus
_HEADER_ALTERNATIVES = re.compile(r"\s*/\s*")
# Delimiters of exported rows, tried in order; a header is delimited when it splits into known columns.
_DELIMITERS = (";", ",")
# OCR reads a semicolon as a colon now and then: a semicolon row short of fields is split at both.
_OCR_DELIMITERS = {";": ";:"}


@cache
def _field_pattern(delimiters: str) -> re.Pattern[str]:
    """A field up to the next of ``delimiters``; a quoted field keeps the delimiters inside it."""
    chars = re.escape(delimiters)
    return re.compile(rf'[ \t]*"[^"\n]*"[ \t]*(?=[{chars}]|$)|[^{chars}\n]*')


@dataclass(frozen=True)
class Column:
    start: int  # column within the line
    end: int
    label: str | None


@dataclass(frozen=True)
class Header:
    columns: list[Column]
    height: int  # lines the header takes (1 or 2)
    delimiter: str | None = None  # rows are fields in the header's order, not cells at its columns


def _cells(text: str, line_start: int, line_end: int, delimiter: str | None = None) -> list[tuple[int, int]]:
    if delimiter is not None:
        return _delimited_fields(text, line_start, line_end, delimiter)
    return [(m.start(), m.end()) for m in _CELL.finditer(text, line_start, line_end)]


def _delimited_fields(text: str, line_start: int, line_end: int, delimiter: str) -> list[tuple[int, int]]:
    """Every field of a line delimited by any of the characters of ``delimiter``, empty ones
    included; a quoted field keeps its delimiters ("BARUNA SEGARA MANDIRI, PT")."""
    fields, position, pattern = [], line_start, _field_pattern(delimiter)
    while True:
        match = pattern.match(text, position, line_end)
        fields.append((match.start(), match.end()))
        position = match.end()
        if position >= line_end or text[position] not in delimiter:
            return fields
        position += 1


def _is_rule_line(text: str, line_start: int, line_end: int) -> bool:
    """A ruled line, also as OCR reads one: dashes turned into em dashes, underscores, stray
    brackets and plus signs, but never a letter or digit."""
    line = text[line_start:line_end]
    if _RULE_LINE.match(line):
        return True
    marks = [char for char in line if not char.isspace()]
    dashes = sum(char in _OCR_DASHES for char in marks)
    return dashes >= 3 and dashes * 3 >= len(marks) * 2 and not any(char.isalnum() for char in marks)


def _column_label(cell: str) -> tuple[bool, str | None]:
    """(is a known column name, its label); a bilingual or slashed header ("Lloyd's / IMO No.",
    "Nom du navire / Name of vessel") is known by any of its parts, the last one first; an export's
    snake_case names ("IMO_NUMBER", "port_of_registry") read as words."""
    cell = cell.replace("_", " ")
    whole = _COLUMN_KEY_RE.match(cell.strip())
    if whole is not None:
        return True, _key_label(whole, COLUMN_KEYS)
    parts = [_COLUMN_KEY_RE.match(part.strip()) for part in _HEADER_ALTERNATIVES.split(cell)]
    if len(parts) > 1 and all(parts):  # "VSL/ALBATROSS II" is a telex field, not a header
        return True, _key_label(parts[-1], COLUMN_KEYS)
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


# A form's numbered boxes: "[1] Ship's name", "(4) IMO number", "6. Length".
_BOX_NUMBER = re.compile(r"^(?:\[\d{1,2}\]|\(\d{1,2}\)|\d{1,2}[.)])\s*")


def _header_cells(text: str, line: tuple[int, int], delimiter: str | None = None) -> list[tuple[int, int, str]]:
    return [
        (start - line[0], end - line[0], _BOX_NUMBER.sub("", text[start:end].strip().strip('"').strip()))
        for start, end in _cells(text, *line, delimiter)
    ]


def _delimited_header(text: str, line: tuple[int, int]) -> Header | None:
    for delimiter in _DELIMITERS:
        if text.count(delimiter, *line) >= 2:
            columns = _columns_from_cells(_header_cells(text, line, delimiter))
            if columns is not None:
                return Header(columns, 1, delimiter)
    return None


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


def _header_at(text: str, lines: list[tuple[int, int]], index: int) -> Header | None:
    """The header starting at line ``index``, if one does."""
    delimited = _delimited_header(text, lines[index])
    if delimited is not None:
        return delimited
    single = _columns_from_cells(_header_cells(text, lines[index]))
    double = None
    if index + 1 < len(lines) and not _is_rule_line(text, *lines[index + 1]):
        merged = _merged_header_cells(text, lines[index], lines[index + 1])
        double = _columns_from_cells(merged) if merged else None
    if double is not None and _known_count(double) > _known_count(single):
        return Header(double, 2)
    return Header(single, 1) if single is not None else None


def _column_of(columns: list[Column], cell_start: int, cell_end: int) -> Column:
    def overlap(column: Column) -> int:
        return min(cell_end, column.end) - max(cell_start, column.start)

    best = max(columns, key=lambda column: (overlap(column), -abs(column.start - cell_start)))
    return best


def _table_rows(
    text: str, lines: list[tuple[int, int]], first_row: int, delimiter: str | None
) -> Iterator[tuple[int, int]]:
    """Rows under a header: ruled lines are skipped, and a blank line right under the header too; the
    next header ends them (a form of boxes, each row of captions over its row of values)."""
    for number, (line_start, line_end) in enumerate(lines[first_row:]):
        if _is_rule_line(text, line_start, line_end):
            continue
        if not text[line_start:line_end].strip():
            if number == 0:
                continue
            return
        if len(_cells(text, line_start, line_end, delimiter)) < 2:
            return
        if number and delimiter is None and _columns_from_cells(_header_cells(text, (line_start, line_end))):
            return
        yield line_start, line_end


def _lines(text: str) -> list[tuple[int, int]]:
    result, position = [], 0
    for line in text.split("\n"):
        result.append((position, position + len(line)))
        position += len(line) + 1
    return result


_SPLIT_REACH = 2  # how far from a column's start a single space may stand and still split two cells


def _split_at_columns(
    text: str, row_start: int, cells: list[tuple[int, int]], columns: list[Column]
) -> list[tuple[int, int]]:
    """Cells that run across a column's start at a single space ("LU RONG YUAN YU 306 CHN" under
    "name ... flag": a long value, or columns OCR merged) split there."""
    split: list[tuple[int, int]] = []
    for cell_start, cell_end in cells:
        for column in columns[1:]:
            boundary = row_start + column.start
            if not cell_start < boundary - _SPLIT_REACH < boundary + _SPLIT_REACH < cell_end:
                continue
            spaces = [i for i in range(boundary - _SPLIT_REACH, boundary + _SPLIT_REACH + 1) if text[i] == " "]
            if not spaces:
                continue
            cut = min(spaces, key=lambda i: abs(i + 1 - boundary))
            split.append((cell_start, cut))
            cell_start = cut + 1
        split.append((cell_start, cell_end))
    return split


def _row_entities(text: str, row_start: int, row_end: int, header: Header) -> list[Found]:
    found: list[Found] = []
    columns = header.columns
    cells = _cells(text, row_start, row_end, header.delimiter)
    if header.delimiter in _OCR_DELIMITERS and len(cells) < len(columns):
        cells = _delimited_fields(text, row_start, row_end, _OCR_DELIMITERS[header.delimiter])
    if header.delimiter is None and len(cells) < len(columns):
        cells = _split_at_columns(text, row_start, cells, columns)
    for position, (cell_start, cell_end) in enumerate(cells):
        if header.delimiter is not None:
            if position >= len(columns):
                break
            column = columns[position]
        elif len(cells) == len(columns):
            column = columns[position]
        else:
            column = _column_of(columns, cell_start - row_start, cell_end - row_start)
        if column.label is not None:
            found.extend(TABLE_VALUE_PARSERS.get(column.label, VALUE_PARSERS[column.label])(text, cell_start, cell_end))
    return found


_MIN_TRANSPOSED_ROWS = 3  # lines of "<field name>  <value>  <value> ..." that make a table on its side


def _transposed_row(text: str, line: tuple[int, int]) -> tuple[str | None, list[tuple[int, int]]] | None:
    """A field name then two or more value cells ("IMO    9929807    8776148"), as (label, value cells);
    None where the line is not one: its first cell is no field name, or a later cell is one (a form
    with two fields to a line, "Flag   Japan   Port   Ise")."""
    cells = _cells(text, *line)
    if len(cells) < 3:
        return None
    is_key, label = _column_label(text[slice(*cells[0])])
    if not is_key or any(_column_label(text[slice(*cell)])[0] for cell in cells[1:]):
        return None
    return label, cells[1:]


TransposedRow = tuple[int, str | None, list[tuple[int, int]]]  # line start, the row's label, its value cells


def _transposed_runs(text: str, lines: list[tuple[int, int]], taken: set[int]) -> Iterator[list[TransposedRow]]:
    """Consecutive lines that are rows of a table on its side (ruled lines between them skipped)."""
    run: list[TransposedRow] = []
    for line in lines:
        row = None if line[0] in taken else _transposed_row(text, line)
        if row is not None:
            run.append((line[0], *row))
        elif run and not _is_rule_line(text, *line):
            yield run
            run = []
    if run:
        yield run


def _transposed_tables(text: str, lines: list[tuple[int, int]], taken: set[int]) -> tuple[list[Found], set[int]]:
    """Tables turned on their side, one row per field and one column per vessel (comparisons, annex
    sheets): every value cell takes its row's label; fewer than three rows are not a table."""
    found: list[Found] = []
    table_lines: set[int] = set()
    for run in _transposed_runs(text, lines, taken):
        if len(run) < _MIN_TRANSPOSED_ROWS:
            continue
        for line_start, label, cells in run:
            table_lines.add(line_start)
            if label is not None:
                parse = TABLE_VALUE_PARSERS.get(label, VALUE_PARSERS[label])
                found.extend(item for start, end in cells for item in parse(text, start, end))
    return found, table_lines


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
        table_lines.update(start for start, _ in lines[index : index + header.height])
        for row_start, row_end in _table_rows(text, lines, index + header.height, header.delimiter):
            table_lines.add(row_start)
            found.extend(_row_entities(text, row_start, row_end, header))
        index += header.height
    transposed, transposed_lines = _transposed_tables(text, lines, table_lines)
    return found + transposed, table_lines | transposed_lines
