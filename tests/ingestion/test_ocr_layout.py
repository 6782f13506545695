"""Scans laid out from tesseract's word boxes: table rows stay rows across tesseract's blocks, a
skewed page is straightened, dot leaders do not leak letters into fields; and on a real scan
read by real tesseract, each row's cells stay on one line under their headers."""

from __future__ import annotations

import io
import math
import random

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.reading.layout import Word, deskewed, layout_words, parse_tsv, skew_slope, visual_rows
from oceanid_dagster.reading.pdf import tesseract_image
from oceanid_dagster.samples.render import _scan_effects, rasterise_pdf

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv_row(text: str, left: int, top: int, block: int, line: int = 1, conf: float = 95.0) -> str:
    return f"5\t1\t{block}\t1\t{line}\t1\t{left}\t{top}\t{len(text) * 20}\t30\t{conf}\t{text}"


def test_cells_that_tesseract_reads_as_separate_blocks_share_their_row():
    # tesseract's block 1 is the name column, block 2 the IMO column: its own text lists them apart
    tsv = "\n".join(
        [
            TSV_HEADER,
            "4\t1\t1\t1\t1\t0\t100\t100\t200\t30\t-1\t",  # a line row: not a word, ignored
            tsv_row("Name", 100, 100, 1),
            tsv_row("IBUKI", 100, 150, 1, line=2),
            tsv_row("IMO", 600, 102, 2),
            tsv_row("9666481", 600, 152, 2, line=2),
        ]
    )
    words = parse_tsv(tsv)
    assert [word.text for word in words] == ["Name", "IBUKI", "IMO", "9666481"]
    lines = layout_words(words, 2000).splitlines()
    assert [line.split() for line in lines] == [["Name", "IMO"], ["IBUKI", "9666481"]]
    assert lines[0].index("IMO") == lines[1].index("9666481"), "the value stays under its header"


def rotated(words: list[Word], degrees: float) -> list[Word]:
    """Words as a scanner tilted by ``degrees`` would place them (y grows down the page)."""
    angle = math.radians(degrees)
    return [
        Word(w.text, w.left * math.cos(angle) - w.top * math.sin(angle),
             w.left * math.sin(angle) + w.top * math.cos(angle), w.width, w.height, w.confidence, w.line)
        for w in words
    ]  # fmt: skip


def test_a_skewed_page_is_straightened_before_rows_are_formed():
    rows = [
        ["Vessel", "Flag", "IMO", "Length"],
        ["TAISEI", "Japan", "9086758", "117.0"],
        ["IBUKI", "Panama", "9666481", "127.8"],
    ]
    straight = [
        Word(text, 100 + 500 * column, 100 + 45 * number, 20 * len(text), 30, 95, (1, 1, number))
        for number, row in enumerate(rows)
        for column, text in enumerate(row)
    ]
    tilted = rotated(straight, 1.2)
    assert len(visual_rows(tilted)) > len(rows), "tilted, a row's far cells fall into the next row"
    assert math.isclose(skew_slope(tilted), math.tan(math.radians(1.2)), rel_tol=0.05)
    assert [[word.text for word in row] for row in visual_rows(deskewed(tilted, skew_slope(tilted)))] == rows


def test_dot_leaders_read_as_letters_become_dots_again():
    words = [
        Word("Name", 100, 100, 80, 30, 96, (1, 1, 1)),
        Word("..2..........ccscesssees", 200, 100, 400, 30, 40, (1, 1, 1)),
        Word("FREY", 640, 100, 80, 30, 95, (1, 1, 1)),
        Word("Flag", 100, 150, 80, 30, 96, (1, 1, 2)),
        Word("0:cee", 200, 150, 100, 30, 30, (1, 1, 2)),
        Word("2019", 640, 150, 80, 30, 93, (1, 1, 2)),
    ]
    text = layout_words(words, 2000)
    assert "ccsc" not in text and "cee" not in text and "2019" in text
    assert text.splitlines()[0].split() == ["Name", "." * 24, "FREY"]


def test_dot_leaders_read_with_digits_and_signs_become_dots_but_a_dotted_value_stays():
    words = [
        Word("Call", 100, 100, 80, 30, 96, (1, 1, 1)),
        Word("sign", 190, 100, 80, 30, 96, (1, 1, 1)),
        Word("2222......:.205-", 300, 100, 320, 30, 60, (1, 1, 1)),
        Word("UBST3", 640, 100, 100, 30, 95, (1, 1, 1)),
        Word("Country", 100, 150, 140, 30, 96, (1, 1, 2)),
        Word("...........++++", 300, 150, 300, 30, 50, (1, 1, 2)),
        Word("U.S.A.", 640, 150, 120, 30, 93, (1, 1, 2)),
    ]
    lines = layout_words(words, 2000).splitlines()
    assert lines[0].split() == ["Call", "sign", "." * 16, "UBST3"]
    assert lines[1].split() == ["Country", "." * 15, "U.S.A."]
    assert ("IRCS", "UBST3") in {(span.label, span.text_in("\n".join(lines))) for span in _rules(lines)}


