"""The shared HTTP layer every platform client uses: the one retry loop, throttling and pacing, pagination guards,
redaction and API errors that keep the platform's own words."""

from pipelines.http.errors import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    ApiThrottledError,
    MalformedResponseError,
    RepeatedCursorError,
)
from pipelines.http.pagination import CursorGuard
from pipelines.http.redaction import Redactor, install_log_redaction
from pipelines.http.session import (
    ApiSession,
    CallStats,
    ErrorVerdict,
    UsagePacer,
    platform_message,
    retry_after_seconds,
)

install_log_redaction()

__all__ = [
    "ApiAuthError",
    "ApiError",
    "ApiPermissionError",
    "ApiRateLimitError",
    "ApiSession",
    "ApiThrottledError",
    "CallStats",
    "CursorGuard",
    "ErrorVerdict",
    "MalformedResponseError",
    "Redactor",
    "RepeatedCursorError",
    "UsagePacer",
    "platform_message",
    "retry_after_seconds",
]
