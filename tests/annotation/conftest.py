"""A real Argilla server for the annotation tests, started once per session.

It runs from its own virtual environment (``services/argilla/install.sh`` creates it) through the
project's launcher, on a free loopback port, in its own process group; it is stopped by the PID
the launcher wrote.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from oceanid_dagster.defs.resources.argilla import ArgillaResource

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "services" / "argilla" / "launcher.py"
SERVER_PYTHON = Path(os.environ.get("OCEANID_ARGILLA_PYTHON", REPO / ".venv-argilla" / "bin" / "python"))
OWNER_API_KEY = "test.owner.apikey"
ANNOTATOR_API_KEY = "test.annotator.apikey"
WORKSPACE = "oceanid"
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class ArgillaServer:
    url: str
    owner_api_key: str
    annotator_api_key: str
    workspace: str
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, log: Path, api_key: str = OWNER_API_KEY) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Argilla launcher exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/v1/me", headers={"X-Argilla-Api-Key": api_key}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Argilla did not answer at {url} within {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def _stop(pid_file: Path, process: subprocess.Popen) -> None:
    pid = int(pid_file.read_text()) if pid_file.exists() else process.pid
    os.kill(pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def argilla_server(tmp_path_factory) -> ArgillaServer:
    if not SERVER_PYTHON.exists():
        pytest.fail(f"no Argilla server environment at {SERVER_PYTHON}: run services/argilla/install.sh")
    data_dir = tmp_path_factory.mktemp("argilla")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    command = [
        str(SERVER_PYTHON), str(LAUNCHER),
        "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir / "data"),
        "--owner-api-key", OWNER_API_KEY, "--annotator-api-key", ANNOTATOR_API_KEY, "--workspace", WORKSPACE,
    ]  # fmt: skip
    with log.open("wb") as log_stream:
        process = subprocess.Popen(command, stdout=log_stream, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(url, process, log)
        yield ArgillaServer(url, OWNER_API_KEY, ANNOTATOR_API_KEY, WORKSPACE, data_dir / "data")
    finally:
        _stop(data_dir / "data" / "argilla.pid", process)


@pytest.fixture
def argilla(argilla_server: ArgillaServer, request) -> ArgillaResource:
    """The resource on a dataset of this test's own."""
    name = "t-" + request.node.name.replace("_", "-")[:60].strip("-")
    return ArgillaResource(
        api_url=argilla_server.url,
        api_key=argilla_server.owner_api_key,
        workspace=argilla_server.workspace,
        dataset_name=name,
        max_attempts=2,
        backoff_s=0.1,
    )


class Annotator:
    """Does what the Argilla UI does for an annotator (who may not use the SDK's record listing)."""

    def __init__(self, server: ArgillaServer) -> None:
        self.client = httpx.Client(
            base_url=server.url, headers={"X-Argilla-Api-Key": server.annotator_api_key}, timeout=30
        )

    def queue(self, dataset_id: str, status: str = "pending", **query: Any) -> list[dict]:
        body = {
            "filters": {
                "and": [{"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": [status]}]
            },
            **query,
        }
        response = self.client.post(
            f"/api/v1/me/datasets/{dataset_id}/records/search",
            params={"include": ["responses", "suggestions"], "limit": 100},
            json=body,
        )
        response.raise_for_status()
        return [item["record"] for item in response.json()["items"]]

    def respond(self, record: dict, spans: list[dict] | None, status: str = "submitted") -> dict:
        body: dict[str, Any] = {"status": status}
        if spans is not None:
            body["values"] = {"entities": {"value": spans}}
        response = self.client.post(f"/api/v1/records/{record['id']}/responses", json=body)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def annotator(argilla_server: ArgillaServer) -> Annotator:
    return Annotator(argilla_server)
