"""YouTubeClient against the simulator (real HTTP on 127.0.0.1), plus its pure parsing helpers."""

from __future__ import annotations

import datetime as dt
import logging
import math

import pytest

from pipelines.config.loader import load_brands
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
from pipelines.platforms.values import to_count
from pipelines.platforms.youtube import YouTubeClient, _age_label, _duration_seconds
from tests.platforms.helpers import TODAY, errors_under_faults, make_context, posts_in_local_days, start_simulator

ACCOUNT = load_brands().own_brand.accounts["youtube"]
YESTERDAY = TODAY - dt.timedelta(days=1)
# The simulator's now, 2026-11-21 00:00 UTC, is 11-20 16:00 in Pacific time: the last complete Pacific day is 11-19,
# and Analytics serves a day one day after it ended, so up to 11-18.
PACIFIC_YESTERDAY = TODAY - dt.timedelta(days=2)
LAST_SERVED = TODAY - dt.timedelta(days=3)
WEEK = (LAST_SERVED - dt.timedelta(days=6), LAST_SERVED)
CANARY_KEY = "CANARY-youtube-key-7f3a9"
CANARY_OAUTH = "CANARY-youtube-oauth-7f3a9"
DATA = "www.googleapis.com/youtube/v3"
REPORTS = "youtubeanalytics.googleapis.com/v2/reports"


def client(sim, **overrides) -> YouTubeClient:
    return YouTubeClient(make_context(sim, YouTubeClient, **overrides))


def three_significant(n: int) -> int:
    """YouTube rounds public subscriber counts to 3 significant figures (e.g. 14_237 → 14_200)."""
    digits = max(0, len(str(n)) - 3)
    return n // 10**digits * 10**digits


def expected_posts(sim, first: dt.date, last: dt.date):
    """The world's videos published in [first, last] as days of the configured timezone (Asia/Jakarta)."""
    return posts_in_local_days(sim, "youtube", ACCOUNT.id, first, last, zone="Asia/Jakarta")


# --- pure helpers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT1M12S", 72), ("PT45S", 45), ("PT1H2M3S", 3723), ("P1DT1S", 86401), ("PT0S", 0), ("1:12", None)],
)
def test_iso_durations(text, seconds):
    assert _duration_seconds(text) == seconds


def test_counts_arrive_as_strings_and_age_groups_are_relabelled():
    assert (to_count("15400"), to_count(812), to_count(None), to_count("n/a")) == (15400, 812, None, None)
    assert (_age_label("age18-24"), _age_label("age65-")) == ("18-24", "65+")


# --- streams against the simulator --------------------------------------------------------------------------


def test_account_daily_matches_the_world_and_reconstructs_followers(simulator):
    start = TODAY - dt.timedelta(days=40)
    calls = simulator.stats[REPORTS]
    yt = client(simulator)
    rows = yt.account_daily(ACCOUNT, start, YESTERDAY)
    assert simulator.stats[REPORTS] == calls + 1  # one report covers the whole window
    assert len(rows) == 38 and rows[-1]["metric_date"] == LAST_SERVED
    assert all(set(r) == set(ACCOUNT_DAILY.columns) for r in rows)
    world = simulator.world
    for row in rows:
        truth = world.account_day("youtube", ACCOUNT.id, row["metric_date"])
        assert row["views"] == truth.views
        assert row["engagements"] == truth.reactions + truth.comments + truth.shares
        assert (row["followers_gained"], row["followers_lost"]) == (truth.followers_gained, truth.followers_lost)
        assert row["reach"] is None and row["profile_visits"] is None and row["website_clicks"] is None
    # The latest reported day carries the (rounded) subscriberCount read now, which is the count at the end of the
    # last complete Pacific day; earlier days follow the daily gains and losses, so every day is off from the truth
    # by the same offset: the rounding plus the net change of the day Analytics has not reported yet.
    now_count = world.followers_now("youtube", ACCOUNT.id)
    assert now_count == world.followers("youtube", ACCOUNT.id, PACIFIC_YESTERDAY)
    assert rows[-1]["followers"] == three_significant(now_count)
    offset = three_significant(now_count) - world.followers("youtube", ACCOUNT.id, LAST_SERVED)
    assert all(r["followers"] - world.followers("youtube", ACCOUNT.id, r["metric_date"]) == offset for r in rows)


