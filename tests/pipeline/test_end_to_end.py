"""The whole pipeline in-process: simulator on 127.0.0.1 -> real clients -> DuckDB -> real dbt -> marts."""

import datetime as dt

import duckdb
import pytest
import requests
from dagster import DagsterInstance, materialize

from assets.ingest import PARTIAL_RUN_TAG
from pipelines.analytics.utm import normalize_campaign, platform_of_source
from pipelines.config import load_settings
from pipelines.definitions import all_assets, pipeline_resources
from pipelines.partitions import DateWindow
from pipelines.platforms.x import REPLIES_MAX_AGE
from pipelines.settings import PLATFORMS
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator
from pipelines.simulator.web_analytics import web_analytics
from sensors.evaluation import evaluate_rules
from sensors.rules import load_alert_rules

TODAY = dt.date(2026, 11, 21)
# The window holds the simulator's planted KPI drop (seed 7, today 2026-11-21: Kopi Nusantara's Instagram
# engagement about -40 % on 2026-09-22..2026-09-28) and the 28 days before it, to compare against.
START, END = dt.date(2026, 8, 25), dt.date(2026, 11, 20)
DROP_START, DROP_END = dt.date(2026, 9, 22), dt.date(2026, 9, 28)
BASELINE_START, BASELINE_END = DROP_START - dt.timedelta(days=28), DROP_START - dt.timedelta(days=1)


def range_tags(start: dt.date, end: dt.date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": start.isoformat(),
        "dagster/asset_partition_range_end": end.isoformat(),
    }


RANGE_TAGS = range_tags(START, END)

pytestmark = pytest.mark.slow


def run_pipeline(warehouse_file, sim, **api_settings):
    api = simulated_platform_api(simulator_url=sim.url, **api_settings)
    return materialize(
        all_assets(),
        resources=pipeline_resources(str(warehouse_file), api),
        instance=DagsterInstance.ephemeral(),
        tags=RANGE_TAGS,
    )


def normalised(value):
    """Floats to 9 significant digits: DuckDB's parallel sums may differ in the last bits between runs."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list | tuple):
        return type(value)(normalised(v) for v in value)
    return value


def contents(path, schemas=("raw", "marts")):
    """Every table's rows (without load timestamps and run ids), to compare two warehouses."""
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in "
            f"({', '.join(repr(s) for s in schemas)}) and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        out = {}
        for schema, table in tables:
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "and column_name not in ('_loaded_at', '_run_id') order by ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'select {select} from "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(repr(normalised(row)) for row in rows)
        return out


@pytest.fixture(scope="module")
def simulator():
    with Simulator(seed=7, today=TODAY) as sim:
        yield sim


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory, simulator):
    path = tmp_path_factory.mktemp("e2e") / "socialpulse.duckdb"
    result = run_pipeline(path, simulator)
    assert result.success
    return path


