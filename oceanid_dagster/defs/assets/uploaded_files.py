"""``uploaded_files``: the files ``upload_sensor`` found, hashed and registered as documents.

The sensor only lists the store; this run reads each file once (streamed: a large file or an S3
object never sits in memory), names its document by the content hash, writes the ``documents``
row of each new content and adds its partition. ``ingestion_sensor`` then ingests the new
partitions (``documents`` → ``raw_ocr`` → ``extracted_entities``) in one run.
"""

import dagster as dg
from pydantic import Field

from oceanid_dagster.defs.assets.batch import describe_error
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, UploadedFile
from oceanid_dagster.defs.resources.warehouse import REGISTERED, WarehouseResource, utc_now
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.documents import display_filename, document_id_from_sha256

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.


class FoundFile(dg.Config):
    """One file found in the uploads folder or bucket."""

    uri: str
    name: str
    size_bytes: int
    modified_at: float = Field(description="Seconds since the epoch: when the file (or object) last changed.")

    @classmethod
    def of(cls, file: UploadedFile) -> "FoundFile":
        return cls(uri=file.uri, name=file.name, size_bytes=file.size_bytes, modified_at=file.arrived_at)


class UploadedFilesConfig(dg.Config):
    files: list[FoundFile] = Field(default_factory=list, description="Set by upload_sensor or `oceanid ingest`.")


def uploaded_files_run_config(files: list[FoundFile]) -> dict:
    return {"ops": {"uploaded_files": {"config": {"files": [file.model_dump() for file in files]}}}}


def registration_row(file: FoundFile, sha256: str) -> dict:
    return {
        "document_id": document_id_from_sha256(sha256),
        "sha256": sha256,
        "filename": display_filename(file.name),
        "source_uri": file.uri,
        "size_bytes": file.size_bytes,
        "page_count": None,
        "status": REGISTERED,
        "error": None,
        "registered_at": utc_now(),
        "processed_at": None,
    }


@dg.asset(
    group_name="ingestion",
    kinds={"s3", "duckdb"},
    code_version=source_version("defs/assets/uploaded_files.py", "domain/documents.py"),
    description="Files found in the uploads folder or bucket, hashed (document id = 16 hex of the SHA-256) and "
    "registered: a documents row and a partition for each new content. The same bytes under another name are "
    "the same document. Materialised by upload_sensor's runs.",
)
def uploaded_files(
    context: dg.AssetExecutionContext,
    config: UploadedFilesConfig,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
) -> dg.MaterializeResult:
    unchanged = warehouse.unchanged_sources({file.uri: (file.size_bytes, file.modified_at) for file in config.files})
    rows, unreadable = [], []
    for file in config.files:
        if file.uri in unchanged:
            continue
        try:
            rows.append(registration_row(file, document_store.sha256(file.uri)))
        except Exception as error:
            unreadable.append({"uri": file.uri, "reason": describe_error(error)})
            context.log.warning(f"{file.uri}: not registered: {unreadable[-1]['reason']}")
    new_ids = warehouse.register_documents(rows)
    document_ids = list(dict.fromkeys(row["document_id"] for row in rows))
    partitions = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    to_add = [document_id for document_id in document_ids if document_id not in partitions]
    context.instance.add_dynamic_partitions(documents_partitions.name, to_add)
    context.log.info(f"{len(config.files)} files: {len(to_add)} new documents")
    return dg.MaterializeResult(
        metadata={
            "files": len(config.files),
            "new_documents": len(to_add),
            "known_content": len(rows) - len(new_ids),  # the same bytes as another file, here or before
            "unchanged_since_registered": len(unchanged),
            "unreadable": len(unreadable),
            "new_document_ids": dg.MetadataValue.json(to_add[:100]),
            "unreadable_files": dg.MetadataValue.md(markdown_table(unreadable, ["uri", "reason"])),
        }
    )
