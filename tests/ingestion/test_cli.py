"""The `oceanid` command as a user runs it: a real subprocess, a real DAGSTER_HOME instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus

from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.samples import bad_inputs
from tests.pdf_fixtures import text_pdf

REPO = Path(__file__).resolve().parents[2]
NOTICE = "IUU notice: the reefer IBUKI (IMO 9666481, call sign 3ELC8), flag Panama, sighted 13 Aug 2025."


def oceanid(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(home / "dagster_home")}
    return subprocess.run(
        [sys.executable, "-m", "oceanid_dagster.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ingest_processes_every_file_and_summarises_the_failures(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    (inbox / "nested").mkdir(parents=True)
    (inbox / "notice.pdf").write_bytes(text_pdf(NOTICE))
    (inbox / "nested" / "second.pdf").write_bytes(text_pdf("Vessel TAISEI MARU NO.24, IMO 9086758"))
    (inbox / "locked.pdf").write_bytes(bad_inputs.encrypted_pdf())
    home = tmp_path / "home"

    result = oceanid("ingest", str(inbox), home=home)

    assert result.returncode == 1
    assert "2 of 3 documents processed" in result.stdout
    assert "locked.pdf" in result.stderr and "encrypted PDF" in result.stderr
    warehouse = WarehouseResource(database=str(home / "oceanid.duckdb"))
    statuses = sorted((row["filename"], row["status"]) for row in warehouse.query("SELECT * FROM documents"))
    assert statuses == [("locked.pdf", "failed"), ("notice.pdf", "processed"), ("second.pdf", "processed")]
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    with DagsterInstance.get() as instance:  # the runs are on the instance the UI shows
        runs = instance.get_runs()
        # the registration run (as upload_sensor's), then one run per document
        assert Counter(run.status for run in runs) == {DagsterRunStatus.SUCCESS: 3, DagsterRunStatus.FAILURE: 1}
        first_steps = [step.step_key for step in instance.get_run_step_stats(runs[-1].run_id)]
        assert first_steps == ["uploaded_files"]

    again = oceanid("ingest", str(inbox / "notice.pdf"), home=home)
    assert again.returncode == 0
    assert warehouse.query("SELECT count(*) AS n FROM raw_ocr")[0]["n"] == 2, "re-ingesting duplicates nothing"


def test_extract_prints_pages_and_entities_and_writes_nothing(tmp_path):
    document = tmp_path / "notice.pdf"
    document.write_bytes(text_pdf(NOTICE))
    home = tmp_path / "home"

    result = oceanid("extract", str(document), home=home)

    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert [page["method"] for page in output["pages"]] == ["text_layer"]
    entities = {(entity["label"], entity["text"]) for entity in output["entities"]}
    assert {("IMO", "9666481"), ("IRCS", "3ELC8"), ("VESSEL_NAME", "IBUKI")} <= entities
    page_text = output["pages"][0]["text"]
    assert all(page_text[e["start"] : e["end"]] == e["text"] for e in output["entities"])
    assert not (home / "oceanid.duckdb").exists()


def test_extract_names_the_file_and_reason_for_a_bad_input(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"")
    result = oceanid("extract", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert f"{bad}: empty file (0 bytes)" in result.stderr
