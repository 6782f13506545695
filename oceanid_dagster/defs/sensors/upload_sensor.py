"""``upload_sensor``: new files in the uploads folder/bucket → new document partitions → one batched run.

A tick lists the store, hashes the new files (the content hash names the document and so its
partition) and asks for one run over all the new documents; it writes nothing itself. The run's
``documents`` step registers the files it is handed in its config, so the warehouse is written by
runs alone (one writer at a time, through the ``warehouse`` pool). The same bytes under another
name are the same document: no new partition, no new run. The cursor (arrival time high-water mark
plus the files seen at exactly that time) lives in Dagster's storage, so a restart neither
reprocesses nor misses a file.
"""

import json
from dataclasses import dataclass, field

import dagster as dg

from oceanid_dagster.defs.assets.documents import Upload, documents_run_config
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.argilla import argilla_configured
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, UploadedFile

INGESTION_ASSETS = (dg.AssetKey("documents"), dg.AssetKey("raw_ocr"), dg.AssetKey("extracted_entities"))
ANNOTATION_ASSETS = (dg.AssetKey("argilla_records"),)
MAX_FILES_PER_TICK = 1000
# A run over several partitions of a dynamic partitions definition: keys from start to end, in the
# order they were added (the documents of one tick are added together, in this order).
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass
class UploadCursor:
    after: float = 0.0
    at_boundary: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, raw: str | None) -> "UploadCursor":
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(float(data["after"]), set(data["at_boundary"]))

    def serialise(self) -> str:
        return json.dumps({"after": self.after, "at_boundary": sorted(self.at_boundary)})

    def is_new(self, upload: UploadedFile) -> bool:
        return upload.arrived_at > self.after or (
            upload.arrived_at == self.after and upload.uri not in self.at_boundary
        )

    def advanced_past(self, uploads: list[UploadedFile]) -> "UploadCursor":
        if not uploads:
            return self
        newest = max(upload.arrived_at for upload in uploads)
        boundary = {upload.uri for upload in uploads if upload.arrived_at == newest}
        if newest == self.after:
            boundary |= self.at_boundary
        return UploadCursor(newest, boundary)


def new_documents(uploads: list[Upload], known: set[str]) -> list[Upload]:
    """One upload per document not known yet (the first file of each content), in arrival order."""
    seen, new = set(known), []
    for upload in uploads:
        if upload.document_id not in seen:
            seen.add(upload.document_id)
            new.append(upload)
    return new


def ingestion_run_request(uploads: list[Upload], asset_keys=INGESTION_ASSETS) -> dg.RunRequest:
    """One run over every new document: a partition range from the first to the last new key."""
    document_ids = [upload.document_id for upload in uploads]
    return dg.RunRequest(
        asset_selection=list(asset_keys),
        run_config=documents_run_config(uploads),
        tags={
            PARTITION_RANGE_START_TAG: document_ids[0],
            PARTITION_RANGE_END_TAG: document_ids[-1],
            "oceanid/trigger": "upload_sensor",
            "oceanid/documents": str(len(document_ids)),
        },
    )


def build_upload_sensor(push_to_argilla: bool) -> dg.SensorDefinition:
    """The upload sensor; with ``push_to_argilla`` its runs also push the pages to Argilla."""
    asset_keys = INGESTION_ASSETS + (ANNOTATION_ASSETS if push_to_argilla else ())

    @dg.sensor(
        name="upload_sensor",
        description="New content in the uploads folder or bucket adds document partitions and materialises "
        f"{' → '.join(key.to_user_string() for key in asset_keys)} for them in one batched run.",
        minimum_interval_seconds=10,
        default_status=dg.DefaultSensorStatus.RUNNING,
        asset_selection=list(asset_keys),
    )
    def upload_sensor(context: dg.SensorEvaluationContext, document_store: DocumentStoreResource):
        cursor = UploadCursor.parse(context.cursor)
        files = [file for file in document_store.list_files() if cursor.is_new(file)][:MAX_FILES_PER_TICK]
        if not files:
            return dg.SkipReason("no new uploads")
        uploads = [Upload.of(file, document_store.sha256(file.uri)) for file in files]
        known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
        new = new_documents(uploads, known)
        context.log.info(f"{len(files)} new files: {len(new)} new documents, {len(files) - len(new)} already known")
        next_cursor = cursor.advanced_past(files).serialise()
        if not new:
            context.update_cursor(next_cursor)
            return dg.SkipReason(f"{len(files)} new files, all already known documents")
        return dg.SensorResult(
            run_requests=[ingestion_run_request(new, asset_keys)],
            dynamic_partitions_requests=[documents_partitions.build_add_request([u.document_id for u in new])],
            cursor=next_cursor,
        )

    return upload_sensor


upload_sensor = build_upload_sensor(push_to_argilla=argilla_configured())
