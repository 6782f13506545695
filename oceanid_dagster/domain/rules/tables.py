"""Tables: a header row of known column names labels the cells below it by column position, or by
field order where the rows are delimited ("FLAG;IRCS;NAME;IMO", CSV with quoted fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from oceanid_dagster.domain.rules.keys import (
    _COLUMN_KEY_RE,
    COLUMN_KEYS,
    Found,
    _key_labels,
)
from oceanid_dagster.domain.rules.patterns import _GEAR_RE, _VESSEL_TYPE_RE
from oceanid_dagster.domain.rules.text import _trim
from oceanid_dagster.domain.rules.values import TABLE_VALUE_PARSERS, _split_segments, paired_values

# A cell is words joined by single spaces; two spaces, a tab or a pipe separate cells.
# A cell: words a single space apart. A dash standing alone belongs to none: it is an empty cell's
# mark, or the speck OCR reads between two cells ("MARTIN KOKHOLM — HG 386").
_CELL = re.compile(r"(?:(?![\u2013\u2014](?:\s|$))[^\s|]+)(?: (?![\u2013\u2014](?:\s|$))[^\s|]+)*")
# A ruled line under a header or between rows: "-----", "=====", "|----|:---|", "+----+".
_RULE_LINE = re.compile(r"^[\s|+:]*[-=_~]{3,}[\s|+:\-=_~]*$")
_OCR_DASHES = frozenset("-=_~\u2012\u2013\u2014\u2015\u2212")  # hyphen, figure/en/em dashes, minus
_HEADER_ALTERNATIVES = re.compile(r"\s*/\s*")
# Delimiters of exported rows, tried in order; a header is delimited when it splits into known columns.
_DELIMITERS = (";", ",")
# OCR reads a semicolon as a colon now and then: a semicolon row short of fields is split at both.
_OCR_DELIMITERS = {";": ";:"}
# A pipe table ("| ALINA | POL | 8907046 |") is read cell by cell in the header's order, whatever the
# cells' widths: a markdown table's rows need not line up with its header, nor its empty cells show.
_PIPE = "|"
# (OCR loses a row's closing pipe now and then: "| Flag CP | Vessel (IRCS) | Status")
_PIPE_ROW = re.compile(r"[ \t]*\|[^\n]*\|[^\n|]*")


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
    paired: str | None = None  # the caption's own label, before a value in brackets of ``label``
    no_entity: bool = False  # a known caption of no entity ("Breadth", "Power"): its measures are no lengths


@dataclass(frozen=True)
class Header:
    columns: list[Column]
    height: int  # lines the header takes (1 or 2)
    delimiter: str | None = None  # rows are fields in the header's order, not cells at its columns


def _cells(text: str, line_start: int, line_end: int, delimiter: str | None = None) -> list[tuple[int, int]]:
    if delimiter == _PIPE:
        fields = _delimited_fields(text, line_start, line_end, delimiter)
        # the blanks before a row's opening pipe and after its closing one are no cells
        inner = [
            field for index, field in enumerate(fields) if text[slice(*field)].strip() or 0 < index < len(fields) - 1
        ]
        return [_stripped(text, *field) for field in inner]
    if delimiter is not None:
        return _delimited_fields(text, line_start, line_end, delimiter)
    return [(m.start(), m.end()) for m in _CELL.finditer(text, line_start, line_end)]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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


_MIN_NOISY_RULE = 20
_NOISY_RULE_SHARE = 0.8


def _is_rule_line(text: str, line_start: int, line_end: int) -> bool:
    """A ruled line, also as OCR reads one: dashes turned into em dashes, underscores, stray
    brackets and plus signs, but never a letter or digit."""
    line = text[line_start:line_end]
    if _RULE_LINE.match(line):
        return True
    marks = [char for char in line if not char.isspace()]
    dashes = sum(char in _OCR_DASHES for char in marks)
    if dashes >= 3 and dashes * 3 >= len(marks) * 2 and not any(char.isalnum() for char in marks):
        return True
    # a long rule OCR read with a few stray letters in it ("e-----+--po----=---+----4-----+")
    ruled = dashes + sum(char in "+|" for char in marks)
    return ruled >= _MIN_NOISY_RULE and ruled >= len(marks) * _NOISY_RULE_SHARE


# The joins of a report's or an export's column names: "port_of_registry", "VESSEL-NAME", "HOME-PORT".
_WORD_JOINER = re.compile(r"_|(?<=[^\W\d_])-(?=[^\W\d_])")


# A transhipment's columns name each vessel by its role: "Donor vessel", "Donor IRCS", "Receiving vessel".
_VESSEL_ROLE = re.compile(r"(?i:donor|receiving|receiver|recipient|catching|transhipping|supplying)[ \t]+(?=\S)")


# A page's lines are tried as headers more than once (alone, as the upper or lower half of a two-line
# header, as a row that may start a new table) and a cell as each of its joined captions: the same
# captions come back, so their reading is kept. A cell split at its misread delimiters tries many more
# parts: 4,096 readings thrashed (480 pages read once: 8.3 s of rules, 7.97 s with room for 65,536).
@lru_cache(maxsize=65536)
def _column_labels(cell: str) -> tuple[bool, str | None, str | None]:
    """(is a known column name, its label, its own label before a bracketed value of the label's:
    "Vessel name (call sign)"); a bilingual or slashed header ("Lloyd's / IMO No.", "Nom du navire /
    Name of vessel") is known by any of its parts, the last one first; an export's snake_case and a
    report's hyphenated names ("IMO_NUMBER", "VESSEL-NAME") read as words."""
    cell = _WORD_JOINER.sub(" ", cell)
    whole = _COLUMN_KEY_RE.match(cell.strip())
    if whole is not None:
        return True, *_key_labels(whole, COLUMN_KEYS)
    parts = [_COLUMN_KEY_RE.match(part.strip()) for part in _HEADER_ALTERNATIVES.split(cell)]
    if len(parts) > 1 and all(parts):  # "VSL/ALBATROSS II" is a telex field, not a header
        return True, *_key_labels(parts[-1], COLUMN_KEYS)
    role = _VESSEL_ROLE.match(cell.strip())
    if role is not None:
        return _column_labels(cell.strip()[role.end() :])
    return False, None, None


def _column_label(cell: str) -> tuple[bool, str | None]:
    known, label, _ = _column_labels(cell)
    return known, label


_MAX_JOINED_CAPTIONS = 4


# ... or one character apart, where OCR misread the delimiter between them ("registration_numberlowner_name",
# "IMOjcallsign")
_CAPTION_GAP = re.compile(r"\s+|(?<=[^\W\d])[|lIij1!:;/](?=[^\W\d])")


def _caption_atoms(caption: str) -> list[tuple[int, int]]:
    atoms, position = [], 0
    for gap in _CAPTION_GAP.finditer(caption):
        if gap.start() > position:
            atoms.append((position, gap.start()))
        position = gap.end()
    return atoms + ([(position, len(caption))] if position < len(caption) else [])


def _joined_captions(cell: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """An unknown header cell that is known captions a single space apart ("IMO MMSI Call sign", as OCR
    or a narrow layout closes the gaps), split into them; any other cell as it is."""
    start, end, caption = cell
    if _column_labels(caption)[0]:
        return [cell]
    words = _caption_atoms(caption)

    def split(first: int, parts_left: int) -> list[tuple[int, int]] | None:
        if first == len(words):
            return []
        if not parts_left:
            return None
        for last in range(len(words) - 1, first - 1, -1):  # the longest caption first
            part = caption[words[first][0] : words[last][1]]
            if _column_labels(part)[0] and (rest := split(last + 1, parts_left - 1)) is not None:
                return [(words[first][0], words[last][1]), *rest]
        return None

    parts = split(0, _MAX_JOINED_CAPTIONS) if len(words) > 1 else None
    if not parts or len(parts) < 2:
        return [cell]
    return [(start + a, start + b, caption[a:b]) for a, b in parts]


def _columns_from_cells(cells: list[tuple[int, int, str]]) -> list[Column] | None:
    """Columns from (start within line, end within line, header text) cells, if enough are known."""
    cells = [part for cell in cells for part in _joined_captions(cell)]
    if len(cells) < 3:
        return None
    labels: list[tuple[bool, str | None, str | None]] = []
    for _, _, cell in cells:
        is_known, label, paired = _column_labels(cell)
        if not is_known and any(ch.isdigit() for ch in cell):
            return None
        labels.append((is_known, label, paired))
    known = sum(is_known for is_known, _, _ in labels)
    if known < 3 or known * 2 < len(cells):
        return None
    starts = [start for start, _, _ in cells]
    ends = starts[1:] + [10_000]
    return [
        Column(s, e, label, paired, no_entity=is_known and label is None)
        for s, e, (is_known, label, paired) in zip(starts, ends, labels)
    ]


# A form's numbered boxes: "[1] Ship's name", "(4) IMO number", "6. Length", "1.3 Call sign".
_BOX_NUMBER = re.compile(r"^(?:\[\d{1,2}\]|\(\d{1,2}\)|\d{1,2}(?:\.\d{1,2})+[ \t]+(?=[^\W\d_])|\d{1,2}[.)])\s*")


def _header_cells(text: str, line: tuple[int, int], delimiter: str | None = None) -> list[tuple[int, int, str]]:
    """A line's cells as captions; an export's caption keeps no colon (OCR reads one into "boat_name:;"),
    but a colon after a cell at its column ("Name:   KAPRODON") makes it a key, no caption."""
    closing = ":" if delimiter is not None else ""
    return [
        (
            start - line[0],
            end - line[0],
            _BOX_NUMBER.sub("", text[start:end].strip().strip('"').strip().rstrip(closing)),
        )
        for start, end in _cells(text, *line, delimiter)
    ]


def _delimited_header(text: str, line: tuple[int, int]) -> Header | None:
    for delimiter in _DELIMITERS:
        if text.count(delimiter, *line) >= 2:
            columns = _columns_from_cells(_header_cells(text, line, delimiter))
            if columns is not None:
                return Header(columns, 1, delimiter)
    return None


def _joined_caption(upper: str, lower: str) -> str:
    """A caption written on two lines; a word hyphenated across them ("Nation-" over "ality") is one word."""
    return f"{upper[:-1]}{lower}" if upper.endswith("-") else f"{upper} {lower}".strip()


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
        best[2] = _joined_caption(best[2], words)
    return [(start, end, words) for start, end, words in merged]


def _known_count(columns: list[Column] | None) -> int:
    return -1 if columns is None else sum(column.label is not None for column in columns)


def _is_pipe_row(text: str, line: tuple[int, int]) -> bool:
    return _PIPE_ROW.fullmatch(text, *line) is not None and not _is_rule_line(text, *line)


def _spanned_captions(
    text: str, above: tuple[int, int], line: tuple[int, int], cells: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A header's blank cells take the caption of the wider cell above them ("Owner" over a blank
    under a group header: "| Vessel | Identifiers | Owner |" over "| Name | Flag | IMO | ... |   |")."""

    def spans(line: tuple[int, int]) -> list[tuple[int, int]]:  # whole cells, pipe to pipe
        return [(start - line[0], end - line[0]) for start, end in _delimited_fields(text, *line, _PIPE)[1:-1]]

    upper = [(span, text[above[0] + span[0] : above[0] + span[1]].strip()) for span in spans(above)]
    lower = spans(line)
    if len(lower) != len(cells):
        return cells
    return [
        (start, end, caption or next((words for (s, e), words in upper if s < span[1] and span[0] < e), ""))
        for (start, end, caption), span in zip(cells, lower)
    ]


def _pipe_header(text: str, lines: list[tuple[int, int]], index: int) -> Header | None:
    """A pipe table's header: one line, or two whose cells join one to one ("| Radio |" over
    "| call sign |")."""
    if not _is_pipe_row(text, lines[index]):
        return None
    cells = _header_cells(text, lines[index], _PIPE)
    single = _columns_from_cells(
        _spanned_captions(text, lines[index - 1], lines[index], cells)
        if index and _is_pipe_row(text, lines[index - 1])
        else cells
    )
    if index + 1 < len(lines) and _is_pipe_row(text, lines[index + 1]):
        lower = _header_cells(text, lines[index + 1], _PIPE)
        if len(lower) == len(cells):
            double = _columns_from_cells(
                [
                    (start, end, _joined_caption(upper, words))
                    for (start, end, upper), (_, _, words) in zip(cells, lower)
                ]
            )
            if double is not None and _known_count(double) > _known_count(single):
                return Header(double, 2, _PIPE)
    return Header(single, 1, _PIPE) if single is not None else None


def _header_at(text: str, lines: list[tuple[int, int]], index: int) -> Header | None:
    """The header starting at line ``index``, if one does."""
    piped = _pipe_header(text, lines, index)
    if piped is not None:
        return piped
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


def _table_rows(text: str, lines: list[tuple[int, int]], first_row: int, header: Header) -> Iterator[tuple[int, int]]:
    """Rows under a header: ruled lines are skipped, and a blank line right under the header too; the
    next header ends them (a form of boxes, each row of captions over its row of values)."""
    delimiter = header.delimiter
    for number, (line_start, line_end) in enumerate(lines[first_row:]):
        if _is_rule_line(text, line_start, line_end):
            continue
        if not text[line_start:line_end].strip():
            if number == 0:
                continue
            return
        if len(_cells(text, line_start, line_end, delimiter)) < 2:
            if delimiter is None and _is_wrapped_cell(text, line_start, line_end, header.columns):
                continue
            return
        if number and delimiter is None and _columns_from_cells(_header_cells(text, (line_start, line_end))):
            return
        yield line_start, line_end


def _is_wrapped_cell(text: str, line_start: int, line_end: int, columns: list[Column]) -> bool:
    """A lone cell indented under a later column: the rest of the row's wrapped cell ("No" over
    "infringement"), or a note on the row under its name ("(fish carrier, ice hold)")."""
    line = text[line_start:line_end]
    indent = len(line) - len(line.lstrip(" "))
    under_a_later_column = any(abs(indent - column.start) <= _SPLIT_REACH for column in columns[1:])
    return indent >= 8 or (indent > 0 and under_a_later_column)


def _lines(text: str) -> list[tuple[int, int]]:
    result, position = [], 0
    for line in text.split("\n"):
        result.append((position, position + len(line)))
        position += len(line) + 1
    return result


_SPLIT_REACH = 2  # how far from a column's start a single space may stand and still split two cells
# ... or farther, where a scan's layout shifted the column and the word after the space reads as
# the column's value ("LU RONG YUAN YU 306 CHN" with "CHN" three characters left of "flag")
_SHIFTED_SPLIT_REACH = 4


def _split_at_columns(
    text: str, row_start: int, cells: list[tuple[int, int]], columns: list[Column]
) -> list[tuple[int, int]]:
    """Cells that run across a column's start at a single space ("LU RONG YUAN YU 306 CHN" under
    "name ... flag": a long value, or columns OCR merged) split there."""
    split: list[tuple[int, int]] = []
    for cell_start, cell_end in cells:
        for column in columns[1:]:
            cut = _column_cut(text, cell_start, cell_end, row_start + column.start, column)
            if cut is not None:
                split.append((cell_start, cut))
                cell_start = cut + 1
        split.append((cell_start, cell_end))
    return split


def _column_cut(text: str, cell_start: int, cell_end: int, boundary: int, column: Column) -> int | None:
    """The space at which a cell reaching a column's start (``boundary``) splits: the one nearest it
    within ``_SPLIT_REACH``, else within ``_SHIFTED_SPLIT_REACH`` where the word after it parses as the
    column's value."""

    def spaces(reach: int) -> list[int]:
        nearby = range(max(boundary - reach, cell_start + 1), min(boundary + reach + 1, cell_end - 1))
        return sorted((i for i in nearby if text[i] == " "), key=lambda i: abs(i + 1 - boundary))

    if cell_start < boundary - _SPLIT_REACH < boundary + _SPLIT_REACH < cell_end and (near := spaces(_SPLIT_REACH)):
        return near[0]
    if column.label is None or not cell_start < boundary - _SHIFTED_SPLIT_REACH < boundary - _SPLIT_REACH < cell_end:
        return None
    for space in spaces(_SHIFTED_SPLIT_REACH):
        word_end = text.find(" ", space + 1, cell_end)
        word = (space + 1, cell_end if word_end < 0 else word_end)
        if _table_values(text, word, column.label, column.paired):
            return space
    return None


