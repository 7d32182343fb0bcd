"""The simulator's truth for the marts, and a harness that runs the pipeline the way production does: an initial
history, then night after night at the moment the schedule runs (02:30 in the partition time zone), with the
simulator's clock moving with it.

Truth is read from the simulated world, never from the pipeline: `World.account_day` (an account's day on the
platform's reporting day), `World.followers`, `World.posts` and `Post.metrics(at)` (a post's lifetime totals at
an instant, so the engagement a post received between two nights is metrics(night 2) - metrics(night 1)).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from dagster import DagsterInstance, materialize

from pipelines.config import load_brands, load_settings
from pipelines.contracts.platforms import PLATFORMS, REPORTING_DAYS
from pipelines.definitions import all_assets, pipeline_resources
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator
from pipelines.simulator.world import World

PARTITION_TZ = ZoneInfo(load_settings().timezone)
SCHEDULE_TIME = dt.time(2, 30)  # nightly_schedule
OWN = load_brands().own_brand

# Relative tolerance per (kpi, platform); everything not listed must be exact (1e-9). Each exception is a
# documented limit of a platform's API, not of the pipeline:
# - LinkedIn and Instagram give new followers per day but no unfollows: a day's follower count is walked back
#   from today's total, so it is high by the unfollows since (about 1 % over 60 days), and a day's change is
#   its new followers (high by exactly that day's unfollows: checked separately, `NO_UNFOLLOWS`).
# - YouTube's public subscriberCount is rounded to three significant figures; the walk-back starts from it.
FOLLOWER_TOLERANCE = {"linkedin": 0.02, "instagram": 0.02, "youtube": 0.005}
NO_UNFOLLOWS = ("linkedin", "instagram")
# The public terms a post's snapshot reads live. YouTube's shares come from YouTube Analytics, which serves a
# video's numbers days late (its lag in pipelines/contracts/platforms.py), so a night's share increase belongs to an
# earlier day: YouTube's received engagement is compared on likes and comments, the Data API's live counts.
LIVE_PUBLIC_TERMS = {"youtube": ("reactions", "comments")}
PUBLIC_TERMS = ("reactions", "comments", "shares")


def run_moment(day: dt.date) -> dt.datetime:
    """When the nightly schedule loads partition `day`: 02:30 on the next day, partition time zone, as UTC."""
    return dt.datetime.combine(day + dt.timedelta(days=1), SCHEDULE_TIME, PARTITION_TZ).astimezone(dt.UTC)


def range_tags(start: dt.date, end: dt.date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": start.isoformat(),
        "dagster/asset_partition_range_end": end.isoformat(),
    }


@dataclass
class NightlyPipeline:
    """A warehouse, a simulator whose clock moves, and `run(start, end, at)` = one Dagster run of everything."""

    warehouse: Path
    simulator: Simulator
    runs: list[tuple[dt.date, dt.date, dt.datetime, bool]] = field(default_factory=list)

    def run(self, start: dt.date, end: dt.date, at: dt.datetime):
        self.simulator.set_clock(at)
        api = simulated_platform_api(simulator_url=self.simulator.url, now=at.isoformat())
        result = materialize(
            all_assets(),
            resources=pipeline_resources(str(self.warehouse), api),
            instance=DagsterInstance.ephemeral(),
            tags=range_tags(start, end),
            raise_on_error=False,
        )
        self.runs.append((start, end, at, result.success))
        return result

    def night(self, day: dt.date):
        """The schedule's run of partition `day`, at its moment."""
        return self.run(day, day, run_moment(day))

    def row_counts(self) -> dict[str, int]:
        with duckdb.connect(str(self.warehouse), read_only=True) as conn:
            tables = conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
            return {t: conn.execute(f"select count(*) from marts.{t}").fetchone()[0] for (t,) in tables}

    def mart_contents(self) -> dict[str, list]:
        """Every mart's rows as sorted text (floats to 9 significant digits), to compare two states."""
        out = {}
        with duckdb.connect(str(self.warehouse), read_only=True) as conn:
            for table in self.row_counts():
                rows = conn.execute(f"select * from marts.{table}").fetchall()
                out[table] = sorted(repr(tuple(_rounded(v) for v in row)) for row in rows)
        return out


