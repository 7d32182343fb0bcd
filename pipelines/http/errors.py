"""API errors with messages a person can act on. Every message is redacted before it is built."""

from __future__ import annotations

from pipelines.errors import InputDataError, SocialPulseError


class ApiError(SocialPulseError):
    """A platform API call failed for good (after retries, or for a reason retrying cannot fix).

    `platform_message` is the platform's own error code and message from the answer's body (redacted), e.g.
    LinkedIn's `ILLEGAL_ARGUMENT: Invalid timeIntervals parameter`; it is part of the message too.
    """

    def __init__(
        self, platform: str, message: str, *, status: int | None = None, url: str = "", platform_message: str = ""
    ) -> None:
        self.platform, self.status, self.url, self.platform_message = platform, status, url, platform_message
        where = f" [{url}]" if url else ""
        http = f"HTTP {status}: " if status else ""
        super().__init__(f"{platform}: {http}{message}{where}")


class ApiAuthError(ApiError):
    """The token is missing, invalid or expired: renew it in the named environment variable."""


class ApiPermissionError(ApiError):
    """The token works but lacks a permission or scope."""


class ApiRateLimitError(ApiError):
    """The platform kept throttling past the retry bound (or a daily quota is exhausted)."""


class ApiThrottledError(ApiRateLimitError):
    """The platform throttles for longer than one request may wait (settings http.throttle.max_wait_seconds):
    the caller defers the account and comes back after `retry_after` seconds (None: unknown)."""

    def __init__(self, platform: str, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(platform, message, **kwargs)  # type: ignore[arg-type]


class MalformedResponseError(ApiError, InputDataError):
    """The platform answered with something that is not the documented JSON shape."""


class RepeatedCursorError(ApiError):
    """A page returned a cursor seen before: following it would loop forever."""
