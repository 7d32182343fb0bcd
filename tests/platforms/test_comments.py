"""Comments and replies from Facebook, Instagram and YouTube against the simulator: every comment the platform
shows is read once, with its thread, author and time, and nothing else (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.config.loader import load_brands
from pipelines.contracts.streams import POST_COMMENTS
from pipelines.platforms.catalog import client_class
from tests.platforms.helpers import TODAY, make_context, posts_in_local_days

OWN = load_brands().own_brand
FIRST, LAST = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1)


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
    assert sorted(r["comment_id"] for r in rows) == sorted(truth)  # each shown comment once, none invented
    for row in rows:
        comment = truth[row["comment_id"]]
        assert set(row) == set(POST_COMMENTS.columns)
        assert row["post_id"] == comment.post_id and row["parent_comment_id"] == comment.parent_id
        assert dt.timedelta(0) <= comment.created_at - row["created_at"] < dt.timedelta(seconds=1)  # API precision
        assert row["is_brand_author"] is comment.is_brand and row["comment_text"] == comment.text
        assert row["observed_at"] == world.now
    # the deleted ones are not shown, and the threads hold brand replies, replies by others and follow-ups
    every = [c for post in posts_in_local_days(simulator, platform, account.id, FIRST, LAST)
             for c in world.all_comments(platform, post.post_id)]  # fmt: skip
    assert len(every) >= len(truth) and not {
        c.comment_id for c in every if c.deleted_at and c.deleted_at <= world.now
    } & set(truth)
    kinds = {truth[r["comment_id"]].kind for r in rows}
    assert {"brand_reply", "other_reply", "question", "complaint"} <= kinds


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