def test_long_leaders_read_with_other_letters_at_no_confidence_become_dots_but_words_stay():
    words = [
        Word("Numero", 100, 100, 120, 30, 96, (1, 1, 1)),
        Word("OMI", 230, 100, 60, 30, 96, (1, 1, 1)),
        Word("cccceeceeeseeteececceet", 300, 100, 320, 30, 0, (1, 1, 1)),
        Word("9218739", 640, 100, 140, 30, 95, (1, 1, 1)),
        Word("Owner", 100, 150, 100, 30, 96, (1, 1, 2)),
        Word("steers", 300, 150, 120, 30, 91, (1, 1, 2)),  # a word, read with confidence
        Word("trust", 430, 150, 100, 30, 20, (1, 1, 2)),  # unsure, but not mostly c, e and s
    ]
    lines = layout_words(words, 2000).splitlines()
    assert lines[0].split() == ["Numero", "OMI", "." * 23, "9218739"]
    assert lines[1].split() == ["Owner", "steers", "trust"]
    assert ("IMO", "9218739") in {(span.label, span.text_in("\n".join(lines))) for span in _rules(lines)}


def test_roman_numerals_read_as_ls_and_bars_after_a_name_in_capitals_are_is_again():
    def row(line: int, *texts: str) -> list[Word]:  # words a space (15 px) apart, 20 px a letter
        words, left = [], 100
        for text in texts:
            words.append(Word(text, left, 100 + 50 * line, 20 * len(text), 30, 90, (1, 1, line)))
            left += 20 * len(text) + 15
        return words

    words = [
        *row(1, "vessel", "HARVEST", "REAPER", "ll", "(S287)"),
        *row(2, "barco", "ESMERALDA", "|,", "de", "bandera"),
        *row(3, "|", "AFRIKA", "|", "NLD", "|"),  # a table's bars stay bars
        *row(4, "the", "hull", "ll", "ALINA", "lll"),
    ]
    lines = layout_words(words, 2000).splitlines()
    assert lines[0].split() == ["vessel", "HARVEST", "REAPER", "II", "(S287)"]
    assert lines[1].split() == ["barco", "ESMERALDA", "I,", "de", "bandera"]
    assert lines[2].split() == ["|", "AFRIKA", "|", "NLD", "|"]
    assert lines[3].split() == ["the", "hull", "ll", "ALINA", "III"]  # after a word in lower case: as read


def test_zeros_and_capital_is_misread_inside_codes_are_mended_and_real_codes_stay():
    def read(*texts: str) -> list[str]:  # words on one line, 20 px a letter, 100 px apart
        lefts = [100 + sum(20 * len(text) + 100 for text in texts[:index]) for index in range(len(texts))]
        words = [Word(text, left, 100, 20 * len(text), 30, 90, (1, 1, 1)) for text, left in zip(texts, lefts)]
        return layout_words(words, 2000).split()

    # misreads: a zero after 2-3 capitals or between digits, an l or 1 for the I of a code
    assert read("TNO353", "POLO35202052,", "GBROOOC18081", "2O25") == [
        "TN0353",
        "POL035202052,",
        "GBR000C18081",
        "2025",
    ]
    assert read("El7212", "(Jl)(2011)FT-200130", "E16283") == ["EI7212", "(JI)(2011)FT-200130", "EI6283"]
    # real codes of the same shapes: Sligo's "SO" mark, call signs in the H and R series, an IMO
    # number run into its key, registration marks with a 1, a US call sign, words and units
    kept = ["SO472", "HO4706", "RLO17", "IMO9140932", "H1100", "K1990", "Al", "12.5ml", "5l", "OXR2"]
    assert read(*kept) == kept


def _rules(lines: list[str]):
    [page] = RuleExtractor().extract_pages(["\n".join(lines)])
    return page.spans


def scanned_table_png() -> bytes:
    """A registry table printed in a proportional font, each cell at its column, then scanned."""
    header = ("Vessel name", "Flag", "IRCS", "IMO No.", "GT")
    rows = [
        ("TAISEI MARU NO.24", "Japan", "JILE", "9086758", "4992"),
        ("IBUKI", "Panama", "3ELC8", "9666481", "6558"),
        ("CHANG TAI 801", "China", "BZ7VY", "8774891", "479"),
    ]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 11)
    for number, row in enumerate([header, *rows]):
        for x, cell in zip((50, 210, 290, 360, 460), row):
            pdf.drawString(x, 760 - 22 * number, cell)
    pdf.showPage()
    pdf.save()
    [image] = rasterise_pdf(buffer.getvalue(), 300)
    png = io.BytesIO()
    _scan_effects(image, random.Random(3)).save(png, format="PNG")
    return png.getvalue()


def test_real_tesseract_keeps_each_rows_cells_together():
    text, confidence = tesseract_image(scanned_table_png())
    assert confidence is not None and confidence > 0.8
    for name, imo in (("MARU NO.24", "9086758"), ("IBUKI", "9666481"), ("CHANG TAI", "8774891")):
        [line] = [line for line in text.splitlines() if imo in line]
        assert name in line, f"{imo} read on a line without {name}: {line!r}"
    [page] = RuleExtractor().extract_pages([text])
    found = {(span.label, text[span.start : span.end]) for span in page.spans}
    assert {("IMO", "9086758"), ("IMO", "9666481"), ("IMO", "8774891"), ("VESSEL_NAME", "IBUKI")} <= found
