"""argilla_records and argilla_corrections against the real Argilla server, on really ingested documents."""

from __future__ import annotations

import json
import socket
from collections import Counter

import httpx
import pytest
from dagster import AssetSelection, build_sensor_context, materialize

from oceanid_dagster.defs.assets.argilla_corrections import stored_page as corrections_to_store
from oceanid_dagster.defs.assets.argilla_records import every_pushed_page_has_a_record
from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.sensors.annotation_sensor import annotation_sensor
from oceanid_dagster.domain.annotation import AnnotatedPage, page_uncertainty, record_id
from oceanid_dagster.domain.corrections import latest_unsynced, page_corrections
from oceanid_dagster.domain.spans import Span
from tests.annotation.loop import (
    ANNOTATION_ASSETS,
    AUTHORISATION,
    AUTHORISATION_PAGE_2,
    NOTICE,
    check_results,
    corrections_table,
    ingest,
    loop_definitions,
    materialization_metadata,
    push_records,
    response_time,
    sync_corrections,
    with_argilla,
)

BY_UNCERTAINTY = [{"scope": {"entity": "metadata", "metadata_property": "model_uncertainty"}, "order": "desc"}]


def span(text: str, entity: str, label: str, occurrence_after: int = 0) -> dict:
    start = text.index(entity, occurrence_after)
    return {"start": start, "end": start + len(entity), "label": label}


def suggested(record: dict) -> list[dict]:
    (suggestion,) = record["suggestions"]
    return suggestion["value"]


def table_order(row: tuple) -> tuple:
    """The order of :func:`corrections_table`: record, start, label."""
    return row[0], row[2], row[1]


def closed_port_argilla() -> ArgillaResource:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return ArgillaResource(api_url=f"http://127.0.0.1:{port}", api_key="secret-key", max_attempts=2, backoff_s=0.05)


def test_records_carry_every_page_its_suggestions_and_the_model_uncertainty(
    home, resources, instance, argilla, annotator
):
    ids = ingest(home, resources, instance)
    warehouse = resources["warehouse"]

    result = push_records(instance, resources, argilla, ids)

    dataset_id = argilla.ensure_dataset()
    queue = annotator.queue(dataset_id, sort=BY_UNCERTAINTY)
    pages = warehouse.query("SELECT document_id, page_number, text FROM raw_ocr")
    assert sorted(r["external_id"] for r in queue) == sorted(
        record_id(p["document_id"], p["page_number"]) for p in pages
    )
    entities = warehouse.query("SELECT * FROM entities")
    filenames = {ids[0]: "authorisation.pdf", ids[1]: "notice.pdf"}
    for record in queue:
        document_id, page_number = record["metadata"]["document_id"], record["metadata"]["page_number"]
        assert record["external_id"] == f"{document_id}:{page_number}"
        on_page = [e for e in entities if (e["document_id"], e["page_number"]) == (document_id, page_number)]
        page_entities = sorted(on_page, key=lambda e: (e["start_char"], e["end_char"]))
        assert page_entities, "every fixture page has suggestions"
        (suggestion,) = record["suggestions"]
        assert suggestion["value"] == [
            {"start": e["start_char"], "end": e["end_char"], "label": e["label"]} for e in page_entities
        ]
        assert suggestion["score"] == [e["confidence"] for e in page_entities]
        assert suggestion["agent"] == page_entities[0]["model_version"] == record["metadata"]["extractor_version"]
        assert record["fields"]["text"] == next(
            p["text"] for p in pages if (p["document_id"], p["page_number"]) == (document_id, page_number)
        )
        assert record["metadata"]["filename"] == filenames[document_id]
        spans = [Span(e["start_char"], e["end_char"], e["label"], e["confidence"]) for e in page_entities]
        assert record["metadata"]["model_uncertainty"] == pytest.approx(page_uncertainty(spans))
    # Annotators sorting by uncertainty get the notice (weakest suggestion 0.7) before the authorisation pages.
    uncertainties = [record["metadata"]["model_uncertainty"] for record in queue]
    assert uncertainties == sorted(uncertainties, reverse=True) and queue[0]["metadata"]["document_id"] == ids[1]

    metadata = materialization_metadata(result, "argilla_records")
    assert metadata["records_pushed"] == len(pages) == 3
    assert metadata["suggestions"] == len(entities)
    assert {k: v for k, v in metadata["suggestions_by_label"].items() if v} == dict(
        Counter(e["label"] for e in entities)
    )
    assert dataset_id in metadata["dataset_url"] and metadata["dataset_url"].startswith(argilla.api_url)
    assert check_results(result) == {"every_pushed_page_has_a_record": True}

    # Someone deletes a record by hand: the check names it.
    owner = httpx.Client(base_url=argilla.api_url, headers={"X-Argilla-Api-Key": argilla.api_key})
    owner.delete(f"/api/v1/records/{queue[0]['id']}").raise_for_status()
    check_only = materialize(ANNOTATION_ASSETS, instance=instance, resources=with_argilla(resources, argilla),
                             selection=AssetSelection.checks(every_pushed_page_has_a_record))  # fmt: skip
    (evaluation,) = check_only.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.metadata["missing_examples"].value == [queue[0]["external_id"]]


