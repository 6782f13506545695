"""``argilla_corrections``: people's submitted and discarded Argilla responses → ``entity_corrections``.

What is new is read from the warehouse, not from run history: ``annotated_pages`` holds, per
record, the response whose rows ``entity_corrections`` holds, written in the same transaction as
those rows. A run cut short therefore resumes after its last stored page, and a response stored
once (same record, same time) is never counted again.
"""

import json
from collections import Counter
from dataclasses import asdict
from datetime import timedelta

import dagster as dg

from oceanid_dagster.defs.assets.argilla_records import failing_clearly_without_argilla
from oceanid_dagster.defs.assets.span_checks import span_text_check
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.resources.warehouse import PageCorrections, WarehouseResource, utc_now
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.annotation import AnnotatedPage
from oceanid_dagster.domain.corrections import (
    CORRECTIONS,
    CorrectionRow,
    RejectedSpan,
    judged_suggestions_by_label,
    latest_unsynced,
    page_corrections,
)


def new_annotated_pages(warehouse: WarehouseResource, argilla: ArgillaResource) -> list[AnnotatedPage]:
    """Final responses the warehouse does not hold yet, the newest per record, oldest first."""
    through = warehouse.corrections_synced_through()
    # Fetch from the stored time itself (inclusive): another response stamped the same microsecond
    # may not be stored yet; those already stored are filtered out by record below.
    since = through - timedelta(microseconds=1) if through is not None else None
    fetched = argilla.fetch_annotated_pages(since=since)
    return latest_unsynced(fetched, warehouse.annotated_page_times({page.record_id for page in fetched}))


def _rejected_json(rejected: list[RejectedSpan]) -> str:
    return json.dumps([{"span": item.span, "reason": item.reason} for item in rejected], default=repr)


def stored_page(page: AnnotatedPage, rows: list[CorrectionRow], rejected: list[RejectedSpan], at) -> PageCorrections:
    """The page's correction rows and its ``annotated_pages`` row, as they are stored together."""
    annotated_page = {
        "record_id": page.record_id,
        "document_id": page.document_id,
        "page_number": page.page_number,
        "annotator": page.annotator,
        "response_status": page.status,
        "submitted_at": page.submitted_at,
        "corrections": len(rows),
        "rejected_spans": _rejected_json(rejected),
        "synced_at": at,
    }
    return PageCorrections(page.record_id, [asdict(row) for row in rows], annotated_page)


def _acceptance_table(rows: list[CorrectionRow]) -> dg.MetadataValue:
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("label", "string"),
            dg.TableColumn("accepted", "int"),
            dg.TableColumn("judged", "int"),
            dg.TableColumn("acceptance_rate", "float"),
        ]
    )
    records = [
        dg.TableRecord(
            {"label": label, "accepted": accepted, "judged": judged, "acceptance_rate": round(accepted / judged, 4)}
        )
        for label, (accepted, judged) in judged_suggestions_by_label(rows).items()
    ]
    return dg.MetadataValue.table(records, schema)


def _corrections_metadata(pages: list[AnnotatedPage], rows: list[CorrectionRow], rejected: list[RejectedSpan]) -> dict:
    kinds = Counter(row.correction for row in rows)
    rejected_rows = [{"record_id": item.record_id, "span": item.span, "reason": item.reason} for item in rejected]
    return {
        "pages_corrected": len(pages),
        "pages_by_status": dg.MetadataValue.json(dict(Counter(page.status for page in pages))),
        "annotators": dg.MetadataValue.json(dict(Counter(page.annotator for page in pages))),
        "rows_written": len(rows),
        "corrections_by_kind": dg.MetadataValue.json({kind: kinds[kind] for kind in CORRECTIONS}),
        "acceptance_rate_by_label": _acceptance_table(rows),
        "rejected_spans": len(rejected),
        "rejected_span_reasons": dg.MetadataValue.md(markdown_table(rejected_rows, ["record_id", "span", "reason"])),
        "synced_through": pages[-1].submitted_at.isoformat() if pages else None,
        "preview": dg.MetadataValue.md(
            markdown_table(
                [asdict(row) for row in rows],
                ["record_id", "label", "text", "correction", "original_label", "annotator"],
            )
        ),
    }


# People's answers live in Argilla, outside Dagster. Declaring them as the upstream (rather than
# argilla_records, which pushes the other way) keeps the loop a graph without a cycle: the model
# release is upstream of extracted_entities, and the corrections feed the next release.
argilla_responses = dg.AssetSpec(
    "argilla_responses",
    group_name="annotation",
    kinds={"argilla"},
    description="Submitted and discarded responses of annotators in the Argilla dataset (outside Dagster; "
    "annotation_sensor watches them).",
)


@dg.asset(
    deps=[argilla_responses],
    group_name="annotation",
    kinds={"argilla", "duckdb"},
    code_version=source_version("defs/assets/argilla_corrections.py", "domain/corrections.py"),
    description="People's submitted and discarded Argilla responses since the last run, compared span by "
    "span with the suggestions: entity_corrections rows (accept / modify / reject / add). Malformed "
    "spans are left out with their reason (annotated_pages.rejected_spans). Launched by annotation_sensor.",
)
def argilla_corrections(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, argilla: ArgillaResource
) -> dg.MaterializeResult:
    with failing_clearly_without_argilla("Nothing was written; the next run picks up every response."):
        pages = new_annotated_pages(warehouse, argilla)
    at = utc_now()
    stored, all_rows, all_rejected = [], [], []
    for page in pages:
        rows, rejected = page_corrections(page)
        for item in rejected:
            context.log.warning(
                f"record {item.record_id} ({page.annotator}): span {item.span!r} left out: {item.reason}"
            )
        stored.append(stored_page(page, rows, rejected, at))
        all_rows.extend(rows)
        all_rejected.extend(rejected)
    warehouse.replace_page_corrections(stored)
    context.log.info(f"argilla_corrections: {len(pages)} pages, {len(all_rows)} correction rows")
    return dg.MaterializeResult(metadata=_corrections_metadata(pages, all_rows, all_rejected))


@dg.asset_check(
    asset=argilla_corrections,
    description="Every correction's text equals its page text at its offsets (the page was not re-read since).",
)
def corrections_match_page_text(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return span_text_check(warehouse, "entity_corrections", ["record_id", "label", "start_char", "end_char", "text"])


@dg.asset_check(
    asset=argilla_corrections,
    description="No annotated page had spans left out as malformed (outside the text, unknown label, overlapping).",
)
def no_malformed_response_spans(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    pages = warehouse.pages_with_malformed_spans()
    details = [
        {"record_id": page["record_id"], "annotator": page["annotator"], "span": item["span"], "reason": item["reason"]}
        for page in pages
        for item in json.loads(page["rejected_spans"])
    ]
    return dg.AssetCheckResult(
        passed=not details,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "pages_with_malformed_spans": len(pages),
            "malformed_spans": len(details),
            "examples": dg.MetadataValue.md(markdown_table(details, ["record_id", "annotator", "span", "reason"])),
        },
    )
