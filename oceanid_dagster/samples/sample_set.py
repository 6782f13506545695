"""Write a folder of sample PDFs with their gold annotations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from oceanid_dagster.samples.generator import LAYOUT_NAMES, generate_documents
from oceanid_dagster.samples.gold import GOLD_SUFFIX, write_gold
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_pdf, render_scanned_pdf

SCANNED_SUFFIX = "-scan"


def gold_path_for(pdf_path: Path) -> Path:
    return pdf_path.with_name(pdf_path.stem + GOLD_SUFFIX)


def write_sample_set(
    out_dir: str | Path,
    n_text: int,
    n_scanned: int,
    seed: int,
    records: Sequence[dict] | None = None,
    pages: int | None = None,
    layouts: Sequence[str] = LAYOUT_NAMES,
    dpi: int = 200,
) -> list[Path]:
    """``n_text`` PDFs with a text layer and ``n_scanned`` image-only ones, each beside its
    ``<name>.gold.json``; returns the PDF paths. Names depend only on layout, seed and index.

    Records default to the registry sample shipped with the package.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    documents = generate_documents(records or load_sample_registry(), n_text + n_scanned, seed, layouts, pages)
    written = []
    for index, document in enumerate(documents):
        scanned = index >= n_text
        pdf_path = out / f"{document.name}{SCANNED_SUFFIX if scanned else ''}.pdf"
        pdf_path.write_bytes(render_scanned_pdf(document, dpi) if scanned else render_pdf(document))
        write_gold(gold_path_for(pdf_path), document, scanned)
        written.append(pdf_path)
    return written
