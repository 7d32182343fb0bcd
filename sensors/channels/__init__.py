"""Delivery channels for alerts: Slack, a generic JSON webhook, e-mail over SMTP and the log.

All channels share one small protocol (`Channel`): `not_configured_reason()` says why a channel cannot send
(its environment variable is unset), `send()` delivers one `Notification` or raises `DeliveryError`. Secrets
come from environment variables named in `kpi_alerts.yaml` and never appear in errors or logs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from pipelines.http.redaction import RedactingFilter, Redactor
from sensors.channels.base import Channel, DeliveryError, Notification, environment_secrets
from sensors.channels.email import EmailChannel
from sensors.channels.log import LogChannel
from sensors.channels.slack import SlackChannel
from sensors.channels.webhook import WebhookChannel
from sensors.rules import (
    AlertConfig,
    EmailChannelConfig,
    LogChannelConfig,
    SlackChannelConfig,
    WebhookChannelConfig,
)

__all__ = [
    "Channel",
    "DeliveryError",
    "EmailChannel",
    "LogChannel",
    "Notification",
    "SlackChannel",
    "WebhookChannel",
    "build_channels",
]


def build_channels(
    config: AlertConfig, *, log: logging.Logger | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Channel]:
    """One channel object per entry under `channels:`; secrets are read from `environ` (default os.environ)."""
    env = os.environ if environ is None else environ
    _mask_in_http_logs(environment_secrets(env))
    channels: dict[str, Channel] = {}
    for name, spec in config.channels.items():
        if isinstance(spec, LogChannelConfig):
            channels[name] = LogChannel(name, logger=log)
        elif isinstance(spec, SlackChannelConfig):
            channels[name] = SlackChannel.from_config(name, spec, env)
        elif isinstance(spec, WebhookChannelConfig):
            channels[name] = WebhookChannel.from_config(name, spec, env)
        elif isinstance(spec, EmailChannelConfig):
            channels[name] = EmailChannel.from_config(name, spec, env)
    return channels


class _ChannelSecretsFilter(RedactingFilter):
    """urllib3 logs each request line (webhook path and query included) at DEBUG: mask the channels' secrets."""


def _mask_in_http_logs(secrets: list[str]) -> None:
    for name in ("urllib3", "urllib3.connectionpool", "requests"):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, _ChannelSecretsFilter)]:
            logger.removeFilter(old)
        logger.addFilter(_ChannelSecretsFilter(Redactor(secrets)))