def test_every_platform_lands_in_raw_and_the_marts(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        platforms = {p for (p,) in conn.execute("select distinct platform from marts.fct_account_daily").fetchall()}
        assert platforms == set(PLATFORMS)
        for platform in PLATFORMS:
            (posts,) = conn.execute(f"select count(*) from raw.{platform}__post_snapshots").fetchone()
            assert posts > 0, platform
        (days,) = conn.execute(
            "select count(distinct metric_date) from marts.fct_account_daily where platform = 'facebook'"
        ).fetchone()
        assert days >= (END - START).days + 1


def test_the_planted_drop_is_in_the_simulator_where_the_window_expects_it(simulator):
    assert simulator.world.planted_kpi_drop() == ("instagram", "Kopi Nusantara", DROP_START, DROP_END)


def _week_against_the_28_days_before(conn, sql):
    """(drop week, 28 days before) of a query over [?, ?] run for both periods."""
    week = conn.execute(sql, [DROP_START, DROP_END]).fetchone()
    before = conn.execute(sql, [BASELINE_START, BASELINE_END]).fetchone()
    return week, before


def test_the_planted_engagement_drop_shows_in_fct_account_daily(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        week, before = _week_against_the_28_days_before(
            conn,
            "select count(*), sum(engagements) / count(*), sum(engagements) / sum(reach) * 100"
            " from marts.fct_account_daily where platform = 'instagram' and brand = 'Kopi Nusantara'"
            " and metric_date between ? and ?",
        )
    assert (week[0], before[0]) == (7, 28)  # every day of both periods is there
    engagements_change = week[1] / before[1] - 1
    rate_change = week[2] / before[2] - 1
    assert -0.65 < engagements_change < -0.25, (week, before)
    assert -0.60 < rate_change < -0.20, (week, before)


def test_the_planted_engagement_drop_shows_in_fct_kpi_daily(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        kpi_sql = (
            "select count(*), sum(numerator) / count(*), sum(numerator) / sum(denominator) * 100, sum(sample_size)"
            " from marts.fct_kpi_daily where kpi = '{kpi}' and platform = 'instagram' and brand = 'Kopi Nusantara'"
            " and metric_date between ? and ?"
        )
        engagements = _week_against_the_28_days_before(conn, kpi_sql.format(kpi="engagements"))
        rate = _week_against_the_28_days_before(conn, kpi_sql.format(kpi="engagement_rate_by_reach"))
        (account_rate,) = conn.execute(
            "select sum(engagements) / sum(reach) * 100 from marts.fct_account_daily"
            " where platform = 'instagram' and metric_date between ? and ?",
            [DROP_START, DROP_END],
        ).fetchone()
    (week, before) = engagements
    assert (week[0], before[0]) == (7, 28)
    assert -0.65 < week[1] / before[1] - 1 < -0.25, engagements
    (week_rate, before_rate) = rate
    assert -0.60 < week_rate[2] / before_rate[2] - 1 < -0.20, rate
    assert week_rate[2] == pytest.approx(account_rate)  # the period rate from numerators and denominators
    assert week_rate[3] is not None and before_rate[3] > 0  # rates carry their sample: posts published


def test_the_planted_crisis_raises_exactly_one_alert(built_warehouse, simulator):
    """A burst of negative mentions of the own brand (simulator: 2026-11-17..18, UTC days): the default rules
    raise one negative_mention_spike alert, on its first days, and no other brand or day gets one."""
    brand, first, last = simulator.world.planted_crisis()
    health = requests.get(f"{simulator.url}/_simulator/health", timeout=10).json()
    assert health["planted_crisis"] == [brand, first.isoformat(), last.isoformat()]
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        frame = conn.execute("select * from marts.fct_kpi_daily").pl()
        (during,) = conn.execute(
            "select sum(negative_mentions) / sum(mentions_analysed) from marts.fct_mention_sentiment"
            " where brand = ? and platform = 'all' and metric_date between ? and ?",
            [brand, first, last],
        ).fetchone()
        (before,) = conn.execute(
            "select sum(negative_mentions) / sum(mentions_analysed) from marts.fct_mention_sentiment"
            " where brand = ? and platform = 'all' and metric_date between ? and ?",
            [brand, first - dt.timedelta(days=14), first - dt.timedelta(days=1)],
        ).fetchone()
    assert during > 3 * before  # the burst is in the mart: ~66 % of the crisis days' mentions are negative
    spikes = [a for a in evaluate_rules(frame, load_alert_rules().active_rules) if a.kpi == "negative_mention_spike"]
    assert [(a.rule_name, a.brand, a.platform) for a in spikes] == [("negative_mention_spike", brand, "all")]
    assert first <= spikes[0].kpi_date <= last + dt.timedelta(days=1)  # UTC crisis days, local partition days
    assert spikes[0].severity == "critical" and spikes[0].change_pct >= 100


def test_comments_equal_what_the_simulator_served(built_warehouse, simulator):
    """Every comment and reply the simulated Facebook, Instagram, LinkedIn, YouTube and X show on the own posts of
    the post window (X: the posts younger than 7 days, all recent search reaches) is in fct_comments once, deleted
    ones are not, and each top-level comment is answered exactly when the brand replied in its thread."""
    world = simulator.world
    zone = world.tz
    first = DateWindow(START, END).widened(load_settings().post_lookback_days).start  # the posts re-read
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select platform, comment_id, parent_comment_id, is_brand_author, is_answered, has_clock_skew"
            " from marts.fct_comments"
        ).fetchall()
        (weekly,) = conn.execute(
            "select sum(comments) from marts.fct_responsiveness where platform <> 'all'"
        ).fetchone()
    marts = {(platform, cid): rest for platform, cid, *rest in rows}
    served, deleted = {}, set()
    for platform in ("facebook", "instagram", "linkedin", "x", "youtube"):
        account = world.own_brand.accounts[platform]
        for post in world.posts(platform, account.id, first - dt.timedelta(days=1), END + dt.timedelta(days=1)):
            if not first <= post.published_at.astimezone(zone).date() <= END:
                continue
            if platform == "x" and world.now - post.published_at >= REPLIES_MAX_AGE:
                continue
            shown = world.comments(platform, post.post_id)
            for comment in shown:
                served[platform, comment.comment_id] = comment
            ever = world.all_comments(platform, post.post_id)
            deleted |= {(platform, c.comment_id) for c in ever} - {(platform, c.comment_id) for c in shown}
    assert set(marts) == set(served) and len(served) > 300
    assert sum(p == "x" for p, _ in served) > 30
    assert deleted and not deleted & set(marts)
    for key, comment in served.items():
        parent, is_brand, is_answered, _ = marts[key]
        assert (parent, is_brand) == (comment.parent_id, comment.is_brand), key
        if comment.parent_id is None:
            brand_replied = any(
                c.parent_id == comment.comment_id and c.is_brand for (p, _), c in served.items() if p == key[0]
            )
            assert is_answered == brand_replied, key
    assert any(skew for *_, skew in marts.values())  # the simulated clock skew reached the mart
    assert weekly == sum(not c.is_brand for c in served.values())


def test_social_traffic_equals_what_the_simulated_site_recorded(built_warehouse, simulator):
    """GA4 sessions, key events and revenue per platform, campaign and day equal the simulated site's; the posts
    whose links carry a campaign alone get its sessions; shortened links are counted, never matched."""
    world = simulator.world
    days = [END - dt.timedelta(days=n) for n in (0, 3, 10, 30)]
    truth: dict[tuple, list[float]] = {}
    for day in days:
        for row in web_analytics(world).rows(day):
            platform = platform_of_source(row.source)
            if platform is None:
                continue
            totals = truth.setdefault((platform, normalize_campaign(row.campaign), day), [0, 0, 0.0])
            totals[0] += row.sessions
            totals[1] += row.key_events
            totals[2] += row.purchase_revenue
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        got = {
            (platform, campaign, day): [sessions, key_events, pytest.approx(revenue)]
            for platform, campaign, day, sessions, key_events, revenue in conn.execute(
                "select platform, campaign, metric_date, sessions, key_events, purchase_revenue"
                " from marts.fct_social_traffic where campaign <> 'all' and metric_date in (?, ?, ?, ?)",
                days,
            ).fetchall()
        }
        links = conn.execute(
            "select post_id, platform, link_kind, match_status, sessions, campaign from marts.fct_post_traffic"
        ).fetchall()
    assert got == truth and len(truth) > 20
    posts = {p.post_id: p for platform in ("facebook", "x", "linkedin", "youtube")
             for p in world.posts(platform, world.own_brand.accounts[platform].id)}  # fmt: skip
    assert links and all(post_id in posts for post_id, *_ in links)
    # shortened links (the simulator's bit.ly ones, and the t.co links X puts in the text of link posts) are
    # counted, never matched
    shortened = {post_id for post_id, _, kind, *_ in links if kind == "shortened"}
    planted = {post_id for post_id, *_ in links if posts[post_id].link_shape == "shortened"}
    assert planted and planted <= shortened
    assert all(status == "shortened" for _, _, kind, status, *_ in links if kind == "shortened")
    matched = [(post_id, sessions) for post_id, _, _, status, sessions, _ in links if status == "matched"]
    assert len(matched) > 20
    ga4_first = START - dt.timedelta(days=2)  # GA4 is read with the account look-back (settings.yaml: 3 days)
    for post_id, sessions in matched:
        by_day = web_analytics(world).post_sessions(posts[post_id])
        expected = sum(n for day, n in by_day.items() if ga4_first <= day <= END)
        assert sessions == expected, post_id


def test_editorial_adherence_equals_the_plan_matched_with_the_simulated_posts(built_warehouse, simulator):
    """The shipped plan against the posts the simulator published: the weekly counts of the mart equal the matching
    rules applied to the simulated world's posts (weeks well inside the loaded window)."""
    from zoneinfo import ZoneInfo

    from pipelines.config import load_brands
    from pipelines.editorial.matching import Published, Slot, match_plan
    from pipelines.editorial.plan import load_editorial_plan

    world, zone = simulator.world, ZoneInfo("Asia/Jakarta")
    plan = load_editorial_plan(load_brands())
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        coverage = dict(
            conn.execute(
                "select platform, min(published_date) from intermediate.int_own_posts_latest group by platform"
            ).fetchall()
        )
        mart = {
            (platform, week): counts
            for platform, week, *counts in conn.execute(
                "select platform, week_start, planned_posts, on_time_posts, late_posts, missing_posts, off_plan_posts"
                " from marts.fct_editorial_adherence where platform <> 'all'"
            ).fetchall()
        }
    weeks = [dt.date(2026, 9, 7) + dt.timedelta(weeks=n) for n in range(8)]  # Mondays inside the window
    for platform, first in coverage.items():
        account = world.own_brand.accounts[platform].id
        posts = [
            Published(p.post_id, world.own_brand.name, platform, p.content_type, p.published_at.astimezone(zone).date())
            for p in world.posts(platform, account)
        ]
        posts = [p for p in posts if first <= p.published_date <= END]
        slots = [
            Slot(f"{line.line}:{day}", line.brand, platform, line.content_type, day, line.tolerance_days, END)
            for line in plan.posts
            if line.platform == platform
            for day in (first + dt.timedelta(days=n) for n in range((END - first).days + 1))
            if day.isoweekday() == line.iso_weekday
        ]
        by_slot = {s.slot_id: s for s in slots}
        post_days = {p.post_id: p.published_date for p in posts}
        matches = match_plan(slots, posts)
        for week in weeks:
            in_week = lambda day, week=week: week <= day < week + dt.timedelta(days=7)  # noqa: E731
            planned = [m for m in matches if m.slot_id and in_week(by_slot[m.slot_id].planned_date)]
            expected = [
                len(planned),
                sum(m.status == "on_time" for m in planned),
                sum(m.status == "late" for m in planned),
                sum(m.status == "missing" for m in planned),
                sum(m.status == "off_plan" and in_week(post_days[m.post_id]) for m in matches),
            ]
            assert mart.get((platform, week)) == expected, (platform, week)
    assert sum(mart[("tiktok", w)][1] + mart[("tiktok", w)][2] for w in weeks) > 0.8 * sum(
        mart[("tiktok", w)][0] for w in weeks
    )


def test_shares_of_voice_add_up_to_100_and_the_gaining_competitor_gains(built_warehouse, simulator):
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        groups = conn.execute(
            "select period_grain, period_start, platform, basis, sum(share_pct), count(share_pct)"
            " from marts.fct_share_of_voice group by all"
        ).fetchall()
        monthly = conn.execute(
            "select platform, brand, period_start, share_pct from marts.fct_share_of_voice"
            " where period_grain = 'month' and basis = 'mentions' and platform in ('all', 'x')"
            " and period_start in ('2026-09-01', '2026-10-01')"
        ).fetchall()
    assert {(grain, basis) for grain, _, _, basis, _, _ in groups} >= {("day", "mentions"), ("month", "engagement")}
    off = [group for group in groups if group[5] and group[4] != pytest.approx(100.0)]
    assert off == []
    shares = {(platform, brand, str(month)): share for platform, brand, month, share in monthly}
    gaining = simulator.world.gaining_competitor()
    for platform in ("all", "x"):
        gains = {
            brand: shares[platform, brand, "2026-10-01"] - shares[platform, brand, "2026-09-01"]
            for (p, brand, month) in shares
            if p == platform and month == "2026-09-01"
        }
        assert max(gains, key=gains.get) == gaining, (platform, gains)
        assert gains[gaining] > 2.0, (platform, gains)


def test_rerunning_the_same_partitions_gives_the_same_warehouse(built_warehouse, simulator, tmp_path):
    before = contents(built_warehouse)
    assert run_pipeline(built_warehouse, simulator).success
    after = contents(built_warehouse)
    assert before.keys() == after.keys()
    changed = {
        table: sorted(set(before[table]) ^ set(after[table]))[:4] for table in before if before[table] != after[table]
    }
    assert changed == {}


def test_a_canary_token_never_reaches_logs_events_or_the_warehouse(tmp_path, capfd):
    canary = "CANARY-e2e-9c41b7"
    tokens = {key: canary for key in Simulator.DEFAULT_TOKENS}
    with Simulator(seed=7, today=TODAY, tokens=tokens) as sim:
        sim.faults.add("status", status=500, path_contains="/published_posts", times=100)
        sim.faults.add("expired_token", path_contains="/insights", times=100)
        api = simulated_platform_api(
            simulator_url=sim.url,
            facebook_page_access_token=canary,
            instagram_access_token=canary,
            x_bearer_token=canary,
            x_user_access_token=canary,
            linkedin_access_token=canary,
            youtube_api_key=canary,
            youtube_oauth_token=canary,
            tiktok_business_access_token=canary,
            tiktok_research_access_token=canary,
            google_analytics_access_token=canary,
        )
        instance = DagsterInstance.ephemeral()
        path = tmp_path / "w.duckdb"
        result = materialize(
            all_assets(),
            resources=pipeline_resources(str(path), api),
            instance=instance,
            tags=range_tags(END - dt.timedelta(days=13), END),  # a short window: the faults are the point
            raise_on_error=False,
        )
    # failures are isolated: the run ends partial (the marts build from what is there), the failures recorded
    assert result.success
    assert instance.get_run_by_id(result.run_id).tags[PARTIAL_RUN_TAG] == "partial"
    with duckdb.connect(str(path), read_only=True) as conn:
        reasons = [
            r for (r,) in conn.execute("select reason from ops.ingest_failures where resolved_at is null").fetchall()
        ]
    assert any("HTTP 500" in r for r in reasons) and any("190" in r or "expired" in r.lower() for r in reasons)
    records = instance.get_records_for_run(result.run_id).records
    event_text = "\n".join(str(r.event_log_entry) for r in records)
    assert canary not in event_text
    captured = capfd.readouterr()
    assert canary not in captured.out and canary not in captured.err
    with duckdb.connect(str(path), read_only=True) as conn:
        for schema, table in conn.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
        ).fetchall():
            dump = str(conn.execute(f'select * from "{schema}"."{table}"').fetchall())
            assert canary not in dump, f"{schema}.{table}"
