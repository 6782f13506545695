"""OCR runs outside the single-writer slot: a run stuck reading a slow document does not hold up the
writes of another run. Two runs on one instance (the shipped dagster.yaml), one warehouse file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from tests.pdf_fixtures import text_pdf

REPO = Path(__file__).resolve().parents[2]
WAIT_FOR_OTHER_RUN_S = 90

RUN = """
import sys, time
from pathlib import Path
from dagster import DagsterInstance
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.profiles import resources_for_profile
from tests.ingestion.helpers import register, run_batch

home, name, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]


class OcrWaitingForTheOtherRun(OcrEngineResource):
    '''A document whose reading takes until the other run has stored its entities (or gives up).'''

    def read_many(self, documents):
        (home / "slow-reading-started").touch()
        deadline = time.monotonic() + {wait}
        while not (home / "quick-done").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        print("the other run finished first" if (home / "quick-done").exists() else "the other run waited")
        yield from super().read_many(documents)


resources = resources_for_profile("local")
if mode == "slow":
    resources["ocr_engine"] = OcrWaitingForTheOtherRun()
with DagsterInstance.get() as instance:
    ids = register(resources, instance, [home / "uploads" / name])
    ok = run_batch(instance, resources, ids).success
if mode == "quick":
    (home / "quick-done").touch()
sys.exit(0 if ok else 1)
""".replace("{wait}", str(WAIT_FOR_OTHER_RUN_S))


def test_a_run_reading_a_slow_document_does_not_hold_up_another_run(tmp_path: Path):
    home = tmp_path / "home"
    (home / "uploads").mkdir(parents=True)
    (home / "dagster_home").mkdir()
    shutil.copy(REPO / "deploy/local/dagster.yaml", home / "dagster_home" / "dagster.yaml")
    (home / "uploads" / "slow.pdf").write_bytes(text_pdf("Vessel IBUKI IMO 9666481 call sign 3ELC8, slow to read"))
    (home / "uploads" / "quick.pdf").write_bytes(text_pdf("Vessel TAISEI MARU NO.24 IMO 9086758"))
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(home / "dagster_home")}

    def start(name: str, mode: str) -> subprocess.Popen:
        command = [sys.executable, "-c", RUN, str(home), name, mode]
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    slow = start("slow.pdf", "slow")
    while not (home / "slow-reading-started").exists():
        assert slow.poll() is None, slow.stdout.read()
    quick = start("quick.pdf", "quick")
    quick_output, _ = quick.communicate(timeout=300)
    slow_output, _ = slow.communicate(timeout=300)

    assert quick.returncode == 0, quick_output[-3000:]
    assert slow.returncode == 0, slow_output[-3000:]
    assert "the other run finished first" in slow_output, "the quick run waited for the slow run's slot"
    warehouse = WarehouseResource(database=str(home / "oceanid.duckdb"))
    assert [row["status"] for row in warehouse.query("SELECT status FROM documents")] == ["processed"] * 2
