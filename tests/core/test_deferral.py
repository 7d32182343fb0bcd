"""run_deferring with lanes and a thread pool: each lane in one thread and in order, at most `concurrency` lanes at
once, the outcome in the items' order whatever finished first, a failing item alone, throttled items deferred."""

from __future__ import annotations

import random
import threading
import time

from pipelines.config.models import ThrottleSettings
from pipelines.http import ApiThrottledError
from pipelines.platforms.deferral import run_deferring

ITEMS = [(stream, account) for stream in ("daily", "posts", "audience") for account in "abcdef"]


def test_lanes_run_concurrently_each_in_one_thread_in_order_and_the_outcome_keeps_the_items_order():
    lock = threading.Lock()
    running, peak = 0, 0
    seen: dict[str, list[tuple[str, int]]] = {}

    def work(item):
        nonlocal running, peak
        stream, account = item
        with lock:
            running += 1
            peak = max(peak, running)
            seen.setdefault(account, []).append((stream, threading.get_ident()))
        time.sleep(random.uniform(0.001, 0.01))  # lanes finish in another order than they started
        with lock:
            running -= 1
        if item == ("posts", "c"):
            raise ValueError("account c's posts are broken")
        return [f"{stream}-{account}"]

    outcome = run_deferring(
        ITEMS, work, describe=str, settings=ThrottleSettings(), lane=lambda item: item[1], concurrency=3
    )
    assert 1 < peak <= 3
    assert list(outcome.errors) == [("posts", "c")]  # the failing item alone
    assert list(outcome.results) == [item for item in ITEMS if item != ("posts", "c")]  # the items' order
    for account, calls in seen.items():
        assert [stream for stream, _ in calls] == ["daily", "posts", "audience"], account  # its order
        assert len({thread for _, thread in calls}) == 1, account  # one thread per lane


def test_a_throttled_item_is_deferred_and_retried_after_the_pool():
    slept: list[float] = []
    attempts: dict[tuple[str, str], int] = {}

    def work(item):
        attempts[item] = attempts.get(item, 0) + 1
        if item == ("daily", "b") and attempts[item] == 1:
            raise ApiThrottledError("test", "throttled", retry_after=5)
        return [item]

    outcome = run_deferring(
        ITEMS, work, describe=str, settings=ThrottleSettings(), sleep=slept.append, lane=lambda i: i[1], concurrency=4
    )
    assert outcome.ok and outcome.deferrals == 1 and attempts[("daily", "b")] == 2
    assert set(outcome.results) == set(ITEMS)
    assert len(slept) == 1 and 0 < slept[0] <= 5  # waited for the platform's estimate, once
