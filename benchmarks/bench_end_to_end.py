"""End to end: 1,000 three-page text PDFs dropped into the uploads folder at once, with the real
``dagster dev`` (daemon, sensors, run queue, run workers) running, until every document has its
``raw_ocr`` and ``entities`` rows. The files arrive at a running deployment: once the daemon has
ticked ``upload_sensor`` and ``ingestion_sensor`` (its start-up is not counted).

Baseline: the pure compute of the same documents in one process without Dagster (the OCR
engine's ``read_many`` + the extractor ``extracted_entities`` would use). Targets on a 2-core
machine: ≤ 180 s end to end, ratio ≤ 2, peak RSS of the run (run worker + step processes) < 2 GiB.
Measured with Dagster's storage in PostgreSQL (as `make dev` runs it) and in sqlite files.

    .venv/bin/python -m benchmarks.bench_end_to_end [--documents 1000] [--storage postgres,sqlite]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.dagster_dev import DagsterDev, copy_into, is_ingestion_run, process_tree, rss_bytes
from benchmarks.report import emit, note
from devtools.postgres import LocalPostgres
from devtools.services import free_port
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_pdf

PAGES = 3
TARGET_SECONDS = 180.0
RSS_LIMIT_MIB = 2048.0
MIB = 1024 * 1024


def sample_pdfs(count: int, seed: int, pages: int = PAGES) -> dict[str, bytes]:
    documents = generate_documents(load_sample_registry(), count, seed=seed, pages=pages)
    return {f"{document.name}.pdf": render_pdf(document) for document in documents}


def pure_compute_seconds(pdfs: dict[str, bytes]) -> tuple[float, int]:
    """OCR (text layer) + rule extraction of every page, one process, no Dagster, no warehouse."""
    started = time.perf_counter()
    extractor = RuleExtractor(Gazetteer.from_records(load_sample_registry()))
    entities = 0
    for _, pages in OcrEngineResource().read_many((name, lambda data=data: data) for name, data in pdfs.items()):
        if isinstance(pages, Exception):
            raise pages
        entities += sum(len(found.spans) for found in extractor.extract_pages([page.text for page in pages]))
    return time.perf_counter() - started, entities


class TreeMemorySampler:
    """Peak RSS of the run: the run worker and its step processes, summed, sampled every 0.2 s."""

    def __init__(self, dev: DagsterDev) -> None:
        self.dev = dev
        self.peak_bytes = 0
        self.peak_process_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for worker in self.dev.run_workers():
                sizes = [rss_bytes(process) for process in process_tree(worker)]
                self.peak_bytes = max(self.peak_bytes, sum(sizes))
                self.peak_process_bytes = max(self.peak_process_bytes, *sizes)


def all_documents_done(dev: DagsterDev, count: int) -> bool:
    """Every document processed with raw_ocr and entities rows, and the ingestion runs finished."""
    with dev.instance() as instance:
        runs = instance.get_runs(limit=20)
        ingestion_finished = any(run.is_finished and is_ingestion_run(run) for run in runs)
        if not ingestion_finished or not all(run.is_finished for run in runs):
            return False
    counts = dev.warehouse().query(
        """
        SELECT count(*) AS documents,
               count(*) FILTER (WHERE status = 'processed') AS processed,
               (SELECT count(DISTINCT document_id) FROM raw_ocr) AS with_pages,
               (SELECT count(DISTINCT document_id) FROM entities) AS with_entities
        FROM documents
        """
    )[0]
    if counts["documents"] == count and counts["processed"] < count:
        raise RuntimeError(f"the run finished with {count - counts['processed']} documents not processed: {counts}")
    return counts["processed"] == count and counts["with_pages"] == count and counts["with_entities"] == count


def run_phases(dev: DagsterDev, dropped_at: float) -> dict[str, float]:
    """Where the time went: files dropped → registration run (upload_sensor) → ingestion run
    (ingestion_sensor) → each step of both."""
    with dev.instance() as instance:
        runs = instance.get_runs()
        ingestion = [run for run in runs if is_ingestion_run(run)]
        registration = [run for run in runs if not is_ingestion_run(run)]
        if not ingestion or not registration:
            raise RuntimeError(f"expected registration and ingestion runs, got {len(runs)} runs")
        first, last = (instance.get_run_record_by_id(run.run_id) for run in (registration[-1], ingestion[0]))
        phases = {
            "dropped_to_registration_run_created": first.create_timestamp.timestamp() - dropped_at,
            "registration_run_total": first.end_time - first.start_time,
            "registered_to_ingestion_run_created": last.create_timestamp.timestamp() - first.end_time,
            "ingestion_run_created_to_started": last.start_time - last.create_timestamp.timestamp(),
            "ingestion_run_total": last.end_time - last.start_time,
            "dropped_to_run_finished": last.end_time - dropped_at,
            "registration_runs": len(registration),
            "ingestion_runs": len(ingestion),
        }
        phases.update(upload_tick_phases(dev.sensor_ticks("upload_sensor"), dropped_at))
        for run in (*registration, *ingestion):
            if run.status.value != "SUCCESS":
                raise RuntimeError(f"run {run.run_id} ended {run.status.value}\n{dev.log_tail()}")
            for step in instance.get_run_step_stats(run.run_id):
                key = f"step.{step.step_key}"
                phases[key] = phases.get(key, 0.0) + step.end_time - step.start_time
    return phases


def upload_tick_phases(ticks: list[dict], dropped_at: float) -> dict[str, float]:
    """When ``upload_sensor`` first ticked after the drop, when the tick that asked for the
    registration run started, and how long that tick took."""
    after_drop = [tick for tick in ticks if tick["timestamp"] >= dropped_at]
    taking = [tick for tick in after_drop if tick["runIds"]]
    if not after_drop or not taking:
        return {}
    return {
        "dropped_to_first_upload_tick": after_drop[0]["timestamp"] - dropped_at,
        "dropped_to_upload_tick_taking_files": taking[0]["timestamp"] - dropped_at,
        "upload_tick_taking_files": taking[0]["endTimestamp"] - taking[0]["timestamp"],
        "upload_ticks_waiting": after_drop.index(taking[0]),
    }


def extractor_source(dev: DagsterDev) -> str:
    return "+".join(row["source"] for row in dev.warehouse().query("SELECT DISTINCT source FROM entities ORDER BY 1"))


@contextmanager
def dagster_storage(kind: str, root: Path) -> Iterator[str | None]:
    """The URL of a fresh PostgreSQL ``dagster`` database, as `make dev` starts, or None for sqlite."""
    if kind == "sqlite":
        yield None
        return
    root.chmod(0o755)  # PostgreSQL runs as its own system user when we are root
    server = LocalPostgres(root / "postgres", port=free_port())
    server.start()
    try:
        yield server.dagster_storage_url()
    finally:
        server.stop()


def end_to_end(pdfs: dict[str, bytes], root: Path, storage_url: str | None) -> dict[str, float | str]:
    with DagsterDev(root, storage_url=storage_url) as dev:
        # files arrive at a running deployment: the daemon is up and has ticked the sensors once
        for sensor in ("upload_sensor", "ingestion_sensor"):
            dev.wait_until(lambda sensor=sensor: dev.sensor_ticks(sensor), 300, f"the daemon's first {sensor} tick")
        with TreeMemorySampler(dev) as memory:
            dropped_at = time.time()
            copy_into(dev.uploads, pdfs)
            dev.wait_until(
                lambda: all_documents_done(dev, len(pdfs)), 1800, f"{len(pdfs)} processed documents", poll_s=2
            )
            # the poll lags by up to its interval: the warehouse says when the last document was done
            last_done = dev.warehouse().query("SELECT max(processed_at) AS at FROM documents")[0]["at"].timestamp()
        return {
            "seconds": last_done - dropped_at,
            "peak_rss_mib": memory.peak_bytes / MIB,
            "peak_process_rss_mib": memory.peak_process_bytes / MIB,
            "extractor": extractor_source(dev),
            **{f"phase.{name}": value for name, value in run_phases(dev, dropped_at).items()},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument(
        "--storage",
        default="postgres,sqlite",
        help="Dagster storages to measure, comma separated (postgres: make dev's)",
    )
    args = parser.parse_args()
    note(f"rendering {args.documents} PDFs of {PAGES} pages")
    pdfs = sample_pdfs(args.documents, args.seed)
    baseline, entities = pure_compute_seconds(pdfs)
    note(f"pure compute: {baseline:.1f}s, {entities} entities")
    for storage in args.storage.split(","):
        note(f"starting dagster dev with {storage} storage")
        with (
            tempfile.TemporaryDirectory(prefix="oceanid-bench-e2e-") as scratch,
            dagster_storage(storage, Path(scratch)) as storage_url,
        ):
            figures = end_to_end(pdfs, Path(scratch), storage_url)
        emit_figures(f"end_to_end.{storage}.{args.documents}x{PAGES}p.{figures.pop('extractor')}", figures, baseline)


def emit_figures(prefix: str, figures: dict, baseline: float) -> None:
    seconds = figures.pop("seconds")
    emit(f"{prefix}.seconds_vs_pure_compute", seconds, "s", baseline)
    emit(f"{prefix}.seconds_vs_target", seconds, "s", TARGET_SECONDS)
    emit(f"{prefix}.peak_run_rss", figures.pop("peak_rss_mib"), "MiB", RSS_LIMIT_MIB)
    emit(f"{prefix}.peak_single_process_rss", figures.pop("peak_process_rss_mib"), "MiB", RSS_LIMIT_MIB)
    emit(f"{prefix}.pure_compute", baseline, "s")
    for name, seconds in figures.items():
        if name.startswith("phase."):
            emit(f"{prefix}.{name}", seconds, "s")


if __name__ == "__main__":
    main()