_SKIPPED_CELL = -1.0  # a cell under no column: a value the header has no caption for


def _aligned_columns(
    text: str, row_start: int, cells: list[tuple[int, int]], columns: list[Column]
) -> list[Column | None]:
    """Each cell's column where a row has more or fewer cells than its header has columns (a scan
    shifts cells, OCR merges or drops them): cells keep the columns' order, one cell to a column, each
    placed where its position and its value fit best; a cell that fits nowhere has none."""

    def fit(cell: tuple[int, int], column: Column) -> float:
        start, end = cell[0] - row_start, cell[1] - row_start
        overlap = max(0, min(end, column.end) - max(start, column.start)) / max(end - start, 1)
        parses = column.label is None or bool(_table_values(text, cell, column.label, column.paired))
        return overlap + (1.0 if parses else -1.0)

    # best[i][j]: the best score of the first i cells over the first j columns
    best = [[0.0] * (len(columns) + 1) for _ in range(len(cells) + 1)]
    for i in range(1, len(cells) + 1):
        best[i][0] = best[i - 1][0] + _SKIPPED_CELL
        for j in range(1, len(columns) + 1):
            best[i][j] = max(
                best[i][j - 1],  # column j has no cell
                best[i - 1][j] + _SKIPPED_CELL,  # cell i has no column
                best[i - 1][j - 1] + fit(cells[i - 1], columns[j - 1]),
            )
    aligned: list[Column | None] = [None] * len(cells)
    i, j = len(cells), len(columns)
    while i and j:
        if best[i][j] == best[i][j - 1]:
            j -= 1
        elif best[i][j] == best[i - 1][j] + _SKIPPED_CELL:
            i -= 1
        else:
            aligned[i - 1] = columns[j - 1]
            i, j = i - 1, j - 1
    return aligned


