"""Reading PDFs: validation, the text layer (pypdfium2) and tesseract for pages without one.

Bytes in, text out; no Dagster. The OCR engine resource decides which of these to use.
"""

from __future__ import annotations

import functools
import io
import math
import os
import statistics
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image

from oceanid_dagster.reading import unread
from oceanid_dagster.reading.layout import Word, layout_line, layout_words, mean_confidence, parse_tsv

PDF_MAGIC = b"%PDF-"
TEXT_LAYER = "text_layer"
TESSERACT = "tesseract"
REMOTE = "remote"


class DocumentRejected(ValueError):
    """The file cannot be read as a vessel document; the message says why."""


@dataclass(frozen=True)
class PageBounds:
    """What one page may cost. A hostile or broken file (a huge blank page, a text layer of millions
    of spaces) fails or is read within these, in seconds and a bounded amount of memory."""

    max_page_pixels: int = 25_000_000  # a page rendered for OCR is scaled down to this (A3 at 300 dpi)...
    min_ocr_dpi: int = 100  # ...but not below this: a page that would need less is rejected
    max_line_chars: int = 2_000  # a laid-out line longer than this keeps its glyphs, not its padding
    max_page_chars: int = 200_000  # a page with more text than this is rejected

    def check_page_text(self, page_number: int, text: str) -> str:
        if len(text) > self.max_page_chars:
            raise DocumentRejected(
                f"page {page_number} has {len(text):,} characters of text, over the limit of {self.max_page_chars:,}"
            )
        return text

    def render_scale(self, page_number: int, width_pt: float, height_pt: float, dpi: int) -> float:
        """The rendering scale (pixels per point): ``dpi``, or less to stay within the pixel budget."""
        scale = dpi / 72
        if width_pt * height_pt * scale * scale <= self.max_page_pixels:
            return scale
        scale = math.sqrt(self.max_page_pixels / (width_pt * height_pt))
        if scale * 72 < self.min_ocr_dpi:
            largest_sq_in = self.max_page_pixels / self.min_ocr_dpi**2
            raise DocumentRejected(
                f"page {page_number} is {width_pt / 72:,.0f} × {height_pt / 72:,.0f} in, over the limit for OCR "
                f"({largest_sq_in:,.0f} sq in: {self.max_page_pixels / 1e6:.0f} Mpx at {self.min_ocr_dpi} dpi)"
            )
        return scale


@dataclass(frozen=True)
class PageText:
    page_number: int  # 1-based
    text: str
    method: str
    confidence: float | None


def open_pdf(data: bytes, max_pages: int) -> pdfium.PdfDocument:
    """Open and validate a PDF, or raise DocumentRejected with the reason."""
    if not data:
        raise DocumentRejected("empty file (0 bytes)")
    if PDF_MAGIC not in data[:1024]:
        raise DocumentRejected(f"not a PDF: the file starts with {data[:8]!r}, not '%PDF-'")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise DocumentRejected(_pdfium_reason(error, data)) from None
    page_count = len(document)
    if page_count == 0:
        document.close()
        raise DocumentRejected("PDF has no pages")
    if page_count > max_pages:
        document.close()
        raise DocumentRejected(f"PDF has {page_count} pages, over the limit of {max_pages}")
    return document


def _pdfium_reason(error: Exception, data: bytes) -> str:
    message = str(error)
    if "password" in message.lower():
        # pdfium also answers "password" for a PDF whose page tree is empty: look for /Encrypt.
        if b"/Encrypt" in data:
            return "encrypted PDF: a password is required to open it"
        return "PDF has no pages (empty or unreadable page tree)"
    if "format" in message.lower() or "file" in message.lower():
        return f"corrupt PDF ({message})"
    return f"unreadable PDF ({message})"


def page_count(data: bytes, max_pages: int) -> int:
    document = open_pdf(data, max_pages)
    try:
        return len(document)
    finally:
        document.close()


def text_layer(document: pdfium.PdfDocument, index: int, bounds: PageBounds = PageBounds()) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            if textpage.count_chars() > bounds.max_page_chars:
                raise DocumentRejected(
                    f"page {index + 1} has {textpage.count_chars():,} characters of text, "
                    f"over the limit of {bounds.max_page_chars:,}"
                )
            return bounds.check_page_text(index + 1, layout_text(textpage, bounds.max_line_chars))
        finally:
            textpage.close()
    finally:
        page.close()


