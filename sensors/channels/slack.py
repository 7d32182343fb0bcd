"""Slack incoming webhook: a readable message with the numbers and a link to the asset in Dagster."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from sensors.channels.base import (
    SEVERITY_EMOJI,
    DeliveryError,
    Notification,
    channel_redactor,
    safe_target,
    url_secrets,
)
from sensors.rules import SlackChannelConfig


class SlackChannel:
    def __init__(self, name: str, webhook_url: str | None, *, env_name: str, timeout: float = 10.0) -> None:
        self.name = name
        self._url = webhook_url
        self._env_name = env_name
        self.timeout = timeout
        self._redact = channel_redactor(url_secrets(webhook_url))  # the webhook path is the secret

    @classmethod
    def from_config(cls, name: str, spec: SlackChannelConfig, env: Mapping[str, str]) -> SlackChannel:
        return cls(
            name,
            env.get(spec.webhook_url_env) or None,
            env_name=spec.webhook_url_env,
            timeout=spec.timeout_seconds,
        )

    def not_configured_reason(self) -> str | None:
        return None if self._url else f"not configured: environment variable {self._env_name} is not set"

    def __repr__(self) -> str:  # never show the webhook URL
        return f"SlackChannel(name={self.name!r}, configured={self._url is not None})"

    @staticmethod
    def payload(notification: Notification) -> dict[str, Any]:
        emoji = SEVERITY_EMOJI.get(notification.severity, ":warning:")
        link = f"<{notification.link}|{notification.link_label}>" if notification.link else ""
        fallback = f"{emoji} {notification.title}\n{notification.text}" + (f"\n{link}" if link else "")
        blocks: list[dict[str, Any]] = [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"{emoji} *{notification.title}*\n{notification.text}"},
            }
        ]
        if notification.fields:
            blocks.append(
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": f"*{label}*\n{value}"}
                        for label, value in list(notification.fields.items())[:10]
                    ],
                }
            )
        if link:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link}]})
        return {"text": fallback, "blocks": blocks}

    def send(self, notification: Notification) -> None:
        if not self._url:
            raise DeliveryError(self.not_configured_reason() or "not configured")
        try:
            response = requests.post(self._url, json=self.payload(notification), timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"{type(exc).__name__}: cannot reach {safe_target(self._url)}") from None
        if response.status_code >= 300:
            body = self._redact(response.text)[:200]
            raise DeliveryError(f"HTTP {response.status_code} from {safe_target(self._url)}: {body}")
