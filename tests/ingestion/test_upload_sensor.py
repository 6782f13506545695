"""upload_sensor with build_sensor_context: registration, batching, content dedupe, restart-safe cursor."""

from __future__ import annotations

import os

from dagster import AssetKey, Definitions, SkipReason, build_sensor_context, load_assets_from_modules

from oceanid_dagster.definitions import INGESTION_MODULES
from oceanid_dagster.defs.sensors.upload_sensor import upload_sensor
from tests.pdf_fixtures import text_pdf
from tests.ingestion.helpers import upload


def evaluate(instance, resources, cursor=None):
    definitions = Definitions(assets=load_assets_from_modules(INGESTION_MODULES), sensors=[upload_sensor], resources=resources)
    with build_sensor_context(
        instance=instance, cursor=cursor, resources=resources, definitions=definitions
    ) as context:
        return upload_sensor(context), context


def apply(instance, result) -> None:
    """What the daemon does with a tick's result: add the partitions."""
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def test_many_new_files_make_one_batched_backfill(home, resources, instance):
    upload(home, {f"doc{i}.pdf": text_pdf(f"Vessel {i}") for i in range(5)})

    result, context = evaluate(instance, resources)

    assert len(result.run_requests) == 1
    subset = result.run_requests[0].asset_graph_subset
    assert subset is not None
    for key in ("documents", "raw_ocr", "extracted_entities"):
        assert len(subset.get_partitions_subset(AssetKey(key)).get_partition_keys()) == 5
    [add] = result.dynamic_partitions_requests
    assert len(add.partition_keys) == 5
    rows = resources["warehouse"].query("SELECT filename, status FROM documents ORDER BY filename")
    assert [(r["filename"], r["status"]) for r in rows] == [(f"doc{i}.pdf", "registered") for i in range(5)]


def test_same_bytes_under_another_name_is_the_same_document(home, resources, instance):
    same_bytes = text_pdf("IBUKI")
    upload(home, {"original.pdf": same_bytes})
    first, context = evaluate(instance, resources)
    apply(instance, first)

    upload(home, {"copy of original.pdf": same_bytes})
    os.utime(home / "uploads" / "copy of original.pdf")
    second, _ = evaluate(instance, resources, cursor=first.cursor)

    assert isinstance(second, SkipReason) or not second.run_requests
    assert len(resources["warehouse"].query("SELECT * FROM documents")) == 1


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
    assert len(request.asset_graph_subset.get_partitions_subset(AssetKey("raw_ocr")).get_partition_keys()) == 1


def test_partial_uploads_and_hidden_files_wait(home, resources, instance):
    upload(home, {"scan.pdf.part": b"%PDF-", ".hidden.pdf": text_pdf("x")})
    result, _ = evaluate(instance, resources)
    assert isinstance(result, SkipReason)


def test_with_argilla_configured_the_same_run_pushes_pages_for_annotation(home, resources, instance):
    from oceanid_dagster.defs.assets import annotation
    from oceanid_dagster.defs.resources.argilla import ArgillaResource
    from oceanid_dagster.defs.sensors.upload_sensor import build_upload_sensor

    sensor = build_upload_sensor(push_to_argilla=True)
    resources = {**resources, "argilla": ArgillaResource(api_url="http://127.0.0.1:9", api_key="unused")}
    definitions = Definitions(
        assets=load_assets_from_modules([*INGESTION_MODULES, annotation]), sensors=[sensor], resources=resources
    )
    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})
    with build_sensor_context(instance=instance, resources=resources, definitions=definitions) as context:
        [request] = sensor(context).run_requests

    selected = {key.to_user_string() for key in request.asset_graph_subset.asset_keys}
    assert selected == {"documents", "raw_ocr", "extracted_entities", "argilla_records"}
