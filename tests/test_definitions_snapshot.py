"""A snapshot of every definition of the code location: assets (group, kinds, partitions, automation,
dependencies, whether a code version is set), checks (blocking, partitioned), sensors, schedules, jobs
and resources. A change to the house shows in review as a change to this file.

Regenerate after an intended change: ``UPDATE_SNAPSHOTS=1 pytest tests/test_definitions_snapshot.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"
BIN = Path(sys.executable).parent


def _asset(graph, key: dg.AssetKey) -> dict:
    node = graph.get(key)
    condition = node.automation_condition
    return {
        "group": node.group_name,
        "kinds": sorted(node.kinds),
        "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
        "partitions": getattr(node.partitions_def, "name", None),
        "automation": condition.get_label() if condition is not None else None,
        "code_version": node.code_version is not None,
        "executable": node.is_executable,
    }


def describe(definitions: dg.Definitions) -> dict:
    repository = definitions.get_repository_def()
    graph = repository.asset_graph
    checks = {}
    for check_key in graph.asset_check_keys:
        spec = graph.get_check_spec(check_key)
        checks[check_key.to_user_string()] = {"blocking": spec.blocking, "partitioned": spec.partitions_def is not None}
    return {
        "assets": {key.to_user_string(): _asset(graph, key) for key in sorted(graph.get_all_asset_keys())},
        "checks": dict(sorted(checks.items())),
        "sensors": sorted(sensor.name for sensor in repository.sensor_defs),
        "schedules": sorted(schedule.name for schedule in repository.schedule_defs),
        "jobs": sorted(job.name for job in repository.get_all_jobs()),
        "resources": sorted(definitions.resources or {}),
    }


# What the code location reads from the environment at import time: none of it in the snapshot.
DEPLOYMENT_VARIABLES = ("ARGILLA_API_URL", "OCEANID_PROFILE", "OCEANID_TRAINING_CRON", "OCEANID_REGISTRY_CRON")


def described_in_a_clean_process(home: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    code = (
        "import json; from oceanid_dagster.definitions import defs; "
        "from tests.test_definitions_snapshot import describe; print(json.dumps(describe(defs())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**env, "OCEANID_HOME": str(home), "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout)


def test_the_definitions_match_the_snapshot(home):
    current = described_in_a_clean_process(home)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_dg_lists_the_same_assets(home):
    result = subprocess.run(
        [str(BIN / "dg"), "list", "defs", "--json"],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert sorted(asset["asset_key"] for asset in listed["assets"]) == sorted(
        json.loads(SNAPSHOT.read_text())["assets"]
    )
