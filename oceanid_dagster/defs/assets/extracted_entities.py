"""``extracted_entities``: vessel entities of every page, with char offsets into the page text."""

from collections import Counter
from collections.abc import Iterator
from itertools import groupby

import dagster as dg

from oceanid_dagster.defs.assets.batch import (
    chunks,
    describe_error,
    fail_if_last_stage,
    log_failure,
    readable_documents,
)
from oceanid_dagster.defs.assets.raw_ocr import raw_ocr
from oceanid_dagster.defs.assets.span_checks import span_text_check
from oceanid_dagster.defs.automation import RE_EXTRACT_ON_RELEASE
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource, RegistryListsUnavailableError
from oceanid_dagster.defs.resources.warehouse import WarehouseResource, utc_now
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.identifiers import validate_identifier
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.inference.extractors import (
    Collect,
    Extractor,
    PageEntities,
    RulePool,
    rules_version,
    start_extraction,
)
from oceanid_dagster.settings import available_cores

DOCUMENTS_PER_CHUNK = 32
PREVIEW_ENTITIES = 30
REGISTRY_VESSELS = "registry_vessels"


def load_gazetteer(warehouse: WarehouseResource, registry_lists: RegistryListsResource) -> tuple[Gazetteer | None, str]:
    """The registry names to recognise, and where they came from (said in the asset's metadata)."""
    records = warehouse.registry_for_gazetteer()
    if records:
        return Gazetteer.from_records(records), REGISTRY_VESSELS
    try:
        records, origin = registry_lists.sample_instead("registry_vessels is empty (vessel_registry not materialised)")
    except RegistryListsUnavailableError as error:
        dg.get_dagster_logger().warning(f"extracting without a gazetteer: {error}")
        return None, "none: registry_vessels is empty (materialise vessel_registry)"
    return Gazetteer.from_records(records), origin


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


@dg.asset(
    deps=[raw_ocr, dg.AssetKey("ner_model_release")],
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"onnx", "duckdb"},
    # The rules' version; the release's revision arrives as the data version of ner_model_release.
    code_version=rules_version(),
    automation_condition=RE_EXTRACT_ON_RELEASE,
    description="Vessel entities per page (label, char offsets, confidence, source, model version): the "
    "latest released NER model, or the rule-based bootstrap extractor before the first release. "
    "A new release re-extracts every document already extracted.",
)
def extracted_entities(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    ner_runtime: NerRuntimeResource,
    registry_lists: RegistryListsResource,
) -> dg.MaterializeResult:
    gazetteer, gazetteer_origin = load_gazetteer(warehouse, registry_lists)
    rows = readable_documents(warehouse, context.partition_keys)
    labels: Counter = Counter()
    preview: list[dict] = []
    done = 0
    with RulePool(gazetteer, ner_runtime.rule_workers or available_cores()) as rules:
        extractor = ner_runtime.load_extractor(gazetteer, rules=rules)
        context.log.info(f"extractor: {extractor.source} {extractor.version}; gazetteer: {gazetteer_origin}")
        # one chunk is read while the one before it is written
        for chunk in _extracted_chunks(context, warehouse, extractor, rows):
            entities, predictions, failures = chunk
            warehouse.replace_document_entities(entities, predictions, failures, processed_at=utc_now())
            for document_rows in entities.values():
                labels.update(row["label"] for row in document_rows)
                preview.extend(document_rows[: max(0, PREVIEW_ENTITIES - len(preview))])
            done += len(entities)
            context.log.info(f"extracted_entities: {done} of {len(rows)} documents")
    fail_if_last_stage(context, warehouse)
    return dg.MaterializeResult(
        metadata={
            "documents": done,
            "entities": sum(labels.values()),
            "extractor": f"{extractor.source} {extractor.version}",
            "gazetteer": gazetteer_origin,
            "entities_by_label": dg.MetadataValue.json({label: labels[label] for label in LABEL_NAMES}),
            "preview": dg.MetadataValue.md(
                markdown_table(preview, ["document_id", "page_number", "label", "text", "confidence"])
            ),
        }
    )


