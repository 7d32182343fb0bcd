"""TikTokClient (Business API v1.3 organic accounts) against the simulator (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import (
    ACCOUNT_DAILY,
    AUDIENCE_DEMOGRAPHICS,
    FOLLOWER_ONLINE_HOURS,
    POST_SNAPSHOTS,
)
from pipelines.errors import InputDataError
from pipelines.http import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    MalformedResponseError,
    RepeatedCursorError,
)
from pipelines.platforms.tiktok import TikTokClient
from tests.platforms.helpers import TODAY, errors_under_faults, make_context, posts_in_local_days, start_simulator

ACCOUNT = load_brands().own_brand.accounts["tiktok"]
YESTERDAY = TODAY - dt.timedelta(days=1)
# The simulator's now is 2026-11-21 00:00 UTC: TikTok serves a UTC day a day after it ended, so up to 11-19.
LAST_SERVED = TODAY - dt.timedelta(days=2)
WEEK = (LAST_SERVED - dt.timedelta(days=6), LAST_SERVED)
CANARY = "CANARY-tiktok-7f3a9"
HOST = "business-api.tiktok.com/open_api/{version}"  # the simulator counts requests per path template
BUSINESS_GET = f"{HOST}/business/get/"
VIDEO_LIST = f"{HOST}/business/video/list/"


def client(sim, **overrides) -> TikTokClient:
    return TikTokClient(make_context(sim, TikTokClient, **overrides))


# --- streams against the simulator --------------------------------------------------------------------------


def test_account_daily_in_windows_of_30_days_matches_the_world(simulator):
    start = TODAY - dt.timedelta(days=60)  # the first day inside the ~60 days TikTok keeps
    before = simulator.stats[BUSINESS_GET]
    tt = client(simulator)
    rows = tt.account_daily(ACCOUNT, start, LAST_SERVED)
    assert simulator.stats[BUSINESS_GET] == before + 2  # 59 days: 30 + 29
    assert [r["metric_date"] for r in rows] == [start + dt.timedelta(days=i) for i in range(59)]
    for row in rows:
        assert set(row) == set(ACCOUNT_DAILY.columns)
        truth = simulator.world.account_day("tiktok", ACCOUNT.id, row["metric_date"])
        assert row["followers"] == truth.followers
        assert row["views"] == truth.views
        assert row["reach"] == truth.reach  # requested as an optional field; the simulator answers it
        assert row["profile_visits"] == truth.profile_visits
        assert row["engagements"] == truth.reactions + truth.comments + truth.shares
        assert row["followers_gained"] is row["followers_lost"] is row["website_clicks"] is None
    assert not tt.warnings


def test_account_daily_is_clamped_to_the_retention(simulator):
    tt = client(simulator)
    rows = tt.account_daily(ACCOUNT, TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=50))
    assert [r["metric_date"] for r in rows][0] == TODAY - dt.timedelta(days=60)
    assert len(rows) == 11
    assert any("kept 60 days" in w and "clamped to 2026-09-22..2026-10-02" in w for w in tt.warnings)


def test_days_tiktok_has_not_served_yet_are_not_asked_for(simulator):
    tt = client(simulator)
    before = simulator.stats[BUSINESS_GET]
    assert tt.account_daily(ACCOUNT, YESTERDAY, YESTERDAY) == []
    assert simulator.stats[BUSINESS_GET] == before
    assert any("served 1 day(s) after they end" in w and "none of it" in w for w in tt.warnings)


def test_follower_online_hours_are_utc_hours_and_share_the_daily_call(simulator):
    tt = client(simulator)
    tt.account_daily(ACCOUNT, *WEEK)
    before = simulator.stats[BUSINESS_GET]
    rows = tt.follower_online_hours(ACCOUNT, *WEEK)
    assert simulator.stats[BUSINESS_GET] == before  # same window: the daily answer is reused
    assert len(rows) == 7 * 24
    assert all(set(r) == set(FOLLOWER_ONLINE_HOURS.columns) for r in rows)
    for day in {r["metric_date"] for r in rows}:
        truth = simulator.world.online_hours("tiktok", ACCOUNT.id, day, tz="UTC")
        got = [r["online_followers"] for r in sorted(rows, key=lambda r: r["hour_of_day"]) if r["metric_date"] == day]
        assert got == truth


def test_audience_demographics_shares(simulator):
    rows = client(simulator).audience_demographics(ACCOUNT, YESTERDAY)
    assert all(set(r) == set(AUDIENCE_DEMOGRAPHICS.columns) for r in rows)
    by_dim: dict[str, dict[str, float]] = {}
    for r in rows:
        assert r["audience_count"] is None and r["snapshot_date"] == YESTERDAY
        by_dim.setdefault(r["dimension"], {})[r["dimension_value"]] = r["audience_share"]
    world = simulator.world
    labels = {"F": "female", "M": "male", "U": "other"}
    assert by_dim["country"] == pytest.approx(world.demographics("tiktok", ACCOUNT.id, "country"), abs=1e-4)
    assert by_dim["age"] == pytest.approx(world.demographics("tiktok", ACCOUNT.id, "age"), abs=1e-4)
    genders = world.demographics("tiktok", ACCOUNT.id, "gender")
    assert by_dim["gender"] == pytest.approx({labels[k]: v for k, v in genders.items()}, abs=1e-4)


def test_post_snapshots_across_pages_match_the_world(simulator):
    first = TODAY - dt.timedelta(days=120)
    expected = posts_in_local_days(simulator, "tiktok", ACCOUNT.id, first, YESTERDAY, zone="Asia/Jakarta")
    since = dt.datetime.combine(first, dt.time(), ZoneInfo("Asia/Jakarta"))
    newer = [p for p in simulator.world.posts("tiktok", ACCOUNT.id) if p.published_at >= since]
    assert len(expected) > 60
    before = simulator.stats[VIDEO_LIST]
    tt = client(simulator)
    rows = tt.post_snapshots(ACCOUNT, first, YESTERDAY, YESTERDAY)
    # 20 videos a page, newest first, until the page that reaches a video older than the window.
    assert simulator.stats[VIDEO_LIST] - before == len(newer) // 20 + 1
    assert sorted(r["post_id"] for r in rows) == sorted(p.post_id for p in expected)
    truth = {p.post_id: p for p in expected}
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = truth[row["post_id"]]
        metrics = post.metrics(simulator.world.now)
        assert row["published_at"] == post.published_at.replace(microsecond=0)
        assert (row["post_url"], row["caption"], row["content_type"]) == (post.url, post.caption, "video")
        assert row["views"] == row["video_views"] == metrics["views"]
        assert (row["reach"], row["reactions"]) == (metrics["reach"], metrics["reactions"])
        assert (row["comments"], row["shares"]) == (metrics["comments"], metrics["shares"])
        assert row["saves"] is row["clicks"] is None
    assert not tt.warnings


# --- faults -------------------------------------------------------------------------------------------------


def test_too_frequent_code_on_http_200_is_retried_with_backoff(simulator):
    waits: list[float] = []
    simulator.faults.add("status", path_contains="/business/get/", status=429, times=2)
    tt = client(simulator, sleep=waits.append)
    assert len(tt.account_daily(ACCOUNT, *WEEK)) == 7
    assert tt.stats.retries == 2 and len(waits) == 2 and waits[1] > 0


def test_too_frequent_past_the_bound_is_a_rate_limit_error(simulator):
    simulator.faults.add("status", path_contains="/business/get/", status=429, times=10)
    with pytest.raises(ApiRateLimitError, match="40100"):
        client(simulator).account_daily(ACCOUNT, *WEEK)


def test_repeated_server_errors_fail_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/business/video/list/", status=500, times=10)
    tt = client(simulator, http={"max_retries": 2})
    with pytest.raises(ApiError, match="gave up after 3 attempt") as info:
        tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert "50000" in str(info.value)
    assert not isinstance(info.value, ApiAuthError | ApiPermissionError | ApiRateLimitError)
    assert tt.stats.retries == 2


def test_parameter_error_is_not_retried(simulator):
    simulator.faults.add("status", path_contains="/business/video/list/", status=400, times=5)
    before = simulator.stats[VIDEO_LIST]
    tt = client(simulator)
    with pytest.raises(ApiError, match="parameter error"):
        tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert simulator.stats[VIDEO_LIST] == before + 1 and tt.stats.retries == 0


def test_a_refused_unconfirmed_field_does_not_lose_the_others(simulator):
    simulator.faults.add("status", path_contains="/business/get/", status=400, times=1)
    tt = client(simulator)
    rows = tt.account_daily(ACCOUNT, *WEEK)
    assert len(rows) == 7 and all(r["reach"] is None and r["views"] is not None for r in rows)
    assert any("reach" in w for w in tt.warnings)


def test_malformed_json_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/business/video/list/", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_expired_token_names_the_variable_to_renew(simulator):
    simulator.faults.add("expired_token", path_contains="/business/get/")
    with pytest.raises(ApiAuthError, match="TIKTOK_BUSINESS_ACCESS_TOKEN") as info:
        client(simulator).account_daily(ACCOUNT, *WEEK)
    assert "expired" in str(info.value) and "40105" in str(info.value)


def test_missing_token_names_the_variable(simulator):
    with pytest.raises(ApiAuthError, match="TIKTOK_BUSINESS_ACCESS_TOKEN"):
        client(simulator, credentials={"business_token": None}).account_daily(ACCOUNT, *WEEK)


def test_another_business_id_is_a_permission_error(simulator):
    other = load_brands().competitors[0].accounts["tiktok"]
    with pytest.raises(ApiPermissionError, match="business_id"):
        client(simulator).post_snapshots(other, *WEEK, WEEK[1])


def test_repeated_cursor_stops_the_listing(simulator):
    simulator.faults.add("repeat_cursor", path_contains="/business/video/list/")
    with pytest.raises(RepeatedCursorError, match="video/list"):
        client(simulator).post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=120), YESTERDAY, YESTERDAY)


def test_missing_optional_field_is_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/business/video/list/", field="likes")
    tt = client(simulator)
    rows = tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert rows and all(r["reactions"] is None and r["views"] is not None for r in rows)
    assert tt.warnings == ["/business/video/list/ videos without 'likes': stored as NULL"]


def test_missing_required_field_is_an_input_error(simulator):
    simulator.faults.add("missing_field", path_contains="/business/video/list/", field="create_time")
    with pytest.raises(InputDataError, match="create_time"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_missing_day_date_is_an_input_error(simulator):
    simulator.faults.add("missing_field", path_contains="/business/get/", field="date")
    with pytest.raises(InputDataError, match="'date'"):
        client(simulator).account_daily(ACCOUNT, *WEEK)


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/business/", field="sparkle_score")
    tt = client(simulator)
    assert len(tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])) >= 2
    assert len(tt.account_daily(ACCOUNT, *WEEK)) == 7
    assert [w for w in tt.warnings if "sparkle_score" in w] == [
        "new field 'sparkle_score' in /business/video/list/ videos ignored",
        "new field 'sparkle_score' in /business/get/ daily metrics ignored",
    ]


def test_canary_token_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"tiktok_business": CANARY}) as sim:
        tt = client(sim, credentials={"business_token": CANARY}, http={"max_retries": 1})
        assert tt.account_daily(ACCOUNT, *WEEK)  # the canary is the accepted token
        faults = (
            ("status", "/business/", {"status": 500, "times": 5}),
            ("status", "/business/", {"status": 429, "times": 5}),
            ("expired_token", "/business/", {}),
            ("malformed_json", "/business/", {"times": 2}),
        )
        errors = errors_under_faults(sim, faults, lambda: tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1]))
        sim.faults.add("missing_field", path_contains="/business/video/list/", field="shares")
        tt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    texts = [str(e) for e in errors] + [e.url for e in errors] + tt.warnings + [caplog.text]
    assert tt.warnings
    assert all(CANARY not in t for t in texts)
