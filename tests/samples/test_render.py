"""PDF rendering: the text layer gives back every gold span; scans have no text layer but OCR well."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pypdfium2 as pdfium
import pytest

from oceanid_dagster.domain.spans import Span
from oceanid_dagster.samples.generator import LAYOUT_NAMES, generate_documents
from oceanid_dagster.samples.gold import locate_gold_spans
from oceanid_dagster.samples.render import extract_text_pages, rasterise_pdf, render_pdf, render_scanned_pdf
from oceanid_dagster.samples.text import SamplePage


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents(sample_records):
    return generate_documents(sample_records, 2 * len(LAYOUT_NAMES), seed=21, pages=None)


def test_text_layer_gives_back_every_gold_span(documents) -> None:
    for document in documents:
        extracted_pages = extract_text_pages(render_pdf(document))
        assert len(extracted_pages) == len(document.pages)
        for gold_page, extracted in zip(document.pages, extracted_pages):
            located = locate_gold_spans(gold_page, extracted)
            assert len(located) == len(gold_page.spans), document.name
            for gold, found in zip(gold_page.spans, located):
                assert found.label == gold.label
                assert squeeze(extracted[found.start : found.end]) == squeeze(gold_page.text[gold.start : gold.end])


def test_same_document_renders_to_the_same_bytes(documents) -> None:
    assert render_pdf(documents[0]) == render_pdf(documents[0])


def test_locate_maps_exactly_when_only_whitespace_differs() -> None:
    text = "Vessel:    TAISEI MARU NO.24\n\nIMO  9086758   Flag: Japan"
    page = SamplePage(text, [Span(11, 28, "VESSEL_NAME"), Span(35, 42, "IMO"), Span(51, 56, "FLAG")])
    extracted = "Vessel: TAISEI MARU NO.24\r\nIMO 9086758 Flag: Japan"
    located = locate_gold_spans(page, extracted)
    assert [extracted[s.start : s.end] for s in located] == ["TAISEI MARU NO.24", "9086758", "Japan"]


def test_locate_searches_in_order_and_drops_what_ocr_lost() -> None:
    text = "IBUKI (IMO 9666481) met IBUKI II at Busan"
    page = SamplePage(
        text, [Span(0, 5, "VESSEL_NAME"), Span(11, 18, "IMO"), Span(24, 32, "VESSEL_NAME"), Span(36, 41, "PORT")]
    )
    ocr = "lBUKI (IMO 9666481) met IBUKI  II at Busan"
    located = locate_gold_spans(page, ocr)
    assert [(s.label, ocr[s.start : s.end]) for s in located] == [
        ("IMO", "9666481"),
        ("VESSEL_NAME", "IBUKI  II"),
        ("PORT", "Busan"),
    ]


def test_locate_keeps_a_span_whose_reading_lost_only_an_accent_or_a_space() -> None:
    text = "HAI DA 8 of Valparaíso met HAI DA 9"
    page = SamplePage(text, [Span(0, 8, "VESSEL_NAME"), Span(12, 22, "PORT"), Span(27, 35, "VESSEL_NAME")])
    ocr = "HAI DA8 of Valparaiso met HAI DA 0"
    located = locate_gold_spans(page, ocr)
    # a misread character is still a loss
    assert [(s.label, ocr[s.start : s.end]) for s in located] == [("VESSEL_NAME", "HAI DA8"), ("PORT", "Valparaiso")]


def test_scanned_pdf_has_no_text_layer_only_images(documents) -> None:
    document = next(d for d in documents if len(d.pages) == 1)
    scanned = render_scanned_pdf(document, dpi=100)
    assert extract_text_pages(scanned) == [""]
    pdf = pdfium.PdfDocument(scanned)
    kinds = {obj.type for obj in pdf[0].get_objects()}
    pdf.close()
    assert kinds == {pdfium.raw.FPDF_PAGEOBJ_IMAGE}


def test_tesseract_reads_most_gold_entities_from_a_scan(sample_records) -> None:
    assert shutil.which("tesseract"), "tesseract is needed: apt-get install -y tesseract-ocr"
    document = generate_documents(sample_records, 1, seed=8, layouts=["inspection_report"], pages=1)[0]
    image = rasterise_pdf(render_scanned_pdf(document, dpi=200), dpi=200)[0]
    png = io.BytesIO()
    image.convert("L").save(png, format="PNG")
    ocr = subprocess.run(
        ["tesseract", "stdin", "stdout", "--psm", "6"],
        input=png.getvalue(),
        capture_output=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    ).stdout.decode("utf-8")
    page = document.pages[0]
    recovered = locate_gold_spans(page, ocr)
    assert len(page.spans) >= 10
    assert len(recovered) >= 0.8 * len(page.spans), (len(recovered), len(page.spans), ocr)
    assert "VESSEL_NAME" in {s.label for s in recovered}