def annotate_fixture_pages(argilla, annotator, ids: list[str]) -> dict[str, dict]:
    """The annotator corrects the authorisation, adds a missed owner on its page 2 and discards the notice.

    Returns Argilla's answer per record id.
    """
    dataset_id = argilla.ensure_dataset()
    queue = {record["external_id"]: record for record in annotator.queue(dataset_id)}
    page_1, page_2, notice = queue[f"{ids[0]}:1"], queue[f"{ids[0]}:2"], queue[f"{ids[1]}:1"]
    assert span(AUTHORISATION_PAGE_2, "Oceanic Fishery Corp", "OWNER") not in suggested(page_2)
    kept_on_page_1 = [
        s
        for s in suggested(page_1)
        if s["label"] not in ("RFMO", "IRCS", "OWNER")  # RFMO "IOTC" deleted
    ] + [
        span(AUTHORISATION, "JILE", "REGISTRATION_NUMBER"),  # relabelled
        span(AUTHORISATION, "TAISEIMARU KAIUN KAISHA", "OWNER"),  # ", LTD" dropped
    ]
    return {
        page_1["external_id"]: annotator.respond(page_1, kept_on_page_1),
        page_2["external_id"]: annotator.respond(
            page_2, suggested(page_2) + [span(AUTHORISATION_PAGE_2, "Oceanic Fishery Corp", "OWNER")]
        ),
        notice["external_id"]: annotator.respond(notice, None, status="discarded"),
    }  # fmt: skip


def expected_rows(ids: list[str], responses: dict[str, dict]) -> list[tuple]:
    page_1, page_2, notice = f"{ids[0]}:1", f"{ids[0]}:2", f"{ids[1]}:1"

    def row(record, text, entity, label, original, correction, status="submitted"):
        where = span(text, entity, label)
        return (record, label, where["start"], where["end"], entity, original, correction, "annotator", status,
                response_time(responses[record]))  # fmt: skip

    return [
        row(page_1, AUTHORISATION, "IOTC", "RFMO", "RFMO", "reject"),
        row(page_1, AUTHORISATION, "TAISEI MARU NO.24", "VESSEL_NAME", "VESSEL_NAME", "accept"),
        row(page_1, AUTHORISATION, "9086758", "IMO", "IMO", "accept"),
        row(page_1, AUTHORISATION, "JILE", "REGISTRATION_NUMBER", "IRCS", "modify"),
        row(page_1, AUTHORISATION, "Japan", "FLAG", "FLAG", "accept"),
        row(page_1, AUTHORISATION, "4,992 GT", "TONNAGE", "TONNAGE", "accept"),
        row(page_1, AUTHORISATION, "TAISEIMARU KAIUN KAISHA", "OWNER", "OWNER", "modify"),
        row(page_2, AUTHORISATION_PAGE_2, "purse seiner", "VESSEL_TYPE", "VESSEL_TYPE", "accept"),
        row(page_2, AUTHORISATION_PAGE_2, "Busan", "PORT", "PORT", "accept"),
        row(page_2, AUTHORISATION_PAGE_2, "Oceanic Fishery Corp", "OWNER", None, "add"),
        *[row(notice, NOTICE, entity, label, label, "reject", "discarded") for entity, label in [
            ("reefer", "VESSEL_TYPE"), ("IBUKI", "VESSEL_NAME"), ("9666481", "IMO"), ("3ELC8", "IRCS"),
            ("Panama", "FLAG"), ("13 August 2025", "DATE")]],
    ]  # fmt: skip


