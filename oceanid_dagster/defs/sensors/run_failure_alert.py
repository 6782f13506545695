"""``run_failure_alert``: every failed run of this code location posts a short message (job, run
id, failed steps, first line of the error, a link to the run in the UI) to the alert webhook."""

import os

import dagster as dg

from oceanid_dagster.defs.resources.alert_webhook import AlertWebhookError, AlertWebhookResource

DEFAULT_UI_URL = "http://127.0.0.1:3000"


def dagster_ui_url() -> str:
    return os.environ.get("OCEANID_DAGSTER_UI_URL", DEFAULT_UI_URL).rstrip("/")


def failure_message(context: dg.RunFailureSensorContext) -> str:
    run = context.dagster_run
    steps = sorted({event.step_key for event in context.get_step_failure_events() if event.step_key})
    error = context.failure_event.message or "run failed"
    return (
        f"Dagster run failed: job `{run.job_name}`, run `{run.run_id[:8]}`"
        f"{', failed step(s) ' + ', '.join(f'`{step}`' for step in steps) if steps else ''}\n"
        f"{error.strip().splitlines()[0][:300]}\n"
        f"{dagster_ui_url()}/runs/{run.run_id}"
    )


@dg.run_failure_sensor(
    name="run_failure_alert",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts every failed run (job, run id, failed steps, UI link) to OCEANID_ALERT_WEBHOOK_URL.",
)
def run_failure_alert(context: dg.RunFailureSensorContext, alert_webhook: AlertWebhookResource):
    if not alert_webhook.configured:
        return dg.SkipReason("no OCEANID_ALERT_WEBHOOK_URL: run failures are not posted anywhere")
    try:
        alert_webhook.post(failure_message(context))
    except AlertWebhookError as error:
        context.log.warning(f"run {context.dagster_run.run_id}: {error}")
        raise
    return None
