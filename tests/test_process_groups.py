"""Stopping a service's process group waits for every member, not only the leader: ``dagster dev``
exits before its daemon and run workers, which may still write into the folder a caller removes next."""

import os
import time

import psutil

from devtools.services import start_process_group, stop_process_group


def live_members(group: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter(["status"]):
        try:
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def test_stopping_a_group_returns_once_a_member_that_ignores_sigterm_is_gone(tmp_path):
    # the leader exits on SIGTERM at once; its child ignores SIGTERM and outlives it
    script = "(trap '' TERM; while true; do sleep 0.1; done) & while true; do sleep 0.1; done"
    process = start_process_group(["bash", "-c", script], tmp_path / "log")
    deadline = time.monotonic() + 10
    while len(live_members(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live_members(process.pid)) >= 2

    stop_process_group(process, grace_s=1)

    assert process.poll() is not None
    assert live_members(process.pid) == []


def test_stopping_a_group_that_already_ended_returns_at_once(tmp_path):
    process = start_process_group(["true"], tmp_path / "log")
    process.wait(timeout=10)
    started = time.monotonic()
    stop_process_group(process)
    assert time.monotonic() - started < 5
