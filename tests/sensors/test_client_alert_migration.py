"""A store written by a single-brand release (alerts.kpi_alerts without client_brand, evaluated_inputs keyed by
kpi, platform and day) is migrated in place on the first evaluation, and nothing it holds is raised or sent again:
own-brand ids are unchanged, competitor ids move to their client's view with their deliveries, and the remembered
fingerprints still match, so no day is evaluated again."""

from __future__ import annotations

import datetime as dt
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from kpi_test_data import COLUMNS, COMPETITOR, OWN, START, make_kpi_rows, write_mart

from pipelines.errors import WarehouseError
from sensors.evaluation import alert_id, evaluate_rules
from sensors.rules import parse_alert_rules
from sensors.service import evaluate_and_deliver

ER = {
    "kpi": "engagement_rate_by_reach",
    "comparison": {"type": "trailing_baseline", "window_days": 28},
    "threshold": {"change_pct": 30, "robust_deviations": 3},
}
CONFIG = parse_alert_rules(
    {
        "channels": {"hook": {"type": "webhook", "url_env": "MIGRATION_TEST_HOOK", "token_env": None}},
        "rules": [
            {**ER, "name": "er_drop", "brands": "own"},
            {**ER, "name": "competitor_er_drop", "brands": "competitors", "channels": ["log", "hook"]},
        ],
    }
)
EARLIER = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)

# The tables as the single-brand releases created them (sensors/alert_store.py before issue 12).
OLD_DDL = """
create schema alerts;
create table alerts.kpi_alerts (
    alert_id varchar primary key, rule_name varchar not null, kpi varchar not null, brand varchar not null,
    platform varchar not null, kpi_date date not null, value double, baseline double, change_pct double,
    robust_deviations double, sample_size bigint, severity varchar not null, first_seen_at timestamptz not null,
    message varchar not null
);
create table alerts.deliveries (
    alert_id varchar not null, channel varchar not null, status varchar not null, attempts integer not null default 0,
    last_attempt_at timestamptz, last_error varchar, delivered_at timestamptz, next_attempt_at timestamptz,
    primary key (alert_id, channel)
);
create table alerts.evaluated_dates (kpi_date date primary key, evaluated_at timestamptz not null);
create table alerts.evaluated_inputs (
    kpi varchar not null, platform varchar not null, metric_date date not null, fingerprint varchar not null,
    evaluated_at timestamptz not null, primary key (kpi, platform, metric_date)
);
"""
# The old fingerprint: every brand's rows of a (kpi, platform, day), as the single-brand releases computed it.
OLD_FINGERPRINTS = """
insert into alerts.evaluated_inputs
select kpi, platform, metric_date, md5(string_agg(
    concat_ws('|', brand, coalesce(round(value, 6)::varchar, '-'), coalesce(round(numerator, 6)::varchar, '-'),
        coalesce(round(denominator, 6)::varchar, '-'), coalesce(sample_size::varchar, '-')),
    ';' order by brand)), ?
from marts.fct_kpi_daily where kpi = 'engagement_rate_by_reach'
group by kpi, platform, metric_date
"""


def old_id(rule: str, brand: str, platform: str, day: dt.date) -> str:
    """The single-brand releases' alert id: sha256 of rule|brand|platform|date, first 24 hex digits."""
    return hashlib.sha256(f"{rule}|{brand}|{platform}|{day.isoformat()}".encode()).hexdigest()[:24]


@pytest.fixture
def frame() -> pl.DataFrame:
    """One client: its own Instagram engagement rate and its competitor's halve on days 100..104."""
    rows = make_kpi_rows(140, seed=11, drop=("instagram", 100, 5, 0.5))
    halved = (
        (pl.col("brand") == COMPETITOR)
        & (pl.col("kpi") == "engagement_rate_by_reach")
        & (pl.col("platform") == "instagram")
        & pl.col("metric_date").is_between(START + dt.timedelta(days=100), START + dt.timedelta(days=104))
    )
    return rows.with_columns(
        *[pl.when(halved).then(pl.col(c) * 0.5).otherwise(pl.col(c)).alias(c) for c in ("value", "numerator")]
    ).select(COLUMNS)


