"""What the per-document stages share: a run processes a batch of document partitions.

One bad document never stops the others: its failure is recorded in ``documents`` (status
``failed`` with the reason) and the last stage selected in the run raises a Dagster failure that
names every failed file, after all the other documents are done.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

import dagster as dg

from oceanid_dagster.defs.metadata import markdown_list
from oceanid_dagster.defs.resources.document_store import (
    DocumentStoreResource,
    DocumentTooLargeError,
    UploadRefusedError,
)
from oceanid_dagster.defs.resources.warehouse import FAILED, WarehouseResource
from oceanid_dagster.domain.documents import sha256_hex
from oceanid_dagster.reading.pdf import DocumentRejected

# The per-document stages, in order; a run over a batch may select a prefix of them or all.
INGESTION_ORDER = (
    dg.AssetKey("documents"),
    dg.AssetKey("raw_ocr"),
    dg.AssetKey("extracted_entities"),
    dg.AssetKey("argilla_records"),
)


def describe_error(error: Exception) -> str:
    """A rejection says its reason as it is; anything else also names its exception type."""
    message = str(error) or type(error).__name__
    if isinstance(error, (DocumentRejected, DocumentTooLargeError, UploadRefusedError)):
        return message
    return f"{type(error).__name__}: {message}"


def registered_bytes(document_store: DocumentStoreResource, row: dict) -> bytes:
    """The document's bytes, read again from its source: exactly the content registered under its id,
    or a rejection (a file replaced under the same name is another document, found as a new upload)."""
    data = document_store.read_bytes(row["source_uri"], max_bytes=document_store.max_document_bytes)
    if sha256_hex(data) != row["sha256"]:
        raise DocumentRejected(
            f"{row['source_uri']} changed after it was registered (its content is no longer document "
            f"{row['document_id']}); the new content is registered as a new document when the file is found again"
        )
    return data


def log_failure(context: dg.AssetExecutionContext, row: dict, reason: str) -> None:
    context.log.error(f"{row['filename']} ({row['document_id']}): {reason}")


def readable_documents(warehouse: WarehouseResource, document_ids: Sequence[str]) -> list[dict]:
    """The batch's ``documents`` rows that no earlier stage has failed."""
    return [row for row in warehouse.documents_by_id(document_ids) if row["status"] != FAILED]


def chunks(items: Sequence, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def fail_if_last_stage(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    """Raise one Failure naming every failed document of the batch, once the run has no later stage."""
    in_run = context.run.asset_selection or set(context.job_def.asset_layer.executable_asset_keys)
    later_stages = INGESTION_ORDER[INGESTION_ORDER.index(context.asset_key) + 1 :]
    if any(key in in_run for key in later_stages):
        return
    rows = warehouse.documents_by_id(context.partition_keys)
    failed = [row for row in rows if row["status"] == FAILED]
    missing = sorted(set(context.partition_keys) - {row["document_id"] for row in rows})
    if not failed and not missing:
        return
    lines = [f"{row['filename']} ({row['document_id']}): {row['error']}" for row in failed]
    lines += [f"{document_id}: not registered in the documents table" for document_id in missing]
    _record_succeeded_partitions(context, {row["document_id"] for row in failed} | set(missing))
    raise dg.Failure(
        description=f"{len(lines)} of {len(context.partition_keys)} documents failed:\n" + "\n".join(lines),
        metadata={"failed_documents": dg.MetadataValue.md(markdown_list(lines))},
    )


def _record_succeeded_partitions(context: dg.AssetExecutionContext, failed: set[str]) -> None:
    """The step is about to fail for the batch: still mark the documents that went through as
    materialised, so the UI's partition status shows only the bad files as failed."""
    for partition in context.partition_keys:
        if partition not in failed:
            context.log_event(dg.AssetMaterialization(asset_key=context.asset_key, partition=partition))
