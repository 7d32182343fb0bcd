"""Hand-written raw rows for the dbt tests. Numbers are small so the expected marts can be computed by hand
(the computations are in the tests' comments). Dates: March 2026; 2026-03-01 is a Sunday, the configured
time zone is Asia/Jakarta (UTC+7)."""

from __future__ import annotations

from typing import Any

OWN = "Kopi Nusantara"
JAVA = "Java Roast Co"
SENJA = "Senja Coffee"

IG_OWN = "ig_own"
X_OWN = "x_own"
FB_OWN = "fb_own"
IG_JAVA = "ig_java"
IG_SENJA = "ig_senja"
X_JAVA = "x_java"


def _snapshot(post_id: str, published_at: str, snapshot_date: str, **metrics: int | None) -> dict[str, Any]:
    return {
        "account_id": IG_OWN,
        "post_id": post_id,
        "post_url": f"https://instagram.example/p/{post_id}",
        "caption": "Pagi! #Kopi #NgopiDirumah" if post_id == "p1" else "Seduh manual #kopi",
        "content_type": "reel" if post_id == "p1" else "image",
        "published_at": published_at,
        "snapshot_date": snapshot_date,
        "_partition_date": snapshot_date,
        **metrics,
    }


def _comment(
    comment_id: str,
    created_at: str,
    text: str,
    *,
    parent: str | None = None,
    brand: bool = False,
    snapshot_date: str = "2026-03-04",
    author: str = "rina_ayu",
) -> dict[str, Any]:
    return {
        "account_id": IG_OWN,
        "post_id": "p2",
        "comment_id": comment_id,
        "parent_comment_id": parent,
        "author_id": IG_OWN if brand else f"user_{author}",
        "author_name": "kopinusantara" if brand else author,
        "is_brand_author": brand,
        "created_at": created_at,
        "comment_text": text,
        "observed_at": "2026-03-05 00:00:00+00" if snapshot_date == "2026-03-04" else "2026-03-04 00:00:00+00",
        "snapshot_date": snapshot_date,
    }  # fmt: skip


def comment_rows() -> list[dict[str, Any]]:
    """Comments on the own Instagram post p2, read on 2026-03-03 and again on 2026-03-04 (observed 03-05 00:00
    UTC). Reply times by hand in tests/dbt/test_dbt_comments.py."""
    latest = [
        _comment("c1", "2026-03-02 10:00:00+00", "Buka jam berapa kak?"),
        _comment("r1a", "2026-03-02 10:05:00+00", "Aku juga mau tau", parent="c1", author="dimas_p"),
        _comment("r1b", "2026-03-02 10:45:00+00", "Jam 7 pagi kak", parent="c1", brand=True),
        _comment("c2", "2026-03-02 12:00:00+00", "Masih ada promonya gak?"),
        _comment("r2a", "2026-03-02 12:30:00+00", "Masih kak, sampai Minggu", parent="c2", brand=True),
        _comment("r2b", "2026-03-02 13:00:00+00", "Kalau yang besar berapa?", parent="c2"),
        _comment("r2c", "2026-03-02 15:00:00+00", "Rp 35.000 kak", parent="c2", brand=True),
        _comment("c3", "2026-03-02 20:00:00+00", "Pesanan saya salah terus, kecewa banget", author="budi"),
        _comment("r3a", "2026-03-02 19:58:30+00", "Mohon maaf kak, kami cek ya", parent="c3", brand=True),
        _comment("c4", "2026-03-03 08:00:00+00", "Is this available in Depok?", author="sarah_k"),
        _comment("c5", "2026-03-04 12:00:00+00", "How much is it?", author="kevin_w"),
        _comment("c6", "2026-03-02 09:00:00+00", "Enak banget 😍", author="nadia"),
        _comment("c7", "2026-03-03 09:00:00+00", "Kapan buka cabang Bandung?", author="joko"),
    ]
    earlier = [
        {**row, "snapshot_date": "2026-03-03", "observed_at": "2026-03-04 00:00:00+00"}
        for row in latest
        if row["comment_id"] not in ("c5",)
    ] + [
        _comment(
            "r7a", "2026-03-03 09:20:00+00", "Bulan depan kak", parent="c7", brand=True, snapshot_date="2026-03-03"
        ),
        _comment("cdel", "2026-03-03 07:00:00+00", "Promo pulsa murah klik link", snapshot_date="2026-03-03"),
    ]
    return earlier + latest


