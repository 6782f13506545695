"""The one partitioning of the project: a partition per uploaded document."""

import dagster as dg

# The key is the document id (16 hex of the content's SHA-256).
documents_partitions = dg.DynamicPartitionsDefinition(name="documents")
