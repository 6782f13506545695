"""Promotion into the curated store: the five shared RFMO registries (``../shared/data/registries``,
else the packaged sample) resolved into vessels on a real local PostgreSQL, twice (the second
promotion must change nothing). Reports vessels, conflicts and the promotion time."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import dagster as dg

from benchmarks.report import emit
from devtools.postgres import LocalPostgres
from devtools.services import free_port
from oceanid_dagster.defs.assets.curated_vessels import curated_vessels, curated_vessels_agree
from oceanid_dagster.defs.assets.staged_extractions import staged_extractions
from oceanid_dagster.defs.assets.vessel_registry import vessel_registry
from oceanid_dagster.defs.resources.postgres import PostgresResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.migrations.runner import upgrade

SHARED_REGISTRIES = Path(__file__).resolve().parents[2] / "shared/data/registries"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-curated-"))
    folder.chmod(0o755)
    server = LocalPostgres(folder / "postgres", port=free_port())
    try:
        url = server.start()
        upgrade(url)
        registries = str(SHARED_REGISTRIES) if SHARED_REGISTRIES.is_dir() else None
        resources = {
            "warehouse": WarehouseResource(database=str(folder / "warehouse.duckdb")),
            "postgres": PostgresResource(url=url),
            "registry_lists": RegistryListsResource(registry_dir=registries, allow_packaged_sample=True),
        }
        dg.materialize([vessel_registry], resources=resources)
        for attempt in ("first", "again"):
            started = time.perf_counter()
            result = dg.materialize([staged_extractions, curated_vessels, curated_vessels_agree], resources=resources)
            elapsed = time.perf_counter() - started
            metadata = result.asset_materializations_for_node("curated_vessels")[0].metadata
            emit(f"curated.promotion_s.{attempt}", round(elapsed, 2), "s")
            emit(f"curated.resolution_s.{attempt}", metadata["resolution_s"].value, "s")
        conflicts = Counter(f"{row['kind']}.{row['field']}" for row in resources["postgres"].conflicts())
        emit("curated.source_records", sum(metadata["source_records"].value.values()), "records")
        emit("curated.vessels", metadata["dagster/row_count"].value, "vessels")
        emit("curated.conflicts", sum(conflicts.values()), "conflicts")
        for kind, count in sorted(conflicts.items()):
            emit(f"curated.conflicts.{kind}", count, "conflicts")
        emit("curated.left_out", metadata["skipped"].value, "rows/identifiers")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
