"""Keep secrets out of URLs, log lines and exception messages."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Query parameters that carry credentials in the platforms' documented URLs (Meta access_token, YouTube key...).
_SECRET_PARAMS = re.compile(
    r"(?i)\b(access_token|key|client_secret|appsecret_proof|token|refresh_token|password)=([^&#\s\"']+)"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")


class Redactor:
    """Replaces every known secret value, secret-bearing query parameter and bearer token with `***`."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def __call__(self, text: object) -> str:
        return self.redact(text)

    def redact(self, text: object) -> str:
        out = str(text)
        # Longest first so a secret that contains another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            out = out.replace(secret, MASK)
        out = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={MASK}", out)
        return _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", out)


class RedactingFilter:
    """A logging filter that masks secret-bearing query parameters and bearer tokens in every record.

    urllib3 logs each request line at DEBUG with its full URL; Meta and YouTube put tokens in the URL.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        self.redactor = redactor or Redactor()

    def filter(self, record) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = ()
        return True


def install_log_redaction(logger_names: Iterable[str] = ("urllib3", "urllib3.connectionpool", "requests")) -> None:
    """Attach the filter to the HTTP libraries' loggers once (idempotent)."""
    import logging

    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
