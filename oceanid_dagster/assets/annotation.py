"""``argilla_records`` and ``argilla_corrections``: entities out to Argilla, people's corrections back.

``argilla_records`` pushes one record per OCR page (id ``document_id:page``) with the extractor's
spans as suggestions and the model's page uncertainty as sortable metadata, so annotators take
the pages the model is least sure about first. A re-push replaces suggestions only.

``argilla_corrections`` turns submitted and discarded responses into ``entity_corrections`` rows.
What is new is read from the warehouse, not from run history: ``annotated_pages`` holds, per
record, the response whose rows ``entity_corrections`` holds, written in the same transaction as
those rows. A run cut short therefore resumes after its last stored page, and a response stored
once (same record, same time) is never counted again.
"""

import json
from contextlib import contextmanager
from dataclasses import asdict
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    asset,
    asset_check,
)

from oceanid_dagster.assets.batch import PER_DOCUMENT_BATCH, PROCESSED, batch_documents, fail_if_last_stage, markdown_table, utc_now
from oceanid_dagster.assets.extracted_entities import extracted_entities
from oceanid_dagster.assets.span_checks import span_text_check
from oceanid_dagster.domain.annotation import AnnotatedPage, AnnotationPage, record_id
from oceanid_dagster.domain.corrections import (
    CORRECTIONS,
    CorrectionRow,
    RejectedSpan,
    judged_suggestions_by_label,
    latest_unsynced,
    page_corrections,
)
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.resources.argilla import ArgillaResource, ArgillaUnavailableError
from oceanid_dagster.resources.warehouse import Replacement, WarehouseResource

DOCUMENTS_PER_PUSH = 100

