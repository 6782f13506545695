from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen import canvas


def make_pdf(path: Path, pages: list[str]) -> bytes:
    """A PDF with a text layer, one line of text per page."""
    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    return path.read_bytes()
