"""The protocol every delivery channel implements, and the message they all carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit


class DeliveryError(Exception):
    """A channel could not deliver; the message is safe to store (no secrets)."""


@dataclass(frozen=True)
class Notification:
    """What a channel sends: a title and text a person reads, numbers as fields, data for machines."""

    key: str  # stable id: receivers can drop a message they already have (Idempotency-Key)
    kind: str  # kpi_alert, run_failure, data_freshness
    title: str
    text: str
    severity: str = "warning"
    link: str | None = None
    link_label: str = "Open in Dagster"
    fields: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Channel(Protocol):
    name: str

    def not_configured_reason(self) -> str | None:
        """Why the channel cannot send (e.g. its environment variable is unset), or None if it can."""
        ...

    def send(self, notification: Notification) -> None:
        """Deliver one notification or raise DeliveryError."""
        ...


def safe_target(url: str) -> str:
    """The host of a URL, for error messages: webhook paths and query strings are secrets."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{':' + str(parts.port) if parts.port else ''}"


SEVERITY_EMOJI = {"info": ":information_source:", "warning": ":warning:", "critical": ":rotating_light:"}