ChunkResult = tuple[dict[str, list[dict]], dict[str, list[dict]], dict[str, str]]


def _extracted_chunks(
    context, warehouse: WarehouseResource, extractor: Extractor, rows: list[dict]
) -> Iterator[ChunkResult]:
    """Entity rows, prediction rows and failures of ``DOCUMENTS_PER_CHUNK`` documents at a time;
    the next chunk's pages are already being read (by the rules' processes) while the caller writes."""
    pending = None
    for chunk in chunks(rows, DOCUMENTS_PER_CHUNK):
        started = _start_chunk(warehouse, extractor, chunk)
        if pending is not None:
            yield _finish_chunk(context, extractor, *pending)
        pending = (chunk, *started)
    if pending is not None:
        yield _finish_chunk(context, extractor, *pending)


def _start_chunk(
    warehouse: WarehouseResource, extractor: Extractor, chunk: list[dict]
) -> tuple[dict[str, list[dict]], Collect | None]:
    pages = warehouse.pages_of_documents([row["document_id"] for row in chunk])
    pages_by_document = {key: list(group) for key, group in groupby(pages, key=lambda page: page["document_id"])}
    texts = [page["text"] for row in chunk for page in pages_by_document.get(row["document_id"], [])]
    try:
        return pages_by_document, start_extraction(extractor, texts)
    except Exception:  # read document by document below, so that one bad document fails alone
        return pages_by_document, None


def _finish_chunk(
    context, extractor: Extractor, chunk: list[dict], pages_by_document: dict[str, list[dict]], collect: Collect | None
) -> ChunkResult:
    try:
        found_pages = collect() if collect is not None else None
    except Exception:
        found_pages = None
    entities, predictions, failures = {}, {}, {}
    offset = 0
    for row in chunk:
        document_id = row["document_id"]
        document_pages = pages_by_document.get(document_id, [])
        at = utc_now()
        try:
            if not document_pages:
                raise ValueError("no raw_ocr pages: materialise raw_ocr for this document first")
            if found_pages is not None:
                found = found_pages[offset : offset + len(document_pages)]
            else:
                found = extractor.extract_pages([page["text"] for page in document_pages])
        except Exception as error:
            failures[document_id] = describe_error(error)
            log_failure(context, row, failures[document_id])
            continue
        finally:
            offset += len(document_pages)
        pairs = list(zip(document_pages, found, strict=True))
        predictions[document_id] = [prediction_row(document_id, page, f, extractor, at) for page, f in pairs]
        entities[document_id] = [r for page, f in pairs for r in entity_rows(document_id, page, f, extractor, at)]
    return entities, predictions, failures


@dg.asset_check(
    asset=extracted_entities,
    partitions_def=documents_partitions,
    blocking=True,
    description="Every entity of the run's documents has the text of its page at its offsets: no "
    "misplaced span travels on to Argilla.",
)
def entity_text_matches_page(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    columns = ["document_id", "page_number", "start_char", "end_char", "label", "text"]
    return span_text_check(warehouse, "entities", columns, document_ids=context.partition_keys)


@dg.asset_check(
    asset=extracted_entities,
    partitions_def=documents_partitions,
    description="Identifiers (IMO, MMSI, IRCS, FLAG) of the run's documents that fail their validator.",
)
def identifiers_pass_validators(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    identifiers = warehouse.identifier_entities(context.partition_keys)
    failing = []
    for row in identifiers:
        ok, _, reason = validate_identifier(row["label"], row["text"])
        if not ok:
            failing.append({**row, "reason": reason})
    return dg.AssetCheckResult(
        passed=not failing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "identifiers": len(identifiers),
            "failing": len(failing),
            "failing_by_label": dg.MetadataValue.json(dict(Counter(row["label"] for row in failing))),
            "examples": dg.MetadataValue.md(
                markdown_table(failing, ["document_id", "page_number", "label", "text", "reason"])
            ),
        },
    )
