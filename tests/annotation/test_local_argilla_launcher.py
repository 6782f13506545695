"""The local Argilla launcher: no development secrets off loopback, and the configured secrets reach
users created by an earlier start."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx

from devtools.services import free_port
from tests.annotation.conftest import LAUNCHER, SERVER_PYTHON

START_TIMEOUT_S = 90


def launch(data_dir, *args: str, env: dict | None = None) -> subprocess.Popen:
    command = [str(SERVER_PYTHON), str(LAUNCHER), "--data-dir", str(data_dir), *args]
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, text=True,
    )  # fmt: skip


def test_development_secrets_are_refused_off_loopback(tmp_path):
    process = launch(tmp_path / "data", "--host", "0.0.0.0", "--port", str(free_port()))
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "refusing to serve Argilla on 0.0.0.0 with the built-in development secrets" in output
    assert "ARGILLA_LOCAL_OWNER_PASSWORD" in output
    assert not (tmp_path / "data" / "argilla.pid").exists(), "nothing was started"


def wait_for_key(url: str, key: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"{url}/api/v1/me", headers={"X-Argilla-Api-Key": key}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"Argilla did not accept the key within {START_TIMEOUT_S}s")


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output


def test_changed_secrets_reach_the_existing_users(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = ("--host", "127.0.0.1", "--port", str(port))
    first = launch(tmp_path / "data", *args, env={"ARGILLA_LOCAL_OWNER_API_KEY": "first.key"})
    wait_for_key(url, "first.key", first)
    stop(first)

    second = launch(tmp_path / "data", *args, env={"ARGILLA_LOCAL_OWNER_API_KEY": "second.key"})
    try:
        wait_for_key(url, "second.key", second)
        old = httpx.get(f"{url}/api/v1/me", headers={"X-Argilla-Api-Key": "first.key"}, timeout=5)
        assert old.status_code == 401, "the old key no longer opens the server"
    finally:
        output = stop(second)
    assert "second.key" not in output and "12345678" not in output, "the log holds no secret"
