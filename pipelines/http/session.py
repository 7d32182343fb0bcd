"""One HTTP session per platform client: timeouts, retries with backoff, rate-limit pacing, redaction."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import requests

from pipelines.config.models import HttpSettings
from pipelines.http.errors import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    MalformedResponseError,
)
from pipelines.http.redaction import Redactor

logger = logging.getLogger("socialpulse.http")

VerdictKind = Literal["ok", "retry", "auth", "permission", "quota", "fatal"]


@dataclass(frozen=True)
class ErrorVerdict:
    """How a platform's error answer is handled: retried (after `retry_after` seconds) or raised."""

    kind: VerdictKind
    message: str = ""
    retry_after: float | None = None


# (response, parsed body or None) -> verdict, or None to use the generic HTTP-status rules.
Classifier = Callable[[requests.Response, Any], ErrorVerdict | None]
# response -> seconds to pause before the next call (usage headers near their limit), 0 for none.
Pacer = Callable[[requests.Response], float]


@dataclass
class CallStats:
    """What a reader of the materialization metadata needs to trust a load."""

    calls: int = 0
    retries: int = 0
    pages: int = 0
    waited_seconds: float = 0.0
    by_endpoint: dict[str, int] = field(default_factory=dict)

    def add(self, other: CallStats) -> None:
        """Add another session's counts to these (a client's total over its sessions)."""
        self.calls += other.calls
        self.retries += other.retries
        self.pages += other.pages
        self.waited_seconds += other.waited_seconds
        for endpoint, count in other.by_endpoint.items():
            self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + count

    def as_metadata(self) -> dict[str, float | int]:
        return {
            "api_calls": self.calls,
            "api_retries": self.retries,
            "api_pages": self.pages,
            "api_wait_seconds": round(self.waited_seconds, 2),
        }


def _generic_verdict(response: requests.Response) -> ErrorVerdict:
    status = response.status_code
    if status == 429:
        return ErrorVerdict("retry", "rate limited (HTTP 429)", retry_after_seconds(response))
    if status >= 500:
        return ErrorVerdict("retry", f"server error (HTTP {status})", retry_after_seconds(response))
    if status == 401:
        return ErrorVerdict("auth", "the token was rejected (HTTP 401)")
    if status == 403:
        return ErrorVerdict("permission", "access denied (HTTP 403)")
    return ErrorVerdict("fatal", f"request rejected (HTTP {status})")


