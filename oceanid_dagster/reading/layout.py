"""Text laid out as the page shows it: each glyph or word at its column, so table cells stay under
their headers. Used for the PDF text layer (glyph boxes from pdfium) and for scans (word boxes
from tesseract's TSV, deskewed). Pure functions; no Dagster, no PDF library.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from oceanid_dagster.domain.countries import callsign_country

# A gap wider than this many median glyph advances is a column gap, not a word space.
COLUMN_GAP_ADVANCES = 1.5
WORD_GAP_ADVANCES = 0.2
# tesseract lines steeper than this are not skew but something else (a stamp, a rotated label)
MAX_SKEW_SLOPE = math.tan(math.radians(5))
MIN_WORDS_FOR_SLOPE = 3
# What tesseract makes of a dot leader ("Name of Ship ........ FREY"): dots and colons, often with
# letters and digits that look like dots ("..2..........ccscesssees", "0:cee").
_LEADER_CHARS = frozenset(".:;,'`-_ceos0O2")
_LEADER_LOOKALIKE_LETTERS = frozenset("ces")
# ... and the other letters tesseract reads into a long leader it cannot score ("cccceeceeeseeteececceet")
_LEADER_NOISE_LETTERS = frozenset("rtnuvw")
_LOW_CONFIDENCE = 50
# A gap between rows taller than this many lines is a blank line (a double-spaced table is not).
PARAGRAPH_GAP_LINES = 1.5

Glyph = tuple[str, tuple[float, float]]  # a character and its (left, right) edges


def layout_line(glyphs: Sequence[Glyph], glyph: float, origin: float, max_chars: int) -> str:
    """The line with its glyphs at their columns; a line that would run past ``max_chars`` keeps its
    glyphs with plain gaps instead (one space between words, two between columns)."""
    line = ""
    previous_right: float | None = None
    for char, (left, right) in glyphs:
        column = round((left - origin) / glyph)
        if column > max_chars:
            return plain_line(glyphs, glyph)
        if previous_right is None:
            line = " " * column
        else:
            gap = left - previous_right
            if gap > COLUMN_GAP_ADVANCES * glyph:
                line += " " * max(2, column - len(line))
            elif gap > WORD_GAP_ADVANCES * glyph:
                line += " "
        line += char
        previous_right = right
    return line.rstrip()


def plain_line(glyphs: Sequence[Glyph], glyph: float) -> str:
    line = ""
    previous_right: float | None = None
    for char, (left, right) in glyphs:
        if previous_right is not None:
            gap = left - previous_right
            line += "  " if gap > COLUMN_GAP_ADVANCES * glyph else " " if gap > WORD_GAP_ADVANCES * glyph else ""
        line += char
        previous_right = right
    return line


# --- tesseract words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of tesseract's TSV: its text, box (pixels) and confidence (0-100), and the
    tesseract line it was read in (block, paragraph, line)."""

    text: str
    left: float
    top: float
    width: float
    height: float
    confidence: float
    line: tuple[int, int, int] = (0, 0, 0)

    @property
    def centre_y(self) -> float:
        return self.top + self.height / 2

    @property
    def bottom(self) -> float:
        return self.top + self.height