PAGES_SQL = """
SELECT o.document_id, o.page_number, o.text, d.filename, p.model_version, p.uncertainty
FROM raw_ocr o
JOIN documents d USING (document_id)
JOIN page_predictions p USING (document_id, page_number)
WHERE o.document_id IN (SELECT UNNEST(?)) AND d.status = ?
ORDER BY o.document_id, o.page_number
"""
ENTITIES_SQL = """
SELECT document_id, page_number, start_char, end_char, label, confidence
FROM entities WHERE document_id IN (SELECT UNNEST(?))
"""
ANNOTATED_PAGES_SQL = """
INSERT INTO annotated_pages (record_id, document_id, page_number, annotator, response_status, submitted_at,
                             corrections, rejected_spans, synced_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@contextmanager
def failing_clearly_without_argilla(consequence: str) -> Iterator[None]:
    """Argilla down or hung after every retry: one clear Dagster failure, saying what it left behind."""
    try:
        yield
    except ArgillaUnavailableError as error:
        raise Failure(description=f"{error}. {consequence}") from None


# --- argilla_records ------------------------------------------------------------------------------


def annotation_pages(warehouse: WarehouseResource, document_ids: Sequence[str]) -> list[AnnotationPage]:
    """Every extracted page of these (processed) documents, with its suggested spans."""
    pages = warehouse.query(PAGES_SQL, [list(document_ids), PROCESSED])
    spans: dict[tuple[str, int], list[Span]] = defaultdict(list)
    for row in warehouse.query(ENTITIES_SQL, [list(document_ids)]):
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
        for page in pages
    ]


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _records_metadata(pages: list[AnnotationPage], skipped: list[str], dataset_url: str) -> dict:
    labels = Counter(span.label for page in pages for span in page.spans)
    most_uncertain = sorted(pages, key=lambda page: -page.model_uncertainty)[:10]
    return {
        "documents": len({page.document_id for page in pages}),
        "records_pushed": len(pages),
        "suggestions": sum(labels.values()),
        "suggestions_by_label": MetadataValue.json({label: labels[label] for label in LABEL_NAMES}),
        "pages_without_suggestions": sum(1 for page in pages if not page.spans),
        "extractor_versions": MetadataValue.json(sorted({page.extractor_version for page in pages})),
        "skipped_documents": MetadataValue.json(skipped),
        "dataset_url": MetadataValue.url(dataset_url),
        "most_uncertain_pages": MetadataValue.md(
            markdown_table(
                [
                    {"record_id": p.record_id, "filename": p.filename, "uncertainty": p.model_uncertainty,
                     "suggestions": len(p.spans)}
                    for p in most_uncertain
                ],
                ["record_id", "filename", "uncertainty", "suggestions"],
            )
        ),
    }  # fmt: skip


@asset(
    deps=[extracted_entities],
    **PER_DOCUMENT_BATCH,
    group_name="annotation",
    kinds={"argilla"},
    description="One Argilla record per page (id document_id:page) with the extracted entities as "
    "suggestions (score, agent = extractor version) and the model's page uncertainty as sortable "
    "metadata. Re-running replaces suggestions and never touches people's responses.",
)
def argilla_records(
    context: AssetExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> MaterializeResult:
    rows = batch_documents(warehouse, context.partition_keys)
    processed = [row["document_id"] for row in rows if row["status"] == PROCESSED]
    skipped = [key for key in context.partition_keys if key not in processed]
    if skipped:
        context.log.warning(f"{len(skipped)} documents are not processed (failed or not extracted yet): {skipped}")
    pushed: list[AnnotationPage] = []
    with failing_clearly_without_argilla("Pushing again is safe: records are upserted by id."):
        dataset_id = argilla.ensure_dataset()
        for chunk in _chunks(processed, DOCUMENTS_PER_PUSH):
            pages = annotation_pages(warehouse, chunk)
            argilla.upsert_pages(pages)
            pushed.extend(pages)
        context.log.info(f"argilla_records: {len(pushed)} records pushed for {len(chunk)} more documents")
    fail_if_last_stage(context, warehouse)
    return MaterializeResult(metadata=_records_metadata(pushed, skipped, argilla.dataset_url(dataset_id)))


def _pushed_documents(context: AssetCheckExecutionContext) -> list[str]:
    return sorted(context.instance.get_materialized_partitions(argilla_records.key))


@asset_check(
    asset=argilla_records,
    description="Every page of every document pushed to Argilla has its record there (none deleted by hand).",
)
def every_pushed_page_has_a_record(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> AssetCheckResult:
    pages = warehouse.query(PAGES_SQL, [_pushed_documents(context), PROCESSED])
    expected = {record_id(page["document_id"], page["page_number"]) for page in pages}
    missing = sorted(expected - argilla.record_ids())
    return AssetCheckResult(
        passed=not missing,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "pages": len(expected),
            "missing_records": len(missing),
            "missing_examples": MetadataValue.json(missing[:20]),
        },
    )


# --- argilla_corrections --------------------------------------------------------------------------


def synced_through(warehouse: WarehouseResource) -> datetime | None:
    """Time of the newest response the warehouse holds: where the next fetch starts."""
    return warehouse.query("SELECT max(submitted_at) AS through FROM annotated_pages")[0]["through"]


def synced_times(warehouse: WarehouseResource, record_ids: set[str]) -> dict[str, datetime]:
    if not record_ids:
        return {}
    rows = warehouse.query(
        "SELECT record_id, submitted_at FROM annotated_pages WHERE record_id IN (SELECT UNNEST(?))",
        [sorted(record_ids)],
    )
    return {row["record_id"]: row["submitted_at"] for row in rows}


def new_annotated_pages(warehouse: WarehouseResource, argilla: ArgillaResource) -> list[AnnotatedPage]:
    """Final responses the warehouse does not hold yet, the newest per record, oldest first."""
    through = synced_through(warehouse)
    # Fetch from the stored time itself (inclusive): another response stamped the same microsecond
    # may not be stored yet; those already stored are filtered out by record below.
    since = through - timedelta(microseconds=1) if through is not None else None
    fetched = argilla.fetch_annotated_pages(since=since)
    return latest_unsynced(fetched, synced_times(warehouse, {page.record_id for page in fetched}))


def _rejected_json(rejected: list[RejectedSpan]) -> str:
    return json.dumps([{"span": item.span, "reason": item.reason} for item in rejected], default=repr)


def page_replacement(page: AnnotatedPage, rows: list[CorrectionRow], rejected: list[RejectedSpan], at) -> Replacement:
    """The page's correction rows and its ``annotated_pages`` row, replaced in one transaction."""
    page_row = [
        page.record_id, page.document_id, page.page_number, page.annotator, page.status, page.submitted_at,
        len(rows), _rejected_json(rejected), at,
    ]  # fmt: skip
    return Replacement(
        {"record_id": page.record_id},
        [asdict(row) for row in rows],
        [("DELETE FROM annotated_pages WHERE record_id = ?", [page.record_id]), (ANNOTATED_PAGES_SQL, page_row)],
    )


