"""End to end: the real Dagster daemon and webserver, PDFs dropped into the uploads folder
(text layer and scanned), the sensor's batched run, rows in DuckDB."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus

from devtools.services import (
    dagster_dev_command,
    free_port,
    start_process_group,
    stop_process_group,
    wait_for_http,
)
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_pdf, render_scanned_pdf

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture
def dagster_dev(tmp_path: Path):
    home, dagster_home = tmp_path / "oceanid", tmp_path / "dagster_home"
    (home / "uploads").mkdir(parents=True)
    dagster_home.mkdir()
    shutil.copy(REPO / "deploy/local/dagster.yaml", dagster_home / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(dagster_home), "OCEANID_PROFILE": "local"}
    log = tmp_path / "dagster-dev.log"
    process = start_process_group(dagster_dev_command("127.0.0.1", port), log, env=env, cwd=REPO)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/server_info", 180, process, log)
        yield home, dagster_home, log
    finally:
        stop_process_group(process)


def wait_until(condition, timeout_s: float, what: str, log: Path):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(
        f"timed out waiting for {what}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-60:])
    )


def test_sensor_ingests_dropped_pdfs_through_the_daemon(dagster_dev, monkeypatch):
    home, dagster_home, log = dagster_dev
    documents = generate_documents(load_sample_registry(), n=4, seed=11)
    files = {f"{document.name}.pdf": render_pdf(document) for document in documents[:3]}
    files[f"{documents[3].name}-scan.pdf"] = render_scanned_pdf(documents[3])
    for name, data in files.items():  # rendered first, dropped together
        (home / "uploads" / name).write_bytes(data)
    warehouse = WarehouseResource(database=str(home / "oceanid.duckdb"), lock_timeout_s=60)

    def processed():
        rows = warehouse.query("SELECT status FROM documents")
        return len(rows) == 4 and all(row["status"] == "processed" for row in rows)

    wait_until(processed, 300, "4 processed documents", log)

    methods = {row["method"] for row in warehouse.query("SELECT DISTINCT method FROM raw_ocr")}
    assert methods == {"text_layer", "tesseract"}
    expected_pages = sum(len(document.pages) for document in documents)
    assert warehouse.query("SELECT count(*) AS n FROM raw_ocr")[0]["n"] == expected_pages
    per_document = warehouse.query("SELECT document_id, count(*) AS n FROM entities GROUP BY document_id")
    assert len(per_document) == 4 and all(row["n"] > 0 for row in per_document)
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with DagsterInstance.get() as instance:

        def finished_runs():
            runs = instance.get_runs()
            return runs if len(runs) == 2 and all(run.is_finished for run in runs) else None

        ingestion, registration = wait_until(finished_runs, 120, "the runs to finish", log)
        # four files arriving together: one registration run, then one ingestion run over their partitions
        assert [step.step_key for step in instance.get_run_step_stats(registration.run_id)] == ["uploaded_files"]
        assert registration.tags["dagster/sensor_name"] == "upload_sensor"
        assert ingestion.tags["dagster/sensor_name"] == "ingestion_sensor"
        assert int(ingestion.tags["oceanid/documents"]) == 4
        assert ingestion.run_config["execution"] == {"config": {"in_process": {}}}, "steps in the run worker"
        stages = ["documents", "raw_ocr", "extracted_entities"]
        steps = [step.step_key for step in instance.get_run_step_stats(ingestion.run_id)]
        assert [step for step in steps if step in stages] == stages
        assert {run.status for run in (ingestion, registration)} == {DagsterRunStatus.SUCCESS}
        assert len(instance.get_runs()) == 2
