"""What the fault tests share: sample PDFs, the row counts of a clean run, a real ``dagster dev``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_end_to_end import sample_pdfs as text_pdfs
from benchmarks.dagster_dev import DagsterDev
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.domain.documents import document_id
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_scanned_pdf


def sample_pdfs(count: int, seed: int) -> dict[str, bytes]:
    """One-page text PDFs: the fault tests need documents, not volume."""
    return text_pdfs(count, seed, pages=1)


def scanned_pdfs(count: int, seed: int) -> dict[str, bytes]:
    documents = generate_documents(load_sample_registry(), count, seed=seed, pages=1)
    return {f"{document.name}-scan.pdf": render_scanned_pdf(document) for document in documents}


def clean_run_counts(pdfs: dict[str, bytes], ocr_engine: OcrEngineResource | None = None) -> dict[str, tuple[int, int]]:
    """(pages, entities) per document id as a clean run stores them: same OCR, same bootstrap rules."""
    extractor = RuleExtractor(Gazetteer.from_records(load_sample_registry()))
    loaders = [(document_id(data), lambda data=data: data) for data in pdfs.values()]
    counts = {}
    for key, pages in (ocr_engine or OcrEngineResource()).read_many(loaders):
        assert not isinstance(pages, Exception), f"{key}: {pages}"
        entities = sum(len(found.spans) for found in extractor.extract_pages([page.text for page in pages]))
        counts[key] = (len(pages), entities)
    return counts


def stored_counts(warehouse: WarehouseResource) -> dict[str, tuple[int, int]]:
    """(raw_ocr rows, entities rows) per document id in the warehouse."""
    rows = warehouse.query(
        """
        SELECT document_id,
               (SELECT count(*) FROM raw_ocr o WHERE o.document_id = d.document_id) AS pages,
               (SELECT count(*) FROM entities e WHERE e.document_id = d.document_id) AS entities
        FROM documents d
        WHERE d.status = 'processed'
        """
    )
    return {row["document_id"]: (row["pages"], row["entities"]) for row in rows}


def step_failure_text(result) -> str:
    """The step failure's message with its causes: what an operator reads in the run's logs."""
    [failure] = [event for event in result.all_events if event.is_step_failure]
    error, lines = failure.step_failure_data.error, []
    while error is not None:
        lines.append(error.message)
        error = error.cause
    return "\n".join(lines)


def statuses(warehouse: WarehouseResource) -> dict[str, str]:
    return {row["document_id"]: row["status"] for row in warehouse.query("SELECT document_id, status FROM documents")}


@pytest.fixture
def dagster_dev(tmp_path: Path) -> Iterator[DagsterDev]:
    """A real ``dagster dev`` (not started: tests start, stop and restart it)."""
    dev = DagsterDev(tmp_path)
    try:
        yield dev
    finally:
        dev.stop()
