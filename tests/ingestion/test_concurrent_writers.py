"""Two runs writing to one DuckDB file at the same time: both complete, nothing lost or doubled.

Each run is its own process (as the run launcher makes them); DuckDB lets one process write at a
time, and the warehouse resource's short connections wait out the other's lock.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.pdf_fixtures import text_pdf

RUN_ONE_BATCH = """
import sys
from pathlib import Path
from dagster import DagsterInstance
from tests.ingestion.helpers import register, run_batch
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource

home, batch = Path(sys.argv[1]), sys.argv[2]
hub = ModelHubResource(local_dir=str(home / "hub"))
resources = {
    "warehouse": WarehouseResource(database=str(home / "oceanid.duckdb")),
    "document_store": DocumentStoreResource(uploads_uri=str(home / "uploads")),
    "ocr_engine": OcrEngineResource(workers=1),
    "model_hub": hub,
    "ner_runtime": NerRuntimeResource(models_cache_dir=str(home / "models"), model_hub=hub, triton=TritonResource()),
    "registry_lists": RegistryListsResource(allow_packaged_sample=True),
}
paths = sorted((home / "uploads").glob(batch + "-*.pdf"))
with DagsterInstance.ephemeral() as instance:
    ids = register(resources, instance, paths)
    sys.exit(0 if run_batch(instance, resources, ids).success else 1)
"""


def test_two_concurrent_runs_both_complete(home: Path):
    for batch in ("a", "b"):
        for index in range(6):
            pages = [f"Batch {batch} document {index}\nVessel IBUKI IMO 9666481 call sign 3ELC8 flag Panama"] * 3
            (home / "uploads" / f"{batch}-{index}.pdf").write_bytes(text_pdf(*pages))
    repo = Path(__file__).resolve().parents[2]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_ONE_BATCH, str(home), batch],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for batch in ("a", "b")
    ]
    outputs = [run.communicate(timeout=600)[0].decode(errors="replace") for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n".join(output[-3000:] for output in outputs)

    from oceanid_dagster.defs.resources.warehouse import WarehouseResource

    warehouse = WarehouseResource(database=str(home / "oceanid.duckdb"))
    assert warehouse.query("SELECT status, count(*) AS n FROM documents GROUP BY status") == [
        {"status": "processed", "n": 12}
    ]
    assert warehouse.query("SELECT count(*) AS n FROM raw_ocr")[0]["n"] == 36