def test_account_daily_leaves_out_days_analytics_has_not_reported(simulator):
    yt = client(simulator)
    rows = yt.account_daily(ACCOUNT, TODAY - dt.timedelta(days=4), TODAY)
    assert [r["metric_date"] for r in rows] == [LAST_SERVED - dt.timedelta(days=1), LAST_SERVED]
    assert any("served 1 day(s) after they end" in w and "clamped to 2026-11-17..2026-11-18" in w for w in yt.warnings)
    before = simulator.stats[REPORTS]
    assert yt.account_daily(ACCOUNT, PACIFIC_YESTERDAY, TODAY) == []  # nothing served yet: not even asked
    assert simulator.stats[REPORTS] == before


def test_post_snapshots_across_pages_match_the_world(simulator):
    world = simulator.world
    first = world.start + dt.timedelta(days=1)
    expected = expected_posts(simulator, first, YESTERDAY)
    assert len(expected) > 50  # more than one page of playlistItems and one videos.list batch
    before = simulator.stats.snapshot()
    yt = client(simulator)
    rows = yt.post_snapshots(ACCOUNT, first, YESTERDAY, YESTERDAY)
    served = {k: simulator.stats[k] - before.get(k, 0) for k in (f"{DATA}/playlistItems", f"{DATA}/videos")}
    assert served == {
        f"{DATA}/playlistItems": math.ceil(len(expected) / 50) + (1 if len(expected) % 50 == 0 else 0),
        f"{DATA}/videos": math.ceil(len(expected) / 50),
    }
    assert sorted(r["post_id"] for r in rows) == sorted(p.post_id for p in expected)
    truth = {p.post_id: p for p in expected}
    disabled = 0
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = truth[row["post_id"]]
        metrics = post.metrics(world.now)
        assert row["published_at"] == post.published_at
        assert row["post_url"] == post.url
        assert row["content_type"] == ("short" if post.duration_seconds <= 60 else "video")
        assert row["views"] == row["video_views"] == metrics["views"]
        assert row["reactions"] == metrics["reactions"]
        # shares come from Analytics dimensions=video, which covers the Pacific days it serves (up to 11-18)
        reported = post.metrics(world.day_start("youtube", LAST_SERVED + dt.timedelta(days=1)))
        assert row["shares"] == (reported["shares"] if reported["views"] else None)
        assert row["comments"] in (metrics["comments"], None)
        disabled += row["comments"] is None
        assert row["reach"] is row["saves"] is row["clicks"] is None
        assert row["snapshot_date"] == YESTERDAY
    assert {r["content_type"] for r in rows} == {"short", "video"}
    if disabled:  # the simulator hides commentCount on about 5 % of videos
        assert any("commentCount" in w for w in yt.warnings)


def test_post_snapshots_stop_at_the_first_page_older_than_the_window(simulator):
    before = simulator.stats[f"{DATA}/playlistItems"]
    rows = client(simulator).post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)
    assert simulator.stats[f"{DATA}/playlistItems"] == before + 1
    assert sorted(r["post_id"] for r in rows) == sorted(
        p.post_id for p in expected_posts(simulator, TODAY - dt.timedelta(days=28), YESTERDAY)
    )


def test_audience_demographics_marginals_and_countries(simulator):
    yt = client(simulator)
    rows = yt.audience_demographics(ACCOUNT, YESTERDAY)
    assert all(set(r) == set(AUDIENCE_DEMOGRAPHICS.columns) for r in rows)
    by_dim: dict[str, dict[str, float]] = {}
    for r in rows:
        assert r["audience_count"] is None and 0 <= r["audience_share"] <= 1
        by_dim.setdefault(r["dimension"], {})[r["dimension_value"]] = r["audience_share"]
    assert set(by_dim) == {"age", "gender", "age_gender", "country"}
    world = simulator.world
    ages = world.demographics("youtube", ACCOUNT.id, "age")
    genders = world.demographics("youtube", ACCOUNT.id, "gender")
    labels = {"F": "female", "M": "male", "U": "user_specified"}
    # Cells are percentages rounded to 0.1: 3 gender cells per age, 7 age cells per gender.
    assert by_dim["age"] == pytest.approx(ages, abs=0.0016)
    assert by_dim["gender"] == pytest.approx({labels[k]: v for k, v in genders.items()}, abs=0.0036)
    assert by_dim["age_gender"]["18-24|female"] == pytest.approx(ages["18-24"] * genders["F"], abs=0.0005)
    countries = world.demographics("youtube", ACCOUNT.id, "country")
    assert by_dim["country"] == pytest.approx(countries, abs=0.001)
    assert sum(by_dim["country"].values()) == pytest.approx(1.0)


