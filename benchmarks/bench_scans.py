"""Scans: image-only pages through the ``raw_ocr`` asset with tesseract spread over the cores
(``OcrEngineResource(workers=2)``) against tesseract on one core (``workers=1``) as the baseline.

Target: both cores used, i.e. pages/s ratio ≥ 1.8 on a 2-core machine (issue 14).

    .venv/bin/python -m benchmarks.bench_scans [--pages 50]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from dagster import DagsterInstance, materialize

from benchmarks.report import emit, note
from oceanid_dagster.defs.assets.documents import documents
from oceanid_dagster.defs.assets.raw_ocr import raw_ocr
from oceanid_dagster.defs.assets.uploaded_files import FoundFile, registration_row
from oceanid_dagster.defs.partitions import documents_partitions, partition_range_tags
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, UploadedFile
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.domain.documents import sha256_hex
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_scanned_pdf

PAGES_PER_DOCUMENT = 2
TARGET_RATIO = 1.8


def scanned_pdfs(pages: int, seed: int) -> dict[str, bytes]:
    count = pages // PAGES_PER_DOCUMENT
    documents_ = generate_documents(load_sample_registry(), count, seed=seed, pages=PAGES_PER_DOCUMENT)
    return {f"{document.name}-scan.pdf": render_scanned_pdf(document) for document in documents_}


def register(
    folder: Path, pdfs: dict[str, bytes], warehouse: WarehouseResource, instance: DagsterInstance
) -> list[str]:
    rows = []
    for name, data in pdfs.items():
        path = folder / name
        path.write_bytes(data)
        file = UploadedFile(str(path), name, len(data), path.stat().st_mtime)
        rows.append(registration_row(FoundFile.of(file), sha256_hex(data)))
    ids = [row["document_id"] for row in rows]
    warehouse.register_documents(rows)
    instance.add_dynamic_partitions(documents_partitions.name, ids)
    return ids


def raw_ocr_seconds(pdfs: dict[str, bytes], workers: int, scratch: Path) -> tuple[float, int]:
    """Seconds of the raw_ocr step over all documents in one run, and the tesseract pages read."""
    uploads = scratch / f"uploads-{workers}"
    uploads.mkdir()
    warehouse = WarehouseResource(database=str(scratch / f"warehouse-{workers}.duckdb"))
    with DagsterInstance.ephemeral() as instance:
        ids = register(uploads, pdfs, warehouse, instance)
        result = materialize(
            [documents, raw_ocr],
            instance=instance,
            resources={
                "warehouse": warehouse,
                "document_store": DocumentStoreResource(uploads_uri=str(uploads), settle_seconds=0),
                "ocr_engine": OcrEngineResource(workers=workers),
            },
            tags=partition_range_tags(ids),
        )
        [step] = [stats for stats in instance.get_run_step_stats(result.run_id) if stats.step_key == "raw_ocr"]
    ocr_pages = warehouse.query("SELECT count(*) AS n FROM raw_ocr WHERE method = 'tesseract'")[0]["n"]
    return step.end_time - step.start_time, ocr_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--seed", type=int, default=50)
    args = parser.parse_args()
    note(f"rendering {args.pages} scanned pages")
    pdfs = scanned_pdfs(args.pages, args.seed)
    with tempfile.TemporaryDirectory(prefix="oceanid-bench-scans-") as scratch:
        one_core, pages = raw_ocr_seconds(pdfs, 1, Path(scratch))
        note(f"workers=1: {one_core:.1f}s for {pages} pages")
        two_cores, pages_again = raw_ocr_seconds(pdfs, 2, Path(scratch))
        note(f"workers=2: {two_cores:.1f}s for {pages_again} pages")
    if pages != args.pages or pages_again != args.pages:
        raise SystemExit(f"expected {args.pages} pages read by tesseract, got {pages} and {pages_again}")
    baseline_rate, rate = pages / one_core, pages / two_cores
    emit(f"scans.raw_ocr_{pages}_pages.pages_per_second_workers_2_vs_1", rate, "pages/s", baseline_rate)
    emit(f"scans.raw_ocr_{pages}_pages.speedup_vs_target", rate / baseline_rate, "x", TARGET_RATIO)


if __name__ == "__main__":
    main()
