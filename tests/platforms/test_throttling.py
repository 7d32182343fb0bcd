"""Throttling as Meta does it: minutes of throttle with the usage headers at 100 %, waited out or deferred, and
pacing that keeps a large account below 100 %.

Nothing sleeps for real: the clients' `sleep` is the simulator's `advance`, which moves the clock the simulator
measures throttles and usage windows on. No timing is asserted; simulated seconds are.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assets.platforms import PlatformIngestion
from pipelines.config.loader import load_brands
from pipelines.partitions import DateWindow
from pipelines.platforms.facebook import FacebookClient
from pipelines.platforms.instagram import InstagramClient
from tests.platforms.helpers import TODAY, make_context, start_simulator

NIGHT = TODAY - dt.timedelta(days=1)
IG = load_brands().own_brand.accounts["instagram"]
FB = load_brands().own_brand.accounts["facebook"]
# Production-like throttle settings (settings.yaml defaults), not the fast test ones.
PRODUCTION_THROTTLE = {
    "slowdown_percent": 75,
    "pause_seconds": 2,
    "max_pause_seconds": 900,
    "unknown_wait_seconds": 60,
    "max_wait_seconds": 600,
}


@pytest.fixture
def sim():
    """A simulator of its own per test: throttles and usage meters change its running clock."""
    with start_simulator() as simulator:
        yield simulator


def nightly(sim, cls, throttle: dict) -> tuple[PlatformIngestion, dict]:
    context = make_context(sim, cls, http={"throttle": {**PRODUCTION_THROTTLE, **throttle}}, sleep=sim.advance)
    client = cls(context)
    pairs = load_brands().accounts_on(cls.spec.name, own_only=True)
    ingestion = PlatformIngestion([(client, pairs)], context.settings)
    tables = {f"{cls.spec.name}__{stream}" for stream in cls.spec.streams}
    return ingestion, ingestion.read_window(DateWindow(NIGHT, NIGHT), tables)


def rows_of(batches: dict) -> dict:
    return {table: batch.rows for table, batch in batches.items()}


def test_a_three_minute_instagram_throttle_at_100_percent_is_waited_out_and_the_night_completes(sim):
    _, clean = nightly(sim, InstagramClient, {})
    started = sim.clock.now()
    throttle = sim.faults.add("throttle", path_contains=IG.id, seconds=180, code=80002)
    ingestion, batches = nightly(sim, InstagramClient, {})
    assert not ingestion.failures
    assert rows_of(batches) == rows_of(clean)  # every stream, the same rows as without the throttle
    assert throttle.used >= 1  # requests were answered with code 80002 and usage at 100 %
    assert ingestion.client.stats.throttled == throttle.used
    assert sim.clock.now() - started >= dt.timedelta(seconds=180)  # simulated: the client waited it out


def test_a_throttle_longer_than_a_request_may_wait_defers_the_work_and_the_night_completes(sim):
    _, clean = nightly(sim, FacebookClient, {})
    # App-level throttling (code 4) gives no estimate: the client would wait 100 s, more than the 30 s a request
    # may, so each stream is deferred, the others are tried, and the deferred ones come back after the wait.
    throttle = sim.faults.add("throttle", path_contains=FB.id, seconds=180, code=4)
    ingestion, batches = nightly(sim, FacebookClient, {"unknown_wait_seconds": 100, "max_wait_seconds": 30})
    assert not ingestion.failures
    assert rows_of(batches) == rows_of(clean)
    assert throttle.used >= 3  # every stream met the throttle at least once


def test_deferral_logs_and_gives_up_within_its_bounds(sim, caplog):
    sim.faults.add("throttle", path_contains=FB.id, seconds=3600, code=4)
    ingestion, batches = nightly(
        sim,
        FacebookClient,
        {"unknown_wait_seconds": 100, "max_wait_seconds": 30, "max_deferrals": 2, "max_deferred_wait_seconds": 900},
    )
    assert batches == {}
    assert {failure.table for failure in ingestion.failures} == {
        "facebook__account_daily",
        "facebook__post_snapshots",
        "facebook__audience_demographics",
        "facebook__post_comments",
    }
    assert {failure.account_id for failure in ingestion.failures} == {FB.id}
    (reason,) = [failure.reason for failure in ingestion.failures if failure.table == "facebook__account_daily"]
    assert "stayed throttled after 2 deferral(s)" in reason and "http.throttle.max_deferrals=2" in reason
    assert "code 4: (#4) Application request limit reached" in reason  # Meta's own words
    assert any("deferred" in r.getMessage() for r in caplog.records)


def test_pacing_keeps_a_large_account_below_100_percent(sim):
    """Meta allows 150 calls an hour here; two years of Instagram media need more calls than that. The usage
    headers rise with every call: the pacer slows down from 75 % and the account never reaches 100 %."""
    meter = sim.limit_usage("meta", calls=150, window_seconds=3600)
    ig = InstagramClient(make_context(sim, InstagramClient, http={"throttle": PRODUCTION_THROTTLE}, sleep=sim.advance))
    first = TODAY - dt.timedelta(days=330)
    rows = ig.post_snapshots(IG, first, NIGHT, NIGHT)
    # More calls than the hour allows, as Meta counts them: each request inside a batch request counts.
    assert meter.served > 150 and ig.stats.batched > 0
    assert meter.served == ig.stats.calls - ig.stats.by_endpoint["batch"] + ig.stats.batched
    assert meter.throttled == 0 and ig.stats.throttled == 0
    assert 75 <= meter.highest_percent < 100
    assert ig.pacer.highest == pytest.approx(meter.highest_percent, abs=1)
    expected = {p.post_id for p in sim.world.posts("instagram", IG.id, first - dt.timedelta(days=1), NIGHT)}
    assert {r["post_id"] for r in rows} <= expected and len(rows) >= len(expected) - 2  # partition-day edges


def test_without_pacing_the_same_account_runs_into_100_percent(sim):
    """The control: pacing only from 100 % on, the same read is throttled (and still completes, waiting the
    platform's estimate), so the test above shows the pacing, not a generous limit."""
    meter = sim.limit_usage("meta", calls=150, window_seconds=3600)
    throttle = {**PRODUCTION_THROTTLE, "slowdown_percent": 100, "max_wait_seconds": 3600}
    ig = InstagramClient(make_context(sim, InstagramClient, http={"throttle": throttle}, sleep=sim.advance))
    first = TODAY - dt.timedelta(days=330)
    assert ig.post_snapshots(IG, first, NIGHT, NIGHT)
    assert meter.throttled > 0 and meter.highest_percent == 100
