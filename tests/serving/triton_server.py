"""Start the local Triton Inference Server (services/triton/serve.py in .venv-triton) for a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
TRITON_VENV = Path(os.environ.get("OCEANID_TRITON_VENV", REPO_ROOT / ".venv-triton"))
NER_MODEL = "distilbert-base-uncased"
STARTUP_TIMEOUT_S = 180
STOP_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_triton(onnx_model: Path, work: Path, python_models: tuple[Path, ...] = ()) -> Iterator[str]:
    """Serve ``onnx_model`` as the NER model (plus Python-backend folders); yields the base URL."""
    if not (TRITON_VENV / "bin" / "python").exists():
        pytest.fail(f"no Triton venv at {TRITON_VENV}: run services/triton/install.sh")
    port = free_port()
    command = [
        str(TRITON_VENV / "bin" / "python"),
        str(REPO_ROOT / "services" / "triton" / "serve.py"),
        "--onnx",
        str(onnx_model),
        "--http-port",
        str(port),
        "--grpc-port",
        str(free_port()),
        "--metrics-port",
        str(free_port()),
    ]
    for folder in python_models:
        command += ["--python-model", str(folder)]
    log_path = work / "triton.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log_path, [NER_MODEL, *(folder.name for folder in python_models)])
        yield url
    finally:
        _stop(process)


def _wait_until_ready(url: str, process: subprocess.Popen, log_path: Path, models: list[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Triton exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if all(requests.get(f"{url}/v2/models/{model}/ready", timeout=2).status_code == 200 for model in models):
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"Triton not ready after {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
