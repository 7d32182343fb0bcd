"""Comments and replies from Facebook, Instagram, LinkedIn, YouTube and X against the simulator: every comment the
platform shows is read once, with its thread, author and time, and nothing else (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import POST_COMMENTS
from pipelines.http import ApiError, RepeatedCursorError
from pipelines.platforms.catalog import client_class
from pipelines.platforms.x import XClient
from tests.platforms.helpers import TODAY, make_context, posts_in_local_days

OWN = load_brands().own_brand
FIRST, LAST = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1)


def assert_rows_are_the_shown_comments(rows, truth, now):
    """Each shown comment once, none invented, with its post, thread, time, author type and text."""
    assert sorted(r["comment_id"] for r in rows) == sorted(truth)
    for row in rows:
        comment = truth[row["comment_id"]]
        assert set(row) == set(POST_COMMENTS.columns)
        assert row["post_id"] == comment.post_id and row["parent_comment_id"] == comment.parent_id
        assert dt.timedelta(0) <= comment.created_at - row["created_at"] < dt.timedelta(seconds=1)  # API precision
        assert row["is_brand_author"] is comment.is_brand and row["comment_text"] == comment.text
        assert row["observed_at"] == now


@pytest.mark.parametrize("platform", ["facebook", "instagram", "linkedin", "youtube"])
def test_comment_rows_equal_what_the_platform_shows(simulator, platform):
    account = OWN.accounts[platform]
    client = client_class(platform)(make_context(simulator, platform))
    rows = client.post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))
    world = simulator.world
    truth = {
        c.comment_id: c
        for post in posts_in_local_days(simulator, platform, account.id, FIRST, LAST)
        for c in world.comments(platform, post.post_id)
    }
    assert len(truth) > 15
    assert_rows_are_the_shown_comments(rows, truth, world.now)
    # the deleted ones are not shown, and the threads hold brand replies, replies by others and follow-ups
    every = [c for post in posts_in_local_days(simulator, platform, account.id, FIRST, LAST)
             for c in world.all_comments(platform, post.post_id)]  # fmt: skip
    assert len(every) >= len(truth) and not {
        c.comment_id for c in every if c.deleted_at and c.deleted_at <= world.now
    } & set(truth)
    kinds = {truth[r["comment_id"]].kind for r in rows}
    assert {"brand_reply", "other_reply", "question", "complaint"} <= kinds


def recent_x_posts(simulator, account):
    """Ground truth: the own X posts of FIRST..LAST younger than 7 days (the client's 5-minute margin)."""
    world = simulator.world
    return [
        p for p in posts_in_local_days(simulator, "x", account.id, FIRST, LAST)
        if p.published_at > world.now - dt.timedelta(days=7) + dt.timedelta(minutes=5)
    ]  # fmt: skip


def conversation_searches(simulator) -> dict[str, list[list[str]]]:
    """The recent searches the simulator served, by query: the conversation ids asked per page."""
    by_query: dict[str, list[list[str]]] = {}
    for record in simulator.requests.records():
        if record.path == "/2/tweets/search/recent":
            query = record.params["query"]
            by_query.setdefault(query, []).append(re.findall(r"conversation_id:(\d+)", query))
    return by_query


def test_x_replies_equal_what_recent_search_shows_on_the_posts_younger_than_7_days(simulator):
    """X: the conversation_ids of the own posts younger than 7 days OR-ed into recent searches of at most 512
    characters (paged by next_token), none for older posts; every reply shown once with its thread (nested replies
    walked up to the reply to the post), the brand's by its author_id, the text without the @mention X prepends."""
    account = OWN.accounts["x"]
    world = simulator.world
    client = client_class("x")(make_context(simulator, "x"))
    simulator.requests.clear()
    rows = client.post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))
    recent = recent_x_posts(simulator, account)
    older = [p for p in posts_in_local_days(simulator, "x", account.id, FIRST, LAST) if p not in recent]
    truth = {c.comment_id: c for post in recent for c in world.comments("x", post.post_id)}
    assert len(recent) >= 3 and older and len(truth) > 10
    assert_rows_are_the_shown_comments(rows, truth, world.now)  # the posts themselves are not among them
    assert all(row["author_name"] == truth[row["comment_id"]].author_name for row in rows)
    assert {"brand_reply", "follow_up", "question"} <= {truth[r["comment_id"]].kind for r in rows}
    searches = conversation_searches(simulator)
    asked = [ids[0] for ids in searches.values()]
    # each recent post in exactly one query, no search for a post older than 7 days
    assert sorted(i for ids in asked for i in ids) == sorted(p.post_id for p in recent)
    assert all(len(query) <= 512 for query in searches)  # X's documented limit for pay-per-use / self-serve
    assert len(searches) < len(recent)  # batched: fewer queries than posts
    # each query's pages: its conversations' replies plus the posts themselves, 100 a page
    items = {p.post_id: len(world.comments("x", p.post_id)) + 1 for p in recent}
    for query, pages in searches.items():
        assert len(pages) == -(-sum(items[i] for i in pages[0]) // 100), query
    calls = sum(len(pages) for pages in searches.values())
    assert calls == client.stats.by_endpoint["tweets/search/recent"]
    assert client.stats.by_endpoint["users/tweets"] == 1  # one timeline page lists the week's own posts
    searched = [r for r in simulator.requests.records() if r.path == "/2/tweets/search/recent"]
    assert all(r.params["max_results"] == "100" and "start_time" not in r.params for r in searched)


class OneSearchPerPost(XClient):
    replies_per_query = 1  # the former read: one conversation_id per query


def test_x_batched_replies_equal_one_search_per_post_row_for_row(simulator):
    """The same simulator data read with one query per post and with batched queries: the same rows, in the same
    order (post by post, each by time), from ceil(N / 13) queries instead of N."""
    account = OWN.accounts["x"]
    day = TODAY - dt.timedelta(days=1)
    simulator.requests.clear()
    single = OneSearchPerPost(make_context(simulator, "x")).post_comments(account, FIRST, LAST, day)
    per_post = conversation_searches(simulator)
    simulator.requests.clear()
    batched = client_class("x")(make_context(simulator, "x")).post_comments(account, FIRST, LAST, day)
    per_batch = conversation_searches(simulator)
    recent = recent_x_posts(simulator, account)
    assert len(single) > 10 and batched == single
    assert len(per_post) == len(recent) and all(len(ids[0]) == 1 for ids in per_post.values())
    # X post ids have 19 digits: "conversation_id:" + 19 = 35 characters, " OR " 4 more each:
    # 13 terms are 13 * 35 + 12 * 4 = 503 characters, 14 would be 542 > 512
    assert {len(p.post_id) for p in recent} == {19}
    assert [len(ids[0]) for ids in per_batch.values()] == [13] * (len(recent) // 13) + (
        [len(recent) % 13] if len(recent) % 13 else []
    )
    assert len(per_batch) == -(-len(recent) // 13)


@pytest.mark.parametrize("per_query", [2, 5])
def test_x_search_count_is_posts_over_the_batch_size(simulator, per_query):
    """A smaller batch size: ceil(N / per query) queries, the rows unchanged."""

    class Batched(XClient):
        replies_per_query = per_query

    account = OWN.accounts["x"]
    day = TODAY - dt.timedelta(days=1)
    simulator.requests.clear()
    rows = Batched(make_context(simulator, "x")).post_comments(account, FIRST, LAST, day)
    searches = conversation_searches(simulator)
    recent = recent_x_posts(simulator, account)
    assert len(searches) == -(-len(recent) // per_query)
    assert rows == OneSearchPerPost(make_context(simulator, "x")).post_comments(account, FIRST, LAST, day)


def test_x_pages_a_batched_query_by_next_token(simulator):
    """A batched query with more posts than a page: the client follows next_token query by query until it is
    absent, one call a page, and every reply lands on its own post."""

    class TenAPage(XClient):
        replies_page_size = 10  # the smallest max_results recent search accepts

    account = OWN.accounts["x"]
    world = simulator.world
    day = TODAY - dt.timedelta(days=1)
    simulator.requests.clear()
    client = TenAPage(make_context(simulator, "x"))
    rows = client.post_comments(account, FIRST, LAST, day)
    searches = conversation_searches(simulator)
    recent = recent_x_posts(simulator, account)
    items = {p.post_id: len(world.comments("x", p.post_id)) + 1 for p in recent}
    assert len(searches) == -(-len(recent) // 13)
    for pages in searches.values():
        assert len(pages) == -(-sum(items[i] for i in pages[0]) // 10) > 1  # several pages per query
    assert client.stats.by_endpoint["tweets/search/recent"] == sum(len(p) for p in searches.values())
    truth = {c.comment_id: c for post in recent for c in world.comments("x", post.post_id)}
    assert_rows_are_the_shown_comments(rows, truth, world.now)
    assert rows == OneSearchPerPost(make_context(simulator, "x")).post_comments(account, FIRST, LAST, day)


def test_x_a_failing_batched_query_fails_the_replies_of_the_account(simulator):
    """The second query answers an error: post_comments raises with X's words (the stream fails as before), the
    token never in the message."""
    account = OWN.accounts["x"]
    context = make_context(simulator, "x")
    recent = recent_x_posts(simulator, account)
    assert len(recent) > 13  # two queries
    oldest = min(recent, key=lambda p: p.published_at).post_id  # in the last query only (the timeline is newest first)
    simulator.requests.clear()
    simulator.faults.add("status", path_contains=oldest, status=403, times=0, message="Forbidden here")
    with pytest.raises(ApiError) as failure:
        client_class("x")(context).post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))
    assert failure.value.status == 403 and "Forbidden here" in str(failure.value)
    assert len(conversation_searches(simulator)) == 2  # the first query was read, the second failed
    assert all(token not in str(failure.value) for token in context.credentials.values() if token)


def test_x_a_repeated_cursor_in_a_batched_query_stops_the_read(simulator):
    account = OWN.accounts["x"]
    simulator.faults.add("repeat_cursor", path_contains="search/recent")

    class TenAPage(XClient):
        replies_page_size = 10

    with pytest.raises(RepeatedCursorError, match="conversation_id:.* OR ... \\(13 conversations\\)"):
        TenAPage(make_context(simulator, "x")).post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))


def test_x_pages_a_conversation_by_next_token(simulator):
    """A conversation longer than a page: the client follows next_token until it is absent, one call a page."""

    class TenAPage(XClient):
        replies_page_size = 10  # the smallest max_results recent search accepts

    account = OWN.accounts["x"]
    world = simulator.world
    recent = posts_in_local_days(simulator, "x", account.id, TODAY - dt.timedelta(days=5), LAST)
    busiest = max(recent, key=lambda p: len(world.comments("x", p.post_id)))
    shown = [c.comment_id for c in world.comments("x", busiest.post_id)]
    assert len(shown) >= 10  # with the post itself more than one page
    simulator.requests.clear()
    replies, calls, returned = TenAPage(make_context(simulator, "x"))._replies(account, busiest.post_id, LAST)
    assert sorted(r["comment_id"] for r in replies) == sorted(shown)
    assert returned == len(shown) + 1  # the replies and the post itself: the billed reads
    assert calls == len(simulator.requests.records()) == -(-(len(shown) + 1) // 10)


def test_youtube_reads_every_reply_beyond_those_a_thread_carries(simulator):
    """commentThreads gives at most 2 replies of a thread in the simulator; comments.list gives the rest."""
    account = OWN.accounts["youtube"]
    client = client_class("youtube")(make_context(simulator, "youtube"))
    rows = client.post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))
    per_thread: dict[str, int] = {}
    for row in rows:
        if row["parent_comment_id"]:
            per_thread[row["parent_comment_id"]] = per_thread.get(row["parent_comment_id"], 0) + 1
    assert max(per_thread.values()) > 2
