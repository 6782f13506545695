"""A poisoned batch: one corrupt file among 100 small PDFs in one batched run (the single run a
ingestion sensor launches, here through ``materialize``): 99 processed, one failed with its reason."""

from __future__ import annotations

from pathlib import Path

from oceanid_dagster.domain.documents import document_id
from oceanid_dagster.samples.bad_inputs import corrupt_pdf
from tests.faults.conftest import clean_run_counts, sample_pdfs, statuses, step_failure_text, stored_counts
from tests.ingestion.helpers import register, run_batch, upload

POISON = "inspection-report-0042.pdf"


def test_one_corrupt_file_among_100_fails_alone(home: Path, resources, instance):
    good = sample_pdfs(99, seed=81)
    ids = register(resources, instance, upload(home, {**good, POISON: corrupt_pdf()}))

    result = run_batch(instance, resources, ids)

    assert not result.success
    message = step_failure_text(result)
    assert "1 of 100 documents failed" in message and f"{POISON} ({document_id(corrupt_pdf())}): corrupt PDF" in message
    warehouse = resources["warehouse"]
    [poisoned] = warehouse.query("SELECT status, error FROM documents WHERE filename = ?", [POISON])
    assert poisoned["status"] == "failed" and poisoned["error"].startswith("corrupt PDF")
    assert list(statuses(warehouse).values()).count("processed") == 99
    assert stored_counts(warehouse) == clean_run_counts(good)
    assert warehouse.query("SELECT count(*) AS n FROM raw_ocr WHERE document_id = ?", [document_id(corrupt_pdf())]) == [
        {"n": 0}
    ]
