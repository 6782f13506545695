"""run_failure_alert against a local HTTP server standing in for a Slack incoming webhook."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from oceanid_dagster.defs.resources.alert_webhook import AlertWebhookError, AlertWebhookResource
from oceanid_dagster.defs.sensors.run_failure_alert import run_failure_alert


class Webhook:
    def __init__(self, status: int = 200) -> None:
        self.status, self.bodies = status, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(hook.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.server.shutdown()


@dg.asset
def broken_asset():
    raise ValueError("registry CSV has no header row")


def failure_context(instance, webhook_url):
    result = dg.materialize([broken_asset], instance=instance, raise_on_error=False)
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
        resources={"alert_webhook": AlertWebhookResource(url=webhook_url)},
    ).for_run_failure(), result.run_id


def test_a_failed_run_posts_job_run_failed_step_and_ui_link(webhook, monkeypatch):
    monkeypatch.setenv("OCEANID_DAGSTER_UI_URL", "https://dagster.oceanid.example/")
    with dg.instance_for_test() as instance:
        context, run_id = failure_context(instance, webhook.url)
        run_failure_alert(context)
    (body,) = webhook.bodies
    text = body["text"]
    assert "__ephemeral_asset_job__" in text and run_id[:8] in text and "`broken_asset`" in text
    assert f"https://dagster.oceanid.example/runs/{run_id}" in text


def test_a_webhook_that_refuses_fails_the_tick_without_showing_its_url(webhook):
    webhook.status = 500
    with dg.instance_for_test() as instance:
        context, _ = failure_context(instance, webhook.url)
        with pytest.raises(AlertWebhookError, match="HTTP 500") as raised:
            run_failure_alert(context)
    assert "secret-token" not in str(raised.value)


def test_without_a_webhook_nothing_is_posted():
    with dg.instance_for_test() as instance:
        context, _ = failure_context(instance, None)
        assert isinstance(run_failure_alert(context), dg.SkipReason)
