"""Dagster's own storage: PostgreSQL for `make dev`'s instance, sqlite files on a bare machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import yaml

from devtools.dev import ensure_instance_storage
from devtools.services import free_port
from oceanid_dagster import settings
from oceanid_dagster.dagster_storage import BATCHED_TYPES
from oceanid_dagster.defs.partitions import partition_range_tags
from tests.pdf_fixtures import text_pdf

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "deploy/local/dagster.yaml"


def shipped_instance(home: Path) -> Path:
    dagster_home = home / "dagster_home"
    dagster_home.mkdir(parents=True)
    shutil.copy(SHIPPED, dagster_home / "dagster.yaml")
    return dagster_home


def test_make_devs_instance_gets_postgres_storage_once(tmp_path, monkeypatch):
    monkeypatch.delenv("OCEANID_DAGSTER_STORAGE", raising=False)
    dagster_home = shipped_instance(tmp_path)
    assert ensure_instance_storage(dagster_home) and ensure_instance_storage(dagster_home)
    text = (dagster_home / "dagster.yaml").read_text()
    assert text.count("storage:") == 1 and "env: DAGSTER_POSTGRES_URL" in text
    assert text.startswith(SHIPPED.read_text().rstrip("\n")), "the shipped settings and comments are kept"


def test_a_storage_of_your_own_or_sqlite_is_left_alone(tmp_path, monkeypatch):
    own = tmp_path / "own"
    own.mkdir()
    (own / "dagster.yaml").write_text("storage:\n  sqlite:\n    base_dir: /srv/dagster\n")
    assert not ensure_instance_storage(own)
    assert (own / "dagster.yaml").read_text() == "storage:\n  sqlite:\n    base_dir: /srv/dagster\n"
    monkeypatch.setenv("OCEANID_DAGSTER_STORAGE", "sqlite")
    assert not ensure_instance_storage(shipped_instance(tmp_path / "sqlite"))


def oceanid_ingest(pdf: Path, home: Path, dagster_home: Path, **env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(dagster_home), **env}
    return subprocess.run(
        [sys.executable, "-m", "oceanid_dagster.cli", "ingest", str(pdf)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture
def notice_pdf(tmp_path) -> Path:
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(text_pdf("IUU notice: the reefer IBUKI (IMO 9666481, call sign 3ELC8), flag Panama."))
    return pdf


def test_cli_runs_land_in_postgres_where_the_ui_reads_them(tmp_path, notice_pdf, postgres_url, monkeypatch):
    monkeypatch.delenv("OCEANID_DAGSTER_STORAGE", raising=False)
    dagster_home = shipped_instance(tmp_path / "home")
    ensure_instance_storage(dagster_home)

    result = oceanid_ingest(notice_pdf, tmp_path / "home", dagster_home, DAGSTER_POSTGRES_URL=postgres_url)

    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(postgres_url) as connection:
        statuses = sorted(row[0] for row in connection.execute("SELECT status FROM runs"))
        events = connection.execute("SELECT count(*) FROM event_logs").fetchone()[0]
    assert statuses == ["SUCCESS", "SUCCESS"], "the registration run and the document's run"
    assert events > 10
    assert not (dagster_home / "history").exists(), "no sqlite run storage beside it"


def test_an_unreachable_postgres_storage_says_what_to_do(tmp_path, notice_pdf):
    dagster_home = shipped_instance(tmp_path / "home")
    ensure_instance_storage(dagster_home)
    url = f"postgresql://oceanid:s3cret-pw@127.0.0.1:{free_port()}/dagster"

    result = oceanid_ingest(notice_pdf, tmp_path / "home", dagster_home, DAGSTER_POSTGRES_URL=url)

    assert result.returncode != 0
    assert "keeps its runs in PostgreSQL" in result.stderr and "make db-start" in result.stderr, result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_bare_machine_keeps_sqlite(tmp_path, notice_pdf):
    home = tmp_path / "home"
    result = oceanid_ingest(notice_pdf, home, home / "dagster_home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not settings.instance_uses_postgres(home / "dagster_home")
    assert (home / "dagster_home" / "history" / "runs.db").exists()


# --- batched event writes (oceanid_dagster/dagster_storage.py) ---------------------------------------

letters = dg.DynamicPartitionsDefinition(name="letters")


@dg.asset(partitions_def=letters, backfill_policy=dg.BackfillPolicy.single_run())
def first_stage() -> None: ...


@dg.asset(partitions_def=letters, backfill_policy=dg.BackfillPolicy.single_run(), deps=[first_stage])
def second_stage(context) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)})


STAGES = [dg.AssetKey("first_stage"), dg.AssetKey("second_stage")]
KEYS = [f"doc-{index}" for index in range(7)]


def instance_with(folder: Path, storage: dict) -> dg.DagsterInstance:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dagster.yaml").write_text(yaml.safe_dump({"storage": storage, "telemetry": {"enabled": False}}))
    return dg.DagsterInstance.from_config(str(folder))


def single_writes(instance: dg.DagsterInstance) -> Counter:
    """Counts the events the storage writes one by one, by type."""
    storage, counts = instance.event_log_storage, Counter()
    store_event = storage.store_event

    def counted(event):
        counts[event.dagster_event_type] += 1
        store_event(event)

    storage.store_event = counted
    return counts


def materialise_twice(instance: dg.DagsterInstance) -> list[str]:
    """Two runs over partition ranges, the second redoing part of the first."""
    instance.add_dynamic_partitions("letters", KEYS)
    runs = [
        dg.materialize([first_stage, second_stage], instance=instance, tags=partition_range_tags(keys))
        for keys in (KEYS, KEYS[2:5])
    ]
    assert all(run.success for run in runs)
    return [run.run_id for run in runs]


def what_is_read_back(instance: dg.DagsterInstance, run_ids: list[str]) -> dict:
    """What the UI and automation read: the runs' asset events, materialised partitions, each
    partition's latest planned run and materialisations, each asset's index entry (runs by position)."""
    position = {run_id: index for index, run_id in enumerate(run_ids)}
    entries = {record.asset_entry.asset_key: record.asset_entry for record in instance.get_asset_records(STAGES)}

    def planned_by(key, partition) -> int:
        return position[instance.get_latest_planned_materialization_info(key, partition).run_id]

    def last_entry(key) -> tuple:
        record = entries[key].last_materialization_record
        metadata = record.event_log_entry.dagster_event.step_materialization_data.materialization.metadata
        return position[entries[key].last_run_id], record.partition_key, metadata

    def materialisations(key) -> list:
        return sorted((position[r.run_id], r.partition_key) for r in instance.fetch_materializations(key, 100).records)

    return {
        "events": [
            (position[run_id], record.event_log_entry.dagster_event_type.value, record.asset_key, record.partition_key)
            for run_id in run_ids
            for record in instance.get_records_for_run(run_id).records
            if record.event_log_entry.dagster_event_type in BATCHED_TYPES
        ],
        "materialised": {key: instance.get_materialized_partitions(key) for key in STAGES},
        "planned_by": {(key, partition): planned_by(key, partition) for key in STAGES for partition in KEYS},
        "materialisations": {key: materialisations(key) for key in STAGES},
        "last": {key: last_entry(key) for key in STAGES},
    }


@pytest.fixture
def stock_sqlite(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")
    with instance_with(tmp_path / "stock", {"sqlite": {"base_dir": str(tmp_path / "stock")}}) as instance:
        counts = single_writes(instance)
        yield what_is_read_back(instance, materialise_twice(instance)), counts


def test_the_stock_storages_write_planned_events_one_by_one(stock_sqlite):
    """What the batched storages are for: 7 + 3 partitions of 2 assets planned, one write each."""
    _, writes = stock_sqlite
    assert writes[dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED] == 20
    assert writes[dg.DagsterEventType.ASSET_MATERIALIZATION] == 20, "sqlite batches nothing"


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_batched_storages_store_what_the_stock_storage_stores_in_one_write_per_batch(
    kind, stock_sqlite, tmp_path, request
):
    expected, _ = stock_sqlite
    if kind == "postgres":
        os.environ[settings.DAGSTER_POSTGRES_URL_ENV] = settings.dagster_postgres_url(
            request.getfixturevalue("postgres_url")
        )
        storage = settings.postgres_instance_storage()
    else:
        storage = settings.sqlite_instance_storage(str(tmp_path / "batched"))
    with instance_with(tmp_path / "batched", storage) as instance:
        writes = single_writes(instance)
        assert (
            type(instance.event_log_storage).__name__
            == f"Batched{'Postgres' if kind == 'postgres' else 'Sqlite'}EventLogStorage"
        )
        stored = what_is_read_back(instance, materialise_twice(instance))

    assert stored == expected
    assert writes[dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED] == 0
    assert writes[dg.DagsterEventType.ASSET_MATERIALIZATION] == 0
    assert writes[dg.DagsterEventType.STEP_START] > 0, "every other event as Dagster writes it"
