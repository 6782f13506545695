"""``documents``: every uploaded file, registered by content (document id = 16 hex of its SHA-256)."""


from collections import Counter

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from oceanid_dagster.assets.batch import (
    WAREHOUSE_WRITER,
    REGISTERED,
    batch_documents,
    describe_error,
    fail_if_last_stage,
    mark_failed_sql,
    markdown_table,
    utc_now,
)
from oceanid_dagster.domain.documents import display_filename, document_id_from_sha256, sha256_hex
from oceanid_dagster.pdf_reading import DocumentRejected, page_count
from oceanid_dagster.resources.document_store import DocumentStoreResource, UploadedFile
from oceanid_dagster.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.resources.warehouse import WarehouseResource


def registration_row(upload: UploadedFile, sha256: str) -> dict:
    return {
        "document_id": document_id_from_sha256(sha256),
        "sha256": sha256,
        "filename": display_filename(upload.name),
        "source_uri": upload.uri,
        "size_bytes": upload.size_bytes,
        "page_count": None,
        "status": REGISTERED,
        "error": None,
        "registered_at": utc_now(),
        "processed_at": None,
    }


def register_documents(warehouse: WarehouseResource, rows: list[dict]) -> list[str]:
    """Insert registration rows; a document id seen before (same bytes, any name) is left as it is.

    Returns the ids that were new.
    """
    if not rows:
        return []
    unique = list({row["document_id"]: row for row in reversed(rows)}.values())[::-1]
    ids = [row["document_id"] for row in unique]
    known = {row["document_id"] for row in batch_documents(warehouse, ids)}
    new_rows = [row for row in unique if row["document_id"] not in known]
    warehouse.upsert_rows("documents", new_rows)
    return [row["document_id"] for row in new_rows]


@asset(
    **WAREHOUSE_WRITER,
    kinds={"pdf", "duckdb"},
    description="Uploaded vessel documents, one partition per document id. Checks that each file is still "
    "there with the same bytes, within the size and page limits, and opens as a PDF.",
)
def documents(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
    ocr_engine: OcrEngineResource,
) -> MaterializeResult:
    rows = batch_documents(warehouse, context.partition_keys)
    statements = []
    for row in rows:
        try:
            pages = _validate(row, document_store, ocr_engine)
            statements.append(
                (
                    "UPDATE documents SET page_count = ?, status = ?, error = NULL, processed_at = NULL "
                    "WHERE document_id = ?",
                    [pages, REGISTERED, row["document_id"]],
                )
            )
            row.update(page_count=pages, status=REGISTERED, error=None)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
            reason = describe_error(error)
            context.log.error(f"{row['filename']} ({row['document_id']}): {reason}")
            statements.append(mark_failed_sql(row["document_id"], reason))
            row.update(status="failed", error=reason)
    warehouse.execute_many(statements)
    fail_if_last_stage(context, warehouse)
    statuses = Counter(row["status"] for row in rows)
    return MaterializeResult(
        metadata={
            "documents": len(rows),
            "readable": statuses[REGISTERED],
            "failed": statuses["failed"],
            "pages": sum(row["page_count"] or 0 for row in rows),
            "bytes": sum(row["size_bytes"] for row in rows),
            "preview": MetadataValue.md(
                markdown_table(rows, ["document_id", "filename", "page_count", "size_bytes", "status", "error"])
            ),
        }
    )


def _validate(row: dict, document_store: DocumentStoreResource, ocr_engine: OcrEngineResource) -> int:
    data = document_store.read_bytes(row["source_uri"], max_bytes=document_store.max_document_bytes)
    if sha256_hex(data) != row["sha256"]:
        raise DocumentRejected(f"{row['source_uri']} changed after it was registered; upload it again")
    return page_count(data, ocr_engine.max_pages)