def _table_values(text: str, cell: tuple[int, int], label: str, paired: str | None = None) -> list[Found]:
    start, end = _unquoted(text, *cell)
    return _vocabulary_list(text, start, end, label) or paired_values(
        TABLE_VALUE_PARSERS, label, paired, text, start, end
    )


_VOCABULARY = {"GEAR_TYPE": _GEAR_RE, "VESSEL_TYPE": _VESSEL_TYPE_RE}


def _vocabulary_list(text: str, start: int, end: int, label: str) -> list[Found]:
    """A cell listing known gears or types a comma apart ("handline, troll"): each of them. A cell is
    otherwise one value, commas and all ("Liners - Pole and Line Vessels, n.e.i.")."""
    vocabulary = _VOCABULARY.get(label)
    if vocabulary is None or "," not in text[start:end]:
        return []
    parts = [_trim(text, s, e) for s, e in _split_segments(text, start, end, ",") if s < e]
    if not all(vocabulary.fullmatch(text[s:e]) for s, e in parts):
        return []
    return [Found(s, e, label) for s, e in parts]


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """A cell without its blanks and the quotes of an export ('"43,73"')."""
    start, end = _stripped(text, start, end)
    if end - start >= 2 and text[start] == text[end - 1] == '"':
        return start + 1, end - 1
    return start, end


