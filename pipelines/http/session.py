"""One HTTP session per platform client: timeouts, the one retry loop (backoff, a malformed body retried once,
throttling waited out within bounds), usage pacing, redaction, errors with the platform's own words.

The loop is our own, not tenacity's: every decision in it comes from the platform's answer (a classifier's
verdict, usage headers, regain estimates), with separate budgets for failures and for throttling and a sleep the
tests replace; a retry library would only hold callbacks carrying that same logic.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import requests

from pipelines.config.models import HttpSettings, ThrottleSettings
from pipelines.http.errors import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    ApiThrottledError,
    MalformedResponseError,
)
from pipelines.http.redaction import Redactor

logger = logging.getLogger("socialpulse.http")

VerdictKind = Literal["ok", "retry", "throttle", "auth", "permission", "quota", "fatal"]


@dataclass(frozen=True)
class ErrorVerdict:
    """How a platform's error answer is handled: retried after a failure (`retry`, with backoff or after
    `retry_after` seconds), waited out (`throttle`: the platform limits the rate, `retry_after` is its estimate,
    None when it gives none), or raised (`auth`, `permission`, `quota`, `fatal`). `platform_message` keeps the
    platform's own code and message (default: read from the body)."""

    kind: VerdictKind
    message: str = ""
    retry_after: float | None = None
    platform_message: str | None = None


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
    throttled: int = 0
    waited_seconds: float = 0.0
    by_endpoint: dict[str, int] = field(default_factory=dict)
    # Requests sent inside batch requests (Meta's Graph API batches): each counts toward the platform's limits
    # and in `by_endpoint` under its own endpoint; the batch HTTP request itself is one of `calls`.
    batched: int = 0

    def add(self, other: CallStats) -> None:
        """Add another session's counts to these (a client's total over its sessions)."""
        self.calls += other.calls
        self.retries += other.retries
        self.pages += other.pages
        self.throttled += other.throttled
        self.waited_seconds += other.waited_seconds
        self.batched += other.batched
        for endpoint, count in other.by_endpoint.items():
            self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + count

    def as_metadata(self) -> dict[str, float | int]:
        return {
            "api_calls": self.calls,
            "api_retries": self.retries,
            "api_pages": self.pages,
            "api_throttled": self.throttled,
            "api_wait_seconds": round(self.waited_seconds, 2),
            "api_batched_requests": self.batched,
        }


def platform_message(body: Any, limit: int = 300) -> str:
    """The platform's own error code and message from an error body, in one line ("" when it has none).

    Reads the documented shapes: Meta and Google `{"error": {"code", "message", ...}}`, LinkedIn and TikTok
    `{"code", "message"}`, X problems `{"title", "detail"}` and `{"errors": [{"code", "message"}]}`, a plain
    `{"message"}`, or a text body.
    """
    parts: list[str] = []
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            code = error.get("code")
            kind = error.get("status") or error.get("type")
            head = ", ".join(str(p) for p in (code, kind) if p not in (None, ""))
            parts.append(
                f"{head}: {error.get('message') or ''}".strip(": ") if head else str(error.get("message") or "")
            )
        elif isinstance(error, str):
            parts.append(error)
        if body.get("code") not in (None, "", 0) or (body.get("message") and not parts):
            code = body.get("code")
            message = body.get("message") or ""
            parts.append(f"{code}: {message}".strip(": ") if code not in (None, "", 0) else str(message))
        for key in ("title", "reason", "detail"):
            if body.get(key):
                parts.append(str(body[key]))
        errors = body.get("errors")
        if isinstance(errors, list):
            for item in errors[:3]:
                if isinstance(item, Mapping):
                    code = f"code {item['code']}: " if item.get("code") is not None else ""
                    parts.append(f"{code}{item.get('message') or item.get('detail') or ''}".strip())
    elif isinstance(body, str):
        parts.append(" ".join(body.split()))
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    text = "; ".join(seen)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _generic_verdict(response: requests.Response, body: Any) -> ErrorVerdict:
    status = response.status_code
    words = platform_message(body)
    said = f": {words}" if words else ""
    if status == 429:
        wait = retry_after_seconds(response)
        if wait is not None:
            return ErrorVerdict("throttle", f"rate limited (HTTP 429{said})", wait)
        return ErrorVerdict("retry", f"rate limited (HTTP 429{said})")
    if status >= 500:
        return ErrorVerdict("retry", f"server error (HTTP {status}{said})", retry_after_seconds(response))
    if status == 401:
        return ErrorVerdict("auth", f"the token was rejected (HTTP 401{said})")
    if status == 403:
        return ErrorVerdict("permission", f"access denied (HTTP 403{said})")
    return ErrorVerdict("fatal", f"request rejected (HTTP {status}{said})")


