"""Deferral of throttled work within a run: one throttled account never fails the night while the others wait.

A request waits out a throttle for at most settings `http.throttle.max_wait_seconds` (pipelines/http/session.py);
a platform that asks for longer (Meta's `estimated_time_to_regain_access` of an hour, an exhausted X window)
raises ApiThrottledError. `run_deferring` then sets that item (an account, or a stream of an account) aside, runs
the others, and comes back once the platform's estimate has passed: at most `max_deferrals` times and
`max_deferred_wait_seconds` of waiting per run. What is still throttled after that is returned as its error, like
any other failure of an item; the caller decides what fails (a stream, a source).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pipelines.config.models import ThrottleSettings
from pipelines.http import ApiThrottledError

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass
class Outcome(Generic[K, T]):
    """Per item its result or its error (an exception, already redacted by the client layer)."""

    results: dict[K, T] = field(default_factory=dict)
    errors: dict[K, Exception] = field(default_factory=dict)
    deferrals: int = 0
    waited_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def run_deferring(
    items: Iterable[K],
    work: Callable[[K], T],
    *,
    describe: Callable[[K], str],
    settings: ThrottleSettings,
    sleep: Callable[[float], None] = time.sleep,
    log: logging.Logger | None = None,
    platform: str = "",
) -> Outcome[K, T]:
    """`work(item)` for every item, in order; throttled items are deferred and retried after the others."""
    log = log or logging.getLogger("socialpulse.platforms")
    outcome: Outcome[K, T] = Outcome()
    deferred: list[tuple[K, float, ApiThrottledError]] = []  # (item, ready at on the monotonic clock, error)
    rounds: dict[K, int] = {}

    def attempt(item: K) -> None:
        try:
            outcome.results[item] = work(item)
            outcome.errors.pop(item, None)
        except ApiThrottledError as exc:
            wait = exc.retry_after if exc.retry_after is not None else settings.unknown_wait_seconds
            deferred.append((item, time.monotonic() + wait, exc))
            outcome.errors[item] = exc
            log.warning(
                "%s: %s throttled (%s); deferred: the other work runs first, then a retry in about %.0fs",
                platform,
                describe(item),
                exc.platform_message or "throttled",
                wait,
            )
        except Exception as exc:  # noqa: BLE001 - one item's failure is its outcome, never the others'
            outcome.errors[item] = exc

    for item in items:
        attempt(item)
    while deferred:
        deferred.sort(key=lambda entry: entry[1])
        item, ready_at, error = deferred.pop(0)
        rounds[item] = rounds.get(item, 0) + 1
        wait = max(0.0, ready_at - time.monotonic())
        if rounds[item] > settings.max_deferrals or outcome.waited_seconds + wait > settings.max_deferred_wait_seconds:
            outcome.errors[item] = ApiThrottledError(
                error.platform,
                f"{describe(item)} stayed throttled after {rounds[item] - 1} deferral(s) and "
                f"{outcome.waited_seconds:.0f}s of waiting in this run ({error.platform_message or error}); bounds: "
                f"http.throttle.max_deferrals={settings.max_deferrals}, http.throttle.max_deferred_wait_seconds="
                f"{settings.max_deferred_wait_seconds:g} in settings.yaml. The next run reads it again.",
                retry_after=error.retry_after,
                status=error.status,
                url=error.url,
                platform_message=error.platform_message,
            )
            continue
        if wait > 0:
            log.info("%s: waiting %.0fs before retrying the deferred %s", platform, wait, describe(item))
            sleep(wait)
            outcome.waited_seconds += wait
        outcome.deferrals += 1
        attempt(item)
    return outcome
