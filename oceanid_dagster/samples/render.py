"""Render synthetic documents as PDFs: with a text layer, or as image-only "scans"."""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from oceanid_dagster.samples.text import SampleDocument

FONT = "Courier"  # monospace, one of the 14 standard fonts: nothing embedded, fast to write
CHAR_WIDTH_EM = 0.6  # Courier advance width per point of font size
LINE_SPACING = 1.2
MAX_FONT_SIZE = 10.0
MARGIN = 40.0


def _font_size(lines: list[str], width: float, height: float) -> float:
    """The largest size (up to 10 pt) at which every line fits the page width and all lines its height."""
    longest = max((len(line) for line in lines), default=1) or 1
    by_width = (width - 2 * MARGIN) / (CHAR_WIDTH_EM * longest)
    by_height = (height - 2 * MARGIN) / (LINE_SPACING * max(len(lines), 1))
    return min(MAX_FONT_SIZE, by_width, by_height)


def render_pdf(document: SampleDocument) -> bytes:
    """A PDF whose text layer has each page's text, one drawn string per line.

    ``invariant`` keeps the bytes (and so the document id) the same for the same document.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(document.name)
    width, height = A4
    for page in document.pages:
        lines = page.text.split("\n")
        size = _font_size(lines, width, height)
        pdf.setFont(FONT, size)
        y = height - MARGIN - size
        for line in lines:
            if line.strip():
                pdf.drawString(MARGIN, y, line)
            y -= size * LINE_SPACING
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _scan_effects(image: Image.Image, rng: random.Random) -> Image.Image:
    """Grey, slightly rotated, softened and speckled: what a flatbed scan of a printout looks like."""
    grey = image.convert("L").rotate(
        rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255
    )
    grey = grey.filter(ImageFilter.GaussianBlur(radius=0.6))
    pixels = np.asarray(grey, dtype=np.int16)
    noise_rng = np.random.default_rng(rng.randrange(2**32))
    pixels = pixels + noise_rng.normal(0, 3, pixels.shape).astype(np.int16)
    speckles = noise_rng.random(pixels.shape) < 0.0004
    pixels[speckles] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def rasterise_pdf(pdf_bytes: bytes, dpi: int) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [pdf[index].render(scale=dpi / 72).to_pil() for index in range(len(pdf))]
    finally:
        pdf.close()


def render_scanned_pdf(document: SampleDocument, dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer): each page rasterised, roughened, embedded as JPEG."""
    rng = random.Random(document.name)
    pages = [_scan_effects(image, rng) for image in rasterise_pdf(render_pdf(document), dpi)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=70)
    return buffer.getvalue()


def extract_text_pages(pdf_bytes: bytes) -> list[str]:
    """The text layer of each page as pdfium reads it (what the pipeline's text-layer OCR sees)."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [pdf[index].get_textpage().get_text_bounded() for index in range(len(pdf))]
    finally:
        pdf.close()