def test_sensor_launches_corrections_and_every_row_says_what_the_annotator_did(
    home, resources, instance, argilla, annotator
):
    ids = ingest(home, resources, instance)
    push_records(instance, resources, argilla, ids)
    warehouse = resources["warehouse"]
    definitions = loop_definitions(argilla, warehouse)
    sensor_context = build_sensor_context(instance=instance, resources={"argilla": argilla}, definitions=definitions)
    assert "no newly submitted or discarded responses" in annotation_sensor(sensor_context).skip_message
    responses = annotate_fixture_pages(argilla, annotator, ids)

    tick = annotation_sensor(build_sensor_context(instance=instance, cursor=sensor_context.cursor,
                                                  resources={"argilla": argilla}, definitions=definitions))  # fmt: skip
    (run_request,) = tick.run_requests
    assert run_request.tags["oceanid/new_responses"] == "3"
    result = sync_corrections(instance, resources, argilla)

    assert corrections_table(warehouse) == sorted(expected_rows(ids, responses), key=table_order)
    metadata = materialization_metadata(result, "argilla_corrections")
    assert metadata["pages_corrected"] == 3
    assert metadata["pages_by_status"] == {"submitted": 2, "discarded": 1}
    assert metadata["corrections_by_kind"] == {"accept": 6, "modify": 2, "reject": 7, "add": 1}
    acceptance = {
        r.data["label"]: (r.data["accepted"], r.data["judged"]) for r in metadata["acceptance_rate_by_label"].records
    }
    assert acceptance == {
        "FLAG": (1, 1), "IMO": (1, 1), "IRCS": (0, 1), "OWNER": (0, 1), "PORT": (1, 1), "RFMO": (0, 1),
        "TONNAGE": (1, 1), "VESSEL_NAME": (1, 1), "VESSEL_TYPE": (1, 1),
    }  # fmt: skip
    assert metadata["rejected_spans"] == 0
    assert check_results(result) == {"corrections_match_page_text": True, "no_malformed_response_spans": True}


def test_repush_keeps_responses_and_reruns_never_duplicate(home, resources, instance, argilla, annotator):
    ids = ingest(home, resources, instance)
    push_records(instance, resources, argilla, ids)
    responses = annotate_fixture_pages(argilla, annotator, ids)
    sync_corrections(instance, resources, argilla)
    warehouse = resources["warehouse"]
    stored = corrections_table(warehouse)

    assert push_records(instance, resources, argilla, ids).success  # e.g. after a new model
    assert annotator.queue(argilla.ensure_dataset()) == []  # nothing went back to pending
    assert {(p.record_id, p.status) for p in argilla.fetch_annotated_pages()} == {
        (record, answer["status"]) for record, answer in responses.items()
    }
    rerun = sync_corrections(instance, resources, argilla)
    assert materialization_metadata(rerun, "argilla_corrections")["pages_corrected"] == 0
    assert corrections_table(warehouse) == stored

    # The annotator takes the added owner back out of page 2: only that page's rows are replaced.
    page_2 = f"{ids[0]}:2"
    answer = annotator.client.put(
        f"/api/v1/responses/{responses[page_2]['id']}",
        json={"status": "submitted", "values": {"entities": {"value": suggested_spans_of(argilla, page_2)}}},
    )
    answer.raise_for_status()
    third = sync_corrections(instance, resources, argilla)
    assert materialization_metadata(third, "argilla_corrections")["pages_corrected"] == 1
    new_time = response_time(answer.json())
    page_2_now = [
        (page_2, "VESSEL_TYPE", 20, 32, "purse seiner", "VESSEL_TYPE", "accept", "annotator", "submitted", new_time),
        (page_2, "PORT", 51, 56, "Busan", "PORT", "accept", "annotator", "submitted", new_time),
    ]
    assert corrections_table(warehouse) == sorted([r for r in stored if r[0] != page_2] + page_2_now, key=table_order)


