"""Pages as OCR reads them: a generated page's text with the errors tesseract makes on scans, and
its gold spans moved with the text, so silver data also teaches the scan path.

The errors are those seen on the project's scanned gold pages: confusable characters (O/0, I/1/l,
S/5, B/8, ``rn``/``m``, ``.``/``,``), lost characters, the wide gaps between table columns closed to
one space (merged columns), and long lines broken in two. An entity keeps its label whatever
happens to its characters, as a person correcting the scan would label it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from oceanid_dagster.domain.spans import Span
from oceanid_dagster.samples.text import SamplePage

CONFUSIONS: dict[str, tuple[str, ...]] = {
    "O": ("0", "D", "Q"),
    "0": ("O", "o"),
    "I": ("1", "l", "|", "!"),
    "l": ("1", "I", "|"),
    "1": ("l", "I", "]"),
    "S": ("5", "$"),
    "5": ("S",),
    "B": ("8", "R"),
    "8": ("B", "3"),
    "Z": ("2",),
    "2": ("Z",),
    "G": ("6", "C"),
    "6": ("G", "b"),
    "e": ("c", "o"),
    "c": ("e",),
    "a": ("o", "e"),
    "m": ("rn", "nn"),
    "w": ("vv",),
    "h": ("b", "li"),
    "n": ("ri", "u"),
    "u": ("n",),
    "E": ("F",),
    "T": ("I", "7"),
    ".": (",", ""),
    ",": (".",),
    ":": (";", "."),
    "-": ("~", "_"),
}


@dataclass(frozen=True)
class OcrNoise:
    """How noisy one page is: per-character confusion and loss rates, per-line chances."""

    confusion_rate: float = 0.02
    loss_rate: float = 0.003
    merge_columns: float = 0.3  # a line's runs of 2+ spaces become one space
    break_line: float = 0.1  # a long line is broken in two at a space outside entities

    @classmethod
    def draw(cls, rng: random.Random) -> OcrNoise:
        """A page's noise level, from nearly clean to a poor scan."""
        level = rng.uniform(0.2, 1.5)
        return cls(
            confusion_rate=0.02 * level,
            loss_rate=0.003 * level,
            merge_columns=rng.choice((0.0, 0.3, 0.8)),
            break_line=0.1 * level,
        )


def ocr_noised(page: SamplePage, rng: random.Random, noise: OcrNoise = OcrNoise()) -> SamplePage:
    """``page`` as a scan's OCR would read it; every span still covers its (noised) entity.

    A span whose characters were all lost is dropped; spans never cross a changed line break.
    """
    inside = _entity_characters(page)
    breaks = _line_breaks(page.text, inside, rng, noise.break_line)
    pieces: list[str] = []
    positions: list[int] = []  # output offset at which each input character starts
    length = 0
    merge_line = rng.random() < noise.merge_columns
    for index, char in enumerate(page.text):
        positions.append(length)
        piece = "\n" if index in breaks else _noised_character(page.text, index, char, merge_line, rng, noise)
        if char == "\n":
            merge_line = rng.random() < noise.merge_columns
        pieces.append(piece)
        length += len(piece)
    positions.append(length)
    text = "".join(pieces)
    return SamplePage(text=text, spans=_moved_spans(page.spans, positions, text))


def _entity_characters(page: SamplePage) -> list[bool]:
    inside = [False] * len(page.text)
    for span in page.spans:
        for index in range(span.start, span.end):
            inside[index] = True
    return inside


def _line_breaks(text: str, inside: list[bool], rng: random.Random, chance: float) -> set[int]:
    """Where long lines (over 40 characters) break: at most one space per line, outside entities."""
    breaks, start = set(), 0
    for line in text.split("\n"):
        spaces = [start + i for i, char in enumerate(line) if char == " " and 10 < i < len(line) - 10]
        spaces = [index for index in spaces if not inside[index]]
        if len(line) > 40 and spaces and rng.random() < chance:
            breaks.add(rng.choice(spaces))
        start += len(line) + 1
    return breaks


def _noised_character(text: str, index: int, char: str, merge_line: bool, rng: random.Random, noise: OcrNoise) -> str:
    if char == " ":
        if merge_line and index > 0 and text[index - 1] == " ":
            return ""  # the second and later spaces of a column gap
        return char
    if char.isspace():
        return char
    roll = rng.random()
    if roll < noise.loss_rate:
        return ""
    if roll < noise.loss_rate + noise.confusion_rate and char in CONFUSIONS:
        return rng.choice(CONFUSIONS[char])
    return char


def _moved_spans(spans: list[Span], positions: list[int], text: str) -> list[Span]:
    moved = []
    for span in spans:
        start, end = positions[span.start], positions[span.end]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            moved.append(Span(start, end, span.label))
    return moved
