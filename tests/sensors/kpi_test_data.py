"""Synthetic `marts.fct_kpi_daily` rows for the alert tests: seeded noise, optionally a planted drop.

The own brand "Kopi Nusantara" posts on six platforms; its engagement rate by reach wanders ~8% around a
per-platform level. `drop=("instagram", first_day_index, days, factor)` multiplies that platform's engagement
rate by `factor` on those days: the planted incident the default rules must find.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import polars as pl

OWN = "Kopi Nusantara"
COMPETITOR = "Java Roast Co"
START = dt.date(2025, 10, 1)
PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
ER_LEVEL = {"facebook": 2.0, "instagram": 4.0, "x": 1.2, "linkedin": 3.0, "youtube": 5.0, "tiktok": 7.0}
COLUMNS = [
    "kpi",
    "client_brand",
    "brand",
    "is_own_brand",
    "platform",
    "metric_date",
    "value",
    "numerator",
    "denominator",
    "sample_size",
]


def make_kpi_rows(
    days: int = 400,
    *,
    seed: int = 11,
    noise: float = 0.08,
    drop: tuple[str, int, int, float] | None = None,
    start: dt.date = START,
) -> pl.DataFrame:
    rnd = random.Random(seed)
    rows: list[tuple] = []

    def add(kpi, brand, platform, day, value, sample=None, numerator=None, denominator=None):
        rows.append(
            (
                kpi,
                OWN,  # one client: every row is in its view
                brand,
                brand == OWN,
                platform,
                day,
                value,
                value if numerator is None else numerator,
                denominator,
                sample,
            )
        )

    for index in range(days):
        day = start + dt.timedelta(days=index)
        for brand in (OWN, COMPETITOR):
            for platform in PLATFORMS:
                posts = rnd.randint(5, 12)
                reach = 10_000 * (1 + rnd.gauss(0, 0.1))
                rate = ER_LEVEL[platform] * (1 + rnd.gauss(0, noise))
                if drop and brand == OWN and platform == drop[0] and drop[1] <= index < drop[1] + drop[2]:
                    rate *= drop[3]
                engagements = reach * rate / 100
                # like the mart: rates carry no sample_size; the rule counts posts_published instead
                add("engagement_rate_by_reach", brand, platform, day, rate, None, engagements, reach)
                add("engagements", brand, platform, day, engagements * (1 + rnd.gauss(0, 0.05)), posts)
                add("views", brand, platform, day, reach * 1.6 * (1 + rnd.gauss(0, 0.1)), posts)
                add("net_follower_change", brand, platform, day, round(30 + rnd.gauss(0, 15)))
                add("posts_published", brand, platform, day, float(posts))
            mentions = max(0, round(60 + rnd.gauss(0, 8))) if brand == OWN else max(0, round(180 + rnd.gauss(0, 15)))
            add("mentions", brand, "all", day, float(mentions), mentions)
        own_mentions = next(r[6] for r in reversed(rows) if r[0] == "mentions" and r[2] == OWN)
        comp_mentions = next(r[6] for r in reversed(rows) if r[0] == "mentions" and r[2] == COMPETITOR)
        total = own_mentions + comp_mentions
        add("share_of_voice_mentions", OWN, "all", day, own_mentions / total * 100, int(total), own_mentions, total)
        add("goal_pace", OWN, "instagram", day, 100 + rnd.gauss(0, 4))
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


MART_DDL = """
create schema if not exists marts;
create or replace table marts.fct_kpi_daily (
    kpi varchar, client_brand varchar, brand varchar, is_own_brand boolean, platform varchar, metric_date date,
    value double, numerator double, denominator double, sample_size bigint
);
"""


def write_mart(path: Path, frame: pl.DataFrame, *, replace: bool = True) -> None:
    """Write rows into marts.fct_kpi_daily of the DuckDB file at `path` (replacing the table by default)."""
    with duckdb.connect(str(path)) as conn:
        if replace:
            conn.execute(MART_DDL)
        conn.register("incoming", frame.to_arrow())
        conn.execute(f"insert into marts.fct_kpi_daily select {', '.join(COLUMNS)} from incoming")
        conn.unregister("incoming")


def replace_dates(path: Path, frame: pl.DataFrame, first: dt.date, last: dt.date) -> None:
    """A backfill: delete the mart's rows in [first, last] and insert the frame's rows of those dates."""
    window = frame.filter(pl.col("metric_date").is_between(first, last))
    with duckdb.connect(str(path)) as conn:
        conn.execute("delete from marts.fct_kpi_daily where metric_date between ? and ?", [first, last])
        conn.register("incoming", window.to_arrow())
        conn.execute(f"insert into marts.fct_kpi_daily select {', '.join(COLUMNS)} from incoming")
        conn.unregister("incoming")


# examples/agency/brands.yaml: client brand -> its competitors (Kenangan Brew is in two sets)
AGENCY_SETS: dict[str, tuple[str, ...]] = {
    "Kopi Nusantara": ("Java Roast Co", "Kenangan Brew"),
    "Teh Tarik Co": ("Kenangan Brew", "Chatime Lokal"),
    "Roti Senja Bakery": ("Holland Roti",),
}
AGENCY_PLATFORMS = ("instagram", "tiktok")


def make_agency_rows(
    days: int = 120,
    *,
    seed: int = 7,
    noise: float = 0.05,
    drops: dict[str, tuple[str, int, int, float]] | None = None,
    start: dt.date = START,
) -> pl.DataFrame:
    """An agency's fct_kpi_daily: engagement rate by reach per brand and platform in each client's view. A brand's
    numbers are its own (seeded by brand and platform), so a competitor in two sets has the same rows in both
    views, as in the mart. `drops`: brand -> (platform, first day index, days, factor), as `make_kpi_rows`."""
    rows: list[tuple] = []
    for client, competitors in AGENCY_SETS.items():
        for brand in (client, *competitors):
            for platform in AGENCY_PLATFORMS:
                rnd = random.Random(f"{seed}:{brand}:{platform}")
                drop = (drops or {}).get(brand)
                for index in range(days):
                    day = start + dt.timedelta(days=index)
                    reach = 10_000 * (1 + rnd.gauss(0, 0.1))
                    rate = ER_LEVEL[platform] * (1 + rnd.gauss(0, noise))
                    if drop and platform == drop[0] and drop[1] <= index < drop[1] + drop[2]:
                        rate *= drop[3]
                    engagements = reach * rate / 100
                    rows.append(
                        (
                            "engagement_rate_by_reach",
                            client,
                            brand,
                            brand == client,
                            platform,
                            day,
                            rate,
                            engagements,
                            reach,
                            None,
                        )
                    )
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")
