"""Hand-written raw rows for the agency's reports (examples/agency: Kopi Nusantara, Teh Tarik Co, Roti Senja
Bakery; Kenangan Brew is in Kopi's and Teh's sets, Holland Roti only in Roti's). Numbers are small and constant
so each report's figures can be computed by hand (see the tests' comments).

The report period is week 45 of 2026, Mon 2 Nov - Sun 8 Nov; the week before is 26 Oct - 1 Nov. Teh Tarik Co's
Instagram token expires on 6 Nov: its account figures stop after 5 Nov, the nightly runs of 7, 8 and 9 Nov
(02:00 in Jakarta) fail on it, and ops.ingest_failures holds the open failure (written by
pipelines.ingest_failures.record, as the ingest assets write it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

KOPI, TEH, ROTI = "Kopi Nusantara", "Teh Tarik Co", "Roti Senja Bakery"
JAVA, KENANGAN, CHATIME, HOLLAND = "Java Roast Co", "Kenangan Brew", "Chatime Lokal", "Holland Roti"
CLIENTS = (KOPI, TEH, ROTI)
SETS = {KOPI: {KOPI, JAVA, KENANGAN}, TEH: {TEH, KENANGAN, CHATIME}, ROTI: {ROTI, HOLLAND}}
ALL_BRANDS = {KOPI, TEH, ROTI, JAVA, KENANGAN, CHATIME, HOLLAND}

KOPI_IG, KOPI_FB = "17841400000000001", "104550001"
TEH_IG, TEH_FB = "17841400000000101", "104560001"
ROTI_IG, ROTI_FB = "17841400000000201", "104570001"
KENANGAN_IG, HOLLAND_IG = "17841400000000004", "17841400000000202"

WEEK_START, WEEK_END = dt.date(2026, 11, 2), dt.date(2026, 11, 8)
PREVIOUS_START = dt.date(2026, 10, 26)
TEH_IG_LAST_DAY = dt.date(2026, 11, 5)  # the token expired the day after
TOKEN_EXPIRED = (
    "HTTP 401 from graph.facebook.com: Error validating access token: Session has expired on Friday, 06-Nov-26 "
    "(OAuthException, code 190)"
)

# account figures per day: (reach, engagements) in the report week and in the week before
DAILY = {
    ("instagram", KOPI_IG): ((1000, 50), (1000, 40)),
    ("facebook", KOPI_FB): ((500, 10), (500, 10)),
    ("instagram", TEH_IG): ((800, 64), (800, 40)),
    ("facebook", TEH_FB): ((400, 12), (400, 12)),
    ("facebook", ROTI_FB): ((300, 9), (300, 9)),
    ("instagram", ROTI_IG): ((200, 10), (200, 10)),
}
MENTIONS_ON_3_NOV = {KOPI: 30, JAVA: 10, KENANGAN: 60, TEH: 20, CHATIME: 20, ROTI: 15, HOLLAND: 5}


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _account_daily() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"facebook__account_daily": [], "instagram__account_daily": []}
    for (platform, account), (current, previous) in DAILY.items():
        for day in _days(PREVIOUS_START, WEEK_END):
            if account == TEH_IG and day > TEH_IG_LAST_DAY:
                continue
            reach, engagements = current if day >= WEEK_START else previous
            rows[f"{platform}__account_daily"].append(
                {
                    "account_id": account,
                    "metric_date": day,
                    "_partition_date": day,
                    "followers": 5000,
                    "views": 2 * reach,
                    "reach": reach,
                    "engagements": engagements,
                }
            )
    return rows


def _post(account: str, post_id: str, published_at: str, snapshot: dt.date, reach: int, *public: int) -> dict:
    reactions, comments, shares = public
    return {
        "account_id": account,
        "post_id": post_id,
        "post_url": f"https://example.com/p/{post_id}",
        "caption": f"post {post_id}",
        "content_type": "image",
        "published_at": published_at,
        "snapshot_date": snapshot,
        "_partition_date": snapshot,
        "views": 2 * reach,
        "reach": reach,
        "reactions": reactions,
        "comments": comments,
        "shares": shares,
        "saves": 0,
    }


def _competitor_post(brand: str, account: str, post_id: str, published_at: str, *public: int) -> dict:
    reactions, comments, shares = public
    return {
        "brand": brand,
        "account_id": account,
        "post_id": post_id,
        "published_at": published_at,
        "content_type": "image",
        "caption": f"#{brand.replace(' ', '').lower()}",
        "hashtags": [brand.replace(" ", "").lower()],
        "reactions": reactions,
        "comments": comments,
        "shares": shares,
        "views": None,
        "snapshot_date": WEEK_END,
        "_partition_date": WEEK_END,
    }


def agency_raw_rows() -> dict[str, list[dict[str, Any]]]:
    """The platforms' raw rows (the configuration tables come from examples/agency through the configuration
    asset's own frame builders)."""
    profiles = [
        {"brand": brand, "account_id": account, "account_handle": account, "snapshot_date": day, "followers": n}
        for brand, account, day, n in (
            (KENANGAN, KENANGAN_IG, dt.date(2026, 11, 1), 7900),
            (KENANGAN, KENANGAN_IG, WEEK_END, 8000),
            (HOLLAND, HOLLAND_IG, WEEK_END, 3000),
            (KOPI, KOPI_IG, WEEK_END, 5000),
        )
    ]
    for row in profiles:
        row["_partition_date"] = row["snapshot_date"]
    return {
        **_account_daily(),
        # 02:00 UTC = 09:00 in Jakarta, Tuesday 3 Nov
        "instagram__post_snapshots": [
            _post(KOPI_IG, "k1", "2026-11-03 02:00:00+00", WEEK_END, 500, 40, 5, 5),  # 50 / 500 = 10 %
            _post(TEH_IG, "t1", "2026-11-03 02:00:00+00", TEH_IG_LAST_DAY, 400, 15, 3, 2),  # 20 / 400 = 5 %
        ],
        "facebook__post_snapshots": [
            _post(ROTI_FB, "r1", "2026-11-04 02:00:00+00", WEEK_END, 300, 6, 3, 0),  # 9 / 300 = 3 %
        ],
        "instagram__competitor_profiles": profiles,
        "instagram__competitor_posts": [
            _competitor_post(KENANGAN, KENANGAN_IG, "ken1", "2026-11-03 03:00:00+00", 100, 20, 10),  # 130
            _competitor_post(KENANGAN, KENANGAN_IG, "ken2", "2026-11-04 03:00:00+00", 50, 5, 5),  # 60
            _competitor_post(HOLLAND, HOLLAND_IG, "hol1", "2026-11-03 03:00:00+00", 40, 4, 1),  # 45
            _competitor_post(KOPI, KOPI_IG, "kop1", "2026-11-03 02:00:00+00", 20, 5, 5),  # 30
        ],
        "x__mention_counts": [
            {"brand": brand, "metric_date": dt.date(2026, 11, 3), "mention_count": count, "query": brand}
            for brand, count in MENTIONS_ON_3_NOV.items()
        ],
    }


