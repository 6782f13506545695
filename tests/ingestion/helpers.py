from __future__ import annotations

from pathlib import Path

from dagster import materialize

from oceanid_dagster.defs.assets.documents import Upload, registration_row
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import UploadedFile
from oceanid_dagster.defs.selections import ingestion_definitions
from oceanid_dagster.defs.sensors.upload_sensor import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from oceanid_dagster.domain.documents import sha256_hex

INGESTION = ingestion_definitions()


def upload(home: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = home / "uploads" / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def uploads_of(paths: list[Path]) -> list[Upload]:
    return [
        Upload.of(
            UploadedFile(str(path), path.name, path.stat().st_size, path.stat().st_mtime), sha256_hex(path.read_bytes())
        )
        for path in paths
    ]


def register(resources: dict, instance, paths: list[Path]) -> list[str]:
    """What an ingestion run's documents step does first: the documents rows and their partitions."""
    rows = [registration_row(upload) for upload in uploads_of(paths)]
    resources["warehouse"].register_documents(rows)
    ids = list(dict.fromkeys(row["document_id"] for row in rows))
    instance.add_dynamic_partitions(documents_partitions.name, ids)
    return ids


def run_batch(instance, resources: dict, document_ids: list[str], selection=None, run_config=None):
    """One run over the whole batch, as the run the upload sensor asks for (a partition range)."""
    return materialize(
        INGESTION,
        instance=instance,
        resources=resources,
        selection=selection,
        run_config=run_config,
        tags={PARTITION_RANGE_START_TAG: document_ids[0], PARTITION_RANGE_END_TAG: document_ids[-1]},
        raise_on_error=False,
    )


def rows_per_document(warehouse, table: str) -> dict[str, int]:
    return {
        row["document_id"]: row["n"]
        for row in warehouse.query(f"SELECT document_id, count(*) AS n FROM {table} GROUP BY document_id")
    }
