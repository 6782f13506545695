"""The annotation loop in tests: fixture documents ingested for real, pushed to Argilla, corrections pulled."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from dagster import Definitions, materialize

from oceanid_dagster.defs.assets.argilla_corrections import (
    argilla_corrections,
    corrections_match_page_text,
    no_malformed_response_spans,
)
from oceanid_dagster.defs.assets.argilla_records import argilla_records, every_pushed_page_has_a_record
from oceanid_dagster.defs.partitions import partition_range_tags
from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.sensors.annotation_sensor import annotation_sensor
from tests.ingestion.helpers import register, run_batch, upload
from tests.pdf_fixtures import text_pdf

AUTHORISATION = """AUTHORISATION TO FISH - IOTC RECORD OF AUTHORISED VESSELS
Name of vessel: TAISEI MARU NO.24
IMO number: 9086758
Call sign: JILE
Flag State: Japan
Gross tonnage: 4,992 GT
Owner: TAISEIMARU KAIUN KAISHA, LTD"""
AUTHORISATION_PAGE_2 = """Page 2
Vessel type: purse seiner
Port of registry: Busan
Managed on behalf of Oceanic Fishery Corp"""
NOTICE = """IUU VESSEL NOTICE
The reefer IBUKI (IMO 9666481, call sign 3ELC8), flagged to Panama,
was sighted on 13 August 2025 transhipping without authorisation."""

ANNOTATION_ASSETS = [argilla_records, every_pushed_page_has_a_record]
CORRECTION_ASSETS = [argilla_corrections, corrections_match_page_text, no_malformed_response_spans]


def ingest(home: Path, resources: dict, instance) -> list[str]:
    """Two fixture documents (authorisation: 2 pages, notice: 1) through documents → extracted_entities."""
    paths = upload(
        home, {"authorisation.pdf": text_pdf(AUTHORISATION, AUTHORISATION_PAGE_2), "notice.pdf": text_pdf(NOTICE)}
    )
    ids = register(resources, instance, paths)
    assert run_batch(instance, resources, ids).success
    return ids


def with_argilla(resources: dict, argilla: ArgillaResource) -> dict:
    return {"warehouse": resources["warehouse"], "argilla": argilla}


def push_records(instance, resources: dict, argilla: ArgillaResource, document_ids: list[str], raise_on_error=True):
    """One run over the batch, as ingestion_sensor (or a single-run backfill) launches it."""
    return materialize(
        ANNOTATION_ASSETS,
        instance=instance,
        resources=with_argilla(resources, argilla),
        tags=partition_range_tags(document_ids),
        raise_on_error=raise_on_error,
    )


def sync_corrections(instance, resources: dict, argilla: ArgillaResource, raise_on_error=True):
    return materialize(
        CORRECTION_ASSETS, instance=instance, resources=with_argilla(resources, argilla), raise_on_error=raise_on_error
    )


def materialization_metadata(result, asset_name: str) -> dict:
    return {key: value.value for key, value in result.asset_materializations_for_node(asset_name)[0].metadata.items()}


def check_results(result) -> dict[str, bool]:
    return {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}


def corrections_table(warehouse) -> list[tuple]:
    return [
        tuple(row.values())
        for row in warehouse.query(
            "SELECT record_id, label, start_char, end_char, text, original_label, correction, annotator, "
            "response_status, submitted_at FROM entity_corrections ORDER BY record_id, start_char, label"
        )
    ]


def loop_definitions(argilla: ArgillaResource, warehouse) -> Definitions:
    return Definitions(
        assets=[argilla_records, argilla_corrections],
        sensors=[annotation_sensor],
        resources={"argilla": argilla, "warehouse": warehouse},
    )


def response_time(response: dict) -> datetime:
    """When Argilla stamped a response (UTC, naive in its answers)."""
    return datetime.fromisoformat(response["updated_at"]).replace(tzinfo=timezone.utc)