def parse_tsv(tsv: str) -> list[Word]:
    """The recognised words (level 5 rows with text) of tesseract's ``tsv`` output."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        words.append(
            Word(
                text,
                float(row["left"]),
                float(row["top"]),
                float(row["width"]),
                float(row["height"]),
                float(row["conf"]),
                (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            )
        )
    return words


def _is_leader(word: Word) -> bool:
    text = word.text
    dots = sum(char in ".:" for char in text)
    if set(text) <= _LEADER_CHARS:
        return dots >= 3 or (word.confidence < _LOW_CONFIDENCE and bool(set(text) & _LEADER_LOOKALIKE_LETTERS))
    if word.confidence < _LOW_CONFIDENCE and set(text) <= _LEADER_CHARS | _LEADER_NOISE_LETTERS:
        lookalikes = sum(char in _LEADER_LOOKALIKE_LETTERS for char in text)
        return 3 * lookalikes >= 2 * sum(char.isalpha() for char in text)
    # mostly dots, with what else tesseract makes of them ("...........++++", "<...5", "2222......:.205-"),
    # but no letter: "U.S.A." is a value
    return dots >= 3 and 2 * dots >= len(text) and not any(char.isalpha() for char in set(text) - _LEADER_CHARS)


def without_leader_noise(words: Sequence[Word]) -> list[Word]:
    """Dot leaders as dots: the letters tesseract reads into them would join the label or the value."""
    return [replace(word, text="." * len(word.text)) if _is_leader(word) else word for word in words]


# tesseract reads a sans-serif capital I as "l" or "|": a number in Roman numerals after a name in
# capitals ("HARVEST REAPER ll", "ESMERALDA |, de bandera") is "II", "I". A bar alone stays: it is a
# table's rule.
_MISREAD_NUMERAL = re.compile(r"(?=[lI|]*[l|])[lI|]{1,3}(?=[,.;:)]?$)")


def _is_capitals(text: str) -> bool:
    letters = text.strip(".,;:()\"'")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def with_roman_numerals(words: Sequence[Word]) -> list[Word]:
    """Roman numerals misread as l's and bars made I's again, where they follow a word in capitals
    a word space before them."""
    mended = list(words)
    for index in range(1, len(mended)):
        before, word = mended[index - 1], mended[index]
        numeral = _MISREAD_NUMERAL.match(word.text)
        if numeral is None or word.text == "|" or word.line != before.line or not _is_capitals(before.text):
            continue
        if word.left - (before.left + before.width) > COLUMN_GAP_ADVANCES * before.width / len(before.text):
            continue
        mended[index] = replace(word, text="I" * numeral.end() + word.text[numeral.end() :])
    return mended


# tesseract reads a zero beside capitals as the letter O ("TNO353", "POLO35202052") and a capital I
# beside digits as "l" or "1" ("El7212", "E16283"). Each mend below is one that no code among the
# ~20,000 vessels of the five registries in ../shared contradicts: none has 2-3 capitals, an O and
# 3 or more digits (except "IMO9140932"), a digit-O-digit, a lower-case letter beside a capital in
# a code, or a capital with a 1 and 4 digits outside an ITU call-sign series (Irish "EI6283" is).
_CODE_RUN = re.compile(r"[A-Za-z0-9]+")
_O_FOR_ZERO_AFTER_CAPITALS = re.compile(r"^(?!IMO)([A-Z]{2,3})(O[O0]*)(?=[A-Z]?\d{3,}$)")
_O_BETWEEN_DIGITS = re.compile(r"(?<=\d)O+(?=\d)")
_L_FOR_CAPITAL_I = re.compile(r"(?<=[A-Z])l")
_CALL_SIGN_WITH_ONE_FOR_I = re.compile(r"^[A-Z]1\d{4}$")


def _mended_code(run: str) -> str:
    run = _O_BETWEEN_DIGITS.sub(lambda match: "0" * len(match.group()), run)
    run = _O_FOR_ZERO_AFTER_CAPITALS.sub(lambda match: match.group(1) + "0" * len(match.group(2)), run)
    if {char for char in run if char.islower()} == {"l"}:
        run = _L_FOR_CAPITAL_I.sub("I", run)
    if _CALL_SIGN_WITH_ONE_FOR_I.match(run):
        as_letter = run[0] + "I" + run[2:]
        if callsign_country(run) is None and callsign_country(as_letter) is not None:
            run = as_letter
    return run


def with_code_characters(words: Sequence[Word]) -> list[Word]:
    """Zeros read as O and capital I's read as l or 1 inside identifier-shaped codes made again."""
    mended = []
    for word in words:
        # every mend is of a code with a digit in it ("(Jl)(2011)FT-200130" as a whole)
        text = (
            _CODE_RUN.sub(lambda match: _mended_code(match.group()), word.text) if _has_digit(word.text) else word.text
        )
        mended.append(replace(word, text=text))
    return mended


def _has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)


def mean_confidence(words: Sequence[Word]) -> float | None:
    """Mean word confidence, 0-1 (tesseract gives -1 for words it did not score)."""
    scored = [word.confidence for word in words if word.confidence >= 0]
    return round(sum(scored) / len(scored) / 100, 4) if scored else None


def skew_slope(words: Sequence[Word]) -> float:
    """How much the page's text lines rise or fall per pixel across: the median, over tesseract's
    lines of a few words, of the least-squares slope of the words' bottoms."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    slopes = []
    for line in by_line.values():
        if len(line) < MIN_WORDS_FOR_SLOPE:
            continue
        xs = [word.left + word.width / 2 for word in line]
        ys = [word.bottom for word in line]
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread:
            slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread
            if abs(slope) <= MAX_SKEW_SLOPE:
                slopes.append(slope)
    return statistics.median(slopes) if slopes else 0.0


def deskewed(words: Sequence[Word], slope: float) -> list[Word]:
    """The words' boxes rotated back by the page's skew, so a column is one x and a row one y."""
    if not slope:
        return list(words)
    cos = 1 / math.sqrt(1 + slope * slope)
    sin = slope * cos
    return [
        replace(word, left=word.left * cos + word.centre_y * sin, top=word.top * cos - word.left * sin)
        for word in words
    ]


def visual_rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into the rows a reader sees, left to right: across tesseract's blocks, so the
    cells of a table row (which tesseract reads as separate blocks) stay on one line."""
    if not words:
        return []
    half_height = statistics.median(word.height for word in words) / 2
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda word: word.centre_y):
        if rows and word.centre_y - statistics.fmean(w.centre_y for w in rows[-1]) <= half_height:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda word: word.left) for row in rows]


def layout_words(words: Sequence[Word], max_line_chars: int) -> str:
    """The page's words laid out at their columns (deskewed), a blank line where the page has a gap."""
    if not words:
        return ""
    words = deskewed(with_code_characters(with_roman_numerals(without_leader_noise(words))), skew_slope(words))
    glyph = statistics.median(word.width / len(word.text) for word in words)
    origin = min(word.left for word in words)
    line_height = statistics.median(word.height for word in words)
    lines: list[str] = []
    previous_bottom: float | None = None
    for row in visual_rows(words):
        top = min(word.top for word in row)
        if previous_bottom is not None and top - previous_bottom > PARAGRAPH_GAP_LINES * line_height:
            lines.append("")
        lines.append(layout_line(_glyphs(row), glyph, origin, max_line_chars))
        previous_bottom = max(word.bottom for word in row)
    return "\n".join(lines) + "\n"


def _glyphs(row: Sequence[Word]) -> list[Glyph]:
    """Each word's characters spread evenly across its box."""
    glyphs = []
    for word in row:
        advance = word.width / len(word.text)
        glyphs += [(char, (word.left + i * advance, word.left + (i + 1) * advance)) for i, char in enumerate(word.text)]
    return glyphs
