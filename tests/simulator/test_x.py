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


def _walk_counts(http, url, params):
    pages, buckets, token = [], [], None
    while True:
        body = http.get(url, params={**params, "next_token": token} if token else params, headers=AUTH).json()
        assert body["meta"]["total_tweet_count"] == sum(b["tweet_count"] for b in body["data"])
        pages.append(body["data"])
        buckets.extend(body["data"])
        token = body["meta"].get("next_token")
        if not token:
            return pages, buckets


def _utc(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_counts_hourly_buckets_page_at_168_and_add_up_to_local_days(http, api, world):
    """X API v2 `granularity=hour`: one bucket per UTC hour, start inclusive, end exclusive, 168 a page. Summed
    over 17:00Z..17:00Z they give the days of Asia/Jakarta (UTC+7), checked against the items' timestamps."""
    brand = world.brand("Arabika")
    query = '(Arabika OR #arabikaid OR @arabikaid) -"kopi arabika" -"biji arabika" -"arabika beans" -is:retweet'
    params = {
        "query": query,
        "granularity": "hour",
        "start_time": "2026-10-01T17:00:00Z",  # Jakarta 2026-10-02 00:00
        "end_time": "2026-10-11T17:00:00Z",  # Jakarta 2026-10-12 00:00: local days 10-02..10-11, 240 hours
    }
    pages, buckets = _walk_counts(http, f"{api}/tweets/counts/all", params)
    assert [len(page) for page in pages] == [168, 72]  # newest page first
    buckets.sort(key=lambda b: b["start"])
    assert buckets[0]["start"] == "2026-10-01T17:00:00.000Z" and buckets[-1]["end"] == "2026-10-11T17:00:00.000Z"
    for a, b in zip(buckets, buckets[1:], strict=False):
        assert _utc(a["end"]) - _utc(a["start"]) == dt.timedelta(hours=1) and a["end"] == b["start"]
    # the UTC day 2026-10-05 is the same number as with granularity=day
    utc_day = sum(b["tweet_count"] for b in buckets if b["start"].startswith("2026-10-05"))
    assert utc_day == world.mention_count(brand.name, "x", dt.date(2026, 10, 5))
    # the Jakarta day 2026-10-05 = [10-04 17:00Z, 10-05 17:00Z): the last 7 hours of UTC 10-04 + 17 of 10-05
    edge = dt.datetime(2026, 10, 4, 17, tzinfo=dt.UTC)
    local_day = sum(b["tweet_count"] for b in buckets if edge <= _utc(b["start"]) < edge + dt.timedelta(days=1))
    items = world.mentions(brand.name, "x", dt.date(2026, 10, 4), dt.date(2026, 10, 5))
    by_hand = sum(edge <= m.created_at < edge + dt.timedelta(days=1) for m in items)
    assert local_day == by_hand > 0
    assert local_day != world.mention_count(brand.name, "x", dt.date(2026, 10, 5))


def test_counts_default_to_hourly_and_cut_the_first_bucket_at_start_time(http, api, world):
    query = '(Arabika OR #arabikaid OR @arabikaid) -"kopi arabika" -"biji arabika" -"arabika beans" -is:retweet'
    params = {"query": query, "start_time": "2026-10-31T10:30:00Z", "end_time": "2026-10-31T12:00:00Z"}
    body = http.get(f"{api}/tweets/counts/recent", params=params, headers=AUTH).json()
    assert [(b["start"], b["end"]) for b in body["data"]] == [
        ("2026-10-31T10:30:00.000Z", "2026-10-31T11:00:00.000Z"),
        ("2026-10-31T11:00:00.000Z", "2026-10-31T12:00:00.000Z"),
    ]
    items = world.mentions("Arabika", "x", dt.date(2026, 10, 31), dt.date(2026, 10, 31))
    at = [dt.datetime(2026, 10, 31, h, m, tzinfo=dt.UTC) for h, m in ((10, 30), (11, 0), (12, 0))]
    expected = [sum(a <= m.created_at < b for m in items) for a, b in zip(at, at[1:], strict=False)]
    assert [b["tweet_count"] for b in body["data"]] == expected and sum(expected) > 0


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


def test_conversation_search_serves_the_replies_of_an_own_post_in_xs_shape(http, api, world):
    """`conversation_id:<post id>`: the post and every reply shown now, newest first, each reply naming the post it
    answers (replied_to: the post, the thread's first reply, or a nested brand reply), with X's @mention prefix."""
    own = world.own_brand.accounts["x"]
    recent = [p for p in world.posts("x", own.id) if world.now - p.published_at < dt.timedelta(days=6)]
    post = max(recent, key=lambda p: len(world.comments("x", p.post_id)))
    fields = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,display_text_range"
    params = {"query": f"conversation_id:{post.post_id}", "max_results": 10, "tweet.fields": fields,
              "expansions": "author_id", "user.fields": "username"}  # fmt: skip
    items, pages, users = _walk(http, api, params)
    shown = {c.comment_id: c for c in world.comments("x", post.post_id)}
    assert len(shown) >= 10 and pages == -(-(len(shown) + 1) // 10)
    assert [i["id"] for i in items if i["id"] != post.post_id] == sorted(
        shown, key=lambda c: (shown[c].created_at, c), reverse=True
    )
    assert {i["id"] for i in items} - set(shown) == {post.post_id}  # the post itself is in its conversation
    nested = 0
    for item in (i for i in items if i["id"] != post.post_id):
        comment = shown[item["id"]]
        assert item["conversation_id"] == post.post_id and item["author_id"] == comment.author_id
        (ref,) = item["referenced_tweets"]
        assert ref["type"] == "replied_to"
        start, end = item["display_text_range"]
        assert item["text"][start:end] == comment.text and item["text"][:start].startswith("@")
        if comment.parent_id is None:
            assert ref["id"] == post.post_id and item["in_reply_to_user_id"] == own.id
        else:
            assert ref["id"] in shown and shown[ref["id"]].parent_id in (None, comment.parent_id)
            nested += ref["id"] != comment.parent_id
        assert users[item["author_id"]] == comment.author_name
    assert nested  # a follow-up answers the brand's reply, not the top-level comment
    # the mention search is unchanged: a brand query never returns a reply
    body = http.get(f"{api}/tweets/search/recent", params={"query": "@" + own.handle.lstrip("@"), "max_results": 100},
                    headers=AUTH).json()  # fmt: skip
    assert not {i["id"] for i in body.get("data", [])} & set(shown)


def _walk(http, api, params):
    """Every page of a recent search: the items, the number of pages and the expanded users (id -> username)."""
    items, users, token, pages = [], {}, None, 0
    while True:
        body = http.get(
            f"{api}/tweets/search/recent", params={**params, "next_token": token} if token else params, headers=AUTH
        ).json()
        pages += 1
        items.extend(body.get("data", []))
        users |= {u["id"]: u["username"] for u in body.get("includes", {}).get("users", [])}
        token = body["meta"].get("next_token")
        if not token:
            return items, pages, users


def test_or_ed_conversation_ids_serve_the_union_of_the_conversations_newest_first(http, api, world):
    """`conversation_id:<a> OR conversation_id:<b> OR ...`: the items of each conversation, all of them, as one
    listing newest first (X's order), paged by max_results; each item names its own conversation."""
    own = world.own_brand.accounts["x"]
    recent = [p for p in world.posts("x", own.id) if world.now - p.published_at < dt.timedelta(days=6)][:4]
    assert len(recent) == 4
    fields = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,display_text_range"
    common = {"max_results": 10, "tweet.fields": fields, "expansions": "author_id", "user.fields": "username"}
    alone = {p.post_id: _walk(http, api, {**common, "query": f"conversation_id:{p.post_id}"})[0] for p in recent}
    query = "(" + " OR ".join(f"conversation_id:{p.post_id}" for p in recent) + ")"
    items, pages, _ = _walk(http, api, {**common, "query": query})
    union = [item for conversation in alone.values() for item in conversation]
    assert sum(len(c) for c in alone.values()) > 10 and pages == -(-len(union) // 10)  # more than one page
    assert sorted(items, key=lambda i: i["id"]) == sorted(union, key=lambda i: i["id"])  # the same objects
    moments = [(i["created_at"], i["id"]) for i in items]
    assert moments == sorted(moments, reverse=True)  # newest first across the conversations
    assert {i["conversation_id"] for i in items} == set(alone)
    assert all(i in alone[i["conversation_id"]] for i in items)


@pytest.mark.parametrize(
    "query",
    [
        "conversation_id:1 kopi",  # AND-ed with a keyword
        "conversation_id:1 OR kopi",  # OR-ed with a keyword
        "conversation_id:1 -is:retweet",  # AND-ed with another operator
        "-conversation_id:1 OR conversation_id:2",  # negated
        "conversation_id:abc",  # not a post id
    ],
)
def test_a_conversation_query_the_simulator_does_not_serve_is_xs_invalid_request(http, api, query):
    resp = http.get(f"{api}/tweets/search/recent", params={"query": query}, headers=AUTH)
    body = resp.json()
    assert resp.status_code == 400
    assert body["title"] == "Invalid Request" and body["type"] == "https://api.twitter.com/2/problems/invalid-request"
    assert body["errors"][0]["parameters"] == {"query": [query]} and "not supported" in body["errors"][0]["message"]


def test_query_parse_keeps_the_operators_of_each_or_group():
    parsed = Query.parse('(conversation_id:1 OR conversation_id:2) "a: b" kopi -is:retweet lang:in')
    assert parsed.operators == (("conversation_id:1",), ("conversation_id:2", "-is:retweet", "lang:in"))
    assert parsed.groups == (("kopi",),) and parsed.excluded == ()  # a quoted colon phrase is dropped as before
    assert Query.parse("kopi OR #kopi").operators == ((), ())