def _rounded(value):
    return float(f"{value:.9g}") if isinstance(value, float) else value


def world_at(simulator: Simulator, at: dt.datetime) -> World:
    """The simulator's world as it was observable at `at` (same seed, same planted drop)."""
    base = simulator.world
    return World(
        seed=base.seed,
        today=at.astimezone(PARTITION_TZ).date(),
        brands=base.brands,
        settings=base.settings,
        days=base.days,
        now=at,
        drop_anchor=base.drop_anchor,
    )


def platform_day_of(platform: str, moment: dt.datetime) -> dt.date:
    zone = REPORTING_DAYS[platform].timezone
    return moment.astimezone(ZoneInfo(zone) if zone else PARTITION_TZ).date()


@dataclass
class Comparison:
    """Errors of one KPI on one platform: how many values were compared and the largest relative error."""

    compared: int = 0
    max_relative_error: float = 0.0
    worst: tuple | None = None

    def add(self, got: float, truth: float, where: object) -> None:
        error = abs(got - truth) / max(abs(truth), 1.0)
        self.compared += 1
        if error > self.max_relative_error or self.worst is None:
            self.max_relative_error = max(error, self.max_relative_error)
            if error >= self.max_relative_error:
                self.worst = (where, got, truth)


def account_day_truth(world: World, platform: str, day: dt.date) -> dict[str, float | None]:
    """What fct_account_daily must hold for the own account on `day` (the platform's reporting day)."""
    account = OWN.accounts[platform].id
    truth = world.account_day(platform, account, day)
    followers = world.followers(platform, account, day)
    previous = world.followers(platform, account, day - dt.timedelta(days=1))
    if platform == "x":  # no account metrics in X's API: only the follower count read nightly
        return {"followers": followers, "net_follower_change": followers - previous}
    values = {
        "followers": followers,
        "net_follower_change": followers - previous,
        "views": truth.views,
        "reach": None if platform == "youtube" else truth.reach,
        "engagements": truth.engagements,
    }
    values["engagement_rate_by_reach"] = (
        100.0 * truth.engagements / truth.reach if values["reach"] else None
    )  # fmt: skip
    return values


def posts_published_truth(world: World, platform: str, day: dt.date) -> int:
    account = OWN.accounts[platform].id
    candidates = world.posts(platform, account, day - dt.timedelta(days=2), day + dt.timedelta(days=2))
    return sum(1 for p in candidates if platform_day_of(platform, p.published_at) == day)


def compare_account_daily(conn, world: World) -> dict[tuple[str, str], Comparison]:
    """fct_account_daily against the truth, per (kpi, platform)."""
    columns = ("followers", "net_follower_change", "views", "reach", "engagements", "engagement_rate_by_reach")
    rows = conn.execute(
        f"select platform, metric_date, posts_published, {', '.join(columns)} from marts.fct_account_daily"
        " where brand = ? order by 1, 2",
        [OWN.name],
    ).fetchall()
    out: dict[tuple[str, str], Comparison] = defaultdict(Comparison)
    for platform, day, posts, *values in rows:
        out["posts_published", platform].add(posts, posts_published_truth(world, platform, day), day)
        if day < world.start + dt.timedelta(days=2):
            continue
        truth = account_day_truth(world, platform, day)
        for column, got in zip(columns, values, strict=True):
            if got is None:
                continue
            expected = truth.get(column)
            assert expected is not None, f"{platform} {day}: {column} = {got} where the platform gives none"
            out[column, platform].add(got, expected, day)
    return out


