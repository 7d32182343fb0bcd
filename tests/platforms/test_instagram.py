"""InstagramClient against the simulator (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import logging
import math
from zoneinfo import ZoneInfo

import pytest

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import ACCOUNT_DAILY, FOLLOWER_ONLINE_HOURS, POST_SNAPSHOTS
from pipelines.errors import InputDataError
from pipelines.http import ApiAuthError, ApiError, ApiRateLimitError, MalformedResponseError, RepeatedCursorError
from pipelines.platforms.instagram import InstagramClient, content_type_of, online_hours_utc, walk_back_followers
from tests.platforms.helpers import TODAY, errors_under_faults, make_context, posts_in_local_days, start_simulator

ACCOUNT = load_brands().own_brand.accounts["instagram"]
CANARY = "CANARY-instagram-7f3a9"
PACIFIC = ZoneInfo("America/Los_Angeles")
WEEK = (dt.date(2026, 11, 10), dt.date(2026, 11, 16))
PACIFIC_TODAY = dt.date(2026, 11, 20)  # the simulator's now, 2026-11-21 00:00 UTC, in Pacific time
LAST_SERVED = dt.date(2026, 11, 19)  # Meta serves a Pacific day once it has ended


def client(sim, **overrides) -> InstagramClient:
    return InstagramClient(make_context(sim, InstagramClient, **overrides))


# --- pure helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media_type", "product", "expected"),
    [
        ("IMAGE", "FEED", "image"),
        ("CAROUSEL_ALBUM", "FEED", "carousel"),
        ("VIDEO", "FEED", "video"),
        ("VIDEO", "REELS", "reel"),
        ("HOLOGRAM", "FEED", None),
    ],
)
def test_content_type_from_media_type_and_product(media_type, product, expected):
    assert content_type_of({"media_type": media_type, "media_product_type": product}) == expected


def test_online_hours_are_converted_from_pacific_to_utc():
    # The Pacific day 2026-05-01 (PDT, UTC-7) closes at 2026-05-02T07:00Z; its hour 0 is 07:00 UTC.
    values = [{"end_time": "2026-05-02T07:00:00+0000", "value": {str(h): 100 + h for h in range(24)}}]
    hours = online_hours_utc(values, PACIFIC)
    assert hours[(dt.date(2026, 5, 1), 7)] == 100
    assert hours[(dt.date(2026, 5, 1), 23)] == 116
    assert hours[(dt.date(2026, 5, 2), 6)] == 123
    assert len(hours) == 24
    # Winter (PST, UTC-8): hour 0 is 08:00 UTC.
    winter = online_hours_utc([{"end_time": "2026-01-11T08:00:00+0000", "value": {"0": 5}}], PACIFIC)
    assert winter == {(dt.date(2026, 1, 10), 8): 5}


def test_walk_back_followers_by_hand():
    gains = {dt.date(2026, 5, 1): 4, dt.date(2026, 5, 2): 10, dt.date(2026, 5, 3): 7}
    # 1000 at the end of 05-03; 05-02 = 1000 - 7; 05-01 = 993 - 10; nothing before the first known gain's day
    assert walk_back_followers(1000, gains, dt.date(2026, 5, 3)) == {
        dt.date(2026, 5, 3): 1000,
        dt.date(2026, 5, 2): 993,
        dt.date(2026, 5, 1): 983,
    }
    gap = {dt.date(2026, 5, 1): 4, dt.date(2026, 5, 2): None, dt.date(2026, 5, 3): 7}
    assert walk_back_followers(1000, gap, dt.date(2026, 5, 3)) == {dt.date(2026, 5, 3): 1000, dt.date(2026, 5, 2): 993}


# --- streams against the simulator ------------------------------------------------------------------------


def test_account_daily_matches_the_world(simulator):
    ig = client(simulator)
    world = simulator.world
    start, end = dt.date(2026, 9, 1), TODAY
    before = simulator.stats.matching("{ig-user-id}/insights")
    rows = ig.account_daily(ACCOUNT, start, end)
    by_day = {r["metric_date"]: r for r in rows}
    # The simulator's now (2026-11-21 00:00 UTC) is 11-20 16:00 in Pacific time: Meta serves up to 11-19.
    served = [start + dt.timedelta(days=i) for i in range((LAST_SERVED - start).days + 1)]
    assert sorted(by_day) == served
    recent = [d for d in served if d >= PACIFIC_TODAY - dt.timedelta(days=30)]  # follower_count: 30 days
    assert len(recent) == 30 and recent[0] == dt.date(2026, 10, 21)
    for day in served:
        row, truth = by_day[day], world.account_day("instagram", ACCOUNT.id, day)
        assert set(row) == set(ACCOUNT_DAILY.columns)
        assert row["followers_gained"] == (truth.followers_gained if day in recent else None)
        assert (row["views"], row["reach"]) == (truth.views, truth.reach)
        assert row["engagements"] == truth.engagements
        assert row["website_clicks"] == truth.website_clicks
        assert row["followers_lost"] is None and row["profile_visits"] is None
        if day not in recent:
            assert row["followers"] is None  # the API cannot give it: never a later figure
    # followers: the total read now is the count at the end of the last served day; each earlier day is the next
    # day's figure minus the next day's new followers (Instagram reports no unfollows, so each day's figure is
    # low by the unfollows of the later days).
    total = world.followers_now("instagram", ACCOUNT.id)
    assert by_day[LAST_SERVED]["followers"] == total == world.followers("instagram", ACCOUNT.id, LAST_SERVED)
    expected, later_unfollows = total, 0
    for day in reversed(recent):
        truth = world.account_day("instagram", ACCOUNT.id, day)
        assert by_day[day]["followers"] == expected == truth.followers - later_unfollows
        nxt = world.account_day("instagram", ACCOUNT.id, day)
        expected -= nxt.followers_gained
        later_unfollows += nxt.followers_lost
    # reach: 3 windows of <= 29 days; follower_count: 1 window; total_value: one request per served day.
    reach_calls = math.ceil(len(served) / 29)
    assert simulator.stats.matching("{ig-user-id}/insights") - before == reach_calls + 1 + len(served)
    assert len(ig.warnings) == 2 and all("clamped" in w for w in ig.warnings)


def test_the_nightly_window_gets_walked_back_followers_on_every_served_day(simulator):
    """The nightly run reads the last partition days: every day Meta serves gets its follower figure, not only
    the observed day, and a day Meta has not served yet gets no row."""
    world = simulator.world
    yesterday = TODAY - dt.timedelta(days=1)
    rows = client(simulator).account_daily(ACCOUNT, yesterday - dt.timedelta(days=3), yesterday)
    followers = {r["metric_date"]: r["followers"] for r in rows}
    assert sorted(followers) == [LAST_SERVED - dt.timedelta(days=2), LAST_SERVED - dt.timedelta(days=1), LAST_SERVED]
    assert followers[LAST_SERVED] == world.followers("instagram", ACCOUNT.id, LAST_SERVED)
    day_before = LAST_SERVED - dt.timedelta(days=1)
    gained = world.account_day("instagram", ACCOUNT.id, LAST_SERVED).followers_gained
    assert followers[day_before] == followers[LAST_SERVED] - gained


def test_media_across_pages_match_the_world_and_a_refused_metric_spares_the_rest(simulator):
    ig = client(simulator)
    first, last = dt.date(2026, 4, 1), dt.date(2026, 11, 20)
    truth = {p.post_id: p for p in posts_in_local_days(simulator, "instagram", ACCOUNT.id, first, last)}
    assert len(truth) > 100  # more than one page of media
    before = simulator.stats.matching("{ig-user-id}/media")
    rows = ig.post_snapshots(ACCOUNT, first, last, last)
    pages = simulator.stats.matching("{ig-user-id}/media") - before
    assert pages >= math.ceil(len(truth) / 100) and pages >= 2
    assert sorted(r["post_id"] for r in rows) == sorted(truth)
    now = simulator.world.now
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = truth[row["post_id"]]
        m = post.metrics(now)
        assert row["content_type"] == post.content_type
        assert row["published_at"] == post.published_at and row["post_url"] == post.url
        assert row["caption"] == post.caption
        assert (row["reach"], row["reactions"], row["comments"]) == (m["reach"], m["reactions"], m["comments"])
        assert (row["shares"], row["saves"], row["clicks"]) == (m["shares"], m["saves"], None)
        if post.content_type == "carousel":  # `views` is refused (code 100) for carousel albums
            assert row["views"] is None and row["video_views"] is None
        else:
            assert row["views"] == m["views"]
            assert row["video_views"] == (m["views"] if post.content_type == "reel" else None)
    refused = [w for w in ig.warnings if "refused" in w]
    assert len(refused) == 1 and "'views'" in refused[0] and "CAROUSEL_ALBUM" in refused[0]


def test_follower_demographics_four_breakdowns(simulator):
    ig = client(simulator)
    rows = ig.audience_demographics(ACCOUNT, dt.date(2026, 11, 20))
    world = simulator.world
    followers = world.followers_now("instagram", ACCOUNT.id)
    for dimension in ("age", "gender", "country", "city"):
        shares = world.demographics("instagram", ACCOUNT.id, dimension)
        expected = dict(sorted(((k, round(followers * s)) for k, s in shares.items()), key=lambda kv: -kv[1])[:45])
        got = {r["dimension_value"]: r["audience_count"] for r in rows if r["dimension"] == dimension}
        assert got == {k: v for k, v in expected.items() if v > 0}
        assert sum(r["audience_share"] for r in rows if r["dimension"] == dimension) == pytest.approx(1.0)


def test_online_hours_in_utc(simulator):
    ig = client(simulator)
    world = simulator.world
    start, end = dt.date(2026, 11, 10), dt.date(2026, 11, 19)
    rows = ig.follower_online_hours(ACCOUNT, start, end)
    assert len(rows) == 24 * 10
    assert all(set(r) == set(FOLLOWER_ONLINE_HOURS.columns) for r in rows)
    got = {(r["metric_date"], r["hour_of_day"]): r["online_followers"] for r in rows}
    for pacific_day in (start - dt.timedelta(days=1), start, end):
        for hour, count in enumerate(world.online_hours("instagram", ACCOUNT.id, pacific_day, tz=str(PACIFIC))):
            moment = dt.datetime.combine(pacific_day, dt.time(hour), PACIFIC).astimezone(dt.UTC)
            if start <= moment.date() <= end:
                assert got[(moment.date(), moment.hour)] == count


def test_online_hours_only_for_the_last_30_days(simulator):
    ig = client(simulator)
    assert ig.follower_online_hours(ACCOUNT, dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == []
    assert any("online_followers" in w and "none of it" in w for w in ig.warnings)
    rows = ig.follower_online_hours(ACCOUNT, dt.date(2026, 10, 1), dt.date(2026, 11, 20))
    assert min(r["metric_date"] for r in rows) >= PACIFIC_TODAY - dt.timedelta(days=30)


def test_an_unexpected_answer_shape_is_a_warning_not_zero_silent_rows(simulator):
    simulator.faults.add("missing_field", path_contains="follower_demographics", field="total_value", times=4)
    simulator.faults.add("missing_field", path_contains="online_followers", field="values", times=1)
    ig = client(simulator)
    assert ig.audience_demographics(ACCOUNT, dt.date(2026, 11, 20)) == []
    assert ig.follower_online_hours(ACCOUNT, dt.date(2026, 11, 10), dt.date(2026, 11, 12)) == []
    shapes = [w for w in ig.warnings if "expected" in w]
    assert len(shapes) == 5
    assert shapes[0].startswith("ig follower demographics (age): expected total_value.breakdowns[].results[]")
    assert shapes[-1].startswith("ig online followers: expected values[] of {value: {hour: count}, end_time}")


# --- faults -------------------------------------------------------------------------------------------------


def test_instagram_use_case_throttling_waits_the_regain_time(simulator):
    waits: list[float] = []
    simulator.faults.add("status", path_contains="/media", status=429, code=80002, regain_minutes=2, times=1)
    ig = client(simulator, http={"throttle": {"max_wait_seconds": 300}}, sleep=waits.append)
    assert ig.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert waits[0] == 120


def test_throttling_past_the_bound_is_a_rate_limit_error(simulator):
    simulator.faults.add("status", path_contains="/insights", status=429, code=4, times=10)
    ig = client(
        simulator, http={"throttle": {"unknown_wait_seconds": 60, "max_wait_seconds": 60}}, sleep=lambda s: None
    )
    with pytest.raises(ApiRateLimitError, match="throttled by Meta"):
        ig.audience_demographics(ACCOUNT, dt.date(2026, 11, 20))


def test_repeated_server_errors_fail_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/media", status=503, times=10)
    with pytest.raises(ApiError, match="gave up after 3 attempt"):
        client(simulator, http={"max_retries": 2}).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_malformed_json_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/insights", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        client(simulator).follower_online_hours(ACCOUNT, *WEEK)


def test_expired_token_names_the_variable_to_renew(simulator):
    simulator.faults.add("expired_token", path_contains="/media")
    with pytest.raises(ApiAuthError, match="INSTAGRAM_ACCESS_TOKEN"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_repeated_cursor_stops_the_listing(simulator):
    simulator.faults.add("repeat_cursor", path_contains="/media")
    with pytest.raises(RepeatedCursorError, match="media"):
        client(simulator).post_snapshots(ACCOUNT, dt.date(2025, 11, 1), dt.date(2026, 11, 20), dt.date(2026, 11, 20))


def test_missing_optional_field_is_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/media?", field="caption")
    ig = client(simulator)
    rows = ig.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert rows and all(r["caption"] is None for r in rows)
    assert any("'caption'" in w for w in ig.warnings)


def test_missing_required_field_is_an_input_error(simulator):
    simulator.faults.add("missing_field", path_contains="/media?", field="timestamp")
    with pytest.raises(InputDataError, match="timestamp"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/media?", field="aura_count", value=3)
    ig = client(simulator)
    assert ig.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert [w for w in ig.warnings if "aura_count" in w] == ["new field 'aura_count' in media items ignored"]


def test_a_canary_token_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"meta": CANARY}) as sim:
        ig = client(sim, credentials={"access_token": CANARY}, http={"max_retries": 1})
        assert ig.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
        faults = (
            ("status", "/", {"status": 500, "times": 5}),
            ("expired_token", "/", {}),
            ("malformed_json", "/", {"times": 2}),
        )
        errors = errors_under_faults(sim, faults, lambda: ig.account_daily(ACCOUNT, *WEEK))
    texts = [str(e) for e in errors] + [e.url for e in errors] + ig.warnings + [caplog.text]
    assert any("access_token=***" in t for t in texts)  # the URL was logged, redacted
    assert all(CANARY not in t for t in texts)