def retry_after_seconds(response: requests.Response) -> float | None:
    """The `Retry-After` header in seconds (never negative), None when absent or not a number."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class UsagePacer:
    """Pauses between calls while a platform reports its usage near the limit (Meta's usage headers).

    Below `slowdown_percent` nothing happens. From there every call is followed by a pause, `pause_seconds`
    first, doubled each time the usage is still rising (up to `max_pause_seconds`), kept while it falls and
    reset once it is below the threshold again: the client slows down until the platform's window drains,
    whatever the window's length, instead of running into 100 %. At 100 % it waits the platform's estimate of
    the time to regain access when there is one.
    """

    def __init__(self, settings: ThrottleSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()  # one pacer per token, shared by the threads reading with it
        self._pause = 0.0
        self._last: float | None = None
        self.highest = 0.0  # the highest usage seen (metadata, tests)

    @property
    def last_percent(self) -> float | None:
        """The usage the last call reported (None before the first): how much room a batch of calls has."""
        with self._lock:
            return self._last

    def pause_after(self, percent: float, regain_seconds: float | None = None) -> float:
        """Seconds to pause after a call that reported `percent` usage (and the platform's regain estimate)."""
        settings = self.settings
        with self._lock:
            self.highest = max(self.highest, percent)
            if percent < settings.slowdown_percent:
                self._pause, self._last = 0.0, percent
                return 0.0
            if self._pause == 0:
                self._pause = settings.pause_seconds
            elif self._last is not None and percent > self._last:
                self._pause = min(settings.max_pause_seconds, self._pause * 2)
            self._last = percent
            if percent >= 100 and regain_seconds:
                return min(max(self._pause, regain_seconds), settings.max_wait_seconds)
            return self._pause


class PauseGate:
    """The pause a platform asked for, shared by every thread sending with one session (one token).

    The thread whose answer asked for the pause (usage near the limit, an exhausted X window) sleeps it; a thread
    about to send meanwhile waits until the same moment first, so concurrent reads respect the pause as one
    sequential reader does. A thread never waits twice for one pause: the one that slept it goes on at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0  # on the monotonic clock
        self._generation = 0
        self._seen = threading.local()

    def close(self, seconds: float) -> None:
        """The calling thread is about to sleep `seconds`: the others wait until then before they send."""
        with self._lock:
            self._generation += 1
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)
            self._seen.generation = self._generation

    def wait_seconds(self) -> float:
        """How long the calling thread waits before it sends (0 without a pause it has not waited for)."""
        with self._lock:
            if getattr(self._seen, "generation", 0) >= self._generation:
                return 0.0
            self._seen.generation = self._generation
            return max(0.0, self._resume_at - time.monotonic())


class ApiSession:
    """Sends requests for one platform and turns every failure into a specific, redacted ApiError.

    Safe to share between the threads reading a platform concurrently: each thread sends over its own
    requests.Session (a Session's connection pool is not documented thread-safe), the counts are kept under a lock,
    and a pause the platform asks for holds every thread (`PauseGate`).
    """

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
        self._headers = {"User-Agent": "socialpulse/0.1 (+https://github.com/socialpulse)", **(headers or {})}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[requests.Session] = []
        self.gate = PauseGate()
        self.stats = CallStats()

    @property
    def _session(self) -> requests.Session:
        """The calling thread's requests.Session (opened on its first request)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(self._headers)
            self._local.session = session
            with self._lock:
                self._opened.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for session in opened:
            session.close()

    def _count(
        self, *, calls: int = 0, retries: int = 0, pages: int = 0, throttled: int = 0, endpoint: str = ""
    ) -> None:
        with self._lock:
            self.stats.calls += calls
            self.stats.retries += retries
            self.stats.pages += pages
            self.stats.throttled += throttled
            if endpoint:
                self.stats.by_endpoint[endpoint] = self.stats.by_endpoint.get(endpoint, 0) + 1

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
        form: Mapping[str, str] | None = None,
        endpoint: str = "",
        headers: Mapping[str, str] | None = None,
        page: bool = False,
    ) -> Any:
        """POST with a JSON body (`json_body`) or form fields (`form`, e.g. Meta's `access_token` and `batch`:
        a secret in a form field never appears in a URL, and every message built here is redacted)."""
        return self.request(
            "POST", url, params=params, json_body=json_body, form=form, endpoint=endpoint, headers=headers, page=page
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        endpoint: str = "",
        headers: Mapping[str, str] | None = None,
        page: bool = False,
    ) -> Any:
        """Send one logical request: the one retry loop of socialpulse.

        Transient failures (`retry` verdicts: 5xx, timeouts, connection errors) are retried with exponential
        backoff within http.max_retries and http.max_total_seconds; a malformed body is retried once; throttling
        (`throttle` verdicts) is waited out within http.throttle.max_wait_seconds, then raised as
        ApiThrottledError so the caller can defer the account. `page=True` marks a request that returns a page
        of data (a listing page, a feed, a report): its successful answer is counted in `stats.pages`.
        """
        endpoint = endpoint or url.split("?")[0].rsplit("/", 1)[-1]
        started = time.monotonic()
        failures = 0
        slept = 0.0
        throttle_waited = 0.0
        malformed_retried = False
        throttle = self.http.throttle
        while True:
            verdict, body, response, safe_url, parse_error = self._attempt(
                method, url, params, json_body, form, endpoint, headers
            )
            if verdict.kind == "ok" and parse_error is not None:
                malformed = self._malformed(response, parse_error, safe_url)
                if malformed_retried:
                    raise malformed
                malformed_retried = True
                self._count(retries=1)
                delay = self._backoff(1, None)
                logger.warning("%s: %s; retrying once in %.1fs", self.platform, malformed, delay)
                slept += self._wait(delay)
                continue
            if verdict.kind == "ok":
                if page:
                    self._count(pages=1)
                if response is not None and self._pace is not None:
                    slept += self.pause(self._pace(response))
                return body
            if verdict.kind == "throttle":
                wait = verdict.retry_after if verdict.retry_after is not None else throttle.unknown_wait_seconds
                self._count(throttled=1)
                if throttle_waited + wait > throttle.max_wait_seconds:
                    raise self._error(
                        verdict,
                        response,
                        safe_url,
                        error_type=ApiThrottledError,
                        extra=(
                            f"; the platform asks to wait {wait:.0f}s more after {throttle_waited:.0f}s of waiting "
                            f"(bound: http.throttle.max_wait_seconds={throttle.max_wait_seconds:g} in "
                            "settings.yaml)"
                        ),
                        retry_after=wait,
                    )
                self._count(retries=1)
                logger.warning("%s: %s on %s; waiting %.0fs", self.platform, verdict.message, safe_url, wait)
                self.gate.close(wait)
                throttle_waited += wait
                slept += self._wait(wait)
                continue
            if verdict.kind != "retry":
                raise self._error(verdict, response, safe_url)
            failures += 1
            elapsed = max(time.monotonic() - started, slept)
            delay = self._backoff(failures, verdict.retry_after)
            if failures > self.http.max_retries or elapsed + delay > self.http.max_total_seconds:
                rate = "rate" in verdict.message or "throttl" in verdict.message
                raise self._error(
                    verdict,
                    response,
                    safe_url,
                    error_type=ApiRateLimitError if rate else ApiError,
                    extra=(
                        f"; gave up after {failures} attempt(s) in {elapsed:.0f}s "
                        f"(bounds: http.max_retries={self.http.max_retries}, "
                        f"http.max_total_seconds={self.http.max_total_seconds:g} in settings.yaml). "
                        "Nothing of this window was committed; the next run retries it."
                    ),
                )
            self._count(retries=1)
            logger.warning("%s: %s on %s; retry %d in %.1fs", self.platform, verdict.message, safe_url, failures, delay)
            slept += self._wait(delay)

    # -- what a caller unpacking several answers from one request uses (Meta's batch requests) ----------

    def pause(self, seconds: float) -> float:
        """Pause `seconds` because the platform's usage is near its limit (every thread of this session waits
        with the calling one, see PauseGate); the seconds paused."""
        if seconds <= 0:
            return 0.0
        logger.info("%s: usage near the limit, pausing %.1fs", self.platform, seconds)
        self.gate.close(seconds)
        return self._wait(seconds)

    def count(
        self,
        *,
        calls: int = 0,
        retries: int = 0,
        pages: int = 0,
        throttled: int = 0,
        batched: int = 0,
        endpoint: str = "",
    ) -> None:
        """Add to the call statistics (`batched`: requests answered inside a batch request, counted in
        `by_endpoint` under their own `endpoint`)."""
        self._count(calls=calls, retries=retries, pages=pages, throttled=throttled, endpoint=endpoint)
        if batched:
            with self._lock:
                self.stats.batched += batched

    def error_for(self, verdict: ErrorVerdict, response: requests.Response | None, safe_url: str) -> ApiError:
        """The ApiError a request raises for `verdict` (auth, permission, fatal), with the platform's redacted
        words: an answer unpacked from a batch fails exactly as the same request sent alone."""
        return self._error(verdict, response, self.redact(safe_url))

    # -- internals -------------------------------------------------------------------------------------

    def _attempt(self, method, url, params, json_body, form, endpoint, headers):
        held = self.gate.wait_seconds()
        if held > 0:  # another thread's answer asked for a pause that has not passed yet
            self._wait(held)
        self._count(calls=1, endpoint=endpoint)
        safe_url = self.redact(url)
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=json_body,
                data=form,
                headers=headers,
                timeout=self.http.timeout_seconds,
            )
        except requests.Timeout:
            verdict = ErrorVerdict("retry", f"no answer within {self.http.timeout_seconds:g}s")
            return verdict, None, None, safe_url, None
        except requests.ConnectionError as exc:
            return ErrorVerdict("retry", f"connection failed ({type(exc).__name__})"), None, None, safe_url, None
        except requests.RequestException as exc:  # invalid URL and friends: a programming/config error
            raise ApiError(self.platform, f"request could not be sent: {self.redact(exc)}", url=safe_url) from None
        safe_url = self.redact(response.url)
        verdict, body, parse_error = self.judge(response)
        return verdict, body, response, safe_url, parse_error

    def judge(self, response: requests.Response) -> tuple[ErrorVerdict, Any, json.JSONDecodeError | None]:
        """(verdict, parsed body, JSON error) of an answer: the platform's classifier, else the generic HTTP
        rules. Also used for the answers a batch request unpacks (each judged as if it came alone)."""
        body, parse_error = _parse_body(response)
        verdict = self._classify(response, body) if self._classify else None
        if verdict is None:
            verdict = ErrorVerdict("ok") if response.ok else _generic_verdict(response, body)
        if verdict.kind != "ok" and verdict.platform_message is None:
            words = platform_message(body if parse_error is None else response.text)
            verdict = replace(verdict, platform_message=words)
        return verdict, body, parse_error

    def _malformed(
        self, response: requests.Response | None, parse_error: json.JSONDecodeError, safe_url: str
    ) -> MalformedResponseError:
        text = response.text if response is not None else ""
        snippet = self.redact(text[max(0, parse_error.pos - 40) : parse_error.pos + 40])
        return MalformedResponseError(
            self.platform,
            f"the answer is not valid JSON ({parse_error.msg} at line {parse_error.lineno}, column "
            f"{parse_error.colno}; near {snippet!r}), twice in a row. The platform may be degraded: re-run later; "
            "if it persists, the API changed its format.",
            status=response.status_code if response is not None else None,
            url=safe_url,
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.http.max_total_seconds)
        base = self.http.backoff_base_seconds * (2 ** (attempt - 1))
        return min(self.http.backoff_max_seconds, base) * (0.5 + random.random() / 2)

    def _wait(self, seconds: float) -> float:
        with self._lock:
            self.stats.waited_seconds += seconds
        self._sleep(seconds)
        return seconds

    def _error(
        self,
        verdict: ErrorVerdict,
        response: requests.Response | None,
        safe_url: str,
        *,
        error_type: type[ApiError] | None = None,
        extra: str = "",
        **kwargs: Any,
    ) -> ApiError:
        """The ApiError of a verdict, with the platform's own words (redacted) in the message and attribute."""
        status = response.status_code if response is not None else None
        words = self.redact(verdict.platform_message or "")
        message = self.redact(verdict.message)
        if words and words not in message:
            message = f"{message} (the platform said: {words})"
        message += self.redact(extra)
        common = {"status": status, "url": safe_url, "platform_message": words, **kwargs}
        if verdict.kind == "auth":
            renew = f" Renew the token in the environment variable {self.token_env_var}." if self.token_env_var else ""
            return ApiAuthError(self.platform, f"{message}.{renew}", **common)
        kinds: dict[str, type[ApiError]] = {
            "permission": ApiPermissionError,
            "quota": ApiRateLimitError,
            "throttle": ApiRateLimitError,
        }
        return (error_type or kinds.get(verdict.kind, ApiError))(self.platform, message, **common)


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
