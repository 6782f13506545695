"""``argilla_records``: one Argilla record per OCR page (id ``document_id:page``), the extractor's
spans as suggestions and the model's page uncertainty as sortable metadata, so annotators take the
pages the model is least sure about first. A re-push replaces suggestions only."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from oceanid_dagster.defs.assets.batch import chunks, fail_if_last_stage
from oceanid_dagster.defs.assets.extracted_entities import extracted_entities
from oceanid_dagster.defs.automation import SUGGEST_AFTER_EXTRACTION
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.argilla import ArgillaResource, ArgillaUnavailableError, argilla_configured
from oceanid_dagster.defs.resources.warehouse import PROCESSED, WarehouseResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.annotation import AnnotationPage, record_id
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.domain.spans import Span

DOCUMENTS_PER_PUSH = 100


@contextmanager
def failing_clearly_without_argilla(consequence: str) -> Iterator[None]:
    """Argilla down or hung after every retry: one clear Dagster failure, saying what it left behind."""
    try:
        yield
    except ArgillaUnavailableError as error:
        raise dg.Failure(description=f"{error}. {consequence}") from None


def annotation_pages(warehouse: WarehouseResource, document_ids: list[str]) -> list[AnnotationPage]:
    """Every extracted page of these (processed) documents, with its suggested spans."""
    spans: dict[tuple[str, int], list[Span]] = defaultdict(list)
    for row in warehouse.entities_of_documents(document_ids):
        spans[(row["document_id"], row["page_number"])].append(
            Span(row["start_char"], row["end_char"], row["label"], row["confidence"])
        )
    return [
        AnnotationPage(
            document_id=page["document_id"],
            page_number=page["page_number"],
            text=page["text"],
            filename=page["filename"],
            extractor_version=page["model_version"],
            spans=tuple(spans[(page["document_id"], page["page_number"])]),
            uncertainty=page["uncertainty"],
        )
        for page in warehouse.pages_for_annotation(document_ids)
    ]


def _uncertain_pages_table(pages: list[AnnotationPage]) -> str:
    most_uncertain = sorted(pages, key=lambda page: -page.model_uncertainty)[:10]
    rows = [
        {
            "record_id": page.record_id,
            "filename": page.filename,
            "uncertainty": page.model_uncertainty,
            "suggestions": len(page.spans),
        }
        for page in most_uncertain
    ]
    return markdown_table(rows, ["record_id", "filename", "uncertainty", "suggestions"])


def _records_metadata(pages: list[AnnotationPage], skipped: list[str], dataset_url: str) -> dict:
    labels = Counter(span.label for page in pages for span in page.spans)
    return {
        "documents": len({page.document_id for page in pages}),
        "records_pushed": len(pages),
        "suggestions": sum(labels.values()),
        "suggestions_by_label": dg.MetadataValue.json({label: labels[label] for label in LABEL_NAMES}),
        "pages_without_suggestions": sum(1 for page in pages if not page.spans),
        "extractor_versions": dg.MetadataValue.json(sorted({page.extractor_version for page in pages})),
        "skipped_documents": dg.MetadataValue.json(skipped),
        "dataset_url": dg.MetadataValue.url(dataset_url),
        "most_uncertain_pages": dg.MetadataValue.md(_uncertain_pages_table(pages)),
    }


@dg.asset(
    deps=[extracted_entities],
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="annotation",
    kinds={"argilla"},
    code_version=source_version("defs/assets/argilla_records.py", "domain/annotation.py"),
    # New and re-extracted documents are pushed (suggestions replaced), where Argilla is configured.
    automation_condition=SUGGEST_AFTER_EXTRACTION if argilla_configured() else None,
    description="One Argilla record per page (id document_id:page) with the extracted entities as "
    "suggestions (score, agent = extractor version) and the model's page uncertainty as sortable "
    "metadata. Re-running replaces suggestions and never touches people's responses.",
)
def argilla_records(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> dg.MaterializeResult:
    rows = warehouse.documents_by_id(context.partition_keys)
    processed = [row["document_id"] for row in rows if row["status"] == PROCESSED]
    skipped = [key for key in context.partition_keys if key not in processed]
    if skipped:
        context.log.warning(f"{len(skipped)} documents are not processed (failed or not extracted yet): {skipped}")
    pushed: list[AnnotationPage] = []
    with failing_clearly_without_argilla("Pushing again is safe: records are upserted by id."):
        dataset_id = argilla.ensure_dataset()
        for chunk in chunks(processed, DOCUMENTS_PER_PUSH):
            pages = annotation_pages(warehouse, chunk)
            argilla.upsert_pages(pages)
            pushed.extend(pages)
            context.log.info(f"argilla_records: {len(pushed)} records pushed")
    fail_if_last_stage(context, warehouse)
    return dg.MaterializeResult(metadata=_records_metadata(pushed, skipped, argilla.dataset_url(dataset_id)))


@dg.asset_check(
    asset=argilla_records,
    description="Every page of every document pushed to Argilla has its record there (none deleted by hand).",
)
def every_pushed_page_has_a_record(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> dg.AssetCheckResult:
    pushed = sorted(context.instance.get_materialized_partitions(argilla_records.key))
    pages = warehouse.pages_for_annotation(pushed)
    expected = {record_id(page["document_id"], page["page_number"]) for page in pages}
    missing = sorted(expected - argilla.record_ids())
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "pages": len(expected),
            "missing_records": len(missing),
            "missing_examples": dg.MetadataValue.json(missing[:20]),
        },
    )
