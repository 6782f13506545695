from __future__ import annotations

from pathlib import Path

from dagster import materialize
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from oceanid_dagster.defs.assets.documents import documents, register_documents, registration_row
from oceanid_dagster.defs.assets.extracted_entities import (
    entity_text_matches_page,
    extracted_entities,
    identifiers_pass_validators,
)
from oceanid_dagster.defs.assets.raw_ocr import every_page_has_text, raw_ocr
from oceanid_dagster.domain.documents import sha256_hex
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import UploadedFile

INGESTION = [documents, raw_ocr, extracted_entities, every_page_has_text, entity_text_matches_page, identifiers_pass_validators]


def upload(home: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = home / "uploads" / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def register(resources: dict, instance, paths: list[Path]) -> list[str]:
    rows = [
        registration_row(UploadedFile(str(path), path.name, path.stat().st_size, path.stat().st_mtime), sha256_hex(path.read_bytes()))
        for path in paths
    ]
    register_documents(resources["warehouse"], rows)
    ids = list(dict.fromkeys(row["document_id"] for row in rows))
    instance.add_dynamic_partitions(documents_partitions.name, ids)
    return ids


def run_batch(instance, resources: dict, document_ids: list[str], selection=None):
    """One run over the whole batch, as the single-run backfill the sensor launches does."""
    return materialize(
        INGESTION,
        instance=instance,
        resources=resources,
        selection=selection,
        tags={ASSET_PARTITION_RANGE_START_TAG: document_ids[0], ASSET_PARTITION_RANGE_END_TAG: document_ids[-1]},
        raise_on_error=False,
    )


def rows_per_document(warehouse, table: str) -> dict[str, int]:
    return {
        row["document_id"]: row["n"]
        for row in warehouse.query(f"SELECT document_id, count(*) AS n FROM {table} GROUP BY document_id")
    }
