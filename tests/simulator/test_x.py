"""X API v2 as served by the simulator."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.simulator import Simulator
from pipelines.simulator.market import Query

AUTH = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['x']}"}


@pytest.fixture(scope="module")
def api(sim):
    return sim.base_url("https://api.x.com/2")


def test_users_me_and_rate_limit_headers(http, api, world):
    resp = http.get(f"{api}/users/me", params={"user.fields": "public_metrics"}, headers=AUTH)
    assert resp.status_code == 200
    user = resp.json()["data"]
    own = world.own_brand.accounts["x"]
    assert user["id"] == own.id and user["username"] == own.handle
    assert user["public_metrics"]["followers_count"] == world.followers("x", own.id, world.end)
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(resp.headers)
    assert int(resp.headers["x-rate-limit-reset"]) > 1_700_000_000


def test_token_is_checked(http, api):
    resp = http.get(f"{api}/users/me", headers={"Authorization": "Bearer wrong"})
    assert resp.status_code == 401 and resp.json()["title"] == "Unauthorized"
    assert http.get(f"{api}/users/me").status_code == 401


def test_users_by_partial_errors(http, api):
    body = http.get(
        f"{api}/users/by", params={"usernames": "javaroastco,ghostbrand", "user.fields": "public_metrics"}, headers=AUTH
    ).json()
    assert [u["username"] for u in body["data"]] == ["javaroastco"]
    assert body["errors"][0]["value"] == "ghostbrand"
    assert body["errors"][0]["type"].endswith("resource-not-found")


def test_timeline_walk_and_max_results_validation(http, api, world):
    own = world.own_brand.accounts["x"]
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 30)
    params = {
        "max_results": 100,
        "start_time": "2026-09-01T00:00:00Z",
        "end_time": "2026-10-01T00:00:00Z",
        "tweet.fields": "created_at,public_metrics,non_public_metrics,attachments,entities",
    }
    tweets, token = [], None
    while True:
        page = http.get(
            f"{api}/users/{own.id}/tweets",
            params={**params, "pagination_token": token} if token else params,
            headers=AUTH,
        ).json()
        tweets.extend(page.get("data", []))
        token = page["meta"].get("next_token")
        if not token:
            break
    truth = world.posts("x", own.id, start, end)
    assert len(tweets) == len(truth) > 60  # several posts a day
    assert {t["id"] for t in tweets} == {p.post_id for p in truth}
    assert all(set(t["public_metrics"]) >= {"like_count", "impression_count", "retweet_count"} for t in tweets)
    assert not any("non_public_metrics" in t for t in tweets)  # older than 30 days
    bad = http.get(f"{api}/users/{own.id}/tweets", params={"max_results": 500}, headers=AUTH)
    assert bad.status_code == 400 and "max_results" in bad.json()["errors"][0]["message"]


def test_counts_all_pages_at_31_buckets_and_match_truth(http, api, world):
    brand = world.brand("Arabika")
    query = '(Arabika OR #arabikaid OR @arabikaid) -"kopi arabika" -"biji arabika" -"arabika beans" -is:retweet'
    params = {
        "query": query,
        "granularity": "day",
        "start_time": "2026-06-01T00:00:00Z",
        "end_time": "2026-10-01T00:00:00Z",
    }
    buckets, token, pages, first_page = [], None, 0, None
    while True:
        body = http.get(
            f"{api}/tweets/counts/all", params={**params, "next_token": token} if token else params, headers=AUTH
        ).json()
        pages += 1
        assert len(body["data"]) <= 31
        assert body["meta"]["total_tweet_count"] == sum(b["tweet_count"] for b in body["data"])
        buckets.extend(body["data"])
        first_page = first_page or body
        token = body["meta"].get("next_token")
        if not token:
            break
    assert pages == 4 and len(buckets) == 122
    by_day = {b["start"][:10]: b["tweet_count"] for b in buckets}
    for day in (dt.date(2026, 6, 1), dt.date(2026, 7, 15), dt.date(2026, 9, 30)):
        assert by_day[day.isoformat()] == world.mention_count(brand.name, "x", day)
    # without the exclusions the look-alikes ("kopi arabika") are counted too
    loose_query = "Arabika OR #arabikaid OR @arabikaid"
    loose = http.get(f"{api}/tweets/counts/all", params={**params, "query": loose_query}, headers=AUTH).json()
    assert loose["meta"]["total_tweet_count"] > first_page["meta"]["total_tweet_count"]


def test_counts_recent_window_is_seven_days(http, api):
    old = http.get(
        f"{api}/tweets/counts/recent", params={"query": "kopi", "start_time": "2026-01-01T00:00:00Z"}, headers=AUTH
    )
    assert old.status_code == 400 and old.json()["title"] == "Invalid Request"
    ok = http.get(
        f"{api}/tweets/counts/recent", params={"query": '"Kopi Nusantara"', "granularity": "day"}, headers=AUTH
    )
    assert ok.status_code == 200 and 7 <= len(ok.json()["data"]) <= 8


def test_search_recent_walk_matches_counts(http, api, world):
    query = '"Senja Coffee" OR #senjacoffee OR @senjacoffee'
    params = {"query": query, "max_results": 100, "tweet.fields": "public_metrics,author_id,created_at"}
    items, token = [], None
    while True:
        body = http.get(
            f"{api}/tweets/search/recent", params={**params, "next_token": token} if token else params, headers=AUTH
        ).json()
        items.extend(body.get("data", []))
        token = body["meta"].get("next_token")
        if not token:
            break
    assert len({i["id"] for i in items}) == len(items)
    counts = http.get(f"{api}/tweets/counts/recent", params={"query": query, "granularity": "day"}, headers=AUTH).json()
    assert len(items) == counts["meta"]["total_tweet_count"] > 0
    assert all(Query.parse(query).matches(i["text"]) for i in items)
    assert {"author_id", "public_metrics", "created_at"} <= set(items[0])
