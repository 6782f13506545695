"""Ink that tesseract's page segmentation left unread is read again: a field psm 3 dropped without
a trace comes back, what was read is never read twice, a page read as empty is read band by band;
and ruled lines, a frame's sides, specks, a photo and a page dark all over are not taken for text."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from benchmarks.bench_scan_layout import scanned_png, typeset
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.reading import unread
from oceanid_dagster.reading.layout import Word
from oceanid_dagster.reading.pdf import tesseract_image, tesseract_words, with_unread_words
from oceanid_dagster.training.reference import load_reference_page, reference_page_paths
from tests.ingestion.test_ocr_layout import scanned_table_png

LINE = 30  # px: a line of text's height on these synthetic pages


def white_page(rows: int = 400, columns: int = 600) -> np.ndarray:
    return np.full((rows, columns), 255, dtype=np.uint8)


def draw_text_line(page: np.ndarray, top: int, left: int, glyphs: int = 8) -> None:
    """H-shaped glyphs of 3-pixel strokes a space apart: ink that looks like a line of text."""
    for number in range(glyphs):
        x = left + number * 25
        page[top : top + LINE, x : x + 3] = 0
        page[top : top + LINE, x + 12 : x + 15] = 0
        page[top + 14 : top + 17, x : x + 15] = 0


def test_a_line_of_ink_is_one_padded_region():
    page = white_page()
    draw_text_line(page, 100, 50)
    [region] = unread.unread_regions(page, LINE)
    pad = unread.CROP_PADDING_PX
    assert region == unread.Region(50 - pad, 100 - pad, 50 + 7 * 25 + 15 + pad, 100 + LINE + pad)


def test_ruled_lines_a_frames_sides_and_specks_are_no_text():
    page = white_page()
    page[50:54, 20:580] = 0  # a ruled line, 4 px high
    page[100:300, 20:24] = 0  # a frame's left and right sides
    page[100:300, 576:580] = 0
    page[200, 100:400:7] = 0  # lone specks: no 2 x 2 square of ink
    page[260, 100:400:7] = 0
    assert unread.unread_regions(page, LINE) == []


def test_a_photo_is_no_text():
    page = white_page()
    rng = np.random.default_rng(0)
    for left in (100, 180, 260, 340):  # a strip of dark, mottled pictures
        page[100:300, left : left + 60] = np.where(rng.random((200, 60)) < 0.8, 40, 200)
    assert unread.unread_regions(page, LINE) == []
    draw_text_line(page, 340, 50)
    assert [region.top for region in unread.unread_regions(page, LINE)] == [340 - unread.CROP_PADDING_PX]


def test_words_already_read_are_blanked_before_looking():
    page = white_page()
    draw_text_line(page, 100, 50)
    read = Word("VESSEL", 50, 100, 190, LINE, 95.0)
    assert unread.unread_regions(unread.blanked(page, [read], LINE), LINE) == []
    assert (page < 255).any(), "the page itself is left as it was"


def test_a_page_dark_in_more_bands_than_text_leaves_unread_is_not_read_band_by_band():
    page = white_page(rows=60 * (unread.MAX_REGIONS + 1) + 40)
    for band in range(unread.MAX_REGIONS + 1):
        draw_text_line(page, 20 + 60 * band, 50)
    assert unread.unread_regions(page, LINE) == []
    page[20 + 60 * unread.MAX_REGIONS :] = 255
    assert len(unread.unread_regions(page, LINE)) == unread.MAX_REGIONS


def test_recovered_words_are_placed_on_the_page_and_only_sure_text_high_words_kept():
    region = unread.Region(left=400, top=1000, right=900, bottom=1060)
    read = [
        Word("BZWX8", 12, 10, 100, LINE, 76.0, (1, 1, 1)),
        Word("eoses", 130, 25, 60, 6, 4.0, (1, 1, 1)),  # a dot leader read as letters
        Word("nnn", 200, 10, 60, LINE, 37.0, (1, 1, 1)),  # a guess below the bar
        Word("i", 270, 25, 6, 8, 90.0, (1, 1, 1)),  # a speck read as a letter
        Word("|", 220, 10, 4, LINE, 96.0, (1, 1, 1)),  # a frame's side
        Word("EI7573", 12, 50, 110, LINE, 91.0, (1, 2, 1)),
    ]
    words = unread.recovered_words(read, region, LINE, block=7)
    assert [(word.text, word.left, word.top, word.line) for word in words] == [
        ("BZWX8", 412, 1010, (7, 1, 1)),
        ("EI7573", 412, 1050, (7, 2, 1)),
    ]


def test_a_page_read_as_empty_has_a_line_height_from_its_size():
    assert unread.line_height([], 3508) == pytest.approx(35.08)
    assert unread.line_height([Word("A", 0, 0, 10, 40, 90.0), Word("B", 0, 0, 10, 30, 90.0)], 3508) == 35


# --- real tesseract -------------------------------------------------------------------------


def boarding_report_scan() -> bytes:
    """A reference page whose scan tesseract's psm 3 reads without two of its fields."""
    [path] = [path for path in reference_page_paths() if path.stem == "08_wcpfc_boarding_report"]
    return scanned_png(typeset(load_reference_page(path).text, "Helvetica"), path.name)


def test_a_call_sign_tesseracts_segmentation_dropped_is_read_again():
    scan = boarding_report_scan()
    segmented = tesseract_words(scan, "eng", "3", 120)
    assert "BZWX8" not in {word.text for word in segmented}, "psm 3 drops this field on this scan"

    text, _ = tesseract_image(scan)
    line = next(line for line in text.splitlines() if "BZWX8" in line)
    assert line.split()[:3] == ["Radio", "call", "sign"]
    [page] = RuleExtractor().extract_pages([text])
    assert ("IRCS", "BZWX8") in {(span.label, text[span.start : span.end]) for span in page.spans}


def test_words_read_once_are_not_read_again_and_words_missed_come_back():
    scan = scanned_table_png()
    everything = tesseract_words(scan, "eng", "3", 120)
    [ibuki] = [word for word in everything if word.text == "IBUKI"]
    missed = [word for word in everything if abs(word.centre_y - ibuki.centre_y) < ibuki.height]
    assert {"Panama", "3ELC8", "9666481"} <= {word.text for word in missed}
    kept = [word for word in everything if word not in missed]

    found = with_unread_words(scan, kept)
    assert Counter(word.text for word in found) == Counter(word.text for word in everything)


def test_a_page_tesseract_read_nothing_on_is_read_as_blocks():
    text = " ".join(word.text for word in with_unread_words(scanned_table_png(), []))
    for value in ("IBUKI", "9666481", "3ELC8", "CHANG", "8774891", "Panama"):
        assert value in text
