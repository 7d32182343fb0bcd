"""The shared HTTP layer every platform client uses: retries, rate limits, pagination guards, redaction."""

from pipelines.http.errors import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    MalformedResponseError,
    RepeatedCursorError,
)
from pipelines.http.pagination import CursorGuard
from pipelines.http.redaction import Redactor, install_log_redaction
from pipelines.http.session import ApiSession, CallStats, ErrorVerdict, retry_after_seconds

install_log_redaction()

__all__ = [
    "ApiAuthError",
    "ApiError",
    "ApiPermissionError",
    "ApiRateLimitError",
    "ApiSession",
    "CallStats",
    "CursorGuard",
    "ErrorVerdict",
    "MalformedResponseError",
    "Redactor",
    "RepeatedCursorError",
    "retry_after_seconds",
]