def test_no_online_hours_stream(simulator):
    with pytest.raises(NotImplementedError):
        client(simulator).follower_online_hours(ACCOUNT, *WEEK)
    assert "follower_online_hours" not in YouTubeClient.spec.streams


# --- faults -------------------------------------------------------------------------------------------------


def test_rate_limit_with_retry_after_is_retried_then_succeeds(simulator):
    waits: list[float] = []
    simulator.faults.add("status", path_contains="/v2/reports", status=429, retry_after=1, times=1)
    yt = client(simulator, sleep=waits.append)
    assert len(yt.account_daily(ACCOUNT, *WEEK)) == 7
    assert yt.stats.retries == 1 and waits == [1.0]


def test_quota_exceeded_is_never_retried(simulator):
    simulator.faults.add("status", path_contains="/youtube/v3/channels", status=403, times=5)
    before = simulator.stats[f"{DATA}/channels"]
    yt = client(simulator)
    with pytest.raises(ApiRateLimitError, match="midnight Pacific") as info:
        yt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert "quota" in str(info.value)
    assert simulator.stats[f"{DATA}/channels"] == before + 1 and yt.stats.retries == 0


def test_repeated_server_errors_fail_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/playlistItems", status=500, times=10)
    yt = client(simulator, http={"max_retries": 2})
    with pytest.raises(ApiError, match="gave up after 3 attempt") as info:
        yt.post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert not isinstance(info.value, ApiAuthError | ApiPermissionError | ApiRateLimitError)
    assert yt.stats.retries == 2


def test_malformed_json_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/youtube/v3/videos", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        client(simulator).post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)


def test_expired_oauth_token_names_the_variable_to_renew(simulator):
    simulator.faults.add("expired_token", path_contains="/v2/reports")
    with pytest.raises(ApiAuthError, match="YOUTUBE_OAUTH_TOKEN") as info:
        client(simulator).account_daily(ACCOUNT, *WEEK)
    assert "expired" in str(info.value)


def test_a_data_api_auth_error_names_the_credential_that_was_sent(simulator):
    """The Data API is read with the API key when there is one: its auth error speaks of the API key and names
    YOUTUBE_API_KEY (it used to say "OAuth token" while naming the key's variable)."""
    simulator.faults.add("expired_token", path_contains="/youtube/v3/channels")
    with pytest.raises(ApiAuthError) as with_key:
        client(simulator).post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert "the API key is invalid or expired" in str(with_key.value) and "YOUTUBE_API_KEY" in str(with_key.value)
    assert "OAuth" not in str(with_key.value)
    simulator.faults.add("expired_token", path_contains="/youtube/v3/channels")
    oauth_only = {"api_key": None, "oauth_token": simulator.tokens["youtube_oauth"]}
    with pytest.raises(ApiAuthError) as with_oauth:
        client(simulator, credentials=oauth_only).post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert "the OAuth token is invalid or expired" in str(with_oauth.value)
    assert "YOUTUBE_OAUTH_TOKEN" in str(with_oauth.value) and "YOUTUBE_API_KEY" not in str(with_oauth.value)


def test_invalid_api_key_names_the_key_variable(simulator):
    credentials = {"api_key": "wrong-key", "oauth_token": simulator.tokens["youtube_oauth"]}
    with pytest.raises(ApiAuthError, match="YOUTUBE_API_KEY") as info:
        client(simulator, credentials=credentials).post_snapshots(ACCOUNT, *WEEK, WEEK[1])
    assert "keyInvalid" in str(info.value)