def _row_entities(text: str, row_start: int, row_end: int, header: Header) -> tuple[list[Found], list[tuple[int, int]]]:
    """The row's entities, and its cells under captions of no entity."""
    found: list[Found] = []
    no_entity: list[tuple[int, int]] = []
    columns = header.columns
    cells = _cells(text, row_start, row_end, header.delimiter)
    if header.delimiter in _OCR_DELIMITERS and len(cells) < len(columns):
        cells = _delimited_fields(text, row_start, row_end, _OCR_DELIMITERS[header.delimiter])
    if header.delimiter is None and len(cells) < len(columns):
        cells = _split_at_columns(text, row_start, cells, columns)
    # a pipe row short of cells lost a pipe to OCR ("TNO353  } LL"): its cells go by where they stand
    lost_a_pipe = header.delimiter == _PIPE and len(cells) < len(columns) and _is_pipe_row(text, (row_start, row_end))
    if (header.delimiter is not None and not lost_a_pipe) or len(cells) == len(columns):
        placed: list[Column | None] = list(columns)  # in order (a delimited row's extra fields have none)
    else:
        placed = _aligned_columns(text, row_start, cells, columns)
    for (cell_start, cell_end), column in zip(cells, placed):
        if column is not None and column.label is not None:
            found.extend(_table_values(text, (cell_start, cell_end), column.label, column.paired))
        elif column is not None and column.no_entity:
            no_entity.append((cell_start, cell_end))
    return found, no_entity


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
                found.extend(item for cell in cells for item in _table_values(text, cell, label))
    return found, table_lines