def x_comment_rows() -> list[dict[str, Any]]:
    """Replies to the own X post x1 (2026-03-10 02:00 UTC) from the two nightly reads while it was younger than
    7 days (snapshots 03-10 and 03-11); later nights no longer ask recent search for it, so the 03-11 read stays.
    The follow-up xf1 answered the brand's reply xb1 on X: the client recorded its thread, xq1."""

    def reply(comment_id, created_at, text, snapshot_date, parent=None, brand=False):
        return {
            "account_id": X_OWN, "post_id": "x1", "comment_id": comment_id, "parent_comment_id": parent,
            "author_id": X_OWN if brand else "x_user_rina", "author_name": "kopinusantara" if brand else "rina_ayu",
            "is_brand_author": brand, "created_at": created_at, "comment_text": text,
            "observed_at": "2026-03-11 00:00:00+00" if snapshot_date == "2026-03-10" else "2026-03-12 00:00:00+00",
            "snapshot_date": snapshot_date,
        }  # fmt: skip

    rows = []
    for day in ("2026-03-10", "2026-03-11"):
        rows += [
            reply("xq1", "2026-03-10 03:00:00+00", "Harganya berapa kak?", day),
            reply("xb1", "2026-03-10 03:40:00+00", "Rp 25.000 kak", day, parent="xq1", brand=True),
            reply("xf1", "2026-03-10 04:00:00+00", "Kalau yang besar berapa?", day, parent="xq1"),
        ]
    rows.append(reply("xb2", "2026-03-11 06:00:00+00", "Rp 35.000 kak", "2026-03-11", parent="xq1", brand=True))
    return rows


def facebook_post_rows() -> list[dict[str, Any]]:
    """Own Facebook posts of April 2026, away from the March data the other tests read (Facebook is in no plan
    line, so none is off-plan). All read once, on 2026-05-05: the platform's own posts cover 04-01 .. 05-05, so
    April is a complete month and May a partial one. No Facebook follower figure exists: followers at publish are
    NULL. f3 has reach 0 (a rate by reach leaves it out); f4 is published on 04-30 in UTC but 05-01 01:00 in
    Jakarta, a May post. Rates by hand in tests/dbt/test_dbt_content_and_hashtag_performance.py."""

    def post(post_id, published_at, content_type, caption, **metrics):
        return {
            "account_id": FB_OWN, "post_id": post_id, "post_url": f"https://facebook.example/{post_id}",
            "caption": caption, "content_type": content_type, "published_at": published_at,
            "snapshot_date": "2026-05-05", "_partition_date": "2026-05-05", **metrics,
        }  # fmt: skip

    return [
        post("f1", "2026-04-01 03:00:00+00", "video", "#Kopi pagi #Promo",
             views=2000, reach=1000, reactions=50, comments=10, shares=5, clicks=15),
        post("f2", "2026-04-15 05:00:00+00", "video", "Seduh #KOPI, #kopi lagi",
             views=1000, reach=500, reactions=20, comments=4, shares=1, clicks=5),
        post("f3", "2026-04-20 02:00:00+00", "VIDEO", "Tanpa tagar",
             views=300, reach=0, reactions=3, comments=0, shares=0),
        post("f4", "2026-04-30 18:00:00+00", "image", "Selamat pagi #kopi",
             views=100, reach=80, reactions=4, comments=0, shares=0, clicks=0),
    ]  # fmt: skip