def test_without_an_api_key_the_oauth_token_reads_the_data_api(simulator):
    tokens = simulator.tokens
    yt = client(simulator, credentials={"api_key": None, "oauth_token": tokens["youtube_oauth"]})
    assert len(yt.post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)) == len(
        expected_posts(simulator, TODAY - dt.timedelta(days=28), YESTERDAY)
    )


def test_missing_oauth_token_names_the_variable(simulator):
    with pytest.raises(ApiAuthError, match="YOUTUBE_OAUTH_TOKEN"):
        client(simulator, credentials={"api_key": simulator.tokens["youtube_key"], "oauth_token": None}).account_daily(
            ACCOUNT, *WEEK
        )


def test_missing_permission_names_the_scope(simulator):
    simulator.faults.add("status", path_contains="/v2/reports", status=403)
    with pytest.raises(ApiPermissionError, match="yt-analytics.readonly"):
        client(simulator).account_daily(ACCOUNT, *WEEK)


def test_a_refused_metric_does_not_lose_the_others(simulator):
    yt = client(simulator)
    table = yt._report(ACCOUNT, start=WEEK[0], end=WEEK[1], dimensions="day", metrics=["views", "retiredMetric"])
    assert len(table) == 7 and all(set(r) == {"day", "views"} for r in table)
    assert any("retiredMetric" in w for w in yt.warnings)


def test_repeated_cursor_stops_the_listing(simulator):
    simulator.faults.add("repeat_cursor", path_contains="/playlistItems")
    yt = client(simulator)
    yt.page_size = 20  # three pages over the simulated year: the second hands back its own token
    with pytest.raises(RepeatedCursorError, match="playlistItems"):
        yt.post_snapshots(ACCOUNT, simulator.world.start + dt.timedelta(days=1), YESTERDAY, YESTERDAY)


def test_hidden_like_count_is_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/youtube/v3/videos", field="statistics.likeCount")
    yt = client(simulator)
    rows = yt.post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)
    assert rows and all(r["reactions"] is None and r["views"] is not None for r in rows)
    assert any("likeCount" in w for w in yt.warnings)


def test_missing_video_id_is_an_input_error(simulator):
    simulator.faults.add("missing_field", path_contains="/youtube/v3/videos", field="id")
    with pytest.raises(InputDataError, match="'id'"):
        client(simulator).post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/youtube/v3/videos", field="sparkleScore")
    yt = client(simulator)
    rows = yt.post_snapshots(ACCOUNT, TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)
    assert len(rows) >= 2 and all("sparkleScore" not in r for r in rows)
    assert [w for w in yt.warnings if "sparkleScore" in w] == ["new field 'sparkleScore' in videos.list items ignored"]


def test_canary_tokens_never_leak(caplog):
    caplog.set_level(logging.DEBUG)
    window = (TODAY - dt.timedelta(days=28), YESTERDAY, YESTERDAY)
    tokens = {"youtube_key": CANARY_KEY, "youtube_oauth": CANARY_OAUTH}
    with start_simulator(tokens) as sim:
        yt = client(sim, credentials={"api_key": CANARY_KEY, "oauth_token": CANARY_OAUTH}, http={"max_retries": 1})
        assert yt.post_snapshots(ACCOUNT, *window)  # the canaries are the accepted credentials
        faults = (
            ("status", "/youtube/v3/", {"status": 500, "times": 5}),
            ("status", "/youtube/v3/", {"status": 403}),
            ("expired_token", "/v2/reports", {}),
            ("malformed_json", "/youtube/v3/", {"times": 2}),
        )
        errors = errors_under_faults(sim, faults, lambda: yt.post_snapshots(ACCOUNT, *window))
        sim.faults.add("missing_field", path_contains="/youtube/v3/videos", field="statistics.likeCount")
        yt.post_snapshots(ACCOUNT, *window)
    texts = [str(e) for e in errors] + [e.url for e in errors] + yt.warnings + [caplog.text]
    assert yt.warnings and any("key=***" in e.url for e in errors)
    assert all(CANARY_KEY not in t and CANARY_OAUTH not in t for t in texts)