def layout_text(textpage: pdfium.PdfTextPage, max_line_chars: int = PageBounds.max_line_chars) -> str:
    """The page's text with its horizontal layout kept, like ``pdftotext -layout``.

    pdfium's plain text collapses the space between table cells to one blank, which loses the
    columns that tell which value belongs to which header. Here each glyph's advance box places
    it: a gap wider than a column gap pads the line out to the glyph's column (so cells stay
    under their headers), a word gap is one space, and lines follow pdfium's reading order.
    """
    count = textpage.count_chars()
    if count <= 0:
        return ""
    text = textpage.get_text_range(0, count)
    advances = _glyph_advances(textpage, text)
    widths = [right - left for box in advances if box for left, right in [box] if right > left]
    if not widths:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    glyph = statistics.median(widths)
    origin = min(box[0] for box in advances if box)
    return "\n".join(layout_line(line, glyph, origin, max_line_chars) for line in _lines(text, advances))


def _glyph_advances(textpage: pdfium.PdfTextPage, text: str) -> list[tuple[float, float] | None]:
    rect = pdfium_raw.FS_RECTF()
    boxes: list[tuple[float, float] | None] = []
    for index, char in enumerate(text):
        if char.isspace() or not pdfium_raw.FPDFText_GetLooseCharBox(textpage, index, rect):
            boxes.append(None)
        else:
            boxes.append((rect.left, rect.right))
    return boxes


def _lines(text: str, boxes: list) -> list[list[tuple[str, tuple[float, float]]]]:
    lines: list[list[tuple[str, tuple[float, float]]]] = [[]]
    for char, box in zip(text, boxes):
        if char == "\n":
            lines.append([])
        elif box is not None:
            lines[-1].append((char, box))
    return lines


def has_usable_text(text: str, min_chars: int) -> bool:
    """A page whose text layer has too few letters/digits is treated as a scan."""
    return sum(ch.isalnum() for ch in text) >= min_chars


def render_page_image(document: pdfium.PdfDocument, index: int, dpi: int, bounds: PageBounds = PageBounds()) -> bytes:
    """The page as a grayscale, uncompressed TIFF at ``dpi``, or scaled down to the pixel budget of
    ``bounds``.

    Not PNG: pages are rendered one at a time in the reading thread (pdfium is not thread-safe)
    while the OCR runs in parallel, so that thread's time per page bounds how well the OCR spreads
    over the cores. Measured at 300 dpi (A4, 8.7 MB uncompressed): rendering 63 ms, then encoding
    PNG 96 ms, TIFF 5 ms, PGM 3 ms, BMP 8 ms; tesseract then reads the TIFF fastest (1.32 s a
    page against 1.39 s for the PNG, 1.44 s for BMP and 1.47 s for PGM).
    """
    page = document[index]
    try:
        width_pt, height_pt = page.get_size()
        image = page.render(scale=bounds.render_scale(index + 1, width_pt, height_pt, dpi), grayscale=True).to_pil()
    finally:
        page.close()
    buffer = io.BytesIO()
    image.save(buffer, format="TIFF")
    return buffer.getvalue()


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    """``tesseract 5.3.0`` (what ``tesseract --version`` says first), or ``tesseract`` when absent."""
    try:
        result = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract"
    lines = (result.stdout or result.stderr).splitlines()
    return lines[0].strip() if lines else "tesseract"


def engine_versions() -> dict[str, str]:
    """The reader behind each page method, with its version: provenance for the curated store."""
    return {TEXT_LAYER: f"pypdfium2 {pdfium.PYPDFIUM_INFO}", TESSERACT: tesseract_version()}


def tesseract_image(
    image: bytes, language: str = "eng", timeout_s: float = 300, max_line_chars: int = PageBounds.max_line_chars
) -> tuple[str, float | None]:
    """Text and mean word confidence (0-1) of one page image (TIFF, PNG or any format leptonica
    reads), one tesseract process, one thread, and one more for each band of ink the first left
    unread (``reading.unread``).

    The text is laid out from tesseract's word boxes (its TSV), deskewed, each word at its column:
    tesseract's own text reads a table block by block, one column after the other, which loses
    which value belongs to which row and header.
    """
    words = with_unread_words(image, tesseract_words(image, language, "3", timeout_s), language, timeout_s)
    return layout_words(words, max_line_chars), mean_confidence(words)


def tesseract_words(image: bytes, language: str, page_segmentation: str, timeout_s: float) -> list[Word]:
    """The words tesseract reads on ``image`` in page segmentation mode ``page_segmentation``."""
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="oceanid-ocr-") as folder:
        image_path = Path(folder) / "page.image"  # leptonica knows the format by its first bytes
        image_path.write_bytes(image)
        output_base = Path(folder) / "out"
        subprocess.run(
            ["tesseract", str(image_path), str(output_base), "-l", language, "--psm", page_segmentation, "tsv"],
            check=True,
            capture_output=True,
            env=environment,
            timeout=timeout_s,
        )
        return parse_tsv(output_base.with_suffix(".tsv").read_text(encoding="utf-8"))


