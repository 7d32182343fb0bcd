"""Comments on the own brand's posts and the brand's replies: deterministic threads the simulated Facebook,
Instagram, YouTube, LinkedIn and X serve in their documented shapes (routes/meta.py, routes/youtube.py,
routes/linkedin.py, routes/x.py: replies found by a conversation_id search).

Each own post gets a few top-level comments from the audience (questions, praise, complaints, remarks, Indonesian
and English) over the hours after it is published; the brand answers most questions and complaints (minutes to
a day later), some praise; other people reply too; a thread can hold several replies (nested: the brand
answering a follow-up). Some comments are deleted later (with their replies, as the platforms do) and some brand
replies carry a timestamp a little before the comment they answer (clock skew between the platform's servers).
The API serves what exists at the world's `now`: created by then and not deleted by then. On its own random
stream (seed, "comments", post id): the rest of the world is unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pipelines.simulator import randomness as rnd

if TYPE_CHECKING:
    from pipelines.simulator.world import Post

# platforms whose comments the simulator serves, and the mean top-level comments of an own post there
COMMENT_PLATFORMS = {"facebook": 3.0, "instagram": 4.0, "youtube": 2.5, "linkedin": 2.0, "x": 2.5}
MAX_TOP_LEVEL = 10

QUESTIONS = (
    ("id", "Kak, ini masih ada promonya gak?"),
    ("id", "Buka jam berapa ya kak?"),
    ("id", "Cabang Bandung kapan buka?"),
    ("id", "Bisa pesan lewat GoFood gak min?"),
    ("id", "Harganya berapa kak"),
    ("id", "Apakah ada yang tanpa gula?"),
    ("id", "Gimana cara daftar member?"),
    ("en", "Is this available in every store?"),
    ("en", "What time do you open on Sunday?"),
    ("en", "How much is the large one?"),
    ("en", "Do you deliver to Depok?"),
)
COMPLAINTS = (
    ("id", "Pesanan saya salah terus, kecewa banget"),
    ("id", "Kopinya kemarin basi, tolong dicek"),
    ("id", "Pelayanannya lambat parah"),
    ("en", "My order arrived cold and late, really disappointed"),
    ("en", "The app keeps crashing at checkout, terrible"),
)
PRAISE = (
    ("id", "Enak banget kopinya 😍"),
    ("id", "Mantap, langganan terus"),
    ("id", "Suka banget sama yang ini"),
    ("en", "Love this, my favourite coffee"),
    ("en", "So good 🔥"),
)
REMARKS = (
    ("id", "@rina_ayu ayo kesini"),
    ("id", "Wah baru tau"),
    ("en", "@dimas_p this one"),
    ("en", "Saw this yesterday"),
)
# (kind, texts, share of top-level comments, chance the brand answers)
KINDS = (
    ("question", QUESTIONS, 0.35, 0.8),
    ("complaint", COMPLAINTS, 0.15, 0.7),
    ("praise", PRAISE, 0.3, 0.25),
    ("remark", REMARKS, 0.2, 0.05),
)
BRAND_REPLIES = {
    "id": ("Halo kak, terima kasih! Info lengkap sudah kami kirim via DM ya", "Siap kak, makasih ya 🙏"),
    "en": ("Hi! Thanks for asking, we sent you the details by DM", "Thank you so much!"),
}
OTHER_REPLIES = ("Aku juga mau tau", "Same question", "Setuju", "+1")
FOLLOW_UPS = {"id": "Oke kak, kalau yang ukuran besar?", "en": "Thanks! And the large size?"}
USERS = ("rina_ayu", "dimas_p", "budi.santoso", "sarah_k", "ayu.lestari", "kevin_w", "nadia.r", "joko88")


@dataclass(frozen=True)
class Comment:
    """One comment or reply as the platform keeps it. `parent_id` is the top-level comment a reply belongs to
    (None: a top-level comment)."""

    platform: str
    post_id: str
    comment_id: str
    parent_id: str | None
    author_id: str
    author_name: str
    is_brand: bool
    created_at: dt.datetime
    text: str
    kind: str  # question, complaint, praise, remark, brand_reply, other_reply, follow_up
    deleted_at: dt.datetime | None = None

    def exists_at(self, now: dt.datetime) -> bool:
        return self.created_at <= now and (self.deleted_at is None or self.deleted_at > now)


def _comment_id(seed: int, post: Post, *parts: object) -> str:
    if post.platform == "youtube":
        return "Ug" + rnd.token(seed, "comment", post.post_id, *parts, length=24)
    if post.platform == "facebook":
        return f"{post.post_id}_{rnd.digits(seed, 'comment', post.post_id, *parts, length=16)}"
    return rnd.digits(seed, "comment", post.post_id, *parts, length=17)


def _audience(seed: int, post: Post, r, *parts: object) -> tuple[str, str]:
    name = r.choice(USERS)
    if post.platform == "youtube":
        return "UC" + rnd.token(seed, "viewer", name, length=22), f"@{name}"
    if post.platform == "linkedin":
        return f"urn:li:person:{rnd.token(seed, 'member', name, length=10)}", name
    return rnd.digits(seed, "user", post.platform, name, length=17), name


def thread_comments(seed: int, post: Post, brand_id: str, brand_name: str) -> list[Comment]:
    """Every comment the post will ever get (deleted ones included), in creation order of the threads."""
    lam = COMMENT_PLATFORMS.get(post.platform)
    if lam is None:
        return []
    r = rnd.rng(seed, "comments", post.post_id)
    out: list[Comment] = []
    for index in range(min(MAX_TOP_LEVEL, rnd.poisson(r, lam))):
        kind, texts, _, answer_chance = rnd.weighted(r, KINDS, [k[2] for k in KINDS])
        language, text = r.choice(texts)
        author_id, author_name = _audience(seed, post, r, index)
        created = post.published_at + dt.timedelta(minutes=1 + r.expovariate(1 / 360))
        deleted = created + dt.timedelta(hours=r.uniform(1, 48)) if r.random() < 0.05 else None
        top = Comment(
            post.platform, post.post_id, _comment_id(seed, post, index), None, author_id, author_name, False,
            created, text, kind, deleted,
        )  # fmt: skip
        out.append(top)
        replies: list[Comment] = []
        if r.random() < 0.25:  # someone else answers first
            other_id, other_name = _audience(seed, post, r, index, "other")
            other_at = created + dt.timedelta(minutes=r.uniform(2, 240))
            replies.append(
                Comment(
                    post.platform,
                    post.post_id,
                    _comment_id(seed, post, index, "other"),
                    top.comment_id,
                    other_id,
                    other_name,
                    False,
                    other_at,
                    r.choice(OTHER_REPLIES),
                    "other_reply",
                )  # fmt: skip
            )
        if r.random() < answer_chance:
            delay = rnd.lognormal(r, 1.2) * 75  # median 75 minutes, a long tail into the next day
            if r.random() < 0.05:
                delay = -r.uniform(0.2, 3.0)  # clock skew: stamped before the comment it answers
            reply_at = created + dt.timedelta(minutes=delay)
            brand_deleted = reply_at + dt.timedelta(hours=r.uniform(1, 24)) if r.random() < 0.04 else None
            brand_reply = Comment(
                post.platform, post.post_id, _comment_id(seed, post, index, "brand"), top.comment_id, brand_id,
                brand_name, True, reply_at, r.choice(BRAND_REPLIES[language]), "brand_reply", brand_deleted,
            )  # fmt: skip
            replies.append(brand_reply)
            if kind == "question" and r.random() < 0.3:  # a follow-up question, answered again (nested thread)
                follow_at = max(reply_at, created) + dt.timedelta(minutes=r.uniform(5, 120))
                replies.append(
                    Comment(
                        post.platform,
                        post.post_id,
                        _comment_id(seed, post, index, "follow"),
                        top.comment_id,
                        author_id,
                        author_name,
                        False,
                        follow_at,
                        FOLLOW_UPS[language],
                        "follow_up",
                    )  # fmt: skip
                )
                if r.random() < 0.7:
                    again_at = follow_at + dt.timedelta(minutes=rnd.lognormal(r, 1.0) * 40)
                    replies.append(
                        Comment(
                            post.platform,
                            post.post_id,
                            _comment_id(seed, post, index, "again"),
                            top.comment_id,
                            brand_id,
                            brand_name,
                            True,
                            again_at,
                            BRAND_REPLIES[language][1],
                            "brand_reply",
                        )  # fmt: skip
                    )
        if deleted is not None:  # deleting a comment deletes its replies
            replies = [c if c.deleted_at and c.deleted_at < deleted else _deleted(c, deleted) for c in replies]
        out.extend(sorted(replies, key=lambda c: c.created_at))
    return out


def _deleted(comment: Comment, at: dt.datetime) -> Comment:
    return replace(comment, deleted_at=max(at, comment.created_at))


def served_comments(comments: list[Comment], now: dt.datetime) -> list[Comment]:
    """What the API shows at `now`: comments created by then and not deleted by then."""
    shown = [c for c in comments if c.exists_at(now)]
    tops = {c.comment_id for c in shown if c.parent_id is None}
    return [c for c in shown if c.parent_id is None or c.parent_id in tops]
