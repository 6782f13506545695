"""Ink that tesseract's page segmentation left unread.

tesseract's automatic segmentation (psm 3) now and then takes a line, or a table's column, for a
picture or for noise and outputs nothing for it: no word, not even an empty block. A field
("Radio call sign ..... BZWX8") or a column of call signs is gone from the page without a trace.
What is still dark on the page once every word tesseract read is blanked out, in bands at least
half a line high, is read again as sparse text (psm 11: whatever words it finds, each with its
box, which the layout then places); only text-high words it reads with some confidence are kept.
Pure functions on a greyscale pixel array; no Dagster, no tesseract.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from oceanid_dagster.reading.layout import Word

INK_LEVEL = 128  # grey levels below this are ink
WORD_MARGIN_LINES = 0.15  # blanked around each read word's box, in line heights
BAND_GAP_LINES = 1.0  # rows of ink closer than this are one band
MIN_BAND_LINES = 0.5  # a band lower than this is a ruled line or a row of dots, not text
MIN_INK_RUNS = 3  # a band's ink in fewer column runs than this is a frame's sides, not text
CROP_PADDING_PX = 10
MAX_INK_SHARE = 0.4  # a band inked more densely is a photo or a filled box (text: 0.1-0.2)
MAX_REGIONS = 12  # a page dark all over (a photo, a grey background) is not read band by band
MIN_RECOVERED_CONFIDENCE = 50  # what psm 11 reads of dot leaders and rules scores 0-40
MIN_RECOVERED_HEIGHT_LINES = 0.4  # a smaller "word" is a speck read as a letter
PAGE_HEIGHT_PER_LINE = 100  # the line height of a page tesseract read nothing on: 10 pt on A4


@dataclass(frozen=True)
class Region:
    """A rectangle of the page, in pixels: rows ``top`` to ``bottom`` and columns ``left`` to
    ``right``, ends excluded."""

    left: int
    top: int
    right: int
    bottom: int


def line_height(words: Sequence[Word], page_height: int) -> float:
    """The median height of the words read, or a guess from the page's height where none was."""
    return statistics.median(word.height for word in words) if words else page_height / PAGE_HEIGHT_PER_LINE


def blanked(pixels: np.ndarray, words: Sequence[Word], height: float) -> np.ndarray:
    """A copy of the page with every word read painted white, with a margin."""
    page = pixels.copy()
    margin = WORD_MARGIN_LINES * height
    for word in words:
        top, left = max(0, int(word.top - margin)), max(0, int(word.left - margin))
        page[top : int(word.bottom + margin) + 1, left : int(word.left + word.width + margin) + 1] = 255
    return page


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True, end excluded."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], flags, [False]]).astype(np.int8)))
    return [(int(start), int(end)) for start, end in zip(edges[::2], edges[1::2])]


def _ink(page: np.ndarray) -> np.ndarray:
    """Dark pixels in a 2 x 2 square of dark pixels: every stroke at 150 dpi and more, never a
    lone speck."""
    dark = page < INK_LEVEL
    squares = dark[:-1, :-1] & dark[1:, :-1] & dark[:-1, 1:] & dark[1:, 1:]  # by top-left corner
    ink = np.zeros_like(dark)
    for down in (0, 1):
        for right in (0, 1):
            ink[down : down + squares.shape[0], right : right + squares.shape[1]] |= squares
    return ink


def _bands(ink: np.ndarray, height: float) -> list[tuple[int, int]]:
    bands: list[tuple[int, int]] = []
    for top, bottom in _runs(ink.any(axis=1)):
        if bands and top - bands[-1][1] < BAND_GAP_LINES * height:
            bands[-1] = (bands[-1][0], bottom)
        else:
            bands.append((top, bottom))
    return [(top, bottom) for top, bottom in bands if bottom - top >= MIN_BAND_LINES * height]


def unread_regions(page: np.ndarray, height: float) -> list[Region]:
    """Where ``page`` (read words already blanked) still holds ink that may be text: bands of rows
    with ink, each from its first to its last inked column, padded, unless inked as densely as a
    photo; none where the page is dark in more bands than a page of text leaves unread."""
    ink = _ink(page)
    rows, width = page.shape
    regions = []
    for top, bottom in _bands(ink, height):
        band = ink[top:bottom]
        columns = _runs(band.any(axis=0))
        if len(columns) < MIN_INK_RUNS or band[:, columns[0][0] : columns[-1][1]].mean() > MAX_INK_SHARE:
            continue
        regions.append(
            Region(
                max(0, columns[0][0] - CROP_PADDING_PX),
                max(0, top - CROP_PADDING_PX),
                min(width, columns[-1][1] + CROP_PADDING_PX),
                min(rows, bottom + CROP_PADDING_PX),
            )
        )
    return regions if len(regions) <= MAX_REGIONS else []


def recovered_words(read: Sequence[Word], region: Region, height: float, block: int) -> list[Word]:
    """What tesseract ``read`` in ``region``'s crop, placed on the page as tesseract line ``block``:
    the words it is sure of, text-high and holding a letter or a digit."""
    return [
        replace(word, left=word.left + region.left, top=word.top + region.top, line=(block, *word.line[1:]))
        for word in read
        if word.confidence >= MIN_RECOVERED_CONFIDENCE
        and word.height >= MIN_RECOVERED_HEIGHT_LINES * height
        and any(char.isalnum() for char in word.text)
    ]