def suggested_spans_of(argilla: ArgillaResource, record: str) -> list[dict]:
    (page,) = [p for p in argilla.fetch_annotated_pages() if p.record_id == record]
    return [{"start": s.start, "end": s.end, "label": s.label} for s in page.suggested]


def test_spans_outside_a_re_read_page_are_left_out_with_their_reason(home, resources, instance, argilla, annotator):
    ids = ingest(home, resources, instance)
    push_records(instance, resources, argilla, ids)
    annotate_fixture_pages(argilla, annotator, ids)
    warehouse = resources["warehouse"]
    # Page 2 is read again and comes out shorter (its last line lost) before the corrections are pulled.
    shorter = AUTHORISATION_PAGE_2[: AUTHORISATION_PAGE_2.index("\nManaged")]
    with warehouse.connect() as connection:  # the page re-read with a shorter text
        connection.execute("UPDATE raw_ocr SET text = ? WHERE document_id = ? AND page_number = 2", [shorter, ids[0]])
    push_records(instance, resources, argilla, ids)

    result = sync_corrections(instance, resources, argilla)

    added = span(AUTHORISATION_PAGE_2, "Oceanic Fishery Corp", "OWNER")
    (page,) = warehouse.query("SELECT rejected_spans FROM annotated_pages WHERE record_id = ?", [f"{ids[0]}:2"])
    assert json.loads(page["rejected_spans"]) == [
        {
            "span": added,
            "reason": f"offsets {added['start']}:{added['end']} outside the text ({len(shorter)} characters)",
        }
    ]
    page_2_rows = [r[1:7] for r in corrections_table(warehouse) if r[0] == f"{ids[0]}:2"]
    assert page_2_rows == [
        ("VESSEL_TYPE", 20, 32, "purse seiner", "VESSEL_TYPE", "accept"),
        ("PORT", 51, 56, "Busan", "PORT", "accept"),
    ]
    assert len(corrections_table(warehouse)) == 15  # the other pages went on
    assert materialization_metadata(result, "argilla_corrections")["rejected_spans"] == 1
    assert check_results(result) == {"corrections_match_page_text": True, "no_malformed_response_spans": False}


def test_argilla_down_fails_clearly_and_loses_nothing(home, resources, instance):
    warehouse = resources["warehouse"]
    stored_page = AnnotatedPage("abcdef0123456789:1", NOTICE, (Span(22, 28, "VESSEL_TYPE", 0.75),),
                                ({"start": 22, "end": 28, "label": "VESSEL_TYPE"},), "submitted", "annotator",
                                response_time({"updated_at": "2025-08-26T12:00:00.123456"}))  # fmt: skip
    warehouse.replace_page_corrections(
        [corrections_to_store(stored_page, *page_corrections(stored_page), at=stored_page.submitted_at)]
    )
    before = (corrections_table(warehouse), warehouse.query("SELECT * FROM annotated_pages"))
    assert before[0] and before[1]
    down = closed_port_argilla()

    result = sync_corrections(instance, resources, down, raise_on_error=False)

    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert f"Argilla at {down.api_url} did not" in message and "after 2 attempts" in message
    assert "Nothing was written" in message
    assert "secret-key" not in message
    assert (corrections_table(warehouse), warehouse.query("SELECT * FROM annotated_pages")) == before


def test_argilla_down_fails_the_push_clearly(home, resources, instance):
    ids = ingest(home, resources, instance)
    down = closed_port_argilla()

    result = push_records(instance, resources, down, ids, raise_on_error=False)

    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert f"Argilla at {down.api_url} did not" in message and "Pushing again is safe" in message
    assert "secret-key" not in message


def test_the_newest_answer_per_page_wins_and_stored_answers_are_not_taken_again():
    def answer(record, annotator, second):
        at = response_time({"updated_at": f"2025-08-26T12:00:{second:02d}.000001"})
        return AnnotatedPage(record, "IMO 9666481", (), (), "submitted", annotator, at)

    early, late, other = answer("d:1", "annotator", 1), answer("d:1", "owner", 5), answer("d:2", "annotator", 3)
    assert latest_unsynced([late, other, early], {}) == [other, late]
    assert latest_unsynced([late, other, early], {"d:1": late.submitted_at}) == [other]
    assert latest_unsynced([late, other], {"d:2": early.submitted_at}) == [other, late]