def write_old_store(path: Path, frame: pl.DataFrame) -> list[tuple]:
    """What a single-brand release stored after evaluating every date: its alerts (old ids), a delivered log
    row each, a failed webhook delivery of each competitor alert waiting for its retry, a run failure."""
    alerts = evaluate_rules(frame, CONFIG.rules)
    with duckdb.connect(str(path)) as conn:
        conn.execute(OLD_DDL)
        for a in alerts:
            old = old_id(a.rule_name, a.brand, a.platform, a.kpi_date)
            conn.execute(
                "insert into alerts.kpi_alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [old, a.rule_name, a.kpi, a.brand, a.platform, a.kpi_date, a.value, a.baseline, a.change_pct]
                + [a.robust_deviations, a.sample_size, a.severity, EARLIER, a.message],
            )
            conn.execute(
                "insert into alerts.deliveries values (?, 'log', 'delivered', 1, ?, null, ?, null)",
                [old, EARLIER, EARLIER],
            )
            if a.brand == COMPETITOR:
                conn.execute(
                    "insert into alerts.deliveries values (?, 'hook', 'failed', 1, ?, 'HTTP 503', null, ?)",
                    [old, EARLIER, NOW + timedelta(hours=1)],
                )
        conn.execute(
            "insert into alerts.kpi_alerts values ('run_failure:abc', 'run_failure:nightly_job', 'run_failure', '-', "
            "'all', '2026-11-01', null, null, null, null, null, 'critical', ?, 'Run abc failed')",
            [EARLIER],
        )
        conn.execute(
            "insert into alerts.evaluated_dates select distinct metric_date, ? from marts.fct_kpi_daily", [EARLIER]
        )
        conn.execute(OLD_FINGERPRINTS, [EARLIER])
    return alerts


def test_an_old_store_is_migrated_and_nothing_is_raised_or_sent_again(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, frame)
    alerts = write_old_store(path, frame)
    own = [a for a in alerts if a.brand == OWN]
    competitor = [a for a in alerts if a.brand == COMPETITOR]
    assert len(own) >= 3 and len(competitor) >= 3  # both drops fired
    with duckdb.connect(str(path)) as conn:
        (inputs_before,) = conn.execute("select count(*) from alerts.evaluated_inputs").fetchone()

        result = evaluate_and_deliver(conn, CONFIG, {}, now=NOW)

        assert result.dates_evaluated == [] and result.alerts_raised == []  # the fingerprints still match
        stored = conn.execute("select alert_id, brand, client_brand, first_seen_at from alerts.kpi_alerts").fetchall()
        deliveries = conn.execute("select alert_id, channel, status from alerts.deliveries").fetchall()
        inputs = conn.execute("select distinct client_brand, count(*) over () from alerts.evaluated_inputs").fetchall()
        again = evaluate_and_deliver(conn, CONFIG, {}, sorted(set(frame["metric_date"])), now=NOW)
        (alert_count,) = conn.execute("select count(*) from alerts.kpi_alerts").fetchone()
    ids = {alert_id: (brand, client) for alert_id, brand, client, _ in stored}
    for a in own:  # unchanged id, client = the brand itself
        assert ids[old_id(a.rule_name, a.brand, a.platform, a.kpi_date)] == (OWN, OWN)
    for a in competitor:  # the id of its view in the only client's set; the old id is gone
        assert old_id(a.rule_name, a.brand, a.platform, a.kpi_date) not in ids
        assert ids[alert_id(a.rule_name, a.brand, a.platform, a.kpi_date, OWN)] == (COMPETITOR, OWN)
    assert ids["run_failure:abc"] == ("-", None)  # a pipeline alert has no client
    assert all(seen == EARLIER for *_, seen in stored)
    # the deliveries followed the ids: each alert still has its log row, each competitor alert its pending retry
    assert {alert_id for alert_id, _, _ in deliveries} <= set(ids)
    assert sorted(status for _, channel, status in deliveries if channel == "hook") == ["failed"] * len(competitor)
    assert len(deliveries) == len(alerts) + len(competitor)
    assert inputs == [(OWN, inputs_before)]  # every old fingerprint kept, in the one client's view
    # evaluating every date again finds the same firings and raises none of them
    assert again.alerts_found == len(alerts) and again.alerts_raised == []
    assert alert_count == len(alerts) + 1


def test_a_mart_of_a_single_brand_release_must_be_rebuilt_first(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, frame)
    write_old_store(path, frame)
    with duckdb.connect(str(path)) as conn:
        conn.execute("alter table marts.fct_kpi_daily drop column client_brand")
        with pytest.raises(WarehouseError, match="no client_brand column.*Rebuild the marts"):
            evaluate_and_deliver(conn, CONFIG, {}, now=NOW)
        # the store was migrated all the same, from the old mart's own brand
        clients = conn.execute("select distinct client_brand from alerts.kpi_alerts order by 1").fetchall()
        (kept,) = conn.execute("select count(*) from alerts.evaluated_inputs where client_brand = ?", [OWN]).fetchone()
    assert clients == [(OWN,), (None,)] and kept > 0