# Captions over their values, one or two to a line ("Name" over "ANA LUCIA"; "1.1 Name of ship   1.2 IMO
# number" over "FU YUAN YU8641   9934539"). A value line of more words than this is prose, not a value.
_MAX_STACKED_VALUE_WORDS = 8
_STACKED_PARTS = re.compile(r"[ \t]+/[ \t]+")
# a line of fields of its own: a key's colon or leader ("Name:  MAKYBE BJ", "Name....... AHLMA WEST")
_KEYED_VALUE = re.compile(r"[^\W\d_](?:[.)]?:[ \t]|[ \t]*(?:\.{3,}|…)|(?:[ \t]+\.){3,}[ \t])")


# Captions of a person's fields: a line with one heads a crew or passenger list, whose "Nationality"
# is a person's, not the vessel's flag.
_PERSON_CAPTION = re.compile(
    r"\b(?:family\s+names?|given\s+names?|surname|first\s+name|(?:date|place)\s+of\s+birth|"
    r"rank\s+or\s+rating|passport|seaman'?s\s+book)\b",
    re.IGNORECASE,
)


def _caption_columns(text: str, line: tuple[int, int]) -> list[Column] | None:
    """The columns of a line of captions only: every cell a known field name or a numbered box, and at
    least one labelled ("Flag   Japan" is a field and its value, not two captions)."""
    if _PERSON_CAPTION.search(text, *line):
        return None
    raw_cells = _cells(text, *line)
    cells = _header_cells(text, line)
    if not cells or len(cells) != len(raw_cells):
        return None
    columns = []
    for (start, _, caption), (raw_start, raw_end) in zip(cells, raw_cells):
        known, label = _column_label(caption)
        numbered = _BOX_NUMBER.match(text[raw_start:raw_end]) is not None and not any(ch.isdigit() for ch in caption)
        if not (known or numbered):
            return None
        columns.append(Column(start, 0, label))
    if not any(column.label for column in columns):
        return None
    ends = [column.start for column in columns[1:]] + [10_000]
    return [Column(column.start, end, column.label) for column, end in zip(columns, ends)]


