"""annotation_sensor against the real Argilla server: one run per batch of new responses, restarts included."""

from __future__ import annotations

import socket

from dagster import AssetKey, SensorResult, SkipReason, build_sensor_context

from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.sensors.annotation_sensor import AnnotationCursor, annotation_sensor
from oceanid_dagster.domain.annotation import AnnotationPage
from oceanid_dagster.domain.spans import Span
from tests.annotation.loop import loop_definitions, response_time

DOC = "5e150a0c7f3b2d41"
TEXTS = ["Vessel IBUKI IMO 9666481", "Reefer ORYONG 501 flag Panama", "Owner: Taisei Co. Ltd"]


def pages() -> list[AnnotationPage]:
    return [
        AnnotationPage(DOC, number, text, "notice.pdf", "rules-1", (Span(0, 6, "VESSEL_TYPE", 0.6),))
        for number, text in enumerate(TEXTS, start=1)
    ]


def tick(argilla: ArgillaResource, cursor: str | None) -> tuple[SensorResult | SkipReason, str | None]:
    """One sensor evaluation, as the daemon does it: the cursor it leaves is what the next tick gets."""
    context = build_sensor_context(cursor=cursor, resources={"argilla": argilla})
    result = annotation_sensor(context)
    left = result.cursor if isinstance(result, SensorResult) and result.cursor else context.cursor
    return result, left


def queue_by_page(annotator, argilla) -> dict[int, dict]:
    return {r["metadata"]["page_number"]: r for r in annotator.queue(argilla.ensure_dataset())}


def test_new_responses_launch_one_run_and_a_restarted_sensor_launches_nothing(argilla, annotator):
    argilla.upsert_pages(pages())
    first, cursor = tick(argilla, None)
    assert isinstance(first, SkipReason) and "no newly submitted or discarded responses" in first.skip_message

    queue = queue_by_page(annotator, argilla)
    submitted = annotator.respond(queue[1], [{"start": 7, "end": 12, "label": "VESSEL_NAME"}])
    discarded = annotator.respond(queue[2], None, status="discarded")
    launch, cursor = tick(argilla, cursor)

    (run_request,) = launch.run_requests
    through = max(response_time(submitted), response_time(discarded))
    assert run_request.run_key == f"argilla-responses-through-{through.isoformat()}"
    assert run_request.tags["oceanid/new_responses"] == "2"
    assert AnnotationCursor.parse(cursor).responses_through == through

    # The next tick, and a sensor restarted from the stored cursor, find nothing new.
    again, after_restart = tick(argilla, cursor)
    assert isinstance(again, SkipReason) and "no annotation activity" in again.skip_message
    assert after_restart == cursor

    # A draft is activity, but nothing to correct yet.
    draft = annotator.respond(queue[3], [{"start": 7, "end": 17, "label": "OWNER"}], status="draft")
    drafted, cursor_after_draft = tick(argilla, cursor)
    assert isinstance(drafted, SkipReason) and "drafts" in drafted.skip_message
    assert AnnotationCursor.parse(cursor_after_draft).responses_through == through
    assert AnnotationCursor.parse(cursor_after_draft).activity != AnnotationCursor.parse(cursor).activity

    # Submitting the draft launches again, for that one response only.
    submitted = {"status": "submitted", "values": {"entities": {"value": []}}}
    annotator.client.put(f"/api/v1/responses/{draft['id']}", json=submitted).raise_for_status()
    second, _ = tick(argilla, cursor_after_draft)
    (run_request,) = second.run_requests
    assert run_request.tags["oceanid/new_responses"] == "1"
    assert run_request.run_key != launch.run_requests[0].run_key


def test_argilla_down_skips_the_tick_and_keeps_the_cursor(argilla, annotator):
    argilla.upsert_pages(pages())
    annotator.respond(queue_by_page(annotator, argilla)[1], [])
    _, cursor = tick(argilla, None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    down = ArgillaResource(api_url=closed, api_key="secret-key", max_attempts=2, backoff_s=0.05)

    skipped, left = tick(down, cursor)

    assert isinstance(skipped, SkipReason)
    assert "Argilla unreachable" in skipped.skip_message and closed in skipped.skip_message
    assert "secret-key" not in skipped.skip_message
    assert left == cursor


def test_sensor_targets_the_corrections_asset(argilla, tmp_path):
    definitions = loop_definitions(argilla, WarehouseResource(database=str(tmp_path / "w.duckdb")))
    sensor = definitions.resolve_sensor_def("annotation_sensor")
    assert sensor.asset_selection.resolve(definitions.resolve_asset_graph()) == {AssetKey("argilla_corrections")}


def test_responses_logged_in_bulk_through_the_sdk_launch_a_run(argilla, argilla_server):
    """The SDK's ``dataset.records.log`` with responses leaves ``last_activity_at`` as it was; the
    sensor must notice them anyway."""
    import argilla as rg

    argilla.upsert_pages(pages())
    skipped, cursor = tick(argilla, None)
    assert isinstance(skipped, SkipReason)
    before = argilla.activity()

    client = rg.Argilla(api_url=argilla_server.url, api_key=argilla_server.owner_api_key)
    dataset = client.datasets(name=argilla.dataset_name, workspace=argilla.workspace)
    records = list(dataset.records(with_responses=True))
    for record in records:
        record.responses.add(
            rg.Response("entities", [{"start": 0, "end": 6, "label": "VESSEL_TYPE"}], user_id=client.me.id,
                        status="submitted")
        )  # fmt: skip
    dataset.records.log(records)

    after = argilla.activity()
    assert after.last_activity_at == before.last_activity_at, "Argilla 2.8's bulk log leaves it unchanged"
    assert after.final_responses == before.final_responses + len(TEXTS)
    launch, cursor = tick(argilla, cursor)
    (run_request,) = launch.run_requests
    assert run_request.tags["oceanid/new_responses"] == str(len(TEXTS))
    again, _ = tick(argilla, cursor)
    assert isinstance(again, SkipReason)
