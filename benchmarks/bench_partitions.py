"""Dynamic partitions at scale: 20,000 documents registered (uploads, ``documents`` rows, dynamic
partitions), then, with the real ``dagster dev`` running:

- the upload sensor's tick time as the daemon records it: the catch-up ticks of a fresh cursor
  (1,000 files per tick, all already known), ticks with no new file, and the tick that finds 10
  new files;
- the GraphQL query time of the ``raw_ocr`` asset page (partition stats, partition statuses,
  partition keys) through the webserver's ``/graphql``.

    .venv/bin/python -m benchmarks.bench_partitions [--documents 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_end_to_end import sample_pdfs
from benchmarks.dagster_dev import DagsterDev, copy_into
from benchmarks.report import emit, note
from oceanid_dagster.defs.assets.uploaded_files import FoundFile, registration_row
from oceanid_dagster.defs.partitions import documents_partitions
from oceanid_dagster.defs.resources.document_store import UploadedFile
from oceanid_dagster.defs.sensors.upload_sensor import MAX_FILES_PER_TICK
from oceanid_dagster.domain.documents import sha256_hex

NEW_FILES = 10
NO_NEW_UPLOADS = "no new settled uploads (0 files waiting"  # the skip reason when nothing arrived
QUERY_REPEATS = 5

ASSET_PAGE = """
query ($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) {
    ... on AssetNode {
      partitionStats { numMaterialized numMaterializing numFailed numPartitions }
      assetPartitionStatuses {
        ... on DefaultPartitionStatuses {
          materializedPartitions failedPartitions materializingPartitions unmaterializedPartitions
        }
      }
      partitionKeysByDimension { name partitionKeys }
    }
  }
}
"""


def register_many(dev: DagsterDev, count: int) -> None:
    """Tiny stand-in files (the sensor only hashes them), their rows, their partitions."""
    rows = []
    for index in range(count):
        data = f"%PDF-1.4 stand-in document {index}\n".encode()
        path = dev.uploads / f"registered-{index:05d}.pdf"
        path.write_bytes(data)
        file = UploadedFile(str(path), path.name, len(data), path.stat().st_mtime)
        rows.append({**registration_row(FoundFile.of(file), sha256_hex(data)), "status": "processed", "page_count": 1})
    dev.warehouse().upsert_rows("documents", rows)
    with dev.instance() as instance:
        instance.add_dynamic_partitions(documents_partitions.name, [row["document_id"] for row in rows])


def tick_seconds(tick: dict) -> float:
    return tick["endTimestamp"] - tick["timestamp"]


def asset_page_seconds(dev: DagsterDev) -> list[float]:
    timings = []
    for _ in range(QUERY_REPEATS):
        started = time.perf_counter()
        node = dev.graphql(ASSET_PAGE, {"key": {"path": ["raw_ocr"]}})["assetNodeOrError"]
        timings.append(time.perf_counter() - started)
        partitions = node["partitionStats"]["numPartitions"]
    note(f"asset page: {partitions} partitions")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oceanid-bench-partitions-") as scratch:
        dev = DagsterDev(Path(scratch))
        note(f"registering {args.documents} documents")
        register_many(dev, args.documents)
        with dev:
            # a fresh cursor walks past the registered files: MAX_FILES_PER_TICK a tick, each share handed to a
            # registration run that finds them registered and unchanged
            dev.wait_until(lambda: idle_ticks(dev), 900, "the sensor to catch up with the registered files", poll_s=5)
            catch_up = [tick for tick in dev.sensor_ticks("upload_sensor") if not is_idle(tick)]
            dev.wait_until(lambda: len(idle_ticks(dev)) >= 3, 120, "three ticks with no new file", poll_s=2)
            idle = [tick_seconds(tick) for tick in idle_ticks(dev)]
            page = asset_page_seconds(dev)
            dropped_at = time.time()
            copy_into(dev.uploads, sample_pdfs(NEW_FILES, seed=20_000))
            [with_new] = dev.wait_until(
                lambda: [
                    tick
                    for tick in dev.sensor_ticks("upload_sensor")
                    if tick["runIds"] and tick["timestamp"] > dropped_at
                ],
                120,
                "the tick that finds the new files",
                poll_s=2,
            )
    prefix = f"partitions.{args.documents}_documents"
    emit(
        f"{prefix}.sensor_catch_up_ticks_{MAX_FILES_PER_TICK}_known_files_each",
        statistics.median(map(tick_seconds, catch_up)),
        "s",
    )
    emit(f"{prefix}.sensor_catch_up_total_tick_time", sum(map(tick_seconds, catch_up)), "s")
    emit(f"{prefix}.sensor_tick_no_new_files", statistics.median(idle), "s")
    emit(f"{prefix}.sensor_tick_{NEW_FILES}_new_files", tick_seconds(with_new), "s")
    emit(f"{prefix}.asset_page_graphql_first", page[0], "s")
    emit(f"{prefix}.asset_page_graphql_median", statistics.median(page), "s")


def is_idle(tick: dict) -> bool:
    return (tick["skipReason"] or "").startswith(NO_NEW_UPLOADS)


def idle_ticks(dev: DagsterDev) -> list[dict]:
    return [tick for tick in dev.sensor_ticks("upload_sensor") if is_idle(tick)]


if __name__ == "__main__":
    main()