@dataclass(frozen=True)
class Failure:
    """The shape pipelines.ingest_failures.record reads (assets.ingest.Failure)."""

    table: str
    reason: str
    account_id: str | None = None
    brand: str | None = None


def _night(day: int) -> dt.datetime:
    """The nightly run reading `day` November: 02:00 the next morning in Jakarta."""
    return dt.datetime(2026, 11, day, 19, 0, tzinfo=dt.UTC)


def record_failures(conn) -> None:
    """Three nights of Teh Tarik Co's expired Instagram token (its streams and the competitor profiles read
    through its account), a Kopi Nusantara Facebook failure that the next night resolved, and, on the last
    night, the RSS feeds and TikTok failing as a whole (every client's gap; TikTok's only of clients on it)."""
    from pipelines.ingest_failures import record

    teh = [
        Failure(f"instagram__{stream}", TOKEN_EXPIRED, TEH_IG, TEH)
        for stream in ("account_daily", "post_snapshots", "audience_demographics")
    ]
    competitors = [Failure("instagram__competitor_profiles", TOKEN_EXPIRED, TEH_IG, TEH)]
    kopi = [
        Failure(
            "facebook__post_snapshots", "HTTP 500 from graph.facebook.com (gave up after 6 attempts)", KOPI_FB, KOPI
        )
    ]
    loaded = {"facebook__post_snapshots": [KOPI_FB, TEH_FB, ROTI_FB], "instagram__account_daily": [KOPI_IG, ROTI_IG]}
    for night, day in enumerate((6, 7, 8), start=1):
        record(conn, "instagram", teh, loaded, run_id=f"night-{night}", now=_night(day))
        record(conn, "instagram_competitors", competitors, {}, run_id=f"night-{night}", now=_night(day))
        record(conn, "facebook", kopi if night == 1 else [], loaded, run_id=f"night-{night}", now=_night(day))
    feeds = [Failure("rss__mention_counts", "HTTP 503 from news.example.com/coffee/rss (gave up after 6 attempts)")]
    record(conn, "rss_mentions", feeds, {}, run_id="night-3", now=_night(8))
    tiktok = [Failure("tiktok__account_daily", "HTTP 503 from business-api.tiktok.com (gave up after 6 attempts)")]
    record(conn, "tiktok", tiktok, {}, run_id="night-3", now=_night(8))


