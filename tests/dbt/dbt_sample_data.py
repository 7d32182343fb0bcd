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
            for platform, account_id in (("instagram", IG_OWN), ("x", X_OWN))
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

    instagram_account_daily = [
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
        _snapshot("p2", p2, "2026-03-02", views=500, reach=400, reactions=20, comments=4, shares=1, saves=0),
        _snapshot("p2", p2, "2026-03-03", views=900, reach=700, reactions=30, comments=5, shares=2, saves=1),
    ]

    return {
        "socialpulse__brands": brands,
        "instagram__account_daily": instagram_account_daily,
        "x__account_daily": x_account_daily,
        "instagram__post_snapshots": instagram_post_snapshots,
    }