def _acceptance_table(rows: list[CorrectionRow]) -> MetadataValue:
    schema = TableSchema(
        columns=[
            TableColumn("label", "string"),
            TableColumn("accepted", "int"),
            TableColumn("judged", "int"),
            TableColumn("acceptance_rate", "float"),
        ]
    )
    records = [
        TableRecord({"label": label, "accepted": accepted, "judged": judged, "acceptance_rate": round(accepted / judged, 4)})
        for label, (accepted, judged) in judged_suggestions_by_label(rows).items()
    ]
    return MetadataValue.table(records, schema)


def _corrections_metadata(pages: list[AnnotatedPage], rows: list[CorrectionRow], rejected: list[RejectedSpan]) -> dict:
    kinds = Counter(row.correction for row in rows)
    return {
        "pages_corrected": len(pages),
        "pages_by_status": MetadataValue.json(dict(Counter(page.status for page in pages))),
        "annotators": MetadataValue.json(dict(Counter(page.annotator for page in pages))),
        "rows_written": len(rows),
        "corrections_by_kind": MetadataValue.json({kind: kinds[kind] for kind in CORRECTIONS}),
        "acceptance_rate_by_label": _acceptance_table(rows),
        "rejected_spans": len(rejected),
        "rejected_span_reasons": MetadataValue.md(
            markdown_table([{"record_id": r.record_id, "span": r.span, "reason": r.reason} for r in rejected],
                           ["record_id", "span", "reason"])
        ),
        "synced_through": pages[-1].submitted_at.isoformat() if pages else None,
        "preview": MetadataValue.md(
            markdown_table([asdict(row) for row in rows],
                           ["record_id", "label", "text", "correction", "original_label", "annotator"])
        ),
    }  # fmt: skip


@asset(
    deps=[argilla_records],
    pool="warehouse",
    group_name="annotation",
    kinds={"argilla", "duckdb"},
    description="People's submitted and discarded Argilla responses since the last run, compared span by "
    "span with the suggestions: entity_corrections rows (accept / modify / reject / add). Malformed "
    "spans are left out with their reason (annotated_pages.rejected_spans).",
)
def argilla_corrections(
    context: AssetExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> MaterializeResult:
    with failing_clearly_without_argilla("Nothing was written; the next run picks up every response."):
        pages = new_annotated_pages(warehouse, argilla)
    at = utc_now()
    replacements, all_rows, all_rejected = [], [], []
    for page in pages:
        rows, rejected = page_corrections(page)
        for item in rejected:
            context.log.warning(f"record {item.record_id} ({page.annotator}): span {item.span!r} left out: {item.reason}")
        replacements.append(page_replacement(page, rows, rejected, at))
        all_rows.extend(rows)
        all_rejected.extend(rejected)
    warehouse.replace_many("entity_corrections", replacements)
    context.log.info(f"argilla_corrections: {len(pages)} pages, {len(all_rows)} correction rows")
    return MaterializeResult(metadata=_corrections_metadata(pages, all_rows, all_rejected))


@asset_check(
    asset=argilla_corrections,
    description="Every correction's text equals its page text at its offsets (the page was not re-read since).",
)
def corrections_match_page_text(warehouse: WarehouseResource) -> AssetCheckResult:
    return span_text_check(warehouse, "entity_corrections", ["record_id", "label", "start_char", "end_char", "text"])


@asset_check(
    asset=argilla_corrections,
    description="No annotated page had spans left out as malformed (outside the text, unknown label, overlapping).",
)
def no_malformed_response_spans(warehouse: WarehouseResource) -> AssetCheckResult:
    pages = warehouse.query(
        "SELECT record_id, annotator, rejected_spans FROM annotated_pages WHERE rejected_spans <> '[]' ORDER BY record_id"
    )
    details = [
        {"record_id": page["record_id"], "annotator": page["annotator"], "span": item["span"], "reason": item["reason"]}
        for page in pages
        for item in json.loads(page["rejected_spans"])
    ]
    return AssetCheckResult(
        passed=not details,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "pages_with_malformed_spans": len(pages),
            "malformed_spans": len(details),
            "examples": MetadataValue.md(markdown_table(details, ["record_id", "annotator", "span", "reason"])),
        },
    )
