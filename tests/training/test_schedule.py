"""The nightly schedule: 02:00 UTC by default, launching the training chain of the Definitions."""

from __future__ import annotations

from datetime import datetime, timezone

from dagster import build_schedule_context

from oceanid_dagster.definitions import defs
from oceanid_dagster.jobs import TRAINING_ASSETS
from oceanid_dagster.schedules import nightly_training_schedule


def test_nightly_schedule_runs_the_training_chain_at_two_utc():
    assert nightly_training_schedule.cron_schedule == "0 2 * * *"
    assert nightly_training_schedule.execution_timezone == "UTC"
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc))
    [request] = nightly_training_schedule.evaluate_tick(context).run_requests
    assert request.job_name in (None, nightly_training_schedule.job_name)

    job = defs.resolve_job_def(nightly_training_schedule.job_name)
    selected = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert selected == set(TRAINING_ASSETS)
