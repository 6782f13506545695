"""A Slack-compatible incoming webhook (``OCEANID_ALERT_WEBHOOK_URL``) for alerts. The URL is a
secret (whoever holds it can post): it comes in through ``dg.EnvVar`` and is never logged or shown."""

from __future__ import annotations

import dagster as dg
import requests
from pydantic import Field


class AlertWebhookError(RuntimeError):
    """The webhook did not take the alert (the message never holds the URL)."""


class AlertWebhookResource(dg.ConfigurableResource):
    url: str | None = Field(default=None, description="Incoming webhook URL (Slack-compatible); unset: no alerts.")
    timeout_s: float = Field(default=10.0, description="Seconds to wait for the webhook.")

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def post(self, text: str) -> None:
        """POST ``{"text": text}``, as Slack, Mattermost and Discord's Slack endpoint take it."""
        try:
            response = requests.post(self.url, json={"text": text}, timeout=self.timeout_s)
        except requests.RequestException as error:
            raise AlertWebhookError(f"alert webhook unreachable: {type(error).__name__}") from None
        if response.status_code >= 300:
            raise AlertWebhookError(f"alert webhook answered HTTP {response.status_code}")
