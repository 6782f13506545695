"""What the three ingestion stages share: a run processes a batch of document partitions.

One bad document never stops the others: its failure is recorded in ``documents`` (status
``failed`` with the reason) and the last stage selected in the run raises a Dagster failure that
names every failed file, after all the other documents are done.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from dagster import AssetExecutionContext, AssetKey, AssetMaterialization, BackfillPolicy, Failure, MetadataValue

from oceanid_dagster.partitions import documents_partitions
from oceanid_dagster.pdf_reading import DocumentRejected
from oceanid_dagster.resources.document_store import DocumentTooLargeError

from oceanid_dagster.resources.warehouse import WarehouseResource

# The per-document stages, in order; a run over a batch may select a prefix of them or all.
INGESTION_ORDER = (
    AssetKey("documents"),
    AssetKey("raw_ocr"),
    AssetKey("extracted_entities"),
    AssetKey("argilla_records"),
)
# What every per-document stage shares: a partition per document, one run per batch of them.
PER_DOCUMENT_BATCH = {
    "partitions_def": documents_partitions,
    "backfill_policy": BackfillPolicy.single_run(),
}
# Stages that write to the warehouse also take the "warehouse" pool (one DuckDB writer at a time).
WAREHOUSE_WRITER = {**PER_DOCUMENT_BATCH, "pool": "warehouse", "group_name": "ingestion"}

FAILED = "failed"
REGISTERED = "registered"
PROCESSED = "processed"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def batch_documents(warehouse: WarehouseResource, document_ids: Sequence[str]) -> list[dict]:
    """The ``documents`` rows of a batch, in the batch's order (unregistered ids are left out)."""
    if not document_ids:
        return []
    rows = warehouse.query(
        "SELECT * FROM documents WHERE document_id IN (SELECT UNNEST(?))", [list(document_ids)]
    )
    by_id = {row["document_id"]: row for row in rows}
    return [by_id[document_id] for document_id in document_ids if document_id in by_id]


def unregistered(warehouse: WarehouseResource, document_ids: Sequence[str]) -> list[str]:
    known = {row["document_id"] for row in batch_documents(warehouse, document_ids)}
    return [document_id for document_id in document_ids if document_id not in known]


def mark_failed_sql(document_id: str, reason: str) -> tuple[str, list]:
    return (
        "UPDATE documents SET status = ?, error = ?, processed_at = ? WHERE document_id = ?",
        [FAILED, reason, utc_now(), document_id],
    )


def mark_failed(warehouse: WarehouseResource, document_id: str, reason: str) -> None:
    warehouse.execute(*mark_failed_sql(document_id, reason))


def describe_error(error: Exception) -> str:
    """A rejection says its reason as it is; anything else also names its exception type."""
    message = str(error) or type(error).__name__
    if isinstance(error, (DocumentRejected, DocumentTooLargeError)):
        return message
    return f"{type(error).__name__}: {message}"


def fail_if_last_stage(context: AssetExecutionContext, warehouse: WarehouseResource) -> None:
    """Raise one Failure naming every failed document of the batch, once the run has no later stage."""
    in_run = context.run.asset_selection or set(context.job_def.asset_layer.executable_asset_keys)
    later_stage_selected = any(
        key in in_run for key in INGESTION_ORDER[INGESTION_ORDER.index(context.asset_key) + 1 :]
    )
    if later_stage_selected:
        return
    failed = [row for row in batch_documents(warehouse, context.partition_keys) if row["status"] == FAILED]
    missing = unregistered(warehouse, context.partition_keys)
    if not failed and not missing:
        return
    lines = [f"{row['filename']} ({row['document_id']}): {row['error']}" for row in failed]
    lines += [f"{document_id}: not registered in the documents table" for document_id in missing]
    _record_succeeded_partitions(context, {row["document_id"] for row in failed} | set(missing))
    raise Failure(
        description=f"{len(lines)} of {len(context.partition_keys)} documents failed:\n" + "\n".join(lines),
        metadata={"failed_documents": MetadataValue.md(_markdown_list(lines))},
    )


def _record_succeeded_partitions(context: AssetExecutionContext, failed: set[str]) -> None:
    """The step is about to fail for the batch: still mark the documents that went through as
    materialised, so the UI's partition status shows only the bad files as failed."""
    for partition in context.partition_keys:
        if partition not in failed:
            context.log_event(AssetMaterialization(asset_key=context.asset_key, partition=partition))


def _markdown_list(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line.replace('|', '/')}" for line in lines)


def markdown_table(rows: Sequence[dict], columns: Sequence[str], limit: int = 20) -> str:
    """A small markdown preview for the UI (cells shortened, pipes escaped)."""
    header = "| " + " | ".join(columns) + " |\n| " + " | ".join("---" for _ in columns) + " |\n"
    body = "".join(
        "| " + " | ".join(_cell(row.get(column)) for column in columns) + " |\n" for row in rows[:limit]
    )
    more = f"\n… and {len(rows) - limit} more rows" if len(rows) > limit else ""
    return header + body + more


def _cell(value: object, width: int = 60) -> str:
    text = "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"
