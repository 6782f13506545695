from __future__ import annotations

from pathlib import Path

from dagster import materialize

from oceanid_dagster.defs.assets.uploaded_files import FoundFile, registration_row
from oceanid_dagster.defs.partitions import documents_partitions, partition_range_tags
from oceanid_dagster.defs.resources.document_store import UploadedFile
from oceanid_dagster.defs.selections import ingestion_definitions
from oceanid_dagster.domain.documents import sha256_hex

INGESTION = ingestion_definitions()


def upload(home: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = home / "uploads" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def found_files(paths: list[Path]) -> list[FoundFile]:
    return [
        FoundFile.of(UploadedFile(str(path), path.name, path.stat().st_size, path.stat().st_mtime)) for path in paths
    ]


def register(resources: dict, instance, paths: list[Path]) -> list[str]:
    """What an uploaded_files run does: the documents rows and their partitions."""
    rows = [registration_row(file, sha256_hex(Path(file.uri).read_bytes())) for file in found_files(paths)]
    resources["warehouse"].register_documents(rows)
    ids = list(dict.fromkeys(row["document_id"] for row in rows))
    instance.add_dynamic_partitions(documents_partitions.name, ids)
    return ids


def run_batch(instance, resources: dict, document_ids: list[str], selection=None):
    """One run over the whole batch, as ingestion_sensor launches for new documents."""
    return materialize(
        INGESTION,
        instance=instance,
        resources=resources,
        selection=selection,
        tags=partition_range_tags(document_ids),
        raise_on_error=False,
    )


def rows_per_document(warehouse, table: str) -> dict[str, int]:
    return {
        row["document_id"]: row["n"]
        for row in warehouse.query(f"SELECT document_id, count(*) AS n FROM {table} GROUP BY document_id")
    }
