"""The simulated comment threads (pipelines/simulator/conversations.py): deterministic, on the own posts only,
with the cases the reply-time rules must handle."""

import datetime as dt
from collections import Counter

from pipelines.simulator.world import World

TODAY = dt.date(2026, 11, 21)


def own_comments(world: World, platform: str):
    account = world.own_brand.accounts[platform]
    return [c for post in world.posts(platform, account.id) for c in world.all_comments(platform, post.post_id)]


def test_threads_are_deterministic_and_on_own_posts_only():
    a, b = World(seed=7, today=TODAY), World(seed=7, today=TODAY)
    assert own_comments(a, "instagram") == own_comments(b, "instagram")
    rival = next(acc for brand, acc in a.accounts("instagram") if brand.name != a.own_brand.name)
    assert all(a.all_comments("instagram", p.post_id) == [] for p in a.posts("instagram", rival.id)[:20])
    assert a.all_comments("tiktok", a.posts("tiktok", a.own_brand.accounts["tiktok"].id)[0].post_id) == []


def test_the_threads_hold_every_case_the_rules_handle():
    world = World(seed=7, today=TODAY)
    comments = [c for p in ("facebook", "instagram", "linkedin", "x", "youtube") for c in own_comments(world, p)]
    kinds = Counter(c.kind for c in comments)
    assert {"question", "complaint", "praise", "remark", "brand_reply", "other_reply", "follow_up"} <= set(kinds)
    tops = {c.comment_id: c for c in comments if c.parent_id is None}
    skewed = [c for c in comments if c.is_brand and c.parent_id and c.created_at < tops[c.parent_id].created_at]
    assert skewed  # brand replies stamped before the comment they answer
    assert any(c.deleted_at for c in comments if c.parent_id is None)  # deleted comments
    assert any(c.deleted_at for c in comments if c.is_brand)  # deleted brand replies
    # deleting a comment deletes its replies, so the API never shows a reply without its thread
    for c in comments:
        if c.parent_id and tops[c.parent_id].deleted_at:
            assert c.deleted_at is not None and c.deleted_at <= max(tops[c.parent_id].deleted_at, c.created_at)
    shown = world.comments("instagram", world.posts("instagram", world.own_brand.accounts["instagram"].id)[-30].post_id)
    assert all(c.created_at <= world.now and (c.deleted_at is None or c.deleted_at > world.now) for c in shown)