def retry_after_seconds(response: requests.Response) -> float | None:
    """The `Retry-After` header in seconds (never negative), None when absent or not a number."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class ApiSession:
    """Sends requests for one platform and turns every failure into a specific, redacted ApiError."""

    def __init__(
        self,
        platform: str,
        *,
        http: HttpSettings,
        redactor: Redactor,
        token_env_var: str = "",
        classify: Classifier | None = None,
        pace: Pacer | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.platform = platform
        self.http = http
        self.redact = redactor
        self.token_env_var = token_env_var
        self._classify = classify
        self._pace = pace
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "socialpulse/0.1 (+https://github.com/socialpulse)"
        if headers:
            self._session.headers.update(headers)
        self.stats = CallStats()

    def close(self) -> None:
        self._session.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        endpoint: str = "",
        headers: Mapping[str, str] | None = None,
        page: bool = False,
    ) -> Any:
        return self.request("GET", url, params=params, endpoint=endpoint, headers=headers, page=page)

    def post(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        endpoint: str = "",
        headers: Mapping[str, str] | None = None,
        page: bool = False,
    ) -> Any:
        return self.request(
            "POST", url, params=params, json_body=json_body, endpoint=endpoint, headers=headers, page=page
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        endpoint: str = "",
        headers: Mapping[str, str] | None = None,
        page: bool = False,
    ) -> Any:
        """Send one logical request, retrying transient failures within the configured bounds.

        `page=True` marks a request that returns a page of data (a listing page, a feed, a report): its
        successful answer is counted in `stats.pages`, the one place pages are counted.
        """
        endpoint = endpoint or url.split("?")[0].rsplit("/", 1)[-1]
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            verdict, body, response, safe_url = self._attempt(method, url, params, json_body, endpoint, headers)
            if verdict.kind == "ok":
                if page:
                    self.stats.pages += 1
                if response is not None and self._pace is not None:
                    pause = self._pace(response)
                    if pause > 0:
                        logger.info("%s: usage near the limit, pausing %.1fs", self.platform, pause)
                        self._wait(pause)
                return body
            if verdict.kind != "retry":
                raise self._error(verdict, response, safe_url)
            elapsed = time.monotonic() - started
            delay = self._backoff(attempt, verdict.retry_after)
            if attempt > self.http.max_retries or elapsed + delay > self.http.max_total_seconds:
                error_type = (
                    ApiRateLimitError if "rate" in verdict.message or "throttl" in verdict.message else ApiError
                )
                raise error_type(
                    self.platform,
                    f"{verdict.message}; gave up after {attempt} attempt(s) in {elapsed:.0f}s "
                    f"(bounds: http.max_retries={self.http.max_retries}, "
                    f"http.max_total_seconds={self.http.max_total_seconds:g} in settings.yaml). "
                    "Nothing of this window was committed; the next run retries it.",
                    status=response.status_code if response is not None else None,
                    url=safe_url,
                )
            self.stats.retries += 1
            logger.warning("%s: %s on %s; retry %d in %.1fs", self.platform, verdict.message, safe_url, attempt, delay)
            self._wait(delay)

    # -- internals -------------------------------------------------------------------------------------

    def _attempt(self, method, url, params, json_body, endpoint, headers):
        self.stats.calls += 1
        self.stats.by_endpoint[endpoint] = self.stats.by_endpoint.get(endpoint, 0) + 1
        safe_url = self.redact(url)
        try:
            response = self._session.request(
                method, url, params=params, json=json_body, headers=headers, timeout=self.http.timeout_seconds
            )
        except requests.Timeout:
            return (
                ErrorVerdict("retry", f"no answer within {self.http.timeout_seconds:g}s"),
                None,
                None,
                safe_url,
            )
        except requests.ConnectionError as exc:
            reason = type(exc).__name__
            return ErrorVerdict("retry", f"connection failed ({reason})"), None, None, safe_url
        except requests.RequestException as exc:  # invalid URL and friends: a programming/config error
            raise ApiError(self.platform, f"request could not be sent: {self.redact(exc)}", url=safe_url) from None
        safe_url = self.redact(response.url)
        body, parse_error = _parse_body(response)
        verdict = self._classify(response, body) if self._classify else None
        if verdict is None:
            verdict = ErrorVerdict("ok") if response.ok else _generic_verdict(response)
        if verdict.kind == "ok" and parse_error is not None:
            snippet = self.redact(response.text[max(0, parse_error.pos - 40) : parse_error.pos + 40])
            raise MalformedResponseError(
                self.platform,
                f"the answer is not valid JSON ({parse_error.msg} at line {parse_error.lineno}, column "
                f"{parse_error.colno}; near {snippet!r}). The platform may be degraded: re-run later; if it "
                "persists, the API changed its format.",
                status=response.status_code,
                url=safe_url,
            )
        return verdict, body, response, safe_url

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.http.max_total_seconds)
        base = self.http.backoff_base_seconds * (2 ** (attempt - 1))
        return min(self.http.backoff_max_seconds, base) * (0.5 + random.random() / 2)

    def _wait(self, seconds: float) -> None:
        self.stats.waited_seconds += seconds
        self._sleep(seconds)

    def _error(self, verdict: ErrorVerdict, response: requests.Response | None, safe_url: str) -> ApiError:
        status = response.status_code if response is not None else None
        message = self.redact(verdict.message)
        if verdict.kind == "auth":
            renew = f" Renew the token in the environment variable {self.token_env_var}." if self.token_env_var else ""
            return ApiAuthError(self.platform, f"{message}.{renew}", status=status, url=safe_url)
        if verdict.kind == "permission":
            return ApiPermissionError(self.platform, message, status=status, url=safe_url)
        if verdict.kind == "quota":
            return ApiRateLimitError(self.platform, message, status=status, url=safe_url)
        return ApiError(self.platform, message, status=status, url=safe_url)


def _parse_body(response: requests.Response) -> tuple[Any, json.JSONDecodeError | None]:
    text = response.text
    if not text.strip():
        return None, None
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type and text.lstrip()[:1] not in "{[":
        return text, None
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, exc
