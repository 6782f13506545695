"""Extraction on scans of pages the generator does not make: the hand-written gold pages
(``training/reference_pages``: authorisation lists, inspection reports, certificates, notices, letters,
tables), typeset as a printed page would be — each cell at its column, in a proportional font or
in Courier — then scanned (grey, rotated up to ±1.2°, blurred, speckled) and read back by tesseract.

The rules extract from three texts of each page, scored span-exact against the gold spans mapped
onto that text by alignment (``samples.gold.locate_gold_spans``, as ``bench_extraction`` does; a
span OCR garbled beyond recognition is a miss), per label and micro:

* ``text``: the page's own text (the ceiling);
* ``scan_tesseract_text``: tesseract's own text output (what the pipeline read before);
* ``scan_word_layout``: the pipeline's reading now, tesseract's word boxes deskewed and laid out
  at their columns (``reading.layout``), with the bands of ink its segmentation left unread read
  again (``reading.unread``).

    .venv/bin/python -m benchmarks.bench_scan_layout
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from benchmarks.report import emit, note
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.reading.layout import layout_words, parse_tsv
from oceanid_dagster.reading.pdf import with_unread_words
from oceanid_dagster.samples.gold import locate_gold_spans
from oceanid_dagster.samples.render import _scan_effects, rasterise_pdf
from oceanid_dagster.training.reference import ReferencePage, load_reference_page, reference_page_paths

DPI = 300
TARGET_GAP = 0.05  # scans within 0.05 F1 of text (issue 10)
CELL_GAP = re.compile(r"\S+(?: \S+)*")


def typeset(text: str, font: str) -> bytes:
    """The page as printed: every run of words (a cell) at the x of its column in the text."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    lines = text.split("\n")
    longest = max(len(line) for line in lines) or 1
    size = min(10.0, (width - 80) / (0.6 * longest), (height - 80) / (1.3 * len(lines)))
    column = 0.6 * size  # a character column: Courier's advance
    pdf.setFont(font, size)
    y = height - 40 - size
    for line in lines:
        for cell in CELL_GAP.finditer(line):
            pdf.drawString(40 + cell.start() * column, y, cell.group())
        y -= size * 1.3
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_png(pdf: bytes, seed: str) -> bytes:
    [image] = rasterise_pdf(pdf, DPI)
    buffer = io.BytesIO()
    _scan_effects(image, random.Random(seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def tesseract_outputs(png: bytes) -> tuple[str, str]:
    """tesseract's own text and its TSV, from one run."""
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "page.png"
        image.write_bytes(png)
        base = Path(folder) / "out"
        subprocess.run(
            ["tesseract", str(image), str(base), "-l", "eng", "--psm", "3", "txt", "tsv"],
            check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )  # fmt: skip
        return base.with_suffix(".txt").read_text(encoding="utf-8"), base.with_suffix(".tsv").read_text(
            encoding="utf-8"
        )


@dataclass
class Tally:
    """Span-exact counts per label; expected counts every gold span of the page, also one the
    reading lost (which nothing can match)."""

    hits: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)

    def add(self, gold: ReferencePage, text: str, spans: list[Span] | None = None) -> None:
        """``spans``: what an extractor found in ``text`` (default: the rules)."""
        if spans is None:
            [page] = RuleExtractor().extract_pages([text])
            spans = page.spans
        located = {(span.start, span.end, span.label) for span in locate_gold_spans(gold, text)}
        found = {(span.start, span.end, span.label) for span in spans}
        self.hits.update(label for _, _, label in located & found)
        self.predicted.update(label for _, _, label in found)
        self.expected.update(span.label for span in gold.spans)

    def f1(self, label: str | frozenset[str] | None = None) -> float:
        """Micro F1 over every label, one label, or a set of labels."""

        def total(counts: Counter) -> int:
            if label is None:
                return sum(counts.values())
            return sum(counts[name] for name in label) if isinstance(label, frozenset) else counts[label]

        precision = total(self.hits) / max(total(self.predicted), 1)
        recall = total(self.hits) / max(total(self.expected), 1)
        return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def scanned_text(gold: ReferencePage, font: str, seed: str) -> tuple[str, str]:
    """tesseract's own text of the page's scan, and the pipeline's word layout of it."""
    png = scanned_png(typeset(gold.text, font), seed)
    own_text, tsv = tesseract_outputs(png)
    return own_text, layout_words(with_unread_words(png, parse_tsv(tsv)), 2000)


def main() -> None:
    pages = reference_page_paths()
    for font in ("Helvetica", "Courier"):
        tallies = {name: Tally() for name in ("text", "scan_tesseract_text", "scan_word_layout")}
        for path in pages:
            gold = load_reference_page(path)
            own_text, word_layout = scanned_text(gold, font, path.name)
            tallies["text"].add(gold, gold.text)
            tallies["scan_tesseract_text"].add(gold, own_text)
            tallies["scan_word_layout"].add(gold, word_layout)
        text_f1 = tallies["text"].f1()
        note(f"{font}: {len(pages)} gold pages, micro F1 " + ", ".join(f"{k} {t.f1()}" for k, t in tallies.items()))
        for name, tally in tallies.items():
            emit(f"scan_layout.{font.lower()}.rules_f1_{name}", tally.f1(), "f1", text_f1)
        layout = tallies["scan_word_layout"]
        for label in sorted(layout.expected):
            emit(f"scan_layout.{font.lower()}.scan_word_layout.{label}_f1", layout.f1(label), "f1")
        emit(f"scan_layout.{font.lower()}.text_minus_scan_f1", text_f1 - layout.f1(), "f1")


if __name__ == "__main__":
    main()
