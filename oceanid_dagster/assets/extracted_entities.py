"""``extracted_entities``: vessel entities of every page, with char offsets into the page text."""


from collections import Counter
from functools import lru_cache
from itertools import groupby, islice

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from oceanid_dagster.assets.batch import (
    WAREHOUSE_WRITER,
    FAILED,
    PROCESSED,
    batch_documents,
    describe_error,
    fail_if_last_stage,
    mark_failed_sql,
    markdown_table,
    utc_now,
)
from oceanid_dagster.assets.raw_ocr import raw_ocr
from oceanid_dagster.assets.span_checks import span_text_check
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.identifiers import validate_identifier
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.extraction import Extractor, PageEntities
from oceanid_dagster.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.resources.warehouse import Replacement, WarehouseResource

DOCUMENTS_PER_CHUNK = 32
REGISTRY_COLUMNS = (
    "vessel_name, imo, mmsi, ircs, flag, registration_number, port, owner, vessel_type, gear_type"
)


@lru_cache(maxsize=1)
def sample_gazetteer() -> Gazetteer:
    """The registry sample shipped with the package, until ``vessel_registry`` fills the warehouse."""
    from oceanid_dagster.samples.registry_csv import load_sample_registry

    return Gazetteer.from_records(load_sample_registry())


def load_gazetteer(warehouse: WarehouseResource) -> Gazetteer:
    records = warehouse.query(f"SELECT {REGISTRY_COLUMNS} FROM registry_vessels")
    return Gazetteer.from_records(records) if records else sample_gazetteer()


def entity_rows(document_id: str, page: dict, found: PageEntities, extractor: Extractor, at) -> list[dict]:
    return [
        {
            "document_id": document_id,
            "page_number": page["page_number"],
            "start_char": span.start,
            "end_char": span.end,
            "label": span.label,
            "text": span.text_in(page["text"]),
            "confidence": round(float(span.score), 4),
            "source": extractor.source,
            "model_version": extractor.version,
            "extracted_at": at,
        }
        for span in found.spans
    ]


def prediction_row(document_id: str, page: dict, found: PageEntities, extractor: Extractor, at) -> dict:
    return {
        "document_id": document_id,
        "page_number": page["page_number"],
        "model_version": extractor.version,
        "entity_count": len(found.spans),
        "uncertainty": found.uncertainty,
        "predicted_at": at,
    }


@asset(
    deps=[raw_ocr],
    **WAREHOUSE_WRITER,
    kinds={"onnx", "duckdb"},
    description="Vessel entities per page (label, char offsets, confidence, source, model version): the "
    "latest released NER model, or the rule-based bootstrap extractor before the first release.",
)
def extracted_entities(
    context: AssetExecutionContext, warehouse: WarehouseResource, ner_runtime: NerRuntimeResource
) -> MaterializeResult:
    extractor = ner_runtime.load_extractor(load_gazetteer(warehouse))
    context.log.info(f"extractor: {extractor.source} {extractor.version}")
    rows = [row for row in batch_documents(warehouse, context.partition_keys) if row["status"] != FAILED]
    labels: Counter = Counter()
    preview: list[dict] = []
    done = 0
    iterator = iter(rows)
    while chunk := list(islice(iterator, DOCUMENTS_PER_CHUNK)):
        entities, predictions, failures = _extract_chunk(context, warehouse, extractor, chunk)
        warehouse.replace_many("page_predictions", predictions)
        warehouse.replace_many("entities", entities)
        warehouse.execute_many(failures)
        for replacement in entities:
            labels.update(row["label"] for row in replacement.rows)
            preview.extend(replacement.rows[: max(0, 30 - len(preview))])
        done += len(entities)
        context.log.info(f"extracted_entities: {done} of {len(rows)} documents")
    fail_if_last_stage(context, warehouse)
    return MaterializeResult(
        metadata={
            "documents": done,
            "entities": sum(labels.values()),
            "extractor": f"{extractor.source} {extractor.version}",
            "entities_by_label": MetadataValue.json({label: labels[label] for label in LABEL_NAMES}),
            "preview": MetadataValue.md(
                markdown_table(preview, ["document_id", "page_number", "label", "text", "confidence"])
            ),
        }
    )


def _extract_chunk(context, warehouse: WarehouseResource, extractor: Extractor, chunk: list[dict]):
    pages = warehouse.query(
        "SELECT document_id, page_number, text FROM raw_ocr WHERE document_id IN (SELECT UNNEST(?)) "
        "ORDER BY document_id, page_number",
        [[row["document_id"] for row in chunk]],
    )
    pages_by_document = {key: list(group) for key, group in groupby(pages, key=lambda page: page["document_id"])}
    entities, predictions, failures = [], [], []
    for row in chunk:
        document_id = row["document_id"]
        document_pages = pages_by_document.get(document_id, [])
        at = utc_now()
        try:
            if not document_pages:
                raise ValueError("no raw_ocr pages: materialise raw_ocr for this document first")
            found = extractor.extract_pages([page["text"] for page in document_pages])
        except Exception as error:  # noqa: BLE001 - one bad document must not stop the batch
            reason = describe_error(error)
            context.log.error(f"{row['filename']} ({document_id}): {reason}")
            failures.append(mark_failed_sql(document_id, reason))
            continue
        done_sql = (
            "UPDATE documents SET status = ?, error = NULL, processed_at = ? WHERE document_id = ?",
            [PROCESSED, at, document_id],
        )
        key = {"document_id": document_id}
        predictions.append(
            Replacement(key, [prediction_row(document_id, page, f, extractor, at) for page, f in zip(document_pages, found)])
        )
        entities.append(
            Replacement(
                key,
                [r for page, f in zip(document_pages, found) for r in entity_rows(document_id, page, f, extractor, at)],
                [done_sql],
            )
        )
    return entities, predictions, failures


@asset_check(asset=extracted_entities, description="Every entity's text equals its page text at its offsets.")
def entity_text_matches_page(warehouse: WarehouseResource) -> AssetCheckResult:
    return span_text_check(warehouse, "entities", ["document_id", "page_number", "start_char", "end_char", "label", "text"])


@asset_check(asset=extracted_entities, description="Identifiers (IMO, MMSI, IRCS, FLAG) that fail their validator.")
def identifiers_pass_validators(warehouse: WarehouseResource) -> AssetCheckResult:
    identifiers = warehouse.query(
        "SELECT document_id, page_number, label, text FROM entities WHERE label IN ('IMO', 'MMSI', 'IRCS', 'FLAG')"
    )
    failing = []
    for row in identifiers:
        ok, _, reason = validate_identifier(row["label"], row["text"])
        if not ok:
            failing.append({**row, "reason": reason})
    by_label = Counter(row["label"] for row in failing)
    return AssetCheckResult(
        passed=not failing,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "identifiers": len(identifiers),
            "failing": len(failing),
            "failing_by_label": MetadataValue.json(dict(by_label)),
            "examples": MetadataValue.md(markdown_table(failing, ["document_id", "page_number", "label", "text", "reason"])),
        },
    )
