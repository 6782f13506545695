"""Files a document pipeline must reject cleanly, each as bytes.

Too-large and too-many-pages cases are made by callers from big normal documents.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

ENCRYPTED_PDF_USER_PASSWORD = "oceanid"


def _one_page_pdf(text: str, encrypt: StandardEncryption | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, encrypt=encrypt)
    pdf.setFont("Courier", 10)
    pdf.drawString(40, 780, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def corrupt_pdf() -> bytes:
    """A PDF header followed by a truncated, garbled body: no object, no xref, no trailer survives."""
    body = _one_page_pdf("VESSEL NAME: TAISEI MARU NO.24  IMO 9086758")
    header_end = body.index(b"\n") + 1
    garbled = bytes(byte ^ 0x5A for byte in body[header_end : len(body) // 3])
    return body[:header_end] + garbled


def encrypted_pdf() -> bytes:
    """A one-page PDF that needs the user password :data:`ENCRYPTED_PDF_USER_PASSWORD` to open."""
    encryption = StandardEncryption(
        userPassword=ENCRYPTED_PDF_USER_PASSWORD, ownerPassword="owner-" + ENCRYPTED_PDF_USER_PASSWORD, strength=128
    )
    return _one_page_pdf("VESSEL NAME: IBUKI  IMO 9666481", encryption)


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty (``/Count 0``), with a correct xref table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_offset)
    return bytes(out)


def png_named_pdf() -> bytes:
    """A PNG image: what arrives when someone renames a photo of a document to ``.pdf``."""
    buffer = io.BytesIO()
    Image.new("L", (64, 32), color=255).save(buffer, format="PNG")
    return buffer.getvalue()


def text_named_pdf() -> bytes:
    return b"Vessel name,IMO\nTAISEI MARU NO.24,9086758\n"


def empty_file() -> bytes:
    return b""


PDF_MAX_PAGE_POINTS = 14400  # the largest page side PDF readers accept (200 in)


def pixel_bomb_pdf(pages: int = 1) -> bytes:
    """Blank 14,400 × 14,400 pt pages (200 × 200 in) with no text layer: at 300 dpi each would be a
    3.6-gigapixel image for OCR, from a file of under a kilobyte."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PDF_MAX_PAGE_POINTS, PDF_MAX_PAGE_POINTS), invariant=1)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_layer_bomb_pdf(lines: int = 2000, width_pt: int = 14000) -> bytes:
    """A page whose text lines each hold a 0.5 pt glyph at both edges of a 14,000 pt wide page: a
    layout-keeping reader pads every line with ~10^5 spaces."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width_pt, lines + 10), invariant=1)
    pdf.setFont("Courier", 0.5)
    for line in range(lines):
        pdf.drawString(0, line + 5, "x")
        pdf.drawString(width_pt - 1, line + 5, "y")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


BAD_INPUTS: dict[str, Callable[[], bytes]] = {
    "corrupt.pdf": corrupt_pdf,
    "encrypted.pdf": encrypted_pdf,
    "zero-pages.pdf": zero_page_pdf,
    "png-image.pdf": png_named_pdf,
    "csv-text.pdf": text_named_pdf,
    "empty.pdf": empty_file,
}


HOSTILE_INPUTS: dict[str, Callable[[], bytes]] = {
    "pixel-bomb.pdf": pixel_bomb_pdf,
    "text-layer-bomb.pdf": text_layer_bomb_pdf,
}


def write_bad_inputs(folder: Path) -> list[Path]:
    """Every bad and hostile input as a file (``python -m oceanid_dagster.samples.bad_inputs FOLDER``)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in {**BAD_INPUTS, **HOSTILE_INPUTS}.items():
        paths.append(folder / name)
        paths[-1].write_bytes(build())
    return paths


if __name__ == "__main__":
    print("\n".join(str(path) for path in write_bad_inputs(Path(sys.argv[1]))))
