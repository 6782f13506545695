"""Starting and stopping local processes (Dagster, Argilla, Triton) in their own process groups.

``dagster dev`` started in the background of a script ignores SIGINT/SIGTERM sent to it alone, so
every service gets its own session and the whole group is signalled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_process_group(
    command: Sequence[str], log_path: Path, env: dict | None = None, cwd: Path | None = None
) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - the child owns it for its lifetime
    return subprocess.Popen(
        list(command), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
    )


def stop_process_group(process: subprocess.Popen, grace_s: float = 20) -> None:
    """Stop the whole group and return once every member has exited: the leader (``dagster dev``)
    exits before its daemon and run workers, which may still be writing into its home."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 10)):
        if not _group_running(process):
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_running(process):
            time.sleep(0.2)


def _group_running(process: subprocess.Popen) -> bool:
    """The leader, or any process left in its group that is not a zombie."""
    import psutil

    if process.poll() is None:
        return True
    for member in psutil.process_iter(["status"]):
        try:
            if os.getpgid(member.pid) == process.pid and member.info["status"] != psutil.STATUS_ZOMBIE:
                return True
        except (ProcessLookupError, psutil.Error):
            continue
    return False


def wait_for_http(
    url: str, timeout_s: float, process: subprocess.Popen | None = None, log_path: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as error:
            if error.code < 500:  # answering, if only to say "log in first"
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f}s{_tail(log_path)}")


def _tail(log_path: Path | None, lines: int = 40) -> str:
    if log_path is None or not log_path.exists():
        return ""
    return "\n--- log tail ---\n" + "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


DEFINITIONS_MODULE = "oceanid_dagster.definitions"  # `dagster dev -m` names the code location after it


def dagster_dev_command(host: str, port: int) -> list[str]:
    return [
        str(Path(os.sys.executable).parent / "dagster"),
        "dev",
        "-m",
        DEFINITIONS_MODULE,
        "-h",
        host,
        "-p",
        str(port),
    ]
