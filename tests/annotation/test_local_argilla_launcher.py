"""The local Argilla launcher: no development secrets off loopback, and the configured secrets reach
users created by an earlier start."""

from __future__ import annotations

import os
import signal
import subprocess

import httpx

from devtools.services import free_port
from tests.annotation.conftest import LAUNCHER, SERVER_PYTHON, wait_until_ready


def launch(data_dir, *args: str, env: dict | None = None, log=subprocess.PIPE) -> subprocess.Popen:
    command = [str(SERVER_PYTHON), str(LAUNCHER), "--data-dir", str(data_dir), *args]
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, text=True,
    )  # fmt: skip


def test_development_secrets_are_refused_off_loopback(tmp_path):
    process = launch(tmp_path / "data", "--host", "0.0.0.0", "--port", str(free_port()))
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "refusing to serve Argilla on 0.0.0.0 with the built-in development secrets" in output
    assert "ARGILLA_LOCAL_OWNER_PASSWORD" in output
    assert not (tmp_path / "data" / "argilla.pid").exists(), "nothing was started"


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def started(data_dir, url: str, port: int, owner_api_key: str, log) -> subprocess.Popen:
    with log.open("a") as stream:
        process = launch(
            data_dir, "--host", "127.0.0.1", "--port", str(port), env={"ARGILLA_LOCAL_OWNER_API_KEY": owner_api_key},
            log=stream,
        )  # fmt: skip
    try:
        wait_until_ready(url, process, log, api_key=owner_api_key)
    except BaseException:
        stop(process)
        raise
    return process


def test_changed_secrets_reach_the_existing_users(tmp_path):
    port, log, data = free_port(), tmp_path / "launcher.log", tmp_path / "data"
    url = f"http://127.0.0.1:{port}"
    stop(started(data, url, port, "first.key", log))

    second = started(data, url, port, "second.key", log)  # the same users, a changed key
    try:
        old = httpx.get(f"{url}/api/v1/me", headers={"X-Argilla-Api-Key": "first.key"}, timeout=5)
        assert old.status_code == 401, "the old key no longer opens the server"
    finally:
        stop(second)
    output = log.read_text()
    assert "second.key" not in output and "12345678" not in output, "the log holds no secret"


def test_make_dev_shows_only_the_public_development_secrets(monkeypatch) -> None:
    from devtools.dev import local_argilla_secrets, shown_secret

    monkeypatch.setenv("ARGILLA_LOCAL_OWNER_PASSWORD", "a-real-Secret-9")
    monkeypatch.delenv("ARGILLA_LOCAL_ANNOTATOR_PASSWORD", raising=False)
    secrets = local_argilla_secrets()
    assert secrets["ARGILLA_LOCAL_OWNER_PASSWORD"] == "a-real-Secret-9"
    shown = {variable: shown_secret(variable, value) for variable, value in secrets.items()}
    # a secret someone set is never printed; the launcher's loopback-only default is, to log in with
    assert shown["ARGILLA_LOCAL_OWNER_PASSWORD"] == "(as set in ARGILLA_LOCAL_OWNER_PASSWORD)"
    assert shown["ARGILLA_LOCAL_ANNOTATOR_PASSWORD"] == "annotator123"