def with_unread_words(image: bytes, words: list[Word], language: str = "eng", timeout_s: float = 300) -> list[Word]:
    """``words`` (tesseract's reading of the page ``image``) and what tesseract reads as sparse
    text where the page still holds ink outside all of them."""
    pixels = np.asarray(Image.open(io.BytesIO(image)).convert("L"))
    height = unread.line_height(words, pixels.shape[0])
    page = unread.blanked(pixels, words, height)
    found = list(words)
    first_block = max((word.line[0] for word in words), default=0) + 1
    for block, region in enumerate(unread.unread_regions(page, height), start=first_block):
        crop = io.BytesIO()
        Image.fromarray(page[region.top : region.bottom, region.left : region.right]).save(crop, format="TIFF")
        read = tesseract_words(crop.getvalue(), language, "11", timeout_s)
        found += unread.recovered_words(read, region, height, block)
    return found


@dataclass
class _PreparedDocument:
    layers: list[str]
    scanned: list[int]  # 0-based indexes of pages without a usable text layer
    images: list[bytes]


def _prepare(data: bytes, max_pages: int, min_text_chars: int, dpi: int, bounds: PageBounds) -> _PreparedDocument:
    document = open_pdf(data, max_pages)
    try:
        layers = [text_layer(document, index, bounds) for index in range(len(document))]
        scanned = [index for index, text in enumerate(layers) if not has_usable_text(text, min_text_chars)]
        images = [render_page_image(document, index, dpi, bounds) for index in scanned]
    finally:
        document.close()
    return _PreparedDocument(layers, scanned, images)


def _assemble(
    prepared: _PreparedDocument, ocr_results: Sequence[tuple[str, float | None]], ocr_method: str, bounds: PageBounds
) -> list[PageText]:
    pages = [PageText(index + 1, text, TEXT_LAYER, 1.0) for index, text in enumerate(prepared.layers)]
    for index, (text, confidence) in zip(prepared.scanned, ocr_results):
        pages[index] = PageText(index + 1, bounds.check_page_text(index + 1, text), ocr_method, confidence)
    return pages


OcrFunction = Callable[[bytes], tuple[str, float | None]]


def read_pdfs(
    documents: Iterable[tuple[str, Callable[[], bytes]]],
    *,
    max_pages: int,
    min_text_chars: int,
    dpi: int,
    workers: int,
    ocr_page: OcrFunction,
    ocr_method: str = TESSERACT,
    bounds: PageBounds = PageBounds(),
    chunk_size: int = 32,
    images_per_worker: int = 4,
) -> Iterator[tuple[str, list[PageText] | Exception]]:
    """Pages of many documents, in order: ``(key, pages)`` or ``(key, error)`` for each.

    pdfium is not thread-safe, so parsing and rasterising happen in this thread while the
    tesseract processes of the scanned pages of up to ``chunk_size`` documents run in parallel; a
    document is handed on as soon as it and those before it are read. Rendering waits while more
    than ``images_per_worker`` page images per worker are rendered and not yet read (an A4 page at
    300 dpi is 8.7 MB). An error in one document never stops the others.
    """
    pending: deque[tuple[str, _PreparedDocument | Exception, list[Future]]] = deque()
    max_images = max(1, workers) * images_per_worker
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for key, load in documents:
            try:
                prepared: _PreparedDocument | Exception = _prepare(load(), max_pages, min_text_chars, dpi, bounds)
                futures = [pool.submit(ocr_page, image) for image in prepared.images]
                prepared.images = []  # the futures hold them; free memory as pages finish
            except Exception as error:
                prepared, futures = error, []
            pending.append((key, prepared, futures))
            # hand on what is done and go on rendering; wait only with chunk_size documents or
            # max_images images in flight, so the OCR workers never run dry while pages are rendered
            while pending and (
                len(pending) >= chunk_size
                or _images_not_read(pending) > max_images
                or all(future.done() for future in pending[0][2])
            ):
                yield _collect(*pending.popleft(), ocr_method, bounds)
        while pending:
            yield _collect(*pending.popleft(), ocr_method, bounds)


def _images_not_read(pending: Iterable[tuple[str, object, list[Future]]]) -> int:
    return sum(not future.done() for _, _, futures in pending for future in futures)


def _collect(
    key: str, prepared: _PreparedDocument | Exception, futures: list[Future], ocr_method: str, bounds: PageBounds
) -> tuple[str, list[PageText] | Exception]:
    if isinstance(prepared, Exception):
        return key, prepared
    try:
        return key, _assemble(prepared, [future.result() for future in futures], ocr_method, bounds)
    except Exception as error:
        return key, error


def read_pdf_pages(data: bytes, **options) -> list[PageText]:
    """Pages of one document (raises on a bad document)."""
    [(_, result)] = list(read_pdfs([("document", lambda: data)], **options))
    if isinstance(result, Exception):
        raise result
    return result
