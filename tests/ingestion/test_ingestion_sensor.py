"""ingestion_sensor with build_sensor_context: the partitions uploaded_files added become one
ingestion run over exactly those documents, launched from the tick itself (no backfill daemon),
never twice, in runs of at most MAX_DOCUMENTS_PER_RUN; and the run it asks for ingests them."""

from __future__ import annotations

import dagster as dg
import pytest

from oceanid_dagster.definitions import defs as code_location
from oceanid_dagster.defs.deployment import run_config_in_one_process
from oceanid_dagster.defs.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, documents_partitions
from oceanid_dagster.defs.sensors import ingestion_sensor as sensor_module
from oceanid_dagster.defs.sensors.ingestion_sensor import ingestion_sensor, plan_ingestion
from tests.ingestion.helpers import INGESTION, register, rows_per_document, run_batch, upload
from tests.pdf_fixtures import text_pdf

INGESTION_STAGES = ["documents", "raw_ocr", "extracted_entities"]


def tick(instance, cursor=None):
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        result = ingestion_sensor(context)
        return result, result.cursor


def partition_range(request) -> tuple[str, str]:
    return request.tags[PARTITION_RANGE_START_TAG], request.tags[PARTITION_RANGE_END_TAG]


def add_documents(instance, ids):
    instance.add_dynamic_partitions(documents_partitions.name, ids)


def test_new_partitions_make_one_run_over_exactly_their_range(instance):
    add_documents(instance, ["doc-a", "doc-b", "doc-c"])

    result, cursor = tick(instance)

    [request] = result.run_requests
    assert partition_range(request) == ("doc-a", "doc-c")
    assert [key.to_user_string() for key in request.asset_selection] == INGESTION_STAGES
    assert request.tags["oceanid/documents"] == "3"
    assert request.run_key == "documents doc-a..doc-c"
    assert cursor == "3"


def test_a_tick_with_no_new_partition_launches_nothing_and_later_ones_only_the_new(instance):
    add_documents(instance, ["doc-a", "doc-b"])
    _, cursor = tick(instance)

    quiet, same_cursor = tick(instance, cursor)
    assert not quiet.run_requests and "no new documents" in quiet.skip_reason.skip_message
    assert same_cursor == cursor

    add_documents(instance, ["doc-c", "doc-d"])
    result, cursor = tick(instance, cursor)
    [request] = result.run_requests
    assert partition_range(request) == ("doc-c", "doc-d"), "the first two were handed on already"
    assert cursor == "4"


def test_a_large_arrival_is_split_into_consecutive_runs_covering_each_document_once(instance, monkeypatch):
    monkeypatch.setattr(sensor_module, "MAX_DOCUMENTS_PER_RUN", 2)
    ids = [f"doc-{index}" for index in range(5)]
    add_documents(instance, ids)

    plan = plan_ingestion(ids, 0, max_per_run=2)
    assert plan.ranges == [["doc-0", "doc-1"], ["doc-2", "doc-3"], ["doc-4"]] and plan.handed_on == 5

    result, _ = tick(instance)
    assert [partition_range(request) for request in result.run_requests] == [
        ("doc-0", "doc-1"),
        ("doc-2", "doc-3"),
        ("doc-4", "doc-4"),
    ]
    assert len({request.run_key for request in result.run_requests}) == 3


def test_without_a_cursor_documents_already_ingested_are_not_ingested_again(instance):
    """The sensor deployed onto an instance that already ingested documents (or its cursor lost)."""
    add_documents(instance, ["doc-a", "doc-b", "doc-c"])
    for key in ("doc-a", "doc-b"):
        instance.report_runless_asset_event(dg.AssetMaterialization("documents", partition=key))

    result, cursor = tick(instance)

    [request] = result.run_requests
    assert partition_range(request) == ("doc-c", "doc-c")
    assert cursor == "3"


def test_argilla_records_join_the_run_where_argilla_is_configured(instance, monkeypatch):
    monkeypatch.setenv("ARGILLA_API_URL", "http://127.0.0.1:6900")
    add_documents(instance, ["doc-a"])

    [request] = tick(instance)[0].run_requests

    assert [key.to_user_string() for key in request.asset_selection] == [*INGESTION_STAGES, "argilla_records"]


def test_the_run_config_runs_every_step_in_the_run_worker_and_fits_the_code_locations_executor(home, instance):
    add_documents(instance, ["doc-a"])
    [request] = tick(instance)[0].run_requests
    job = code_location().resolve_implicit_job_def_def_for_assets(request.asset_selection)

    assert request.run_config == {"execution": {"config": {"in_process": {}}}}
    assert dg.validate_run_config(job, request.run_config)


def test_kubernetes_steps_keep_their_own_pods(monkeypatch):
    monkeypatch.setenv("OCEANID_EXECUTOR", "k8s")
    assert run_config_in_one_process("prod") == {}, "k8s_job_executor: one pod per step, no in_process mode"
    assert run_config_in_one_process("local") == {"execution": {"config": {"in_process": {}}}}


def test_the_requested_run_ingests_exactly_the_new_documents(home, resources, instance):
    earlier = register(resources, instance, upload(home, {"old.pdf": text_pdf("Vessel OLD ONE, IMO 9074729")}))
    assert run_batch(instance, resources, earlier).success
    _, cursor = tick(instance)
    new = register(
        resources,
        instance,
        upload(home, {"a.pdf": text_pdf("Vessel IBUKI, IMO 9666481"), "b.pdf": text_pdf("Vessel TAISEI MARU")}),
    )

    [request] = tick(instance, cursor)[0].run_requests
    assert partition_range(request) == (new[0], new[-1])
    result = dg.materialize(
        INGESTION,
        instance=instance,
        resources=resources,
        selection=request.asset_selection,
        tags=request.tags,
    )

    assert result.success
    assert sorted(rows_per_document(resources["warehouse"], "raw_ocr")) == sorted(earlier + new)
    materialised = instance.get_materialized_partitions(dg.AssetKey("extracted_entities"))
    assert materialised == set(earlier + new)
    runs = instance.get_runs()
    assert len(runs) == 2 and set(runs[0].tags) >= {PARTITION_RANGE_START_TAG, PARTITION_RANGE_END_TAG}


@pytest.mark.parametrize("handed_on", [0, 2, 3])
def test_the_plan_hands_on_the_suffix_and_counts_every_known_partition(handed_on):
    ids = ["a", "b", "c"]
    plan = plan_ingestion(ids, handed_on)
    assert [key for keys in plan.ranges for key in keys] == ids[handed_on:]
    assert plan.handed_on == 3
