"""``ingestion_sensor``: document partitions that ``uploaded_files`` added → one ingestion run over them.

The run materialises ``documents`` → ``raw_ocr`` → ``extracted_entities`` (→ ``argilla_records``
where Argilla is configured) for the new partitions as one partition range, as a single-run
backfill would, but launched from this tick: automation would hand the partitions to a backfill,
which waits for the backfill daemon's next 30 s tick before the run is even created. Outside
Kubernetes the steps run in the run worker's own process (no interpreter started per step).

Partitions are only ever added, in order, so the cursor is how many of them were handed on: new
ones are the suffix after it. The run key names the range, so a tick retried after its runs were
created creates none twice; a run that crashes is retried by the instance (``run_retries``).
"""

from dataclasses import dataclass

import dagster as dg

from oceanid_dagster.defs.assets.batch import INGESTION_ORDER
from oceanid_dagster.defs.deployment import run_config_in_one_process
from oceanid_dagster.defs.partitions import documents_partitions, partition_range_tags
from oceanid_dagster.defs.resources.argilla import argilla_configured
from oceanid_dagster.defs.resources.profiles import current_profile
from oceanid_dagster.defs.sensors import EVERY_DAEMON_LOOP_S

MAX_DOCUMENTS_PER_RUN = 1000  # as many as upload_sensor registers per tick


def ingestion_assets() -> list[dg.AssetKey]:
    """The per-document stages an ingestion run materialises: Argilla's only where it is configured."""
    return [key for key in INGESTION_ORDER if key != dg.AssetKey("argilla_records") or argilla_configured()]


@dataclass(frozen=True)
class IngestionPlan:
    ranges: list[list[str]]  # consecutive partition keys, one run each
    handed_on: int  # partitions handed on after this tick (the next cursor)


def plan_ingestion(partition_keys: list[str], handed_on: int, max_per_run: int | None = None) -> IngestionPlan:
    """The partitions added since ``handed_on`` of them were handed on, in runs of ``max_per_run``."""
    max_per_run = max_per_run or MAX_DOCUMENTS_PER_RUN
    new = partition_keys[handed_on:]
    ranges = [new[start : start + max_per_run] for start in range(0, len(new), max_per_run)]
    return IngestionPlan(ranges, len(partition_keys))


def first_cursor(context: dg.SensorEvaluationContext, partition_keys: list[str]) -> int:
    """With no cursor yet (a new instance, or this sensor deployed onto an older one), the partitions
    up to the last one ``documents`` has materialised count as handed on; later ones are new."""
    done = context.instance.get_materialized_partitions(dg.AssetKey("documents"))
    return max((index + 1 for index, key in enumerate(partition_keys) if key in done), default=0)


def ingestion_run_request(document_ids: list[str], assets: list[dg.AssetKey]) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"documents {document_ids[0]}..{document_ids[-1]}",
        asset_selection=assets,
        run_config=run_config_in_one_process(current_profile()),
        tags={**partition_range_tags(document_ids), "oceanid/documents": str(len(document_ids))},
    )


@dg.sensor(
    name="ingestion_sensor",
    description="Document partitions added by uploaded_files runs are ingested by one run each tick: "
    "documents → raw_ocr → extracted_entities (→ argilla_records where Argilla is configured) over the new "
    "partition range.",
    minimum_interval_seconds=EVERY_DAEMON_LOOP_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
    asset_selection=list(INGESTION_ORDER),
)
def ingestion_sensor(context: dg.SensorEvaluationContext):
    partition_keys = list(context.instance.get_dynamic_partitions(documents_partitions.name))
    handed_on = int(context.cursor) if context.cursor else first_cursor(context, partition_keys)
    plan = plan_ingestion(partition_keys, handed_on)
    if not plan.ranges:
        return dg.SensorResult(skip_reason=f"no new documents ({len(partition_keys)} known)", cursor=str(handed_on))
    assets = ingestion_assets()
    context.log.info(f"{plan.handed_on - handed_on} new documents in {len(plan.ranges)} runs")
    return dg.SensorResult(
        run_requests=[ingestion_run_request(keys, assets) for keys in plan.ranges], cursor=str(plan.handed_on)
    )