def _stacked_value(text: str, cell: tuple[int, int], caption: str, label: str) -> list[Found]:
    """A caption's value; slashed captions over as many slashed values take one each ("Flag / Port of
    registry" over "Peru / Chimbote")."""
    captions = _HEADER_ALTERNATIVES.split(caption)
    parts = list(_split_parts(text, *cell))
    if len(captions) > 1 and len(parts) == len(captions):
        labels = [_column_label(part)[1] for part in captions]
        return [
            item
            for part_label, (start, end) in zip(labels, parts)
            if part_label is not None
            for item in _table_values(text, (start, end), part_label)
        ]
    return _table_values(text, cell, label)


def _split_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for match in _STACKED_PARTS.finditer(text, start, end):
        yield start, match.start()
        start = match.end()
    yield start, end


def _stacked_value_cells(text: str, line: tuple[int, int], captions: int) -> list[tuple[int, int]] | None:
    """The cells of a line of values under ``captions`` captions (the line neither taken nor captions
    itself); None where the line is none: empty, fields of its own ("Name:  MAKYBE BJ") or, under one
    caption, prose."""
    values = _cells(text, *line)
    if not values or _KEYED_VALUE.search(text, *line) or _field_row(text, values):
        return None
    if captions == 1:
        values = values[:1]
        if len(text[slice(*values[0])].split()) > _MAX_STACKED_VALUE_WORDS:
            return None
    return values


