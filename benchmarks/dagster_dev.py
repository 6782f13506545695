"""A real ``dagster dev`` (webserver + daemon + code server) on a free loopback port, in a scratch
folder, for the benchmarks and the fault tests: start, stop, restart, GraphQL, the run workers."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import yaml
from dagster import DagsterInstance

from devtools.services import (
    DEFINITIONS_MODULE,
    dagster_dev_command,
    free_port,
    start_process_group,
    stop_process_group,
    wait_for_http,
)
from oceanid_dagster import settings
from oceanid_dagster.defs.partitions import PARTITION_RANGE_START_TAG
from oceanid_dagster.defs.resources.warehouse import WarehouseResource

REPO = Path(__file__).resolve().parents[1]
SHIPPED_INSTANCE_CONFIG = REPO / "deploy/local/dagster.yaml"
# `dagster dev` launches each run as a multiprocessing child of its code server (`dagster api grpc`)
CODE_SERVER_MARKER = "api grpc"
RUN_WORKER_MARKER = "spawn_main"
SENSOR_TICKS = """
query ($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { ticks(limit: 100) { timestamp endTimestamp status skipReason runIds } } }
  }
}
"""


def merged(base: dict, overrides: dict) -> dict:
    result = dict(base)
    for key, value in overrides.items():
        result[key] = merged(result.get(key, {}), value) if isinstance(value, dict) else value
    return result


class DagsterDev:
    """``dagster dev`` for one scratch ``OCEANID_HOME`` and ``DAGSTER_HOME`` under ``root``."""

    def __init__(self, root: Path, instance_overrides: dict | None = None, storage_url: str | None = None) -> None:
        """``storage_url``: Dagster's storage in that PostgreSQL database (as `make dev`), else sqlite files."""
        self.root = root
        self.storage_url = settings.dagster_postgres_url(storage_url) if storage_url else None
        self.home = root / "oceanid"
        self.dagster_home = root / "dagster_home"
        self.uploads = self.home / "uploads"
        self.log = root / "dagster-dev.log"
        self.port = free_port()
        self.process = None
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        storage = (
            settings.postgres_instance_storage()
            if storage_url
            else settings.sqlite_instance_storage(str(self.dagster_home))
        )
        config = merged(
            yaml.safe_load(SHIPPED_INSTANCE_CONFIG.read_text()), {"storage": storage, **(instance_overrides or {})}
        )
        (self.dagster_home / "dagster.yaml").write_text(yaml.safe_dump(config))

    @property
    def env(self) -> dict:
        return {
            **os.environ,
            **settings.dagster_process_env(),
            "OCEANID_HOME": str(self.home),
            "DAGSTER_HOME": str(self.dagster_home),
            "OCEANID_PROFILE": "local",
            **({settings.DAGSTER_POSTGRES_URL_ENV: self.storage_url} if self.storage_url else {}),
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 180) -> DagsterDev:
        self.process = start_process_group(
            dagster_dev_command("127.0.0.1", self.port), self.log, env=self.env, cwd=REPO
        )
        wait_for_http(f"{self.url}/server_info", timeout_s, self.process, self.log)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None

    def __enter__(self) -> DagsterDev:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def warehouse(self, lock_timeout_s: float = 120) -> WarehouseResource:
        return WarehouseResource(database=str(self.home / "oceanid.duckdb"), lock_timeout_s=lock_timeout_s)

    @contextmanager
    def instance(self) -> Iterator[DagsterInstance]:
        if self.storage_url:  # the instance's dagster.yaml names the variable
            os.environ[settings.DAGSTER_POSTGRES_URL_ENV] = self.storage_url
        with DagsterInstance.from_config(str(self.dagster_home)) as instance:
            yield instance

    def graphql(self, query: str, variables: dict | None = None, timeout_s: float = 120) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise RuntimeError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def sensor_ticks(self, sensor_name: str) -> list[dict]:
        """The sensor's last 100 finished ticks as the daemon recorded them, oldest first."""
        selector = {
            "repositoryLocationName": DEFINITIONS_MODULE,
            "repositoryName": "__repository__",
            "sensorName": sensor_name,
        }
        ticks = self.graphql(SENSOR_TICKS, {"selector": selector})["sensorOrError"]["sensorState"]["ticks"]
        return sorted((tick for tick in ticks if tick["endTimestamp"]), key=lambda tick: tick["timestamp"])

    def run_workers(self) -> list[psutil.Process]:
        """The run worker processes under this ``dagster dev`` (one per running run)."""
        if self.process is None:
            return []
        code_servers = [
            p for p in psutil.Process(self.process.pid).children(recursive=True) if _runs(p, CODE_SERVER_MARKER)
        ]
        return [child for server in code_servers for child in _children(server) if _runs(child, RUN_WORKER_MARKER)]

    def log_tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_until(self, condition: Callable[[], Any], timeout_s: float, what: str, poll_s: float = 1.0) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(poll_s)
        raise TimeoutError(
            f"timed out after {timeout_s:.0f}s waiting for {what}\n--- dagster dev log ---\n{self.log_tail()}"
        )


def _children(process: psutil.Process, recursive: bool = False) -> list[psutil.Process]:
    try:
        return process.children(recursive=recursive)
    except psutil.NoSuchProcess:
        return []


def process_tree(process: psutil.Process) -> list[psutil.Process]:
    return [process, *_children(process, recursive=True)]


def rss_bytes(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def _runs(process: psutil.Process, marker: str) -> bool:
    try:
        return marker in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False


def is_ingestion_run(run) -> bool:
    """A run over a range of document partitions (ingestion_sensor's, or its retry); registration
    runs are unpartitioned."""
    return PARTITION_RANGE_START_TAG in run.tags


def copy_into(folder: Path, files: dict[str, bytes]) -> None:
    """Drop files into an uploads folder the way an upload tool does: written aside, then renamed."""
    for name, data in files.items():
        staging = folder / f".{name}.part"
        staging.write_bytes(data)
        staging.rename(folder / name)
