"""The log channel: always configured, writes one line per alert to the sensor's or the CLI's logger."""

from __future__ import annotations

import logging

from sensors.channels.base import Notification

_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "critical": logging.ERROR}


class LogChannel:
    def __init__(self, name: str = "log", *, logger: logging.Logger | None = None) -> None:
        self.name = name
        self.logger = logger or logging.getLogger("socialpulse.alerts")

    def not_configured_reason(self) -> str | None:
        return None

    def send(self, notification: Notification) -> None:
        link = f" {notification.link}" if notification.link else ""
        self.logger.log(
            _LEVELS.get(notification.severity, logging.WARNING),
            "ALERT [%s] %s. %s%s",
            notification.severity,
            notification.title,
            notification.text,
            link,
        )