def compare_post_increases(conn, simulator: Simulator) -> dict[tuple[str, str], Comparison]:
    """fct_post_metrics_daily's single-day increases against the posts' lifetime totals at the two nights (since
    publishing for a post first seen on its publish day)."""
    rows = conn.execute(
        "select platform, post_id, metric_date, previous_snapshot_date, views, reactions, comments, shares"
        " from marts.fct_post_metrics_daily where is_single_day_increase and brand = ? order by metric_date",
        [OWN.name],
    ).fetchall()
    worlds: dict[dt.date, World] = {}
    out: dict[tuple[str, str], Comparison] = defaultdict(Comparison)
    for platform, post_id, day, previous_day, views, *public_values in rows:
        world = worlds.setdefault(day, world_at(simulator, run_moment(day)))
        post = world.post(platform, post_id)
        assert post is not None, f"{platform} post {post_id} is not in the simulated world"
        after = post.metrics(run_moment(day))
        before = post.metrics(run_moment(previous_day)) if previous_day else dict.fromkeys(after, 0)
        received = {k: after[k] - before[k] for k in after}
        terms = LIVE_PUBLIC_TERMS.get(platform, PUBLIC_TERMS)
        shown = sum(v or 0 for term, v in zip(PUBLIC_TERMS, public_values, strict=True) if term in terms)
        out["public_engagements_received", platform].add(shown, sum(received[t] for t in terms), (post_id, day))
        if views is not None:
            out["views_received", platform].add(views, received["views"], (post_id, day))
    return out


def compare_kpis(conn, world: World) -> dict[tuple[str, str], Comparison]:
    """fct_kpi_daily's own-brand KPIs per platform against the truth."""
    kpis = ("engagement_rate_by_reach", "engagements", "reach", "views", "followers", "net_follower_change")
    rows = conn.execute(
        f"select kpi, platform, metric_date, value from marts.fct_kpi_daily where brand = ? and platform <> 'all'"
        f" and kpi in ({', '.join(repr(k) for k in (*kpis, 'posts_published'))}) order by 1, 2, 3",
        [OWN.name],
    ).fetchall()
    out: dict[tuple[str, str], Comparison] = defaultdict(Comparison)
    for kpi, platform, day, value in rows:
        if kpi == "posts_published":
            out["kpi:" + kpi, platform].add(value, posts_published_truth(world, platform, day), day)
            continue
        if day < world.start + dt.timedelta(days=2):
            continue
        expected = account_day_truth(world, platform, day).get(kpi)
        assert expected is not None, f"fct_kpi_daily {kpi} {platform} {day} = {value} where the truth has none"
        out["kpi:" + kpi, platform].add(value, expected, day)
    return out


def tolerance(kpi: str, platform: str) -> float | None:
    """The largest relative error allowed; None = checked another way (the change of a platform without
    unfollows, `unfollow_gaps`)."""
    kpi = kpi.removeprefix("kpi:")
    if kpi == "followers":
        return FOLLOWER_TOLERANCE.get(platform, 1e-9)
    if kpi == "net_follower_change" and platform in NO_UNFOLLOWS:
        return None
    return 1e-9


def unfollow_gaps(conn, world: World) -> list[tuple[str, dt.date, int, int]]:
    """Days where a platform without unfollow data shows a change other than truth + that day's unfollows (its
    new followers): (platform, day, shown, expected). Empty when the only error is the unfollows."""
    wrong = []
    for platform in NO_UNFOLLOWS:
        account = OWN.accounts[platform].id
        rows = conn.execute(
            "select metric_date, net_follower_change from marts.fct_account_daily"
            " where platform = ? and brand = ? and net_follower_change is not null",
            [platform, OWN.name],
        ).fetchall()
        for day, shown in rows:
            truth = world.account_day(platform, account, day)
            if shown != truth.followers_gained:
                wrong.append((platform, day, shown, truth.followers_gained))
    return wrong


def error_table(comparisons: Iterable[dict[tuple[str, str], Comparison]]) -> list[tuple[str, str, int, float]]:
    merged: dict[tuple[str, str], Comparison] = {}
    for part in comparisons:
        merged.update(part)
    return [(kpi, platform, c.compared, c.max_relative_error) for (kpi, platform), c in sorted(merged.items())]


def format_error_table(table: list[tuple[str, str, int, float]]) -> str:
    lines = [f"{'kpi':<36} {'platform':<10} {'values':>7} {'max rel. error':>15}"]
    lines += [f"{kpi:<36} {platform:<10} {n:>7} {error:>15.6f}" for kpi, platform, n, error in table]
    return "\n".join(lines)


__all__ = ["PLATFORMS", "NightlyPipeline", "run_moment", "world_at"]
