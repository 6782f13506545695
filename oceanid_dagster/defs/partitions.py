"""The one partitioning of the project: a partition per uploaded document."""

import dagster as dg

# The key is the document id (16 hex of the content's SHA-256).
documents_partitions = dg.DynamicPartitionsDefinition(name="documents")

# A run over several documents at once (as ingestion_sensor asks for it, like a single-run backfill):
# keys from start to end, in the order they were added.
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_range_tags(document_ids: list[str]) -> dict[str, str]:
    return {PARTITION_RANGE_START_TAG: document_ids[0], PARTITION_RANGE_END_TAG: document_ids[-1]}