def write_alerts(conn, *, with_client_brand: bool) -> None:
    """alerts.kpi_alerts as the alert store creates it, with (or without, as before the agency change) its
    client_brand column: an alert of Kopi's and of Teh's Instagram, a competitor alert of Kenangan Brew for Teh,
    and a failed run (every client's)."""
    from sensors import alert_store

    alert_store.ensure_schema(conn)
    conn.execute("delete from alerts.kpi_alerts")
    has_column = conn.execute(
        "select count(*) from information_schema.columns where table_schema = 'alerts' and table_name = "
        "'kpi_alerts' and column_name = 'client_brand'"
    ).fetchone()[0]
    if with_client_brand and not has_column:
        conn.execute("alter table alerts.kpi_alerts add column client_brand varchar")
    elif has_column and not with_client_brand:
        conn.execute(
            "create or replace table alerts.kpi_alerts as select * exclude (client_brand) from alerts.kpi_alerts"
        )
    rows = [
        ("a1", "engagement_rate_drop", "engagement_rate_by_reach", KOPI, KOPI, "instagram", "2026-11-04",
         "Engagement rate (by reach) for Kopi Nusantara on instagram fell 40%"),
        ("a2", "engagement_rate_drop", "engagement_rate_by_reach", TEH, TEH, "instagram", "2026-11-05",
         "Engagement rate (by reach) for Teh Tarik Co on instagram fell 35%"),
        ("a3", "competitor_mentions_rise", "mentions", KENANGAN, TEH, "all", "2026-11-03",
         "Mentions of Kenangan Brew rose 200% in Teh Tarik Co's set"),
        ("a4", "run_failure:nightly", "run_failure", "-", None, "all", "2026-11-06",
         "Run r-42 of socialpulse_nightly failed"),
    ]  # fmt: skip
    for alert_id, rule, kpi, brand, client, platform, day, message in rows:
        columns = "alert_id, rule_name, kpi, brand, platform, kpi_date, severity, first_seen_at, message"
        values = [alert_id, rule, kpi, brand, platform, day, "warning", _night(8), message]
        if with_client_brand:
            columns += ", client_brand"
            values.append(client)
        conn.execute(f"insert into alerts.kpi_alerts ({columns}) values ({', '.join('?' for _ in values)})", values)
    conn.execute("delete from alerts.evaluated_dates")
    for day in _days(PREVIOUS_START, WEEK_END):
        conn.execute("insert into alerts.evaluated_dates values (?, ?)", [day, _night(8)])
