"""XClient against the simulator on 127.0.0.1: follower snapshot, posts over several pages, faults, redaction."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import requests

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS
from pipelines.errors import InputDataError
from pipelines.http import ApiAuthError, ApiError, ApiPermissionError, MalformedResponseError, RepeatedCursorError
from pipelines.platforms import x as xmod
from pipelines.platforms.x import XClient, conversation_queries, thread_of
from tests.platforms.helpers import TODAY, make_context, posts_in_local_days, start_simulator

OWN = load_brands().own_brand.accounts["x"]
YESTERDAY = TODAY - dt.timedelta(days=1)
CANARY = "CANARY-x-7f3a9"


def _client(sim, **kwargs) -> XClient:
    return XClient(make_context(sim, "x", **kwargs))


def _tweets_served(sim) -> int:
    return sim.stats.matching("/tweets")


# --- account_daily --------------------------------------------------------------------------------------------


def test_account_daily_is_one_snapshot_of_the_observed_day(simulator):
    client = _client(simulator)
    rows = client.account_daily(OWN, YESTERDAY - dt.timedelta(days=2), YESTERDAY)
    assert [r["metric_date"] for r in rows] == [YESTERDAY]
    row = rows[0]
    assert set(row) == set(ACCOUNT_DAILY.columns)
    assert row["followers"] == simulator.world.followers("x", OWN.id, YESTERDAY)
    assert all(row[c] is None for c in ACCOUNT_DAILY.columns if c not in ("account_id", "metric_date", "followers"))


def test_account_daily_cannot_observe_past_days(simulator):
    client = _client(simulator)
    assert client.account_daily(OWN, TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=20)) == []
    assert any("no follower history" in w for w in client.warnings)
    assert client.stats.calls == 0


# --- post_snapshots -------------------------------------------------------------------------------------------


def _expected_posts(sim, start, end):
    """Posts of the local days [start, end] (settings.timezone), the days a partition covers."""
    return {p.post_id: p for p in posts_in_local_days(sim, "x", OWN.id, start, end)}


def test_post_snapshots_all_pages_match_the_world(simulator):
    start, end = TODAY - dt.timedelta(days=80), YESTERDAY
    expected = _expected_posts(simulator, start, end)
    assert len(expected) > 2 * xmod.PAGE_SIZE, "the window must span several pages"
    client = _client(simulator)
    served_before = _tweets_served(simulator)
    rows = client.post_snapshots(OWN, start, end, YESTERDAY)

    assert {r["post_id"] for r in rows} == set(expected)
    assert len(rows) == len(expected)
    # Every page the simulator served was read, and there were several (the window is split at 29 days).
    pages = _tweets_served(simulator) - served_before
    assert pages == client.stats.by_endpoint["users/tweets"] >= 3
    for row in rows:
        assert set(row) == set(POST_SNAPSHOTS.columns)
        post = expected[row["post_id"]]
        truth = post.metrics(simulator.world.now)
        assert row["published_at"] == post.published_at.replace(microsecond=0)
        assert row["content_type"] == post.content_type
        assert row["post_url"] == post.url
        assert row["views"] == truth["views"]
        assert row["reactions"] == truth["reactions"]
        assert row["comments"] == truth["comments"]
        assert row["shares"] == truth["shares"]
        assert row["reach"] is None
        assert row["snapshot_date"] == YESTERDAY
    recent = [r for r in rows if r["published_at"].date() >= TODAY - dt.timedelta(days=xmod.NON_PUBLIC_MAX_AGE_DAYS)]
    older = [r for r in rows if r not in recent]
    assert recent and older
    assert all(r["clicks"] is not None for r in recent)
    assert all(r["clicks"] is None for r in older)  # X serves non_public_metrics for posts < 30 days only


def test_without_user_token_clicks_are_null(simulator):
    token = simulator.tokens["x"]
    client = _client(simulator, credentials={"bearer_token": token, "user_token": None})
    start = TODAY - dt.timedelta(days=7)
    rows = client.post_snapshots(OWN, start, YESTERDAY, YESTERDAY)
    assert len(rows) == len(_expected_posts(simulator, start, YESTERDAY)) > 0
    assert all(r["clicks"] is None for r in rows)
    assert not [w for w in client.warnings if "clicks" in w or "missing" in w]


def test_content_types_from_attachments_and_entities(simulator):
    start = TODAY - dt.timedelta(days=28)
    client = _client(simulator)
    rows = client.post_snapshots(OWN, start, YESTERDAY, YESTERDAY)
    assert {r["content_type"] for r in rows} == {"text", "image", "video", "link"}
    # The simulator sends no includes.media (the media expansion), so the video view counts are unknown: NULL,
    # said once, never 0.
    assert all(r["video_views"] is None for r in rows)
    assert sum("video_views" in w for w in client.warnings) == 1


# --- faults ---------------------------------------------------------------------------------------------------


def test_429_is_retried_then_succeeds(simulator):
    simulator.faults.add("status", path_contains="/tweets", status=429, times=1, retry_after=0)
    client = _client(simulator)
    start = TODAY - dt.timedelta(days=3)
    rows = client.post_snapshots(OWN, start, YESTERDAY, YESTERDAY)
    assert len(rows) == len(_expected_posts(simulator, start, YESTERDAY))
    assert client.stats.retries == 1


def test_repeated_500_fails_after_the_bound(simulator):
    simulator.faults.add("status", path_contains="/tweets", status=500, times=0)
    client = _client(simulator, http={"max_retries": 2})
    with pytest.raises(ApiError) as err:
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=3), YESTERDAY, YESTERDAY)
    assert "gave up after 3 attempt(s)" in str(err.value)
    assert "max_retries" in str(err.value)
    assert client.stats.retries == 2


def test_malformed_json_is_a_clear_error(simulator):
    simulator.faults.add("malformed_json", path_contains="/tweets", times=2)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        _client(simulator).post_snapshots(OWN, TODAY - dt.timedelta(days=3), YESTERDAY, YESTERDAY)


def test_expired_token_names_the_env_var(simulator):
    simulator.faults.add("expired_token", path_contains="/users/", times=0)
    with pytest.raises(ApiAuthError, match="X_BEARER_TOKEN"):
        _client(simulator).account_daily(OWN, YESTERDAY, YESTERDAY)


def test_repeated_cursor_stops(simulator):
    simulator.faults.add("repeat_cursor", path_contains="/tweets")
    # App-only token: one listing of ~100 days (several pages); the second page hands its own cursor back.
    client = _client(simulator, credentials={"bearer_token": simulator.tokens["x"], "user_token": None})
    with pytest.raises(RepeatedCursorError, match="a second time"):
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=100), YESTERDAY, YESTERDAY)
    assert client.stats.by_endpoint["users/tweets"] == 2


def test_missing_metric_is_null_with_a_warning(simulator):
    simulator.faults.add("missing_field", path_contains="/tweets", field="public_metrics.like_count")
    client = _client(simulator)
    rows = client.post_snapshots(OWN, TODAY - dt.timedelta(days=5), YESTERDAY, YESTERDAY)
    assert rows and all(r["reactions"] is None for r in rows)
    assert all(r["views"] is not None for r in rows)
    assert any("like_count" in w for w in client.warnings)


def test_missing_id_is_an_input_data_error(simulator):
    simulator.faults.add("missing_field", path_contains="/tweets", field="id")
    with pytest.raises(InputDataError, match="'id'"):
        _client(simulator).post_snapshots(OWN, TODAY - dt.timedelta(days=5), YESTERDAY, YESTERDAY)


def test_new_field_is_reported_once(simulator):
    simulator.faults.add("extra_field", path_contains="/tweets", field="sentiment_score")
    client = _client(simulator)
    rows = client.post_snapshots(OWN, TODAY - dt.timedelta(days=5), YESTERDAY, YESTERDAY)
    assert rows
    assert [w for w in client.warnings if "sentiment_score" in w] == ["new field 'sentiment_score' in X posts ignored"]


def test_canary_token_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"x": CANARY}) as sim:
        creds = {"bearer_token": CANARY, "user_token": CANARY}
        client = XClient(make_context(sim, "x", credentials=creds))
        # A working call first (the token is accepted), then failures of every kind.
        assert client.account_daily(OWN, YESTERDAY, YESTERDAY)
        sim.faults.add("status", path_contains="/tweets", status=500, times=0)
        with pytest.raises(ApiError) as server_error:
            client.post_snapshots(OWN, TODAY - dt.timedelta(days=3), YESTERDAY, YESTERDAY)
        sim.faults.clear()
        sim.faults.add("expired_token", path_contains="/users/", times=0)
        with pytest.raises(ApiAuthError) as auth_error:
            client.account_daily(OWN, YESTERDAY, YESTERDAY)
        sim.faults.clear()
        sim.faults.add("extra_field", path_contains="/tweets", field="leak", value=CANARY)
        client.post_snapshots(OWN, TODAY - dt.timedelta(days=2), YESTERDAY, YESTERDAY)
    for text in (str(server_error.value), str(auth_error.value), *client.warnings, caplog.text):
        assert CANARY not in text
    assert "X_BEARER_TOKEN" in str(auth_error.value)


# --- error classification (pure: real requests.Response objects, no server) ----------------------------------


def _response(status: int, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers.update({"Content-Type": "application/json", **(headers or {})})
    response.url = "https://api.x.com/2/users/1/tweets"
    return response


@pytest.mark.parametrize(
    "body",
    [
        b'{"errors":[{"code":88,"message":"Rate limit exceeded"}]}',
        b'{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}',
    ],
)
def test_429_both_body_forms_wait_until_the_reset(body):
    import json
    import time

    reset = int(time.time()) + 30
    response = _response(429, body, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)})
    verdict = xmod._classify(response, json.loads(body))
    assert verdict.kind == "throttle"
    assert "Rate limit exceeded" in verdict.message or "Too Many Requests" in verdict.message
    assert 29 <= verdict.retry_after <= 32  # until the reset, plus one second


def test_unenrolled_app_is_a_permission_error_naming_the_enrollment():
    import json

    body = {
        "title": "Client Forbidden",
        "reason": "client-not-enrolled",
        "type": "https://api.twitter.com/2/problems/client-forbidden",
        "client_id": "123",
        "required_enrollment": "Appropriate Level of API Access",
        "registration_url": "https://developer.x.com/en/portal/dashboard",
        "detail": "This request must be made using an approved developer account.",
    }
    verdict = xmod._classify(_response(403, json.dumps(body).encode()), body)
    assert verdict.kind == "permission"
    assert "client-not-enrolled" in verdict.message
    assert "Appropriate Level of API Access" in verdict.message
    credits = xmod._classify(_response(402, b'{"title":"Payment Required"}'), {"title": "Payment Required"})
    assert credits.kind == "permission" and "credits" in credits.message


def test_permission_verdict_becomes_api_permission_error(simulator):
    simulator.faults.add("status", path_contains="/users/", status=403, times=0)
    with pytest.raises(ApiPermissionError):
        _client(simulator).account_daily(OWN, YESTERDAY, YESTERDAY)


def test_pace_sleeps_until_the_reset_when_the_window_is_used_up():
    import time

    from pipelines.config.models import Settings
    from pipelines.platforms.base import ClientContext

    client = XClient(ClientContext(settings=Settings(), base_urls={"api": "http://127.0.0.1:9"}, credentials={}))
    reset = int(time.time()) + 10
    assert client._pace(_response(200, b"{}", {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)})) > 9
    assert client._pace(_response(200, b"{}", {"x-rate-limit-remaining": "3", "x-rate-limit-reset": str(reset)})) == 0


def test_a_replys_thread_is_the_reply_to_the_post_its_chain_leads_to():
    """thread_of on hand-built conversations of post P: r1 answers P, r2 answers r1, r3 answers r2 (nested);
    r5 answers r4, a post the search did not return (deleted): the walk stops there; r6 and r7 answer each other."""
    parents = {"r1": "P", "r2": "r1", "r3": "r2", "r5": "r4", "r6": "r7", "r7": "r6", "r8": None}
    assert thread_of("r1", "P", parents) is None  # a top-level reply
    assert thread_of("r2", "P", parents) == "r1" and thread_of("r3", "P", parents) == "r1"
    assert thread_of("r5", "P", parents) == "r4"
    assert thread_of("r6", "P", parents) in ("r6", "r7")  # a loop is cut, never endless
    assert thread_of("r8", "P", parents) is None  # no replied_to: counted as a reply to the post


def test_conversation_queries_pack_ids_up_to_the_query_length():
    """Hand-counted: "conversation_id:" is 16 characters, an id of 19 digits makes a term of 35, " OR " joins
    terms. 13 terms are 13 * 35 + 12 * 4 = 503 characters (<= 512), a 14th would make 542."""
    ids = [str(10**18 + i) for i in range(30)]  # 19 digits each
    queries = conversation_queries(ids)
    assert [len(batch) for batch, _ in queries] == [13, 13, 4]
    assert [len(query) for _, query in queries] == [503, 503, 4 * 35 + 3 * 4]
    assert [i for batch, _ in queries for i in batch] == ids  # every id once, in order
    assert queries[2][1] == " OR ".join(f"conversation_id:{i}" for i in ids[26:])
    assert xmod.RECENT_SEARCH_QUERY_MAX_CHARS == 512  # X's "Build a query": pay-per-use / self-serve recent search


def test_conversation_queries_fill_exactly_to_the_limit_and_honour_a_batch_size():
    # 3 terms of 35 plus 2 joins are 113 characters: the limit 113 holds them, 112 does not
    ids = [str(10**18 + i) for i in range(3)]
    assert [len(b) for b, _ in conversation_queries(ids, max_chars=113)] == [3]
    assert [len(b) for b, _ in conversation_queries(ids, max_chars=112)] == [2, 1]
    assert [len(b) for b, _ in conversation_queries(ids * 2, max_ids=2)] == [2, 1]  # duplicates asked once
    assert [q for _, q in conversation_queries(ids, max_ids=1)] == [f"conversation_id:{i}" for i in ids]
    assert conversation_queries([]) == []
    with pytest.raises(ValueError, match="max_ids"):
        conversation_queries(ids, max_ids=0)
    with pytest.raises(InputDataError, match="more than recent search accepts"):
        conversation_queries(["1" * 40], max_chars=50)
