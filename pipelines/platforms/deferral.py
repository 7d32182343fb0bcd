"""Deferral of throttled work within a run: one throttled account never fails the night while the others wait.

A request waits out a throttle for at most settings `http.throttle.max_wait_seconds` (pipelines/http/session.py);
a platform that asks for longer (Meta's `estimated_time_to_regain_access` of an hour, an exhausted X window)
raises ApiThrottledError. `run_deferring` then sets that item (an account, or a stream of an account) aside, runs
the others, and comes back once the platform's estimate has passed: at most `max_deferrals` times and
`max_deferred_wait_seconds` of waiting per run. What is still throttled after that is returned as its error, like
any other failure of an item; the caller decides what fails (a stream, a source).

Concurrency: the items of one `lane` (an account: its streams share the client's per-account caches) run one
after another in one thread; up to `concurrency` lanes run at once in a thread pool (the platform's
`max_concurrent_requests`), so at most that many requests of the platform are in flight. The outcome does not
depend on which lane finished first: results and errors are merged in the items' order, the deferred ones are
retried one after another as before. Progress is logged per lane finished (at every tenth, and the last).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
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
    lane: Callable[[K], Hashable] | None = None,
    concurrency: int = 1,
) -> Outcome[K, T]:
    """`work(item)` for every item; throttled items are deferred and retried after the others. Lanes (`lane(item)`,
    default: every item its own) run concurrently, up to `concurrency` at once; the items of a lane in order."""
    log = log or logging.getLogger("socialpulse.platforms")
    outcome: Outcome[K, T] = Outcome()
    deferred: list[tuple[K, float, ApiThrottledError]] = []  # (item, ready at on the monotonic clock, error)
    rounds: dict[K, int] = {}
    ordered = list(items)

    def attempt(item: K) -> tuple[bool, T | Exception, float]:
        """(succeeded, result or error, when it ended on the monotonic clock)."""
        try:
            return True, work(item), time.monotonic()
        except Exception as exc:  # noqa: BLE001 - one item's failure is its outcome, never the others'
            return False, exc, time.monotonic()

    def record(item: K, ok: bool, value: T | Exception, ended: float) -> None:
        if ok:
            outcome.results[item] = value  # type: ignore[assignment]
            outcome.errors.pop(item, None)
            return
        outcome.errors[item] = value  # type: ignore[assignment]
        if isinstance(value, ApiThrottledError):
            wait = value.retry_after if value.retry_after is not None else settings.unknown_wait_seconds
            deferred.append((item, ended + wait, value))
            log.warning(
                "%s: %s throttled (%s); deferred: the other work runs first, then a retry in about %.0fs",
                platform,
                describe(item),
                value.platform_message or "throttled",
                wait,
            )

    lanes: dict[Hashable, list[K]] = {}
    for item in ordered:
        lanes.setdefault(lane(item) if lane else item, []).append(item)
    attempted: dict[K, tuple[bool, T | Exception, float]] = {}
    if concurrency <= 1 or len(lanes) <= 1:
        for lane_items in lanes.values():  # in the calling thread, as a sequential reader
            for item in lane_items:
                attempted[item] = attempt(item)
    else:
        workers = min(concurrency, len(lanes))
        log.info("%s: reading %d account(s), %d at a time", platform, len(lanes), workers)
        step = max(1, len(lanes) // 10)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"read-{platform or 'api'}") as pool:
            futures = [pool.submit(lambda its: [(i, attempt(i)) for i in its], its) for its in lanes.values()]
            for done, future in enumerate(as_completed(futures), start=1):
                attempted.update(future.result())
                if done % step == 0 or done == len(lanes):
                    throttled = sum(1 for ok, value, _ in attempted.values() if isinstance(value, ApiThrottledError))
                    log.info(
                        "%s: %d/%d account(s) read%s",
                        platform,
                        done,
                        len(lanes),
                        f", {throttled} throttled read(s) deferred" if throttled else "",
                    )
    for item in ordered:  # merged in the items' order: the outcome does not depend on the threads' timing
        record(item, *attempted[item])
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
        record(item, *attempt(item))
    return outcome
