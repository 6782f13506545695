"""`make dev`'s launcher as a supervisor or a closed terminal stops it: SIGTERM and SIGHUP stop the
local Argilla and `dagster dev` like Ctrl-C does; secrets reach the terminal, never the log file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from devtools.services import free_port, wait_for_http

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
OWNER_PASSWORD = "a-long-test-owner-password"


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run_smoke(env: dict) -> subprocess.CompletedProcess:
    oceanid = Path(sys.executable).parent / "oceanid"
    return subprocess.run([str(oceanid), "smoke"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def smoke_parts(result: subprocess.CompletedProcess, status: str) -> set[str]:
    """Parts with ``status`` in the smoke table (columns are two-space separated)."""
    rows = [line.split("  ") for line in result.stdout.splitlines()[1:]]
    return {cells[0].strip() for cells in rows if status in [cell.strip() for cell in cells if cell.strip()]}


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_stops_postgres_argilla_and_dagster_and_secrets_stay_out_of_the_log(
    tmp_path, traversable_dir, stop_signal
):
    # OCEANID_HOME where PostgreSQL's own system user can reach its data folder
    home, dagster_port, argilla_port, postgres_port = traversable_dir / "home", free_port(), free_port(), free_port()
    (home / "dagster_home").mkdir(parents=True)
    shutil.copy(REPO / "deploy/local/dagster.yaml", home / "dagster_home" / "dagster.yaml")
    unset = ("ARGILLA_API_URL", "ARGILLA_API_KEY", "DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if key not in unset} | {
        "OCEANID_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "OCEANID_DAGSTER_PORT": str(dagster_port),
        "OCEANID_ARGILLA_PORT": str(argilla_port),
        "OCEANID_POSTGRES_PORT": str(postgres_port),
        "ARGILLA_LOCAL_OWNER_PASSWORD": OWNER_PASSWORD,
    }
    terminal = tmp_path / "terminal.txt"
    with terminal.open("wb") as output:  # its own session: the signal reaches the launcher alone
        dev = subprocess.Popen(
            [sys.executable, "-m", "devtools.dev"], cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{dagster_port}/server_info", 240, dev, terminal)
        assert listening(argilla_port) and listening(dagster_port) and listening(postgres_port)
        database_url = f"postgresql://oceanid@127.0.0.1:{postgres_port}/oceanid"
        assert database_url in terminal.read_text()
        # Dagster's own storage is the same server's `dagster` database, its schema made by dagster dev
        assert (
            f"Dagster storage: postgresql+psycopg2://oceanid@127.0.0.1:{postgres_port}/dagster" in terminal.read_text()
        )
        with psycopg.connect(f"postgresql://oceanid@127.0.0.1:{postgres_port}/dagster") as connection:
            tables = {row[0] for row in connection.execute("SELECT tablename FROM pg_tables")}
        assert {"runs", "event_logs", "jobs", "instigators"} <= tables
        stack = {**env, "ARGILLA_API_URL": f"http://127.0.0.1:{argilla_port}"}
        if stop_signal == signal.SIGTERM:  # once is enough: `oceanid smoke` passes against the running stack
            smoke = run_smoke({**stack, "DATABASE_URL": database_url})
            assert smoke.returncode == 0, smoke.stdout + smoke.stderr
            assert {"warehouse", "argilla", "model hub", "artifact store", "postgres"} <= smoke_parts(smoke, "ok")

        dev.send_signal(stop_signal)
        dev.wait(timeout=90)

        deadline = time.monotonic() + 30
        while any(map(listening, (argilla_port, dagster_port, postgres_port))) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not listening(postgres_port), "PostgreSQL stopped"
        if stop_signal == signal.SIGTERM:  # and fails, naming Argilla, once Argilla is gone
            smoke = run_smoke(stack)
            assert smoke.returncode == 1 and "smoke: FAILED: argilla" in smoke.stderr, smoke.stdout + smoke.stderr
            assert smoke_parts(smoke, "FAILED") == {"argilla"}
        assert not listening(argilla_port), "Argilla stopped"
        assert not listening(dagster_port), "dagster dev stopped"
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
    shown = terminal.read_text()
    # the terminal shows how to log in: the development defaults, and where a secret someone set lives, not it
    assert "owner argilla / (as set in ARGILLA_LOCAL_OWNER_PASSWORD)" in shown and OWNER_PASSWORD not in shown
    assert "annotator annotator / annotator123" in shown
    log = (home / "argilla.log").read_text()
    assert "Argilla URL" in log and OWNER_PASSWORD not in log and "oceanid.owner.apikey" not in log
