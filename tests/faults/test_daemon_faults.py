"""Faults around the real daemon (``dagster dev``: sensors, run queue, run retries, run workers): a run worker
killed with SIGKILL mid-batch, and the daemon stopped while files keep arriving. Each ends with
every document processed exactly once: row counts per document equal a clean run's, and each
partition materialised once per asset."""

from __future__ import annotations

from collections import Counter

import pytest
from dagster import AssetKey, DagsterRunStatus

from benchmarks.dagster_dev import DagsterDev, copy_into, is_ingestion_run, process_tree
from oceanid_dagster.defs.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from tests.faults.conftest import clean_run_counts, sample_pdfs, scanned_pdfs, statuses, stored_counts

pytestmark = pytest.mark.e2e

INGESTION_ASSETS = [AssetKey("documents"), AssetKey("raw_ocr"), AssetKey("extracted_entities")]


def step_running(dev: DagsterDev, step_key: str) -> str | None:
    """The id of the run whose ``step_key`` has started and not finished, if any."""
    with dev.instance() as instance:
        for run in instance.get_runs(limit=5):
            if any(s.step_key == step_key and s.end_time is None for s in instance.get_run_step_stats(run.run_id)):
                return run.run_id
    return None


def kill_run_workers(dev: DagsterDev) -> int:
    """SIGKILL every run worker and its step processes, as the kernel's OOM killer would."""
    doomed = [process for worker in dev.run_workers() for process in process_tree(worker)]
    for process in doomed:
        process.kill()
    return len(doomed)


def ingestion_done(dev: DagsterDev, document_count: int, successful_runs: int) -> bool:
    with dev.instance() as instance:
        runs = instance.get_runs()
        if sum(run.status == DagsterRunStatus.SUCCESS for run in runs) < successful_runs:
            return False
    return list(statuses(dev.warehouse()).values()).count("processed") == document_count


def materializations_per_partition(dev: DagsterDev) -> dict[str, set[int]]:
    """For each ingestion asset, the set of materialisation counts over its partitions: {1} is once each."""
    with dev.instance() as instance:
        return {
            key.to_user_string(): set(
                Counter(
                    record.event_log_entry.dagster_event.partition
                    for record in instance.fetch_materializations(key, limit=10_000).records
                ).values()
            )
            for key in INGESTION_ASSETS
        }


def test_a_run_killed_mid_batch_is_retried_over_the_same_documents_exactly_once(dagster_dev: DagsterDev):
    dev = dagster_dev
    pdfs = {**sample_pdfs(5, seed=91), **scanned_pdfs(1, seed=92)}  # the scan keeps raw_ocr busy
    expected = clean_run_counts(pdfs)
    dev.start()
    copy_into(dev.uploads, pdfs)

    run_id = dev.wait_until(lambda: step_running(dev, "raw_ocr"), 120, "raw_ocr to start", poll_s=0.2)
    assert kill_run_workers(dev) >= 1, "the run worker, in whose process raw_ocr runs"
    assert list(statuses(dev.warehouse()).values()).count("processed") == 0
    dev.stop()
    dev.start()

    # deploy/local/dagster.yaml retries a run whose worker crashed (run_retries), over the same partitions
    # (successful runs: the registration run, then the retry)
    dev.wait_until(lambda: ingestion_done(dev, len(pdfs), successful_runs=2), 240, "the automatic retry")

    with dev.instance() as instance:
        killed = instance.get_run_by_id(run_id)
        [retry] = [run for run in ingestion_runs(instance) if run.run_id != run_id]
    assert killed.status == DagsterRunStatus.FAILURE
    assert retry.status == DagsterRunStatus.SUCCESS and retry.tags["dagster/retry_number"] == "1"
    assert retry.tags["dagster/parent_run_id"] == run_id
    assert partition_range(retry) == partition_range(killed)
    assert stored_counts(dev.warehouse()) == expected
    assert materializations_per_partition(dev) == {"documents": {1}, "raw_ocr": {1}, "extracted_entities": {1}}


def test_files_arriving_while_the_daemon_is_stopped_are_processed_once(dagster_dev: DagsterDev):
    dev = dagster_dev
    before, while_stopped = sample_pdfs(3, seed=93), sample_pdfs(4, seed=94)
    renamed_copy = {f"copy-of-{name}": data for name, data in list(before.items())[:1]}
    dev.start()
    copy_into(dev.uploads, before)
    dev.wait_until(lambda: ingestion_done(dev, 3, successful_runs=2), 180, "the first batch")
    dev.stop()

    copy_into(dev.uploads, {**while_stopped, **renamed_copy})
    dev.start()
    dev.wait_until(lambda: ingestion_done(dev, 7, successful_runs=4) and no_run_in_flight(dev), 240, "the new files")

    with dev.instance() as instance:
        runs, ingestion = instance.get_runs(), ingestion_runs(instance)
    assert [run.status for run in runs] == [DagsterRunStatus.SUCCESS] * 4, "registration + ingestion per batch"
    assert len(ingestion) == 2, "one ingestion run per batch, none repeated"
    assert stored_counts(dev.warehouse()) == clean_run_counts({**before, **while_stopped})
    assert materializations_per_partition(dev) == {"documents": {1}, "raw_ocr": {1}, "extracted_entities": {1}}
    assert dev.warehouse().query("SELECT count(*) AS n FROM documents") == [{"n": 7}], (
        "the renamed copy is no new document"
    )


def ingestion_runs(instance) -> list:
    """The ingestion runs: ingestion_sensor launches one over each range of new partitions."""
    return [run for run in instance.get_runs() if is_ingestion_run(run)]


def partition_range(run) -> tuple[str, str]:
    return run.tags[PARTITION_RANGE_START_TAG], run.tags[PARTITION_RANGE_END_TAG]


def no_run_in_flight(dev: DagsterDev) -> bool:
    with dev.instance() as instance:
        return all(run.is_finished for run in instance.get_runs())