def _field_row(text: str, cells: list[tuple[int, int]]) -> bool:
    """Whether the cells are a field table's row of their own, a key then its value ("| Vessel name | KAIKO MARU")."""
    return len(cells) > 1 and _column_label(text[slice(*cells[0])].strip(" |"))[0]


def _stacked_fields(text: str, lines: list[tuple[int, int]], taken: set[int]) -> tuple[list[Found], set[int]]:
    """A form's captions each over its value on the next line, where the captions are fewer than a
    table's header: every value cell takes the caption it stands under. A line of several captions is
    never a field and its value ("VESSEL      OWNER / OPERATOR" over "Name:  MAKYBE BJ ...")."""
    found: list[Found] = []
    form_lines: set[int] = set()
    value_lines: set[int] = set()
    columns_of = [None if line[0] in taken else _caption_columns(text, line) for line in lines]
    for index, (caption_line, value_line) in enumerate(zip(lines, lines[1:])):
        columns = columns_of[index]
        if columns is None or caption_line[0] in value_lines:
            continue
        if len(columns) > 1:
            form_lines.add(caption_line[0])
        if value_line[0] in taken or columns_of[index + 1] is not None:
            continue
        values = _stacked_value_cells(text, value_line, len(columns))
        if not values:
            continue
        form_lines |= {caption_line[0], value_line[0]}
        value_lines.add(value_line[0])
        captions = _header_cells(text, caption_line)
        for cell_start, cell_end in values:
            column = _column_of(columns, cell_start - value_line[0], cell_end - value_line[0])
            if column.label is not None:
                caption = next(words for start, _, words in captions if start == column.start)
                found.extend(_stacked_value(text, (cell_start, cell_end), caption, column.label))
    return found, form_lines


_MIN_LINE_CELL_COLUMNS = 3
_MAX_CAPTION_WORDS = 4
_CHECKED_COLUMNS = ("IMO", "MMSI")


def _line_caption(text: str, line: tuple[int, int]) -> tuple[bool, str | None] | None:
    """(known, label) where the line is one column name alone: a known one, or a short caption with
    lower-case letters and no digits ("Dates"); None where it is not (a value: "AMBITIOUS II", "EIXJ7")."""
    cells = _cells(text, *line)
    if len(cells) != 1:
        return None
    caption = text[slice(*cells[0])]
    known, label = _column_label(caption)
    if known:
        return True, label
    plain = len(caption.split()) <= _MAX_CAPTION_WORDS and not any(ch.isdigit() for ch in caption)
    return (False, None) if plain and any(ch.islower() for ch in caption) else None


def _line_cell_rows(text: str, lines: list[tuple[int, int]], first: int, width: int, taken: set[int]) -> int:
    """How many rows of ``width`` lines, one cell each, follow from line ``first`` (to a blank line)."""
    rows = 0
    while first + (rows + 1) * width <= len(lines):
        row = lines[first + rows * width : first + (rows + 1) * width]
        if any(line[0] in taken or len(_cells(text, *line)) != 1 for line in row):
            break
        rows += 1
    return rows


