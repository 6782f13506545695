"""The warehouse held by another writing process for longer than the run's patience: the run
fails saying so, nothing is half-written, and a retry completes without duplicates."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from tests.faults.conftest import clean_run_counts, sample_pdfs, step_failure_text, stored_counts
from tests.ingestion.helpers import register, rows_per_document, run_batch, upload

HOLD_THE_FILE = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("CREATE TABLE IF NOT EXISTS held_by_another_writer (x INTEGER)")
print("locked", flush=True)
sys.stdin.read()  # hold the file until the test closes our stdin
"""


@contextmanager
def another_writer(database: str) -> Iterator[subprocess.Popen]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_FILE, database], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_run_fails_clearly_on_a_held_warehouse_and_a_retry_completes(home: Path, resources, instance):
    pdfs = sample_pdfs(6, seed=61)
    ids = register(resources, instance, upload(home, pdfs))
    database = resources["warehouse"].database
    impatient = {**resources, "warehouse": WarehouseResource(database=database, lock_timeout_s=2)}

    with another_writer(database):
        failed = run_batch(instance, impatient, ids)

    assert not failed.success
    message = step_failure_text(failed)
    assert "WarehouseLockedError" in message and "stayed locked by another process for 2s" in message
    assert rows_per_document(resources["warehouse"], "raw_ocr") == {}, "nothing written while locked"

    retried = run_batch(instance, resources, ids)

    assert retried.success
    assert stored_counts(resources["warehouse"]) == clean_run_counts(pdfs)