def sample_raw_rows() -> dict[str, list[dict[str, Any]]]:
    brands = (
        [
            {
                "brand": OWN,
                "is_own_brand": True,
                "platform": platform,
                "account_id": account_id,
                "account_handle": "kopinusantara",
                "keywords": ["Kopi Nusantara"],
                "hashtags": ["kopinusantara", "ngopidirumah"],
            }
            for platform, account_id in (("instagram", IG_OWN), ("x", X_OWN), ("facebook", FB_OWN))
        ]
        + [
            {
                "brand": JAVA,
                "is_own_brand": False,
                "platform": platform,
                "account_id": account_id,
                "account_handle": "javaroastco",
                "keywords": ["Java Roast"],
                "hashtags": ["javaroast"],
            }
            for platform, account_id in (("instagram", IG_JAVA), ("x", X_JAVA))
        ]
        + [
            {
                "brand": SENJA,
                "is_own_brand": False,
                "platform": "instagram",
                "account_id": IG_SENJA,
                "account_handle": "senjacoffee",
                "keywords": ["Senja Coffee"],
                "hashtags": ["senjacoffee"],
            }
        ]
    )

    # Instagram reports Pacific days: 2026-02-28 ends at 2026-03-01 08:00 UTC, 2026-03-01 at 2026-03-02 08:00 UTC.
    instagram_account_daily = [
        {"account_id": IG_OWN, "metric_date": "2026-02-28", "followers": 9900},
        {
            "account_id": IG_OWN,
            "metric_date": "2026-03-01",
            "followers": 10000,
            "followers_gained": 120,
            "followers_lost": 20,
            "views": 5000,
            "reach": 2000,
            "engagements": 200,
            "profile_visits": 30,
            "website_clicks": 5,
        },
        {
            "account_id": IG_OWN,
            "metric_date": "2026-03-02",
            "followers": 10100,
            "followers_gained": 130,
            "followers_lost": 30,
            "views": 6000,
            "reach": 2500,
            "engagements": None,
            "profile_visits": 25,
            "website_clicks": None,
        },
        {
            "account_id": IG_OWN,
            "metric_date": "2026-03-03",
            "followers": 10050,
            "followers_gained": 10,
            "followers_lost": 60,
            "views": 4000,
            "reach": 0,
            "engagements": 100,
            "profile_visits": 20,
            "website_clicks": 2,
        },
    ]
    x_account_daily = [
        {
            "account_id": X_OWN,
            "metric_date": "2026-03-01",
            "followers": 500,
            "views": 1000,
            "reach": None,
            "engagements": 50,
        },
        {
            "account_id": X_OWN,
            "metric_date": "2026-03-02",
            "followers": 510,
            "views": 800,
            "reach": None,
            "engagements": 30,
        },
    ]
    for row in instagram_account_daily + x_account_daily:
        row["_partition_date"] = row["metric_date"]
    # A file import of 2026-03-01, loaded after the API row: the API row must win (the marts show 10000 / 200).
    instagram_account_daily.append(
        {
            **instagram_account_daily[1],
            "followers": 99999,
            "engagements": 9999,
            "_source": "file:meta_instagram_insights.csv",
            "_loaded_at": "2026-01-05 00:00:00+00",
        }
    )

    # p1: published 2026-03-01 02:00 UTC = 09:00 Sunday in Jakarta; p2: 2026-03-02 05:00 UTC = 12:00 Monday.
    # Reactions of p1 drop from 40 to 38 on 2026-03-03: a correction.
    p1, p2 = "2026-03-01 02:00:00+00", "2026-03-02 05:00:00+00"
    instagram_post_snapshots = [
        _snapshot(
            "p1", p1, "2026-03-01", views=300, reach=200, reactions=10, comments=2, shares=1, saves=1, video_views=250
        ),
        _snapshot(
            "p1", p1, "2026-03-02", views=1000, reach=800, reactions=40, comments=5, shares=3, saves=2, video_views=900
        ),
        _snapshot(
            "p1", p1, "2026-03-03", views=1200, reach=900, reactions=38, comments=6, shares=3, saves=2, video_views=1100
        ),
        # the same snapshot from a later file import: the API row above wins
        {
            **_snapshot(
                "p1", p1, "2026-03-02", views=9, reach=9, reactions=999, comments=9, shares=9, saves=9, video_views=9
            ),
            "_source": "file:meta_instagram_content.csv",
            "_loaded_at": "2026-01-05 00:00:00+00",
        },
        _snapshot("p2", p2, "2026-03-02", views=500, reach=400, reactions=20, comments=4, shares=1, saves=0),
        _snapshot("p2", p2, "2026-03-03", views=900, reach=700, reactions=30, comments=5, shares=2, saves=1),
    ]

    # x1: own X post on Tuesday 2026-03-10, 02:00 UTC = 09:00 in Jakarta, about a trending topic
    x_post_snapshots = [
        {
            "account_id": X_OWN,
            "post_id": "x1",
            "post_url": "https://x.example/x1",
            "caption": "Kopi Nusantara promo hari ini! #KopiNusantara",
            "content_type": "text",
            "published_at": "2026-03-10 02:00:00+00",
            "views": 400,
            "reach": None,
            "reactions": 5,
            "comments": 1,
            "shares": 1,
            "saves": 0,
            "clicks": 2,
            "snapshot_date": "2026-03-10",
        },
    ]

    facebook_post_snapshots = facebook_post_rows()

    instagram_audience_demographics = [
        {
            "account_id": IG_OWN,
            "snapshot_date": "2026-03-01",
            "dimension": "age",
            "dimension_value": "18-24",
            "audience_count": 300,
            "audience_share": None,
        },
        {
            "account_id": IG_OWN,
            "snapshot_date": "2026-03-01",
            "dimension": "age",
            "dimension_value": "25-34",
            "audience_count": 700,
            "audience_share": None,
        },
        {
            "account_id": IG_OWN,
            "snapshot_date": "2026-03-01",
            "dimension": "gender",
            "dimension_value": "female",
            "audience_count": None,
            "audience_share": 0.6,
        },
        {
            "account_id": IG_OWN,
            "snapshot_date": "2026-03-01",
            "dimension": "gender",
            "dimension_value": "male",
            "audience_count": None,
            "audience_share": 0.4,
        },
    ]
    # 02:00 UTC = Sunday 09:00 local, 05:00 UTC = Sunday 12:00 local
    instagram_follower_online_hours = [
        {"account_id": IG_OWN, "metric_date": "2026-03-01", "hour_of_day": 2, "online_followers": 100},
        {"account_id": IG_OWN, "metric_date": "2026-03-01", "hour_of_day": 5, "online_followers": 300},
    ]

    # Weeks: A = Mon 2026-03-02 .. Sun 03-08, B = Mon 03-09 .. Sun 03-15.
    instagram_competitor_profiles = [
        {
            "brand": brand,
            "account_id": account_id,
            "account_handle": account_id,
            "snapshot_date": day,
            "followers": followers,
        }
        for brand, account_id, day, followers in (
            (OWN, IG_OWN, "2026-03-02", 10000),
            (OWN, IG_OWN, "2026-03-08", 10200),
            (OWN, IG_OWN, "2026-03-15", 10404),
            (JAVA, IG_JAVA, "2026-03-02", 20000),
            (JAVA, IG_JAVA, "2026-03-08", 20000),
            (JAVA, IG_JAVA, "2026-03-15", 20500),
            (SENJA, IG_SENJA, "2026-03-08", 5000),
            (SENJA, IG_SENJA, "2026-03-15", 4900),
        )
    ]

    def competitor_post(
        brand, account_id, post_id, published_at, reactions, comments, shares, hashtags, snapshot_date="2026-03-15"
    ):
        return {
            "brand": brand,
            "account_id": account_id,
            "post_id": post_id,
            "published_at": published_at,
            "content_type": "image",
            "caption": " ".join(f"#{h}" for h in hashtags),
            "hashtags": hashtags,
            "reactions": reactions,
            "comments": comments,
            "shares": shares,
            "views": None,
            "snapshot_date": snapshot_date,
        }

    instagram_competitor_posts = [
        competitor_post(OWN, IG_OWN, "cp1", "2026-03-10 03:00:00+00", 100, 20, 10, ["kopinusantara", "kopi"]),
        # an older snapshot of cj1: the latest (03-15) wins
        competitor_post(JAVA, IG_JAVA, "cj1", "2026-03-10 04:00:00+00", 10, 0, 0, ["javaroast"], "2026-03-12"),
        competitor_post(JAVA, IG_JAVA, "cj1", "2026-03-10 04:00:00+00", 300, 50, 50, ["javaroast"]),
        competitor_post(JAVA, IG_JAVA, "cj2", "2026-03-11 04:00:00+00", 100, 0, 0, ["javaroast", "kopi"]),
        competitor_post(SENJA, IG_SENJA, "cs1", "2026-03-12 04:00:00+00", 50, 10, 10, ["senjacoffee"]),
    ]
    x_competitor_posts = [
        competitor_post(OWN, X_OWN, "cx1", "2026-03-10 02:00:00+00", 10, 5, 5, ["kopinusantara"]),
    ]

    x_mention_counts = [
        {"brand": brand, "metric_date": day, "mention_count": count, "query": brand}
        for day, counts in (("2026-03-10", (30, 60, 10)), ("2026-03-11", (50, 40, 10)))
        for brand, count in zip((OWN, JAVA, SENJA), counts, strict=True)
    ]
    rss_mention_counts = [
        {"brand": OWN, "metric_date": "2026-03-10", "mention_count": 20, "query": OWN},
        {"brand": JAVA, "metric_date": "2026-03-10", "mention_count": 0, "query": JAVA},
    ]
    x_mentions = [
        {
            "brand": OWN,
            "mention_id": "m1",
            "mentioned_at": "2026-03-10 01:00:00+00",
            "metric_date": "2026-03-10",
            "text": "Kopi Nusantara promo hari ini, mantap",
            "author": "someone",
            "url": "https://x.example/m1",
            "engagements": 3,
            "matched_terms": ["kopi nusantara"],
        },
        *(
            {
                "brand": brand,
                "mention_id": mention_id,
                "mentioned_at": "2026-03-11 02:00:00+00",
                "metric_date": "2026-03-11",
                "text": text,
                "author": "someone",
                "url": f"https://x.example/{mention_id}",
                "engagements": 1,
                "matched_terms": [brand.lower()],
            }
            for brand, mention_id, text in (
                (OWN, "m2", "Kopi Nusantara gak enak, pesanan salah terus"),
                (OWN, "m3", "Kopi Nusantara buka jam berapa?"),
                (JAVA, "m4", "Java Roast enak banget"),
            )
        ),
    ]
    google_trends_search_interest = [
        {"brand": OWN, "keyword": "kopi nusantara", "geo": "ID", "metric_date": "2026-03-10", "interest": 40},
        {"brand": JAVA, "keyword": "java roast", "geo": "ID", "metric_date": "2026-03-10", "interest": 60},
    ]
    google_trends_trending_searches = [
        {
            "geo": "ID",
            "metric_date": "2026-03-10",
            "rank": 1,
            "topic": "Kopi Nusantara promo",
            "approx_traffic": 20000,
            "news_titles": [],
        },
        {
            "geo": "ID",
            "metric_date": "2026-03-10",
            "rank": 2,
            "topic": "Cuaca Jakarta",
            "approx_traffic": 10000,
            "news_titles": [],
        },
    ]

    goals = [
        # 4 days from 10000 to 10400: +100 a day expected
        {
            "goal_id": "ig-followers",
            "description": "IG followers",
            "metric": "followers",
            "platform": "instagram",
            "brand": OWN,
            "target_value": 10400,
            "baseline_value": 10000,
            "start_date": "2026-03-01",
            "deadline": "2026-03-04",
        },
        # no brand (= own brand), no baseline (cumulative: 0): 200 mentions over 2 days
        {
            "goal_id": "mentions",
            "description": "mentions",
            "metric": "mentions",
            "platform": "all",
            "brand": None,
            "target_value": 200,
            "baseline_value": None,
            "start_date": "2026-03-10",
            "deadline": "2026-03-11",
        },
    ]

    # the editorial plan: p1 (reel, 03-01) is on time; the weekly carousel slot on Monday 03-02 finds only p2, an
    # image (missing; p2 is off-plan); x1 (03-10) is a day late for the X post planned on 03-09
    editorial_plan = [
        {"plan_line": 2, "brand": OWN, "platform": "instagram", "content_type": "reel", "theme": "menu",
         "planned_date": "2026-03-01", "tolerance_days": 0},
        {"plan_line": 3, "brand": OWN, "platform": "instagram", "content_type": "carousel", "theme": "tips",
         "weekday": 1, "tolerance_days": 1},
        {"plan_line": 4, "brand": OWN, "platform": "x", "content_type": "text", "theme": "chat",
         "campaign": "march", "planned_date": "2026-03-09", "tolerance_days": 1},
    ]  # fmt: skip

    return {
        "socialpulse__brands": brands,
        "socialpulse__goals": goals,
        "socialpulse__editorial_plan": editorial_plan,
        "instagram__account_daily": instagram_account_daily,
        "x__account_daily": x_account_daily,
        "instagram__post_snapshots": instagram_post_snapshots,
        "x__post_snapshots": x_post_snapshots,
        "facebook__post_snapshots": facebook_post_snapshots,
        "instagram__audience_demographics": instagram_audience_demographics,
        "instagram__follower_online_hours": instagram_follower_online_hours,
        "instagram__post_comments": comment_rows(),
        "x__post_comments": x_comment_rows(),
        "instagram__competitor_profiles": instagram_competitor_profiles,
        "instagram__competitor_posts": instagram_competitor_posts,
        "x__competitor_posts": x_competitor_posts,
        "x__mention_counts": x_mention_counts,
        "rss__mention_counts": rss_mention_counts,
        "x__mentions": x_mentions,
        "google_trends__search_interest": google_trends_search_interest,
        "google_trends__trending_searches": google_trends_trending_searches,
    }
