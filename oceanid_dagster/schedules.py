"""Schedules: the nightly retraining."""

import os

from dagster import DefaultScheduleStatus, ScheduleDefinition

from oceanid_dagster.jobs import training_job

nightly_training_schedule = ScheduleDefinition(
    name="nightly_training_schedule",
    job=training_job,
    cron_schedule=os.environ.get("OCEANID_TRAINING_CRON", "0 2 * * *"),
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every night (02:00 UTC by default; OCEANID_TRAINING_CRON): dataset → model → ONNX → release.",
)
