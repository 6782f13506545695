"""upload_sensor with build_sensor_context: one batched run, content dedupe, restart-safe cursor, and no
warehouse write in the tick (the run registers what the tick found)."""

from __future__ import annotations

import os

from dagster import Definitions, SkipReason, build_sensor_context, load_assets_from_modules, materialize

from oceanid_dagster.defs.assets import argilla_records
from oceanid_dagster.defs.assets.documents import Upload
from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.selections import INGESTION_MODULES, ingestion_definitions
from oceanid_dagster.defs.sensors.upload_sensor import (
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    build_upload_sensor,
    upload_sensor,
)
from oceanid_dagster.domain.documents import document_id
from tests.ingestion.helpers import upload
from tests.pdf_fixtures import text_pdf


def evaluate(instance, resources, cursor=None, sensor=upload_sensor, modules=INGESTION_MODULES):
    definitions = Definitions(assets=load_assets_from_modules(list(modules)), sensors=[sensor], resources=resources)
    with build_sensor_context(
        instance=instance, cursor=cursor, resources=resources, definitions=definitions
    ) as context:
        return sensor(context), context


def apply(instance, result) -> None:
    """What the daemon does with a tick's result: add the partitions (before launching the run)."""
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def handed_uploads(request) -> list[Upload]:
    return [Upload(**item) for item in request.run_config["ops"]["documents"]["config"]["uploads"]]


def test_many_new_files_make_one_run_over_all_new_documents(home, resources, instance):
    pdfs = {f"doc{i}.pdf": text_pdf(f"Vessel {i}") for i in range(5)}
    upload(home, pdfs)

    result, _ = evaluate(instance, resources)

    [request] = result.run_requests
    [add] = result.dynamic_partitions_requests
    ids = [document_id(data) for data in pdfs.values()]
    assert list(add.partition_keys) == ids
    assert (request.tags[PARTITION_RANGE_START_TAG], request.tags[PARTITION_RANGE_END_TAG]) == (ids[0], ids[-1])
    assert {key.to_user_string() for key in request.asset_selection} == {"documents", "raw_ocr", "extracted_entities"}
    assert [(u.name, u.document_id) for u in handed_uploads(request)] == list(zip(pdfs, ids, strict=True))
    # The tick writes nothing: registration is the run's work.
    assert resources["warehouse"].query("SELECT * FROM documents") == []


def test_the_run_a_tick_asks_for_registers_and_processes_its_files(home, resources, instance):
    upload(home, {"a.pdf": text_pdf("Vessel IBUKI, IMO 9666481"), "b.pdf": text_pdf("Vessel TAISEI MARU NO.24")})
    result, _ = evaluate(instance, resources)
    apply(instance, result)
    [request] = result.run_requests

    run = materialize(
        ingestion_definitions(),
        instance=instance,
        resources=resources,
        run_config=request.run_config,
        tags=request.tags,
    )

    assert run.success
    rows = resources["warehouse"].query("SELECT filename, status, source_uri FROM documents ORDER BY filename")
    assert [(row["filename"], row["status"]) for row in rows] == [("a.pdf", "processed"), ("b.pdf", "processed")]
    assert all(row["source_uri"] == str(home / "uploads" / row["filename"]) for row in rows)


def test_same_bytes_under_another_name_is_the_same_document(home, resources, instance):
    same_bytes = text_pdf("IBUKI")
    upload(home, {"original.pdf": same_bytes})
    first, _ = evaluate(instance, resources)
    apply(instance, first)

    upload(home, {"copy of original.pdf": same_bytes})
    os.utime(home / "uploads" / "copy of original.pdf")
    second, _ = evaluate(instance, resources, cursor=first.cursor)

    assert isinstance(second, SkipReason) or not second.run_requests
    assert instance.get_dynamic_partitions("documents") == [document_id(same_bytes)]


def test_two_files_of_one_content_in_one_tick_are_one_document(home, resources, instance):
    same_bytes = text_pdf("IBUKI")
    upload(home, {"first.pdf": same_bytes, "second.pdf": same_bytes})

    result, _ = evaluate(instance, resources)

    [request] = result.run_requests
    assert [upload.name for upload in handed_uploads(request)] == ["first.pdf"]
    assert list(result.dynamic_partitions_requests[0].partition_keys) == [document_id(same_bytes)]


def test_a_restart_neither_reprocesses_nor_misses(home, resources, instance):
    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})
    first, _ = evaluate(instance, resources)
    apply(instance, first)

    # A restarted daemon evaluates from the stored cursor: nothing new, nothing again.
    again, _ = evaluate(instance, resources, cursor=first.cursor)
    assert isinstance(again, SkipReason)

    upload(home, {"c.pdf": text_pdf("C")})
    later, _ = evaluate(instance, resources, cursor=first.cursor)
    [request] = later.run_requests
    assert [upload.name for upload in handed_uploads(request)] == ["c.pdf"]


def test_partial_uploads_and_hidden_files_wait(home, resources, instance):
    upload(home, {"scan.pdf.part": b"%PDF-", ".hidden.pdf": text_pdf("x")})
    result, _ = evaluate(instance, resources)
    assert isinstance(result, SkipReason)


def test_with_argilla_configured_the_same_run_pushes_pages_for_annotation(home, resources, instance):
    sensor = build_upload_sensor(push_to_argilla=True)
    resources = {**resources, "argilla": ArgillaResource(api_url="http://127.0.0.1:9", api_key="unused")}
    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})

    result, _ = evaluate(instance, resources, sensor=sensor, modules=[*INGESTION_MODULES, argilla_records])

    [request] = result.run_requests
    selected = {key.to_user_string() for key in request.asset_selection}
    assert selected == {"documents", "raw_ocr", "extracted_entities", "argilla_records"}