def _line_per_cell_tables(text: str, lines: list[tuple[int, int]], taken: set[int]) -> tuple[list[Found], set[int]]:
    """A table pasted from a web page one cell to a line: three or more lines of column names, then its
    rows, as many lines each. Rows whose identifier column holds no valid identifier do not line up
    with the header, and the table is not read."""
    found: list[Found] = []
    table_lines: set[int] = set()
    index = 0
    while index < len(lines):
        header: list[tuple[bool, str | None]] = []
        while index + len(header) < len(lines) and lines[index + len(header)][0] not in taken:
            caption = _line_caption(text, lines[index + len(header)])
            if caption is None:
                break
            header.append(caption)
        first_row = index + len(header)
        rows = _line_cell_rows(text, lines, first_row, len(header), taken) if header else 0
        if sum(1 for known, label in header if known and label) < _MIN_LINE_CELL_COLUMNS or not rows:
            index = first_row + 1
            continue
        cells = [_cells(text, *line)[0] for line in lines[first_row : first_row + rows * len(header)]]
        read = [
            (label, (_table_values(text, cell, label) if label else []))
            for (_, label), cell in zip(header * rows, cells)
        ]
        if any(label in _CHECKED_COLUMNS and not values for label, values in read):
            index = first_row + 1
            continue
        found.extend(item for _, values in read for item in values)
        table_lines.update(line[0] for line in lines[index : first_row + rows * len(header)])
        index = first_row + rows * len(header)
    return found, table_lines


# An HTML table, as a page saved from a registry's web site holds it: a row of <th> names the columns
# of the <td> rows under it.
_HTML_ROW = re.compile(r"<tr\b[^>]*>(?P<row>.*?)</tr>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t(?P<kind>[hd])\b[^>]*>(?P<cell>[^<]*)</t(?P=kind)>", re.IGNORECASE)
_MIN_HTML_COLUMNS = 2


def _html_tables(text: str) -> tuple[list[Found], set[int]]:
    found: list[Found] = []
    row_lines: set[int] = set()
    labels: list[str | None] | None = None
    for row in _HTML_ROW.finditer(text):
        cells = list(_HTML_CELL.finditer(text, *row.span("row")))
        if cells and all(cell.group("kind").lower() == "h" for cell in cells):
            header = [_column_label(cell.group("cell").strip()) for cell in cells]
            labels = [label for _, label in header] if sum(known for known, _ in header) >= _MIN_HTML_COLUMNS else None
        elif labels is not None:
            for label, cell in zip(labels, cells):
                if label is not None:
                    found.extend(_table_values(text, cell.span("cell"), label))
        else:
            continue
        row_lines.update(_line_starts(text, row.start(), row.end()))  # not read again as fields
    return found, row_lines


def _line_starts(text: str, start: int, end: int) -> Iterator[int]:
    """The starts of the lines that ``text[start:end]`` runs over."""
    line_start = text.rfind("\n", 0, start) + 1
    while line_start <= end:
        yield line_start
        newline = text.find("\n", line_start, end)
        if newline < 0:
            return
        line_start = newline + 1


def _tables(text: str) -> tuple[list[Found], set[int], list[tuple[int, int]]]:
    """Entities in table cells, the start offsets of the table's lines (not read as fields), and the
    cells under captions of no entity ("7.80 m" under "Breadth")."""
    found: list[Found] = []
    no_entity: list[tuple[int, int]] = []
    table_lines: set[int] = set()
    lines = _lines(text)
    index = 0
    while index < len(lines):
        header = _header_at(text, lines, index)
        if header is None:
            index += 1
            continue
        table_lines.update(start for start, _ in lines[index : index + header.height])
        for row_start, row_end in _table_rows(text, lines, index + header.height, header):
            table_lines.add(row_start)
            entities, unlabelled = _row_entities(text, row_start, row_end, header)
            found += entities
            no_entity += unlabelled
        index += header.height
    html, html_lines = _html_tables(text)
    found += html
    table_lines |= html_lines
    transposed, transposed_lines = _transposed_tables(text, lines, table_lines)
    taken = table_lines | transposed_lines
    line_cells, line_cell_lines = _line_per_cell_tables(text, lines, taken)
    stacked, stacked_lines = _stacked_fields(text, lines, taken | line_cell_lines)
    return found + transposed + line_cells + stacked, taken | line_cell_lines | stacked_lines, no_entity
