"""The agency example as a user runs it: `SOCIALPULSE_CONFIG_DIR=examples/agency socialpulse run --days 14` on the
simulator. Three client brands come out as own brands, every mart is per client, share of voice is computed
within each client's own competitive set (a shared competitor in two sets), and reports are per client."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.config import load_brands

from .cli_helpers import cli_environment, socialpulse

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
AGENCY = REPO / "examples" / "agency"
CLIENTS = {"Kopi Nusantara", "Teh Tarik Co", "Roti Senja Bakery"}


@pytest.fixture(scope="module")
def agency_run(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("agency_cli")
    env, _, warehouse = cli_environment(folder)
    env.update({"SOCIALPULSE_CONFIG_DIR": str(AGENCY), "SOCIALPULSE_REPORTS_DIR": str(folder / "reports")})
    env.pop("SOCIALPULSE_ALERT_RULES", None)
    completed = socialpulse("run", "--days", "14", env=env, timeout=1500)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed, warehouse, folder / "reports"


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_three_client_brands_are_own_brands_with_their_sets(agency_run) -> None:
    _, warehouse, _ = agency_run
    own = query(warehouse, "select brand, client_brands from marts.dim_brands where is_own_brand order by 1")
    assert {brand for brand, _ in own} == CLIENTS
    assert all(clients == [brand] for brand, clients in own)  # a client belongs to its own set only
    (kenangan,) = query(warehouse, "select client_brands from marts.dim_brands where brand = 'Kenangan Brew'")
    assert sorted(kenangan[0]) == ["Kopi Nusantara", "Teh Tarik Co"]


def test_share_of_voice_is_computed_within_each_clients_set(agency_run) -> None:
    _, warehouse, _ = agency_run
    brands = load_brands(AGENCY / "brands.yaml")
    expected = {client: {b.name for b in members} for client, members in brands.competitive_sets().items()}
    got = {
        client: set(members)
        for client, members in query(
            warehouse, "select client_brand, list(distinct brand) from marts.fct_share_of_voice group by 1"
        )
    }
    assert got == expected
    # within each client's set the shares of a period add up to 100 %
    sums = query(
        warehouse,
        "select client_brand, period_grain, period_start, platform, basis, sum(share_pct) "
        "from marts.fct_share_of_voice where set_total > 0 group by all",
    )
    assert sums and all(abs(total - 100.0) < 1e-6 for *_, total in sums)
    # a shared competitor has the same mentions in both sets, and a share that depends on the set
    rows = query(
        warehouse,
        "select client_brand, sum(value), sum(set_total) from marts.fct_share_of_voice where brand = 'Kenangan Brew' "
        "and basis = 'mentions' and period_grain = 'day' and platform = 'all' group by 1 order by 1",
    )
    (kopi_value, kopi_total), (teh_value, teh_total) = [(v, t) for _, v, t in rows]
    assert kopi_value == teh_value and kopi_value > 0
    assert kopi_total != teh_total  # the two sets hold other brands


def test_every_mart_is_per_client(agency_run) -> None:
    _, warehouse, _ = agency_run
    marts = query(
        warehouse,
        "select table_name from information_schema.columns where table_schema = 'marts' and column_name = "
        "'client_brand' and table_name in (select table_name from information_schema.tables where "
        "table_schema = 'marts' and table_type = 'BASE TABLE')",
    )
    all_marts = query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'BASE TABLE'",
    )
    per_client = {t for (t,) in marts}
    # dimensions describe a brand or account once (dim_brands lists the clients whose sets a brand is in)
    assert per_client >= {t for (t,) in all_marts if not t.startswith("dim_")}
    for table in ("fct_kpi_daily", "fct_account_daily", "fct_brand_daily", "fct_goal_progress"):
        clients = {c for (c,) in query(warehouse, f"select distinct client_brand from marts.{table}")}
        assert clients == CLIENTS, table
    # a client's own account rows belong to that client only
    leaked = query(
        warehouse,
        "select count(*) from marts.fct_account_daily a join marts.dim_brands b using (brand) "
        "where b.is_own_brand and a.client_brand <> a.brand",
    )
    assert leaked == [(0,)]


def test_every_clients_conversations_and_website_traffic_are_read(agency_run) -> None:
    _, warehouse, _ = agency_run
    brands = load_brands(AGENCY / "brands.yaml")
    comment_platforms = {"facebook", "instagram", "youtube", "linkedin", "x"}  # the platforms with comments
    expected = {(b.name, p) for b in brands.own_brands for p in b.accounts if p in comment_platforms}
    got = set(query(warehouse, "select distinct client_brand, platform from marts.fct_comments"))
    assert got == expected and len({client for client, _ in got}) == 3
    # a comment belongs to its own client's posts: the brand of the post is the client
    assert query(warehouse, "select count(*) from marts.fct_comments where brand <> client_brand") == [(0,)]
    # each client's GA4 property brings its own sessions
    with_property = {b.name for b in brands.own_brands if b.ga4_property_id}
    assert len(with_property) == 3
    sessions = dict(query(warehouse, "select client_brand, sum(sessions) from marts.fct_social_traffic group by 1"))
    assert set(sessions) == with_property and all(total > 0 for total in sessions.values())
    assert len(set(sessions.values())) == 3  # three websites, three different traffics


def test_alerts_belong_to_a_client_and_watch_its_set(agency_run) -> None:
    _, warehouse, _ = agency_run
    sets = {
        client: {b.name for b in members}
        for client, members in load_brands(AGENCY / "brands.yaml").competitive_sets().items()
    }
    rows = query(warehouse, "select client_brand, brand, rule_name from alerts.kpi_alerts")
    for client, brand, rule in rows:
        assert client in CLIENTS, (client, rule)
        assert brand in sets[client], (client, brand, rule)


def test_reports_are_written_per_client(agency_run) -> None:
    completed, _, reports = agency_run
    folders = {p.name for p in reports.iterdir() if p.is_dir()}
    assert folders >= {"kopi-nusantara", "teh-tarik-co", "roti-senja-bakery"}
    html = sorted((reports / "roti-senja-bakery").glob("*.html"))
    assert html
    text = html[-1].read_text(encoding="utf-8")
    assert "Roti Senja Bakery" in text and "Holland Roti" in text
    assert "Java Roast Co" not in text and "Kopi Nusantara" not in text  # another client's set never shows
    assert "=== socialpulse summary ===" in completed.stdout


def test_the_run_loads_the_last_14_days(agency_run) -> None:
    completed, warehouse, _ = agency_run
    from pipelines.cli import default_window

    start, end = default_window(14)
    assert (end - start).days == 13
    assert f"partitions {start}..{end}" in completed.stdout
    (days,) = query(
        warehouse, "select count(distinct metric_date) from marts.fct_account_daily where platform = 'facebook'"
    )
    assert days[0] >= 13  # Facebook serves a day once it ended in Pacific time: the newest may still be open
