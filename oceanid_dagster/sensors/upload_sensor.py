"""``upload_sensor``: new files in the uploads folder/bucket → registered documents → one batched run.

Many files arriving at once cost one backfill that runs as a single run (the ingestion assets
have ``BackfillPolicy.single_run()``), not one run each. The same bytes under another name are the
same document: no new partition, no new run. The cursor (arrival time high-water mark plus the
files seen at exactly that time) lives in Dagster's storage, so a restart neither reprocesses nor
misses a file.
"""


import json
import os
from dataclasses import dataclass, field

from dagster import (
    AssetKey,
    DefaultSensorStatus,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
from dagster._core.definitions.events import AssetKeyPartitionKey
from dagster import RunRequest

from oceanid_dagster.assets.documents import register_documents, registration_row
from oceanid_dagster.partitions import documents_partitions
from oceanid_dagster.resources.document_store import DocumentStoreResource, UploadedFile
from oceanid_dagster.resources.warehouse import WarehouseResource

INGESTION_ASSETS = (AssetKey("documents"), AssetKey("raw_ocr"), AssetKey("extracted_entities"))
ANNOTATION_ASSETS = (AssetKey("argilla_records"),)
MAX_FILES_PER_TICK = 1000


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


def ingestion_run_request(document_ids: list[str], asset_graph, asset_keys=INGESTION_ASSETS) -> RunRequest:
    """One backfill over every new document; single-run backfill policy makes it one run."""
    subset = AssetGraphSubset.from_asset_partition_set(
        {AssetKeyPartitionKey(key, document_id) for key in asset_keys for document_id in document_ids},
        asset_graph,
    )
    return RunRequest.for_asset_graph_subset(
        subset, tags={"oceanid/trigger": "upload_sensor", "oceanid/documents": str(len(document_ids))}
    )


def build_upload_sensor(push_to_argilla: bool):
    """The upload sensor; with ``push_to_argilla`` its runs also push the pages to Argilla."""
    asset_keys = INGESTION_ASSETS + (ANNOTATION_ASSETS if push_to_argilla else ())

    @sensor(
        name="upload_sensor",
        description="New content in the uploads folder or bucket registers documents and materialises "
        f"{' → '.join(key.to_user_string() for key in asset_keys)} for them in one batched run.",
        minimum_interval_seconds=10,
        default_status=DefaultSensorStatus.RUNNING,
        asset_selection=list(asset_keys),
    )
    def upload_sensor(
        context: SensorEvaluationContext, document_store: DocumentStoreResource, warehouse: WarehouseResource
    ):
        cursor = UploadCursor.parse(context.cursor)
        uploads = [upload for upload in document_store.list_files() if cursor.is_new(upload)][:MAX_FILES_PER_TICK]
        if not uploads:
            return SkipReason("no new uploads")
        rows = [registration_row(upload, document_store.sha256(upload.uri)) for upload in uploads]
        register_documents(warehouse, rows)
        known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
        new_ids = list(dict.fromkeys(row["document_id"] for row in rows if row["document_id"] not in known))
        context.log.info(f"{len(uploads)} new files: {len(new_ids)} new documents, {len(rows) - len(new_ids)} already known")
        next_cursor = cursor.advanced_past(uploads).serialise()
        if not new_ids:
            context.update_cursor(next_cursor)
            return SkipReason(f"{len(uploads)} new files, all already known documents")
        return SensorResult(
            run_requests=[ingestion_run_request(new_ids, context.repository_def.asset_graph, asset_keys)],
            dynamic_partitions_requests=[documents_partitions.build_add_request(new_ids)],
            cursor=next_cursor,
        )

    return upload_sensor


# Pages go to Argilla in the same run when an Argilla server is configured (make dev sets it).
upload_sensor = build_upload_sensor(push_to_argilla=bool(os.environ.get("ARGILLA_API_URL")))
