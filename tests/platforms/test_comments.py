"""Comments and replies from Facebook, Instagram, LinkedIn, YouTube and X against the simulator: every comment the
platform shows is read once, with its thread, author and time, and nothing else (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import POST_COMMENTS
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


def test_x_replies_equal_what_recent_search_shows_on_the_posts_younger_than_7_days(simulator):
    """X: one conversation_id search per own post younger than 7 days (paged by next_token), none for older posts;
    every reply shown once with its thread (nested replies walked up to the reply to the post), the brand's by
    its author_id, the text without the @mention X prepends."""
    account = OWN.accounts["x"]
    world = simulator.world
    client = client_class("x")(make_context(simulator, "x"))
    simulator.requests.clear()
    rows = client.post_comments(account, FIRST, LAST, TODAY - dt.timedelta(days=1))
    recent = [
        p for p in posts_in_local_days(simulator, "x", account.id, FIRST, LAST)
        if p.published_at > world.now - dt.timedelta(days=7) + dt.timedelta(minutes=5)
    ]  # fmt: skip
    older = [p for p in posts_in_local_days(simulator, "x", account.id, FIRST, LAST) if p not in recent]
    truth = {c.comment_id: c for post in recent for c in world.comments("x", post.post_id)}
    assert len(recent) >= 3 and older and len(truth) > 10
    assert_rows_are_the_shown_comments(rows, truth, world.now)  # the posts themselves are not among them
    assert all(row["author_name"] == truth[row["comment_id"]].author_name for row in rows)
    assert {"brand_reply", "follow_up", "question"} <= {truth[r["comment_id"]].kind for r in rows}
    searches = [r for r in simulator.requests.records() if r.path == "/2/tweets/search/recent"]
    asked = [r.params["query"] for r in searches]
    assert set(asked) == {f"conversation_id:{p.post_id}" for p in recent}  # no search for a post older than 7 days
    pages = {p.post_id: -(-(len(world.comments("x", p.post_id)) + 1) // 100) for p in recent}  # replies + the post
    assert len(searches) == sum(pages.values()) == client.stats.by_endpoint["tweets/search/recent"]
    assert client.stats.by_endpoint["users/tweets"] == 1  # one timeline page lists the week's own posts
    assert all(r.params["max_results"] == "100" and "start_time" not in r.params for r in searches)


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
