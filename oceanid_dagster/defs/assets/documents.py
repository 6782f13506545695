"""``documents``: every registered document (one partition per content), checked before it is read."""

from collections import Counter

import dagster as dg

from oceanid_dagster.defs.assets.batch import describe_error, fail_if_last_stage, log_failure, registered_bytes
from oceanid_dagster.defs.assets.uploaded_files import uploaded_files
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.warehouse import FAILED, REGISTERED, WarehouseResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.reading.pdf import page_count

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.


@dg.asset(
    deps=[uploaded_files],
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"pdf", "duckdb"},
    code_version=source_version("defs/assets/documents.py", "reading/pdf.py"),
    # New partitions (registered by uploaded_files) are ingested by ingestion_sensor's runs.
    description="Registered vessel documents, one partition per document id: each is checked to be still "
    "there with the same bytes, within the size and page limits, and to open as a PDF.",
)
def documents(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
    ocr_engine: OcrEngineResource,
) -> dg.MaterializeResult:
    rows = warehouse.documents_by_id(context.partition_keys)
    page_counts, failures = {}, {}
    for row in rows:
        try:
            page_counts[row["document_id"]] = _validate(row, document_store, ocr_engine)
            row.update(page_count=page_counts[row["document_id"]], status=REGISTERED, error=None)
        except Exception as error:
            failures[row["document_id"]] = reason = describe_error(error)
            log_failure(context, row, reason)
            row.update(status=FAILED, error=reason)
    warehouse.record_document_checks(page_counts, failures)
    fail_if_last_stage(context, warehouse)
    return dg.MaterializeResult(metadata=_metadata(rows))


def _validate(row: dict, document_store: DocumentStoreResource, ocr_engine: OcrEngineResource) -> int:
    return page_count(registered_bytes(document_store, row), ocr_engine.max_pages)


def _metadata(rows: list[dict]) -> dict:
    statuses = Counter(row["status"] for row in rows)
    return {
        "documents": len(rows),
        "readable": statuses[REGISTERED],
        "failed": statuses[FAILED],
        "pages": sum(row["page_count"] or 0 for row in rows),
        "bytes": sum(row["size_bytes"] for row in rows),
        "preview": dg.MetadataValue.md(
            markdown_table(rows, ["document_id", "filename", "page_count", "size_bytes", "status", "error"])
        ),
    }
