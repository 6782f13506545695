"""``raw_ocr``: the text of every page, from the PDF text layer or OCR for scans."""

from collections import Counter
from itertools import islice

import dagster as dg

from oceanid_dagster.defs.assets.batch import (
    describe_error,
    fail_if_last_stage,
    log_failure,
    readable_documents,
    registered_bytes,
)
from oceanid_dagster.defs.assets.documents import documents
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource, utc_now
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.reading.pdf import PageText

WRITE_CHUNK = 32
PREVIEW_PAGES = 20


def page_rows(document_id: str, pages: list[PageText], engines: dict[str, str] | None = None) -> list[dict]:
    ocr_at = utc_now()
    engines = engines or {}
    return [
        {
            "document_id": document_id,
            "page_number": page.page_number,
            "text": page.text,
            "method": page.method,
            "confidence": page.confidence,
            "engine": engines.get(page.method),
            "ocr_at": ocr_at,
        }
        for page in pages
    ]


@dg.asset(
    deps=[documents],
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"tesseract", "duckdb"},
    # The readers (the PDF text layer, the scan's word layout) and the OCR settings' defaults: a change
    # re-reads pages differently.
    code_version=source_version("reading", "defs/resources/ocr_engine.py"),
    description="One row per page: the PDF text layer where it is usable, tesseract (or the remote OCR "
    "engine) for scanned pages, with the method and a confidence.",
)
def raw_ocr(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
    ocr_engine: OcrEngineResource,
) -> dg.MaterializeResult:
    rows = readable_documents(warehouse, context.partition_keys)
    by_id = {row["document_id"]: row for row in rows}
    loaders = [(row["document_id"], _loader(document_store, row)) for row in rows]
    stats: Counter = Counter()
    preview: list[dict] = []
    engines = ocr_engine.engine_versions()
    results = ocr_engine.read_many(loaders)
    while chunk := list(islice(results, WRITE_CHUNK)):
        pages, failures = {}, {}
        for document_id, result in chunk:
            if isinstance(result, Exception):
                failures[document_id] = describe_error(result)
                log_failure(context, by_id[document_id], failures[document_id])
                continue
            pages[document_id] = page_rows(document_id, result, engines)
            _count(stats, preview, document_id, result)
        stats["failed_documents"] += len(failures)
        warehouse.replace_document_pages(pages, failures)
        context.log.info(f"raw_ocr: {stats['documents']} of {len(rows)} documents read")
    fail_if_last_stage(context, warehouse)
    return dg.MaterializeResult(metadata=_metadata(stats, preview))


def _loader(document_store: DocumentStoreResource, row: dict):
    return lambda: registered_bytes(document_store, row)


def _count(stats: Counter, preview: list[dict], document_id: str, pages: list[PageText]) -> None:
    stats["documents"] += 1
    stats["pages"] += len(pages)
    for page in pages:
        stats[f"pages_{page.method}"] += 1
        stats["characters"] += len(page.text)
    preview.extend(
        {
            "document_id": document_id,
            "page": page.page_number,
            "method": page.method,
            "confidence": page.confidence,
            "chars": len(page.text),
            "text": page.text,
        }
        for page in pages[: max(0, PREVIEW_PAGES - len(preview))]
    )


def _metadata(stats: Counter, preview: list[dict]) -> dict:
    methods = {key.removeprefix("pages_"): value for key, value in stats.items() if key.startswith("pages_")}
    return {
        "documents": stats["documents"],
        "failed_documents": stats["failed_documents"],
        "pages": stats["pages"],
        "characters": stats["characters"],
        "pages_by_method": dg.MetadataValue.json(methods),
        "preview": dg.MetadataValue.md(
            markdown_table(preview, ["document_id", "page", "method", "confidence", "chars", "text"])
        ),
    }


@dg.asset_check(
    asset=raw_ocr,
    partitions_def=documents_partitions,
    blocking=True,
    description="Every page of every read document of the run has a raw_ocr row (pages 1..page_count): "
    "entities are not extracted from a document with missing pages.",
)
def every_page_has_text(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    missing = warehouse.documents_with_missing_pages(context.partition_keys)
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents_checked": len(context.partition_keys),
            "documents_with_missing_pages": len(missing),
            "examples": dg.MetadataValue.md(
                markdown_table(missing, ["document_id", "filename", "page_count", "pages_read"])
            ),
        },
    )
