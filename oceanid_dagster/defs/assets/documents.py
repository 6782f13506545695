"""``documents``: every uploaded file, registered by content (document id = 16 hex of its SHA-256).

The run registers what the upload sensor (or ``oceanid ingest``) found: the sensor only lists and
hashes files and passes them in this asset's config, so the warehouse is written by runs alone.
"""

from collections import Counter

import dagster as dg
from pydantic import Field

from oceanid_dagster.defs.assets.batch import describe_error, fail_if_last_stage, log_failure, registered_bytes
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, UploadedFile
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.warehouse import FAILED, REGISTERED, WarehouseResource, utc_now
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.documents import display_filename, document_id_from_sha256
from oceanid_dagster.reading.pdf import page_count

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.


class Upload(dg.Config):
    """One file found in the uploads folder or bucket, with the hash that names its document."""

    uri: str
    name: str
    size_bytes: int
    sha256: str

    @classmethod
    def of(cls, file: UploadedFile, sha256: str) -> "Upload":
        return cls(uri=file.uri, name=file.name, size_bytes=file.size_bytes, sha256=sha256)

    @property
    def document_id(self) -> str:
        return document_id_from_sha256(self.sha256)


class DocumentsConfig(dg.Config):
    uploads: list[Upload] = Field(
        default_factory=list,
        description="Files found for this run's documents (set by upload_sensor and `oceanid ingest`); "
        "registered before they are checked. Documents registered earlier need none.",
    )


def documents_run_config(uploads: list[Upload]) -> dict:
    """Run config that hands the found files to the ``documents`` step of an ingestion run."""
    return {"ops": {"documents": {"config": {"uploads": [upload.model_dump() for upload in uploads]}}}}


def registration_row(upload: Upload) -> dict:
    return {
        "document_id": upload.document_id,
        "sha256": upload.sha256,
        "filename": display_filename(upload.name),
        "source_uri": upload.uri,
        "size_bytes": upload.size_bytes,
        "page_count": None,
        "status": REGISTERED,
        "error": None,
        "registered_at": utc_now(),
        "processed_at": None,
    }


@dg.asset(
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="warehouse",
    group_name="ingestion",
    kinds={"pdf", "duckdb"},
    code_version=source_version("defs/assets/documents.py", "reading/pdf.py"),
    description="Uploaded vessel documents, one partition per document id. Registers the files found for "
    "the run, then checks that each is still there with the same bytes, within the size and page limits, "
    "and opens as a PDF.",
)
def documents(
    context: dg.AssetExecutionContext,
    config: DocumentsConfig,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
    ocr_engine: OcrEngineResource,
) -> dg.MaterializeResult:
    batch = set(context.partition_keys)
    new_ids = warehouse.register_documents(
        [registration_row(upload) for upload in config.uploads if upload.document_id in batch]
    )
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
    return dg.MaterializeResult(metadata=_metadata(rows, len(new_ids)))


def _validate(row: dict, document_store: DocumentStoreResource, ocr_engine: OcrEngineResource) -> int:
    return page_count(registered_bytes(document_store, row), ocr_engine.max_pages)


def _metadata(rows: list[dict], newly_registered: int) -> dict:
    statuses = Counter(row["status"] for row in rows)
    return {
        "documents": len(rows),
        "newly_registered": newly_registered,
        "readable": statuses[REGISTERED],
        "failed": statuses[FAILED],
        "pages": sum(row["page_count"] or 0 for row in rows),
        "bytes": sum(row["size_bytes"] for row in rows),
        "preview": dg.MetadataValue.md(
            markdown_table(rows, ["document_id", "filename", "page_count", "size_bytes", "status", "error"])
        ),
    }
