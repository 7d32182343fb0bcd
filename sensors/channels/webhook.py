"""A generic JSON webhook: one POST per notification, with an Idempotency-Key and an optional bearer token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from sensors.channels.base import DeliveryError, Notification, channel_redactor, safe_target, url_secrets
from sensors.rules import WebhookChannelConfig


class WebhookChannel:
    def __init__(
        self, name: str, url: str | None, *, token: str | None = None, env_name: str, timeout: float = 10.0
    ) -> None:
        self.name = name
        self._url = url
        self._token = token
        self._env_name = env_name
        self.timeout = timeout
        # a receiver may echo the request (path and query token, Authorization header) in its error body
        self._redact = channel_redactor([*url_secrets(url), token])

    @classmethod
    def from_config(cls, name: str, spec: WebhookChannelConfig, env: Mapping[str, str]) -> WebhookChannel:
        token = env.get(spec.token_env) if spec.token_env else None
        return cls(
            name,
            env.get(spec.url_env) or None,
            token=token or None,
            env_name=spec.url_env,
            timeout=spec.timeout_seconds,
        )

    def not_configured_reason(self) -> str | None:
        return None if self._url else f"not configured: environment variable {self._env_name} is not set"

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r}, configured={self._url is not None})"

    @staticmethod
    def payload(notification: Notification) -> dict[str, Any]:
        return {
            "id": notification.key,
            "kind": notification.kind,
            "severity": notification.severity,
            "title": notification.title,
            "text": notification.text,
            "link": notification.link,
            "fields": notification.fields,
            "data": notification.data,
        }

    def send(self, notification: Notification) -> None:
        if not self._url:
            raise DeliveryError(self.not_configured_reason() or "not configured")
        headers = {"Idempotency-Key": notification.key, "User-Agent": "socialpulse-alerts"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = requests.post(self._url, json=self.payload(notification), headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"{type(exc).__name__}: cannot reach {safe_target(self._url)}") from None
        if response.status_code >= 300:
            body = self._redact(response.text)[:200]
            raise DeliveryError(f"HTTP {response.status_code} from {safe_target(self._url)}: {body}")
