"""The protocol every delivery channel implements, and the message they all carry."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from pipelines.http.redaction import Redactor


class DeliveryError(Exception):
    """A channel could not deliver; the message is safe to store: channels raise it with their secrets masked."""


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


def url_secrets(url: str | None) -> list[str]:
    """The parts of a webhook URL that are secret: the URL itself, its path and each path segment (Slack's
    T.../B.../<secret>), every query value, raw and percent-encoded: receivers echo them in either form."""
    if not url:
        return []
    parts = urlsplit(url)
    pieces = [url, parts.path, parts.query, *[s for s in parts.path.split("/") if s]]
    pieces += [value for _, value in parse_qsl(parts.query, keep_blank_values=False)]
    out: list[str] = []
    for piece in pieces:
        out += [piece, unquote(piece), quote(piece, safe="")]
    return out


def credential_secrets(username: str | None, password: str | None) -> list[str]:
    """SMTP credentials as a server may echo them: as typed, and base64 as AUTH PLAIN and LOGIN send them."""
    out: list[str] = [value for value in (username, password) if value]
    encoded = [value.encode() for value in out]
    if username and password:
        encoded.append(b"\0" + username.encode() + b"\0" + password.encode())
    out += [base64.b64encode(value).decode() for value in encoded]
    return out


def channel_redactor(secrets: Iterable[str | None]) -> Redactor:
    """The Redactor every channel applies to its error messages (pipelines/http/redaction.py): the channel's
    own secrets plus the token patterns it masks everywhere (bearer tokens, token= query parameters)."""
    return Redactor(secrets)


_SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|_KEY|WEBHOOK_URL|USERNAME)$")


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of environment variables whose names say they hold a secret (…_TOKEN, …_PASSWORD,
    …_WEBHOOK_URL, …_API_KEY): masked in anything stored or printed, whichever path it took."""
    env = os.environ if environ is None else environ
    values: list[str] = []
    for name, value in env.items():
        if value and len(value) >= 6 and _SECRET_NAME.search(name.upper()):
            values += url_secrets(value) if value.startswith(("http://", "https://")) else [value]
    return values


def redact_stored(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Defence in depth for text about to be stored (alerts.deliveries.last_error, alert messages): every secret
    of the environment and every bearer token or token= parameter masked."""
    return Redactor(environment_secrets(environ))(text)


def safe_target(url: str) -> str:
    """The host of a URL, for error messages: webhook paths and query strings are secrets."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{':' + str(parts.port) if parts.port else ''}"


SEVERITY_EMOJI = {"info": ":information_source:", "warning": ":warning:", "critical": ":rotating_light:"}
