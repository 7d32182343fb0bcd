"""FacebookClient against the simulator (real HTTP on 127.0.0.1), plus the pure Graph helpers of meta_graph."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from zoneinfo import ZoneInfo

import pytest
import requests

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import ACCOUNT_DAILY, AUDIENCE_DEMOGRAPHICS, POST_SNAPSHOTS
from pipelines.errors import InputDataError
from pipelines.http import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiThrottledError,
    MalformedResponseError,
    RepeatedCursorError,
)
from pipelines.platforms.base import day_windows
from pipelines.platforms.facebook import FacebookClient, content_type_of
from pipelines.platforms.meta_graph import end_time_day, latest_value, series_by_day, usage_percent
from pipelines.platforms.values import to_count
from tests.platforms.helpers import TODAY, errors_under_faults, make_context, posts_in_local_days, start_simulator

ACCOUNT = load_brands().own_brand.accounts["facebook"]
CANARY = "CANARY-facebook-7f3a9"
PACIFIC = ZoneInfo("America/Los_Angeles")
# The simulator's now is 2026-11-21 00:00 UTC = 2026-11-20 16:00 in Pacific time: Meta's last complete day is 11-19.
LAST_SERVED = TODAY - dt.timedelta(days=2)


def client(sim, **overrides) -> FacebookClient:
    return FacebookClient(make_context(sim, FacebookClient, **overrides))


# --- pure helpers -----------------------------------------------------------------------------------------


def test_end_time_is_the_pacific_midnight_closing_the_day():
    assert end_time_day("2026-05-02T07:00:00+0000", PACIFIC) == dt.date(2026, 5, 1)  # summer (PDT)
    assert end_time_day("2026-01-11T08:00:00+0000", PACIFIC) == dt.date(2026, 1, 10)  # winter (PST)
    assert end_time_day("2026-11-02T08:00:00+0000", PACIFIC) == dt.date(2026, 11, 1)  # the 25-hour day
    # a UTC midnight lies inside a Pacific day: that day is the one it belongs to
    assert end_time_day("2026-05-02T00:00:00Z", PACIFIC) == dt.date(2026, 5, 1)


def test_windows_respect_the_limit_and_cover_every_day():
    parts = list(day_windows(dt.date(2026, 1, 1), dt.date(2026, 6, 30), 90))
    assert parts == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 29)),
        (dt.date(2026, 6, 30), dt.date(2026, 6, 30)),
    ]
    assert all((b - a).days + 1 <= 90 for a, b in parts)


def test_usage_headers_give_the_highest_percent_and_regain_time():
    headers = {
        "X-App-Usage": '{"call_count":28,"total_time":15,"total_cputime":12}',
        "X-Page-Usage": '{"call_count":4,"total_time":81,"total_cputime":1}',
        "X-Business-Use-Case-Usage": json.dumps(
            {"1": [{"type": "pages", "call_count": 60, "estimated_time_to_regain_access": 7}]}
        ),
    }
    assert usage_percent(headers) == (81.0, 7.0)
    assert usage_percent({"X-App-Usage": "not json"}) == (0.0, 0.0)


def test_values_and_total_value_shapes():
    metric = {"values": [{"value": "12", "end_time": "2026-05-02T07:00:00+0000"}, {"value": 5, "end_time": "x"}][:1]}
    assert series_by_day(metric, PACIFIC) == {dt.date(2026, 5, 1): "12"}
    assert to_count("12") == 12
    assert to_count({"like": 300, "love": 30, "wow": "10"}) == 340
    assert to_count(None) is None
    assert latest_value({"total_value": {"value": 9}}) == 9
    assert latest_value({"values": [{"value": 1}]}) == 1


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        ({}, "text"),
        ({"attachments": {"data": [{"media_type": "status", "type": "status"}]}}, "text"),
        ({"attachments": {"data": [{"media_type": "photo", "type": "photo"}]}}, "image"),
        ({"attachments": {"data": [{"media_type": "video", "type": "video_inline"}]}}, "video"),
        ({"attachments": {"data": [{"media_type": "album", "type": "album"}]}}, "carousel"),
        ({"attachments": {"data": [{"media_type": "link", "type": "share"}]}}, "link"),
        ({"permalink_url": "https://www.facebook.com/reel/123", "attachments": {"data": [{"type": "video"}]}}, "reel"),
        ({"attachments": {"data": [{"type": "hologram"}]}}, None),
    ],
)
def test_content_type_rule(post, expected):
    assert content_type_of(post) == expected


def _graph_response(status: int, body: dict, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


def test_error_codes_are_classified(simulator):
    fb = client(simulator)
    verdict = fb._classify
    assert verdict(_graph_response(400, {}), {"error": {"code": 190, "error_subcode": 463}}).kind == "auth"
    assert verdict(_graph_response(403, {}), {"error": {"code": 10}}).kind == "permission"
    assert verdict(_graph_response(403, {}), {"error": {"code": 200}}).kind == "permission"
    assert verdict(_graph_response(400, {}), {"error": {"code": 100}}).kind == "fatal"
    for code in (1, 2):
        assert verdict(_graph_response(400, {}), {"error": {"code": code}}).kind == "retry"
    for code in (4, 17, 32, 613):
        throttled = verdict(_graph_response(400, {}), {"error": {"code": code, "message": f"(#{code}) limit"}})
        assert (throttled.kind, throttled.retry_after) == ("throttle", None)  # no estimate: the configured wait
        assert throttled.platform_message == f"code {code}: (#{code}) limit"
    buc = {"X-Business-Use-Case-Usage": json.dumps({"1": [{"call_count": 100, "estimated_time_to_regain_access": 3}]})}
    throttled = verdict(_graph_response(400, {}, buc), {"error": {"code": 80001}})
    assert (throttled.kind, throttled.retry_after) == ("throttle", 180)
    assert "usage 100 %" in throttled.message and "3 min" in throttled.message
    assert verdict(_graph_response(200, {}), {"data": []}) is None


def test_pacing_slows_down_above_75_percent_and_waits_the_regain_time_at_100(simulator):
    fb = client(simulator, http={"throttle": {"pause_seconds": 1, "max_pause_seconds": 8, "max_wait_seconds": 600}})
    assert fb._pace(_graph_response(200, {}, {"X-App-Usage": '{"call_count":50}'})) == 0
    assert fb._pace(_graph_response(200, {}, {"X-App-Usage": '{"call_count":85}'})) == 1
    assert fb._pace(_graph_response(200, {}, {"X-Page-Usage": '{"call_count":90}'})) == 2  # still rising: doubled
    full = {"X-Business-Use-Case-Usage": json.dumps({"1": [{"call_count": 100, "estimated_time_to_regain_access": 2}]})}
    assert fb._pace(_graph_response(200, {}, full)) == 120


# --- streams against the simulator ------------------------------------------------------------------------


def test_account_daily_matches_the_world_over_several_90_day_windows(simulator):
    fb = client(simulator)
    start, end = dt.date(2026, 5, 1), dt.date(2026, 11, 20)
    before = simulator.stats.matching("{page-id}/insights")
    rows = fb.account_daily(ACCOUNT, start, end)
    days = (LAST_SERVED - start).days + 1  # 11-20 has not ended in Pacific time: clamped, with a warning
    assert simulator.stats.matching("{page-id}/insights") - before == math.ceil(days / 90) == 3
    assert [r["metric_date"] for r in rows] == [start + dt.timedelta(days=i) for i in range(days)]
    for row in rows:
        assert set(row) == set(ACCOUNT_DAILY.columns)
        truth = simulator.world.account_day("facebook", ACCOUNT.id, row["metric_date"])
        assert row["followers"] == truth.followers
        assert row["followers_gained"] == truth.followers_gained
        assert row["followers_lost"] == truth.followers_lost
        assert row["views"] == truth.views
        assert row["reach"] == truth.reach
        assert row["engagements"] == truth.engagements
        assert row["profile_visits"] == truth.profile_visits
        assert row["website_clicks"] is None  # no Page-level website clicks metric
    assert fb.warnings == [
        "Page insights are days of America/Los_Angeles, served once ended, kept 730 days (at 2026-11-21 00:00 UTC "
        "that is 2024-11-20..2026-11-19); the window 2026-05-01..2026-11-20 was clamped to 2026-05-01..2026-11-19; "
        "a later run fills the days not served yet."
    ]


def test_a_deprecated_metric_answered_invalid_does_not_lose_the_others(simulator):
    # On 2025-10-01 the registry still lists page_impressions, page_fans...; the API refuses them with code 100.
    fb = client(simulator, today=dt.date(2025, 10, 1))
    rows = fb.account_daily(ACCOUNT, dt.date(2026, 11, 1), dt.date(2026, 11, 7))
    assert len(rows) == 7
    truth = simulator.world.account_day("facebook", ACCOUNT.id, dt.date(2026, 11, 3))
    assert rows[2]["views"] == truth.views  # from page_media_view
    assert rows[2]["followers"] == truth.followers  # from page_follows
    assert any("page_impressions" in w and "code 100" in w for w in fb.warnings)


def test_post_snapshots_across_pages_match_the_world(simulator):
    fb = client(simulator)
    first, last, snapshot = dt.date(2026, 7, 1), dt.date(2026, 11, 20), dt.date(2026, 11, 20)
    truth = {p.post_id: p for p in posts_in_local_days(simulator, "facebook", ACCOUNT.id, first, last)}
    assert len(truth) > 100  # more than one page of published_posts
    before = simulator.stats.matching("{page-id}/published_posts")
    rows = fb.post_snapshots(ACCOUNT, first, last, snapshot)
    assert simulator.stats.matching("{page-id}/published_posts") - before == math.ceil(len(truth) / 100)
    assert sorted(r["post_id"] for r in rows) == sorted(truth)
    now = simulator.world.now
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = truth[row["post_id"]]
        m = post.metrics(now)
        assert row["published_at"] == post.published_at
        assert row["post_url"] == post.url
        assert row["caption"] == post.caption
        # The simulator (like the Graph API) gives Page reels no attachment type of their own: they read as video.
        assert row["content_type"] == {"reel": "video"}.get(post.content_type, post.content_type)
        assert (row["views"], row["reach"], row["clicks"]) == (m["views"], m["reach"], m["clicks"])
        assert (row["reactions"], row["comments"], row["shares"]) == (m["reactions"], m["comments"], m["shares"])
        assert row["saves"] is None
        if post.content_type in ("video", "reel"):
            assert row["video_views"] == m["video_views"]
        else:
            assert row["video_views"] is None
        assert row["snapshot_date"] == snapshot
    assert fb.warnings == []


def test_audience_demographics_countries_and_cities(simulator):
    fb = client(simulator)
    rows = fb.audience_demographics(ACCOUNT, dt.date(2026, 11, 20))
    assert {r["dimension"] for r in rows} == {"country", "city"}
    for dimension in ("country", "city"):
        counts = simulator.world.demographic_counts("facebook", ACCOUNT.id, dimension)
        if dimension == "country":
            counts = {k: v for k, v in counts.items() if v >= 100}
        got = {r["dimension_value"]: r for r in rows if r["dimension"] == dimension}
        assert {k: r["audience_count"] for k, r in got.items()} == counts
        assert sum(r["audience_share"] for r in got.values()) == pytest.approx(1.0)
    assert all(set(r) == set(AUDIENCE_DEMOGRAPHICS.columns) for r in rows)


def test_no_online_hours_stream():
    assert "follower_online_hours" not in FacebookClient.spec.streams


# --- faults -------------------------------------------------------------------------------------------------


WEEK = (dt.date(2026, 11, 10), dt.date(2026, 11, 16))


def test_throttling_is_waited_out_then_succeeds(simulator):
    simulator.faults.add("status", path_contains="/insights", status=429, code=4, times=2)
    waits: list[float] = []
    fb = client(simulator, http={"throttle": {"unknown_wait_seconds": 60, "max_wait_seconds": 300}}, sleep=waits.append)
    rows = fb.account_daily(ACCOUNT, *WEEK)
    assert len(rows) == 7
    assert waits == [60, 60]  # code 4 gives no estimate: the configured wait, twice
    assert (fb.stats.retries, fb.stats.throttled) == (2, 2)


def test_business_use_case_throttling_waits_the_regain_time(simulator):
    waits: list[float] = []
    simulator.faults.add("status", path_contains="/insights", status=429, code=80001, regain_minutes=1, times=1)
    fb = client(simulator, http={"throttle": {"max_wait_seconds": 120}}, sleep=waits.append)
    assert len(fb.account_daily(ACCOUNT, *WEEK)) == 7
    assert waits == [60]  # estimated_time_to_regain_access = 1 minute


def test_throttling_past_the_bound_is_a_throttled_error_for_deferral(simulator):
    simulator.faults.add("status", path_contains="/insights", status=429, code=32, times=10)
    waits: list[float] = []
    fb = client(simulator, http={"throttle": {"unknown_wait_seconds": 60, "max_wait_seconds": 100}}, sleep=waits.append)
    with pytest.raises(ApiThrottledError, match="max_wait_seconds=100") as info:
        fb.account_daily(ACCOUNT, *WEEK)
    assert waits == [60]  # one wait fits the bound, the second would not: raised for the caller to defer
    assert info.value.platform_message == "code 32: (#32) Page request limit reached"
    assert info.value.retry_after == 60


def test_repeated_server_errors_fail_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/insights", status=500, times=10)
    fb = client(simulator, http={"max_retries": 2})
    with pytest.raises(ApiError, match="gave up after 3 attempt") as info:
        fb.account_daily(ACCOUNT, *WEEK)
    assert not isinstance(info.value, ApiAuthError | ApiPermissionError)
    assert fb.stats.retries == 2


def test_malformed_json_twice_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/published_posts", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_one_truncated_body_is_retried(simulator):
    simulator.faults.add("malformed_json", path_contains="/published_posts", times=1)
    fb = client(simulator)
    assert fb.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert fb.stats.retries == 1


def test_expired_token_names_the_variable_to_renew(simulator):
    simulator.faults.add("expired_token", path_contains="/insights")
    with pytest.raises(ApiAuthError, match="FACEBOOK_PAGE_ACCESS_TOKEN") as info:
        client(simulator).account_daily(ACCOUNT, *WEEK)
    assert "expired" in str(info.value)


def test_missing_token_names_the_variable(simulator):
    with pytest.raises(ApiAuthError, match="FACEBOOK_PAGE_ACCESS_TOKEN"):
        client(simulator, credentials={"access_token": None}).account_daily(ACCOUNT, *WEEK)


def test_missing_permission_names_the_scope(simulator):
    simulator.faults.add("status", path_contains="/insights", status=403)
    with pytest.raises(ApiPermissionError, match="read_insights"):
        client(simulator).account_daily(ACCOUNT, *WEEK)


def test_repeated_cursor_stops_the_listing(simulator):
    simulator.faults.add("repeat_cursor", path_contains="/published_posts")
    # A year of posts is several pages; the listing stops before any per-post insights call.
    with pytest.raises(RepeatedCursorError, match="published_posts"):
        client(simulator).post_snapshots(ACCOUNT, dt.date(2026, 1, 1), dt.date(2026, 11, 20), dt.date(2026, 11, 20))


def test_missing_optional_field_is_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/published_posts", field="permalink_url")
    fb = client(simulator)
    rows = fb.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert rows and all(r["post_url"] is None for r in rows)
    assert any("permalink_url" in w for w in fb.warnings)


def test_missing_required_field_is_an_input_error(simulator):
    simulator.faults.add("missing_field", path_contains="/published_posts", field="created_time")
    with pytest.raises(InputDataError, match="created_time"):
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/published_posts", field="sparkle_score")
    fb = client(simulator)
    rows = fb.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert rows and all("sparkle_score" not in r for r in rows)
    assert [w for w in fb.warnings if "sparkle_score" in w] == [
        "new field 'sparkle_score' in published_posts items ignored"
    ]


def test_a_canary_token_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"meta": CANARY}) as sim:
        fb = client(sim, credentials={"access_token": CANARY}, http={"max_retries": 1})
        assert fb.account_daily(ACCOUNT, *WEEK)  # the canary is the accepted token
        faults = (
            ("status", "/", {"status": 500, "times": 5}),
            ("expired_token", "/", {}),
            ("malformed_json", "/", {"times": 2}),
        )
        errors = errors_under_faults(sim, faults, lambda: fb.post_snapshots(ACCOUNT, *WEEK, WEEK[1]))
        sim.faults.add("missing_field", path_contains="/published_posts", field="message")
        fb.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    texts = [str(e) for e in errors] + [e.url for e in errors] + fb.warnings + [caplog.text]
    assert fb.warnings
    assert all(CANARY not in t for t in texts)


def test_insights_without_values_leave_the_columns_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/insights", field="values", times=1)
    fb = client(simulator)
    assert fb.account_daily(ACCOUNT, *WEEK) == []
    assert any("no data for" in w and "page_media_view" in w for w in fb.warnings)
