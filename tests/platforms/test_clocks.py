"""Every client on its platform's clock, run as the nightly run runs it, at 18:00 UTC and at 02:00 UTC.

At 18:00 UTC the partition day (Asia/Jakarta, 01:00 of the next day) is already tomorrow in UTC; at 02:00 UTC the
UTC date has moved on while it is still yesterday evening in Pacific time. The simulator enforces the platforms'
documented limits the way they do (LinkedIn answers 400 for a window end it does not serve, X for an end_time
under 10 s old, Meta for a since..until span over its limit): each client must read the nightly window without a
single rejected request, and every window it asked for is checked here against the platform's limits, computed by
hand for both clocks (PlatformClock, the code under test, is not used to compute them).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from assets.platforms import PlatformIngestion
from pipelines.config.loader import load_brands
from pipelines.market.x import XMentions
from pipelines.partitions import DateWindow
from pipelines.platforms.catalog import client_class
from pipelines.platforms.values import parse_time
from tests.platforms.helpers import make_context, start_simulator

UTC = dt.UTC
PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
NIGHT = dt.date(2026, 11, 20)  # the partition day the nightly run loads (yesterday in Asia/Jakarta)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# Hand-computed per clock. 18:00 UTC on 11-20 is 01:00 on 11-21 in Jakarta, 10:00 on 11-20 in Pacific time (PST);
# 02:00 UTC on 11-21 is 09:00 on 11-21 in Jakarta, 18:00 on 11-20 in Pacific time.
CLOCKS = {
    "18:00 UTC": {
        "now": utc(2026, 11, 20, 18),
        # Meta: the last ended Pacific day is 11-19; its end (Pacific midnight) is 11-20 08:00 UTC.
        "meta_until": utc(2026, 11, 20, 8),
        "meta_days": [dt.date(2026, 11, 18), dt.date(2026, 11, 19)],
        # Instagram follower_count / online_followers: the last 30 Pacific days, from 10-21 (PDT: 07:00 UTC).
        "ig_recent_since": utc(2026, 10, 21, 7),
        # LinkedIn: UTC today is 11-20; day D is served from 00:00 UTC of D + 2, so up to 11-18 (end 11-19 00:00).
        "linkedin_end": utc(2026, 11, 19),
        "linkedin_days": [dt.date(2026, 11, 18)],
        # YouTube Analytics: Pacific 11-19 ended at 11-20 08:00 UTC; served a day later (11-21 08:00): up to 11-18.
        "youtube_end": dt.date(2026, 11, 18),
        "youtube_days": [dt.date(2026, 11, 18)],
        # TikTok: UTC days served a day after they ended: up to 11-18; 60 days kept: from 09-21.
        "tiktok_end": dt.date(2026, 11, 18),
        "tiktok_start": dt.date(2026, 9, 21),
        "tiktok_days": [dt.date(2026, 11, 18)],
    },
    "02:00 UTC": {
        "now": utc(2026, 11, 21, 2),
        "meta_until": utc(2026, 11, 20, 8),
        "meta_days": [dt.date(2026, 11, 18), dt.date(2026, 11, 19)],
        "ig_recent_since": utc(2026, 10, 21, 7),
        # UTC today is 11-21: LinkedIn serves up to 11-19 (end 11-20 00:00).
        "linkedin_end": utc(2026, 11, 20),
        "linkedin_days": [dt.date(2026, 11, 18), dt.date(2026, 11, 19)],
        # 02:00 UTC is before 11-21 08:00 UTC: YouTube still serves up to 11-18.
        "youtube_end": dt.date(2026, 11, 18),
        "youtube_days": [dt.date(2026, 11, 18)],
        "tiktok_end": dt.date(2026, 11, 19),
        "tiktok_start": dt.date(2026, 9, 22),
        "tiktok_days": [dt.date(2026, 11, 18), dt.date(2026, 11, 19)],
    },
}


@pytest.fixture(scope="module")
def simulator():
    with start_simulator() as sim:
        yield sim


def nightly(sim, platform: str, now: dt.datetime) -> tuple[PlatformIngestion, dict]:
    """The nightly read of the partition day NIGHT (account metrics re-read 3 days, posts 28) at `now`."""
    sim.set_clock(now)
    sim.requests.clear()
    cls = client_class(platform)
    context = make_context(sim, cls, now=now, today=dt.date(2026, 11, 21))
    client = cls(context)
    pairs = load_brands().accounts_on(platform, own_only=True)
    ingestion = PlatformIngestion([(client, pairs)], context.settings)
    tables = {f"{platform}__{stream}" for stream in cls.spec.streams}
    return ingestion, ingestion.read_window(DateWindow(NIGHT, NIGHT), tables)


def assert_no_rejection(sim, host: str, ignore=lambda record: False) -> list:
    records = sim.requests.records(host)
    assert records, f"no request reached {host}"
    rejected = [r for r in records if (r.status >= 400 or r.envelope_code not in (None, 0)) and not ignore(r)]
    assert not rejected, [(r.path, r.params, r.status, r.envelope_code) for r in rejected]
    return records


def instant(value: str) -> dt.datetime:
    moment = parse_time(value)
    assert moment is not None, value
    return moment


@pytest.fixture(params=list(CLOCKS), ids=list(CLOCKS))
def clock(request):
    return CLOCKS[request.param]


def test_facebook_asks_only_for_ended_pacific_days(simulator, clock):
    ingestion, batches = nightly(simulator, "facebook", clock["now"])
    assert not ingestion.failures
    for record in assert_no_rejection(simulator, "graph.facebook.com"):
        if record.template.endswith("{page-id}/insights") and record.params.get("period") == "day":
            since, until = instant(record.params["since"]), instant(record.params["until"])
            assert until <= clock["meta_until"]
            assert until - since <= dt.timedelta(days=90)
    rows = batches["facebook__account_daily"].rows
    assert [r["metric_date"] for r in rows] == clock["meta_days"]


def test_instagram_windows_and_its_30_days(simulator, clock):
    ingestion, batches = nightly(simulator, "instagram", clock["now"])
    assert not ingestion.failures
    # Meta refuses `views` for carousel albums (code 100 on the media's insights): a metric, not a window.
    carousel_views = lambda record: record.template.endswith("{media-id}/insights")  # noqa: E731
    for record in assert_no_rejection(simulator, "graph.facebook.com", ignore=carousel_views):
        if record.template.endswith("{ig-user-id}/insights") and "since" in record.params:
            since, until = instant(record.params["since"]), instant(record.params["until"])
            assert until - since <= dt.timedelta(days=30)
            if record.params.get("period") == "day":
                assert until <= clock["meta_until"]
            if record.params["metric"] in ("follower_count", "online_followers"):
                assert since >= clock["ig_recent_since"]
    rows = batches["instagram__account_daily"].rows
    assert [r["metric_date"] for r in rows] == clock["meta_days"]
    assert all(r["followers"] is not None for r in rows)  # walked back from today's total


def test_linkedin_asks_up_to_the_last_utc_day_it_serves(simulator, clock):
    ingestion, batches = nightly(simulator, "linkedin", clock["now"])
    assert not ingestion.failures
    bounded = 0
    for record in assert_no_rejection(simulator, "api.linkedin.com"):
        raw = record.params.get("timeIntervals")
        if not raw:
            continue
        bounded += 1
        start_ms = int(re.search(r"start:(\d+)", raw).group(1))
        end_ms = int(re.search(r"end:(\d+)", raw).group(1))
        start, end = (dt.datetime.fromtimestamp(ms / 1000, UTC) for ms in (start_ms, end_ms))
        assert end <= clock["linkedin_end"]
        assert start >= clock["now"] - dt.timedelta(days=366)
        assert (end_ms - start_ms) % 86_400_000 == 0  # whole UTC days
    assert bounded == 2  # follower gains and share statistics
    rows = batches["linkedin__account_daily"].rows
    assert [r["metric_date"] for r in rows] == clock["linkedin_days"]


def test_youtube_asks_analytics_for_the_days_it_serves(simulator, clock):
    ingestion, batches = nightly(simulator, "youtube", clock["now"])
    assert not ingestion.failures
    reports = [r for r in assert_no_rejection(simulator, "youtubeanalytics.googleapis.com")]
    assert reports
    for record in reports:
        assert dt.date.fromisoformat(record.params["endDate"]) <= clock["youtube_end"]
    rows = batches["youtube__account_daily"].rows
    assert [r["metric_date"] for r in rows] == clock["youtube_days"]


def test_tiktok_asks_for_served_utc_days_of_its_60(simulator, clock):
    ingestion, batches = nightly(simulator, "tiktok", clock["now"])
    assert not ingestion.failures
    for record in assert_no_rejection(simulator, "business-api.tiktok.com"):
        if "start_date" in record.params:
            assert dt.date.fromisoformat(record.params["end_date"]) <= clock["tiktok_end"]
            assert dt.date.fromisoformat(record.params["start_date"]) >= clock["tiktok_start"]
    rows = batches["tiktok__account_daily"].rows
    assert [r["metric_date"] for r in rows] == clock["tiktok_days"]


def test_x_windows_against_now(simulator, clock):
    now = clock["now"]
    ingestion, batches = nightly(simulator, "x", now)
    assert not ingestion.failures
    timelines = [r for r in assert_no_rejection(simulator, "api.x.com") if r.path.endswith("/tweets")]
    assert timelines
    for record in timelines:
        if "end_time" in record.params:
            assert instant(record.params["end_time"]) <= now - dt.timedelta(seconds=10)
        if "non_public_metrics" in record.params.get("tweet.fields", ""):
            assert instant(record.params["start_time"]) >= now - dt.timedelta(days=30)
    # the follower count read now stands for the partition day being loaded
    assert [r["metric_date"] for r in batches["x__account_daily"].rows] == [NIGHT]
    # mention counts and search: the recent endpoints only within the last 7 days of now
    simulator.requests.clear()
    source = XMentions(make_context(simulator, XMentions, now=now, today=dt.date(2026, 11, 21)), load_brands())
    source.read(NIGHT - dt.timedelta(days=2), NIGHT)
    for record in assert_no_rejection(simulator, "api.x.com"):
        if "recent" in record.path:
            assert instant(record.params["start_time"]) >= now - dt.timedelta(days=7)
        if "end_time" in record.params:
            assert instant(record.params["end_time"]) <= now - dt.timedelta(seconds=10)


def test_the_old_partition_day_rule_is_what_linkedin_rejects(simulator):
    """The trap of the issue: at 18:00 UTC, "today - 2" on the Jakarta date asks LinkedIn for a day it does not
    serve yet, and LinkedIn answers 400 in its own words."""
    import requests

    from pipelines.simulator import Simulator

    simulator.set_clock(CLOCKS["18:00 UTC"]["now"])
    org = load_brands().own_brand.accounts["linkedin"].id
    jakarta_today = dt.date(2026, 11, 21)
    end = dt.datetime.combine(jakarta_today - dt.timedelta(days=1), dt.time(), UTC)  # through "today - 2"
    start = end - dt.timedelta(days=3)
    intervals = f"(timeRange:(start:{int(start.timestamp() * 1000)},end:{int(end.timestamp() * 1000)}),"
    url = (
        f"{simulator.base_url('https://api.linkedin.com/rest')}/organizationalEntityShareStatistics?"
        f"q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A{org}&timeIntervals={intervals}"
        "timeGranularityType:DAY)"
    )
    headers = {
        "Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['linkedin']}",
        "LinkedIn-Version": "202603",
        "X-Restli-Protocol-Version": "2.0.0",
    }
    answer = requests.get(url, headers=headers, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["code"] == "ILLEGAL_ARGUMENT"
    assert answer.json()["message"].startswith("Invalid timeIntervals parameter")
