"""Usage that fills up: Meta's usage headers over a rolling window of the simulator's clock.

`Simulator.limit_usage("meta", calls=200, window_seconds=3600)` (or `POST /_simulator/usage`) makes every Meta
answer report `call_count` = 100 x (calls in the last `window_seconds`) / `calls` in X-App-Usage and
X-Business-Use-Case-Usage; once the window holds `calls` calls, requests are throttled (Meta's error 80001 for
Pages, 80002 for Instagram) with `estimated_time_to_regain_access` until the oldest call leaves the window. The
highest percent served and the number of throttled answers are kept, so a test can show that pacing kept a large
account below 100 %.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque


class UsageMeter:
    """Calls per rolling window, on the simulator's clock (thread-safe)."""

    def __init__(self, calls: int, window_seconds: float) -> None:
        if calls < 1 or window_seconds <= 0:
            raise ValueError("a usage limit needs calls >= 1 and window_seconds > 0")
        self.calls, self.window = int(calls), dt.timedelta(seconds=float(window_seconds))
        self._lock = threading.Lock()
        self._times: deque[dt.datetime] = deque()
        self.highest_percent = 0.0
        self.throttled = 0
        self.served = 0

    def _drain(self, now: dt.datetime) -> None:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()

    def blocked_for(self, now: dt.datetime) -> float | None:
        """Seconds until a call is allowed again when the window is full (the call is counted as throttled);
        None when it may go through."""
        with self._lock:
            self._drain(now)
            if len(self._times) < self.calls:
                return None
            self.throttled += 1
            return max(1.0, (self._times[0] + self.window - now).total_seconds())

    def record(self, now: dt.datetime) -> float:
        """Count a call; the usage percent after it."""
        with self._lock:
            self._drain(now)
            self._times.append(now)
            self.served += 1
            percent = 100.0 * len(self._times) / self.calls
            self.highest_percent = max(self.highest_percent, percent)
            return percent

    def describe(self) -> dict[str, float | int]:
        return {
            "calls": self.calls,
            "window_seconds": self.window.total_seconds(),
            "highest_percent": round(self.highest_percent, 2),
            "throttled": self.throttled,
            "served": self.served,
        }
