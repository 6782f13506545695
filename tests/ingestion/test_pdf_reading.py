"""PDF validation and page reading on real files: text layer, a tesseract scan, every bad input."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from oceanid_dagster.reading.pdf import (
    TESSERACT,
    TEXT_LAYER,
    DocumentRejected,
    PageBounds,
    read_pdf_pages,
    tesseract_image,
)
from oceanid_dagster.samples import bad_inputs
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_scanned_pdf
from tests.pdf_fixtures import text_pdf

OPTIONS = {"max_pages": 500, "min_text_chars": 20, "dpi": 200, "workers": 2, "ocr_page": tesseract_image}


def read(data: bytes, **overrides):
    return read_pdf_pages(data, **{**OPTIONS, **overrides})


def test_text_layer_pages_keep_their_text_and_order():
    pages = read(text_pdf("IMO 9086758 TAISEI MARU NO.24 flag Japan", "Call sign JILE, port Tokyo, length 117 m"))
    assert [(page.page_number, page.method, page.confidence) for page in pages] == [
        (1, TEXT_LAYER, 1.0),
        (2, TEXT_LAYER, 1.0),
    ]
    assert "TAISEI MARU NO.24" in pages[0].text and "JILE" in pages[1].text


def test_a_scanned_page_is_read_by_tesseract_with_a_confidence():
    document = generate_documents(load_sample_registry(), n=1, seed=3, pages=1)[0]
    [page] = read(render_scanned_pdf(document))
    assert page.method == TESSERACT
    assert 0.5 < page.confidence <= 1.0
    expected_words = {word for span in document.pages[0].spans for word in span.text_in(document.pages[0].text).split()}
    recovered = sum(word in page.text for word in expected_words)
    assert recovered / len(expected_words) > 0.8


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (bad_inputs.empty_file, "empty file (0 bytes)"),
        (bad_inputs.png_named_pdf, "not a PDF"),
        (bad_inputs.text_named_pdf, "not a PDF"),
        (bad_inputs.corrupt_pdf, "corrupt PDF"),
        (bad_inputs.encrypted_pdf, "encrypted PDF: a password is required"),
        (bad_inputs.zero_page_pdf, "PDF has no pages"),
    ],
)
def test_bad_inputs_are_rejected_with_their_reason(make, reason):
    with pytest.raises(DocumentRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read(make())


def test_page_limit():
    with pytest.raises(DocumentRejected, match="PDF has 3 pages, over the limit of 2"):
        read(text_pdf("a", "b", "c"), max_pages=2)


def test_text_layer_keeps_table_columns_under_their_headers():
    table = "\n".join(
        [
            "Vessel name         IMO        Call sign",
            "TAISEI MARU NO.24   9086758    JILE",
            "IBUKI               9666481    3ELC8",
        ]
    )
    [page] = read(text_pdf(table))
    lines = page.text.splitlines()
    header = lines[0]
    assert lines[1].index("9086758") == header.index("IMO") == lines[2].index("9666481")
    assert lines[1].index("JILE") == header.index("Call sign")
    assert "TAISEI MARU NO.24" in lines[1], "word spaces inside a cell stay single"


def test_a_large_page_is_scaled_down_to_the_pixel_budget_and_a_huge_one_rejected():
    bounds = PageBounds(max_page_pixels=25_000_000, min_ocr_dpi=100)
    assert bounds.render_scale(1, 595, 842, dpi=300) == 300 / 72, "A4 at 300 dpi is within budget"
    scale = bounds.render_scale(1, 36 * 72, 36 * 72, dpi=300)  # 36 × 36 in
    assert (36 * 72 * scale) ** 2 == pytest.approx(25_000_000) and scale * 72 > 100
    with pytest.raises(DocumentRejected, match=r"page 4 is 200 × 200 in, over the limit for OCR"):
        bounds.render_scale(4, 14400, 14400, dpi=300)


def image_size(png: bytes) -> tuple[str, None]:
    """An OCR stand-in that answers the size of the image it was given."""
    with Image.open(io.BytesIO(png)) as image:
        return f"{image.width}x{image.height}", None


def test_a_scanned_page_larger_than_the_budget_is_read_at_a_lower_resolution():
    [page] = read(text_pdf(""), bounds=PageBounds(max_page_pixels=2_000_000, min_ocr_dpi=50), ocr_page=image_size)
    width, height = (int(value) for value in page.text.split("x"))
    assert width * height <= 2_000_000 * 1.01 and width > 595 * 50 / 72  # pdfium rounds sizes up


def test_page_text_over_its_limit_is_rejected_naming_the_page():
    pdf = text_pdf("short page", "x " * 3000)
    with pytest.raises(DocumentRejected, match=r"page 2 has [\d,]+ characters of text, over the limit of 5,000"):
        read(pdf, bounds=PageBounds(max_page_chars=5_000))


def test_documents_are_handed_on_as_they_are_read_while_the_next_are_rendered():
    """A text-layer document is yielded before the next is even loaded; a scan whose OCR is still
    running does not stop the documents behind it from being rendered, and order is kept."""
    import threading

    from oceanid_dagster.reading.pdf import read_pdfs

    scan = render_scanned_pdf(generate_documents(load_sample_registry(), 1, seed=5, pages=1)[0])
    third_loaded = threading.Event()
    events: list[str] = []

    def ocr_waiting_for_the_third_document(png: bytes):
        assert third_loaded.wait(60), "the third document was not rendered while this page was read"
        return tesseract_image(png)

    def loader(name: str, data: bytes):
        def load() -> bytes:
            events.append(f"load {name}")
            if name == "third":
                third_loaded.set()
            return data

        return load

    documents = [
        ("text", loader("text", text_pdf("IMO 9086758 TAISEI MARU NO.24 flag Japan"))),
        ("scan", loader("scan", scan)),
        ("third", loader("third", text_pdf("Call sign JILE, port Tokyo"))),
    ]
    options = {**OPTIONS, "ocr_page": ocr_waiting_for_the_third_document}
    for key, pages in read_pdfs(documents, **options):
        assert not isinstance(pages, Exception), pages
        events.append(f"read {key}")
    assert events == ["load text", "read text", "load scan", "load third", "read scan", "read third"]


def test_rendering_waits_while_the_ocr_has_enough_page_images_queued():
    """Rendered pages wait in memory (8.7 MB each at 300 dpi) only up to ``images_per_worker`` per
    worker: with one worker and one image each, the reader is one document ahead of the page being
    read, not at the end of the list."""
    import time

    from oceanid_dagster.reading.pdf import read_pdfs

    scan = render_scanned_pdf(generate_documents(load_sample_registry(), 1, seed=5, pages=1)[0])
    loads: list[str] = []
    loaded_while_reading: list[int] = []

    def slow_ocr(image: bytes):
        time.sleep(0.3)
        loaded_while_reading.append(len(loads))
        return "IMO 9086758", 0.9

    def loader(name: str):
        return lambda: loads.append(name) or scan

    documents = [(f"scan-{index}", loader(f"scan-{index}")) for index in range(6)]
    options = {**OPTIONS, "workers": 1, "ocr_page": slow_ocr, "images_per_worker": 1}
    keys = [key for key, pages in read_pdfs(documents, **options) if not isinstance(pages, Exception)]
    assert keys == [key for key, _ in documents]
    # when page k is read, documents up to k + 1 are loaded (one queued behind it), not all six
    assert all(loaded <= index + 2 for index, loaded in enumerate(loaded_while_reading)), loaded_while_reading
