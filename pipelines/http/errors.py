"""API errors with messages a person can act on. Every message is redacted before it is built."""

from __future__ import annotations

from pipelines.errors import InputDataError, SocialPulseError


class ApiError(SocialPulseError):
    """A platform API call failed for good (after retries, or for a reason retrying cannot fix)."""

    def __init__(self, platform: str, message: str, *, status: int | None = None, url: str = "") -> None:
        self.platform, self.status, self.url = platform, status, url
        where = f" [{url}]" if url else ""
        http = f"HTTP {status}: " if status else ""
        super().__init__(f"{platform}: {http}{message}{where}")


class ApiAuthError(ApiError):
    """The token is missing, invalid or expired: renew it in the named environment variable."""


class ApiPermissionError(ApiError):
    """The token works but lacks a permission or scope."""


class ApiRateLimitError(ApiError):
    """The platform kept throttling past the retry bound (or a daily quota is exhausted)."""


class MalformedResponseError(ApiError, InputDataError):
    """The platform answered with something that is not the documented JSON shape."""


class RepeatedCursorError(ApiError):
    """A page returned a cursor seen before: following it would loop forever."""
