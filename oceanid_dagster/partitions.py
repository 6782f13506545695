from dagster import DynamicPartitionsDefinition

# One partition per uploaded document; the key is the document id (16 hex of the content's SHA-256).
documents_partitions = DynamicPartitionsDefinition(name="documents")
