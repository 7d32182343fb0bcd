"""LinkedInClient against the simulator on 127.0.0.1: daily page metrics, posts over several pages with batched
statistics, follower demographics, LinkedIn's errors (quota, sunset version, scopes) and redaction."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from pipelines.config.loader import load_brands
from pipelines.config.models import ApiVersions
from pipelines.contracts.streams import ACCOUNT_DAILY, AUDIENCE_DEMOGRAPHICS, POST_SNAPSHOTS
from pipelines.errors import InputDataError
from pipelines.http import (
    ApiAuthError,
    ApiError,
    ApiPermissionError,
    ApiRateLimitError,
    MalformedResponseError,
    RepeatedCursorError,
)
from pipelines.platforms import linkedin as limod
from pipelines.platforms.base import ClientContext
from pipelines.platforms.linkedin import LinkedInClient
from tests.platforms.helpers import TODAY, make_context, make_settings, posts_in_local_days, start_simulator

OWN = load_brands().own_brand.accounts["linkedin"]
YESTERDAY = TODAY - dt.timedelta(days=1)
LAST_REPORTED = TODAY - dt.timedelta(days=2)
CANARY = "CANARY-linkedin-7f3a9"


def _client(sim, **kwargs) -> LinkedInClient:
    return LinkedInClient(make_context(sim, "linkedin", **kwargs))


# --- pure: query strings --------------------------------------------------------------------------------------


def test_restli_query_keeps_structures_and_encodes_urns():
    query = limod._query(
        q="organizationalEntity",
        organizationalEntity=limod._enc("urn:li:organization:2414001"),
        shares=limod._rest_list(["urn:li:share:1", "urn:li:share:2"]),
        timeIntervals=limod._time_intervals(
            dt.datetime(2025, 5, 1, tzinfo=dt.UTC), dt.datetime(2025, 5, 8, tzinfo=dt.UTC)
        ),
    )
    assert query == (
        "q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414001"
        "&shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)"
        # 2025-05-01T00:00Z .. 2025-05-08T00:00Z in epoch milliseconds (end exclusive)
        "&timeIntervals=(timeRange:(start:1746057600000,end:1746662400000),timeGranularityType:DAY)"
    )


# --- account_daily --------------------------------------------------------------------------------------------


def test_account_daily_is_clamped_and_reconstructs_followers(simulator):
    world = simulator.world
    client = _client(simulator)
    start = TODAY - dt.timedelta(days=10)
    rows = client.account_daily(OWN, start, YESTERDAY)

    # LinkedIn serves day D from 00:00 UTC of D + 2: the window is clamped on LinkedIn's clock, with a warning.
    assert [r["metric_date"] for r in rows] == [start + dt.timedelta(days=i) for i in range(9)]
    assert rows[-1]["metric_date"] == LAST_REPORTED
    assert any("days of UTC, served 1 day(s) after they end" in w and "clamped to" in w for w in client.warnings)
    total = world.followers_now("linkedin", OWN.id)
    truth = {d.date: d for d in world.account_days("linkedin", OWN.id, start, LAST_REPORTED)}
    later_gains = 0
    for row in reversed(rows):
        day = truth[row["metric_date"]]
        assert set(row) == set(ACCOUNT_DAILY.columns)
        assert row["followers_gained"] == day.followers_gained
        # today's total minus the gains reported after the day (LinkedIn reports no unfollows)
        assert row["followers"] == total - later_gains
        later_gains += day.followers_gained
        assert row["views"] == day.views
        assert row["reach"] == day.reach
        assert row["engagements"] == day.reactions + day.comments + day.shares + day.clicks
        assert row["followers_lost"] is None and row["website_clicks"] is None and row["profile_visits"] is None


def test_account_daily_covers_twelve_months_at_most(simulator):
    client = _client(simulator)
    rows = client.account_daily(OWN, TODAY - dt.timedelta(days=390), TODAY - dt.timedelta(days=360))
    assert rows and rows[0]["metric_date"] == TODAY - dt.timedelta(days=365)
    assert any("kept 365 days" in w for w in client.warnings)


def test_account_daily_of_days_not_reported_yet_is_empty(simulator):
    client = _client(simulator)
    assert client.account_daily(OWN, YESTERDAY, YESTERDAY) == []
    assert client.stats.calls == 0
    assert any("clamped to none" in w for w in client.warnings)


# --- post_snapshots -------------------------------------------------------------------------------------------


def test_post_snapshots_all_pages_and_batches(simulator):
    world = simulator.world
    start = TODAY - dt.timedelta(days=300)
    expected = {p.post_id: p for p in posts_in_local_days(simulator, "linkedin", OWN.id, start, YESTERDAY)}
    assert len(expected) > 2 * limod.POSTS_PAGE_SIZE, "the window must span several pages"
    client = _client(simulator)
    posts_before = simulator.stats.matching("/rest/posts")
    stats_before = simulator.stats.matching("organizationalEntityShareStatistics")
    rows = client.post_snapshots(OWN, start, YESTERDAY, YESTERDAY)

    assert {r["post_id"] for r in rows} == set(expected)
    assert len(rows) == len(expected)
    assert simulator.stats.matching("/rest/posts") - posts_before == client.stats.by_endpoint["posts"] >= 2
    batches = -(-len(expected) // limod.STATS_BATCH_SIZE)
    assert simulator.stats.matching("organizationalEntityShareStatistics") - stats_before == batches
    kinds = {r["post_id"].split(":")[2] for r in rows}
    assert kinds == {"share", "ugcPost"}
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = expected[row["post_id"]]
        truth = post.metrics(world.now)
        assert row["published_at"] == post.published_at.replace(
            microsecond=(post.published_at.microsecond // 1000) * 1000
        )
        assert row["content_type"] == post.content_type
        assert row["post_url"] == post.url
        assert row["views"] == truth["views"]
        assert row["reach"] == truth["reach"]
        assert row["reactions"] == truth["reactions"]
        assert row["comments"] == truth["comments"]
        assert row["shares"] == truth["shares"]
        assert row["clicks"] == truth["clicks"]
        assert row["saves"] is None and row["video_views"] is None


# --- audience_demographics ------------------------------------------------------------------------------------


def test_audience_demographics_from_follower_facets(simulator):
    client = _client(simulator)
    rows = client.audience_demographics(OWN, YESTERDAY)
    assert rows
    dimensions = {r["dimension"] for r in rows}
    assert {"country", "industry", "function", "seniority", "staff_count_range"} <= dimensions
    assert not dimensions & {"age", "gender"}
    for dimension in dimensions:
        part = [r for r in rows if r["dimension"] == dimension]
        assert sum(r["audience_share"] for r in part) == pytest.approx(1.0)
        total = sum(r["audience_count"] for r in part)
        for r in part:
            assert set(r) == set(AUDIENCE_DEMOGRAPHICS.columns)
            assert r["audience_share"] == pytest.approx(r["audience_count"] / total)


# --- faults ---------------------------------------------------------------------------------------------------


def test_short_retry_after_429_is_retried(simulator):
    simulator.faults.add("status", path_contains="networkSizes", status=429, times=1, retry_after=0)
    client = _client(simulator)
    rows = client.account_daily(OWN, TODAY - dt.timedelta(days=4), LAST_REPORTED)
    assert len(rows) == 3
    assert client.stats.retries == 1


def test_daily_quota_429_fails_clearly(simulator):
    simulator.faults.add("status", path_contains="networkSizes", status=429, times=1, retry_after=3600)
    client = _client(simulator)
    with pytest.raises(ApiRateLimitError, match="00:00 UTC"):
        client.account_daily(OWN, TODAY - dt.timedelta(days=4), LAST_REPORTED)
    assert client.stats.retries == 0


def test_repeated_500_fails_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/rest/posts", status=500, times=0)
    client = _client(simulator, http={"max_retries": 1})
    with pytest.raises(ApiError, match="gave up after 2 attempt"):
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)
    assert client.stats.retries == 1


def test_malformed_json_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/rest/posts", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        _client(simulator).post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)


def test_expired_token_names_the_env_var(simulator):
    simulator.faults.add("expired_token", path_contains="networkSizes")
    with pytest.raises(ApiAuthError, match="LINKEDIN_ACCESS_TOKEN"):
        _client(simulator).account_daily(OWN, TODAY - dt.timedelta(days=4), LAST_REPORTED)


def test_access_denied_names_the_scope(simulator):
    simulator.faults.add("status", path_contains="/rest/posts", status=403)
    with pytest.raises(ApiPermissionError, match="r_organization_social"):
        _client(simulator).post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)


def test_sunset_version_says_to_bump_settings(simulator):
    settings = make_settings(api_versions=ApiVersions(linkedin="202305"))
    client = _client(simulator, settings=settings)
    with pytest.raises(ApiError, match="api_versions.linkedin in settings.yaml") as err:
        client.audience_demographics(OWN, YESTERDAY)
    assert err.value.status == 426
    assert client.stats.retries == 0


def test_repeated_page_stops(httpserver):
    """A server that ignores `start` hands back the same full page forever: the listing stops after two pages.

    The simulator's repeat_cursor fault only touches cursor-paged APIs, so a plain local HTTP server (pytest-
    httpserver on 127.0.0.1) plays the misbehaving LinkedIn here.
    """
    ms = int(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC).timestamp() * 1000)
    page = {
        "paging": {"start": 0, "count": limod.POSTS_PAGE_SIZE, "links": []},
        "elements": [
            {"id": f"urn:li:share:7{i:018d}", "lifecycleState": "PUBLISHED", "publishedAt": ms, "lastModifiedAt": ms}
            for i in range(limod.POSTS_PAGE_SIZE)
        ],
    }
    httpserver.expect_request("/rest/posts").respond_with_json(page)
    client = LinkedInClient(
        ClientContext(
            settings=make_settings(),
            base_urls={"rest": httpserver.url_for("/rest")},
            credentials={"access_token": "local-token"},
            today=TODAY,
        )
    )
    with pytest.raises(RepeatedCursorError, match="a second time"):
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)
    assert client.stats.by_endpoint["posts"] == 2


def test_missing_metric_is_null_with_a_warning(simulator):
    simulator.faults.add(
        "missing_field", path_contains="organizationalEntityShareStatistics", field="totalShareStatistics.clickCount"
    )
    client = _client(simulator)
    rows = client.post_snapshots(OWN, TODAY - dt.timedelta(days=60), YESTERDAY, YESTERDAY)
    assert rows and all(r["clicks"] is None for r in rows)
    assert all(r["views"] is not None for r in rows)
    assert any("clickCount" in w for w in client.warnings)


def test_missing_post_id_is_an_input_data_error(simulator):
    simulator.faults.add("missing_field", path_contains="/rest/posts", field="id")
    with pytest.raises(InputDataError, match="'id'"):
        _client(simulator).post_snapshots(OWN, TODAY - dt.timedelta(days=60), YESTERDAY, YESTERDAY)


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/rest/posts", field="aiSummary")
    client = _client(simulator)
    rows = client.post_snapshots(OWN, TODAY - dt.timedelta(days=60), YESTERDAY, YESTERDAY)
    assert rows
    assert [w for w in client.warnings if "aiSummary" in w] == ["new field 'aiSummary' in LinkedIn posts ignored"]


def test_canary_token_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"linkedin": CANARY}) as sim:
        client = LinkedInClient(make_context(sim, "linkedin", credentials={"access_token": CANARY}))
        assert client.audience_demographics(OWN, YESTERDAY)  # the token is accepted
        sim.faults.add("status", path_contains="/rest/posts", status=500, times=0)
        with pytest.raises(ApiError) as server_error:
            client.post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)
        sim.faults.clear()
        sim.faults.add("expired_token", path_contains="networkSizes")
        with pytest.raises(ApiAuthError) as auth_error:
            client.account_daily(OWN, TODAY - dt.timedelta(days=4), LAST_REPORTED)
        sim.faults.add("extra_field", path_contains="/rest/posts", field="leak", value=CANARY)
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=30), YESTERDAY, YESTERDAY)
    for text in (str(server_error.value), str(auth_error.value), *client.warnings, caplog.text):
        assert CANARY not in text


def test_a_rejected_window_end_is_retried_once_a_day_earlier(simulator):
    """The client's clock a day ahead of LinkedIn's data (LinkedIn late by a day): the window's end is refused
    with 400 ILLEGAL_ARGUMENT, the one retry ending a day earlier is served, and a warning keeps LinkedIn's words."""
    ahead = simulator.world.now + dt.timedelta(days=1)
    client = _client(simulator, now=ahead)
    before = len(simulator.requests.records("api.linkedin.com"))
    rows = client.account_daily(OWN, TODAY - dt.timedelta(days=5), TODAY)
    assert rows and rows[-1]["metric_date"] == LAST_REPORTED  # what LinkedIn serves, not what the clock hoped
    asked = simulator.requests.records("api.linkedin.com")[before:]
    rejected = [r for r in asked if r.status == 400]
    # the follower gains are refused once; the share statistics then ask only up to the end that was served
    assert [r.path for r in rejected] == ["/rest/organizationalEntityFollowerStatistics"]
    retry = [w for w in client.warnings if "retried once" in w]
    assert len(retry) == 1 and "ILLEGAL_ARGUMENT: Invalid timeIntervals parameter" in retry[0]
