"""Tables: a header row of known column names labels the cells below it by column position."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Column:
    start: int  # column within the line
    end: int
    label: str | None


def _cells(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CELL.finditer(text, line_start, line_end)]


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
