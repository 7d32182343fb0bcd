"""Reports per client brand (examples/agency): each report holds the client's own accounts and its competitive set
only, with its goals, its alerts and its gaps; a shared competitor has the same numbers in both clients' reports
and is never counted twice. Real DuckDB, real dbt (`dbt run` on hand-written raw rows, agency_sample_data.py),
the real reports asset."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from assets.configuration import brands_frame, competitive_sets_frame, goals_frame
from assets.reports import marketing_reports
from pipelines.config.models import Account, Brand
from pipelines.errors import ConfigError
from pipelines.reports import data
from pipelines.reports.content import build_report
from pipelines.reports.periods import Period
from pipelines.reports.render import check_slugs, write_reports
from pipelines.resources import ConfigurationResource, ReportsResource, WarehouseResource
from tests.reports.agency_sample_data import (
    ALL_BRANDS,
    CHATIME,
    CLIENTS,
    HOLLAND,
    KENANGAN,
    KOPI,
    ROTI,
    SETS,
    TEH,
    TEH_IG,
    TOKEN_EXPIRED,
    WEEK_END,
    WEEK_START,
    agency_raw_rows,
    record_failures,
    write_alerts,
)
from tests.reports.conftest import range_tags
from tests.sample_warehouse import create_warehouse, run_dbt

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
AGENCY = REPO / "examples" / "agency"
WEEK = Period.containing("week", WEEK_START)
SLUGS = {KOPI: "kopi-nusantara", TEH: "teh-tarik-co", ROTI: "roti-senja-bakery"}
CONFIGURATION = ConfigurationResource(config_dir=str(AGENCY))
TIMEZONE = CONFIGURATION.settings().timezone


def configuration_rows() -> dict[str, list[dict]]:
    """examples/agency in the warehouse, built by the configuration asset's own frame builders."""
    brands, goals = CONFIGURATION.brands(), CONFIGURATION.goals()
    tables = {
        "socialpulse__brands": brands_frame(brands),
        "socialpulse__competitive_sets": competitive_sets_frame(brands),
        "socialpulse__goals": goals_frame(goals, brands),
    }
    return {name: [{**row, "_partition_date": WEEK_END} for row in frame.to_dicts()] for name, frame in tables.items()}


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    """The agency warehouse after `dbt run`, and the reports asset run over the week's days."""
    work = tmp_path_factory.mktemp("agency_reports")
    warehouse = create_warehouse(work / "warehouse.duckdb", {**agency_raw_rows(), **configuration_rows()})
    with duckdb.connect(str(warehouse)) as conn:
        record_failures(conn)
        write_alerts(conn, with_client_brand=True)
    run_dbt(warehouse, work, "run")
    folder = work / "reports"
    result = materialize(
        [marketing_reports],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "reports": ReportsResource(output_dir=str(folder)),
            "configuration": CONFIGURATION,
        },
        instance=DagsterInstance.ephemeral(),
        tags=range_tags(WEEK_START, WEEK_END),
    )
    assert result.success
    metadata = result.asset_materializations_for_node("reports__marketing_reports")[0].metadata
    return {"warehouse": warehouse, "folder": folder, "metadata": metadata, "work": work}


def reports_of(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {
            client: build_report(conn, client, WEEK, brands=CONFIGURATION.brands(), timezone=TIMEZONE)
            for client in CLIENTS
        }


@pytest.fixture(scope="module")
def reports(agency):
    return reports_of(agency["warehouse"])


def html_of(agency, client: str) -> str:
    return (agency["folder"] / SLUGS[client] / f"weekly-{WEEK.slug}.html").read_text()


def section(html: str, key: str) -> str:
    return html.split(f'<section id="{key}">')[1].split("</section>")[0]


def table_rows(report, key: str, caption: str) -> list[list[str]]:
    found = next(s for s in report.sections if s.key == key)
    table = dict(found.tables)[caption]
    return [[cell.text for cell in row] for row in table.rows]


def kpi(report, key: str):
    return next(k for k in report.kpis if k.key == key)


def test_each_report_is_written_per_client_and_the_index_lists_every_client(agency):
    folder = agency["folder"]
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(SLUGS.values())
    for slug in SLUGS.values():
        assert sorted(p.name for p in (folder / slug).iterdir()) == [
            f".weekly-{WEEK.slug}.inputs",  # the report's content hash (render.py), hidden
            f"weekly-{WEEK.slug}.html",
            f"weekly-{WEEK.slug}.pdf",
        ]
    index = (folder / "index.html").read_text()
    for client, slug in SLUGS.items():
        row = index.split(f'<tr data-client="{slug}">')[1].split("</tr>")[0]
        assert client in row and f'href="{slug}/weekly-{WEEK.slug}.html"' in row
    teh_row = index.split(f'<tr data-client="{SLUGS[TEH]}">')[1].split("</tr>")[0]
    kopi_row = index.split(f'<tr data-client="{SLUGS[KOPI]}">')[1].split("</tr>")[0]
    assert "Session has expired" in teh_row and "Session has expired" not in kopi_row


def test_each_report_holds_its_own_brands_and_competitive_set_only(agency, reports):
    for client in CLIENTS:
        report = reports[client]
        share = {row[0].removesuffix(" (you)") for row in table_rows(report, "share_of_voice", WEEK.label)}
        assert share == SETS[client], client  # every brand of the set (a silent one counts 0), no other
        bench = {row[0].removesuffix(" (you)") for row in table_rows(report, "competitors", "All platforms")}
        assert bench <= SETS[client] and bench, client
        chart = next(c for c in report.charts if c.key == "share_of_voice")
        assert set(chart.series) == SETS[client]
        html = html_of(agency, client)
        for other in ALL_BRANDS - SETS[client]:
            assert other not in html, (client, other)
    # Holland Roti only in Roti's report; Kenangan Brew in Kopi's and Teh's
    assert HOLLAND in html_of(agency, ROTI) and KENANGAN not in html_of(agency, ROTI)
    assert KENANGAN in html_of(agency, KOPI) and KENANGAN in html_of(agency, TEH)


def test_each_clients_headline_figures_equal_the_hand_computed_ones(reports):
    # Kopi: Instagram 7 x (reach 1000, engagements 50) + Facebook 7 x (500, 10) = 420 / 10,500 = 4.00 %;
    # the week before: 7 x (1000, 40) + 7 x (500, 10) = 350 / 10,500 = 3.33 % -> +0.67 pp, engagements +20.0 %
    kopi = reports[KOPI]
    assert kpi(kopi, "engagements").value == "420" and kpi(kopi, "engagements").change == "+20.0%"
    assert kpi(kopi, "reach").value == "10,500"
    assert kpi(kopi, "engagement_rate_by_reach").value == "4.00%"
    assert kpi(kopi, "engagement_rate_by_reach").change == "+0.7 pp"
    # Teh: Instagram 4 days x (800, 64) (token expired on the 6th) + Facebook 7 x (400, 12) = 340 / 6,000
    teh = reports[TEH]
    assert (kpi(teh, "engagements").value, kpi(teh, "reach").value) == ("340", "6,000")
    assert kpi(teh, "engagement_rate_by_reach").value == "5.67%"
    # Roti: Facebook 7 x (300, 9) + Instagram 7 x (200, 10) = 133 / 3,500 = 3.80 %
    roti = reports[ROTI]
    assert (kpi(roti, "engagements").value, kpi(roti, "reach").value) == ("133", "3,500")
    assert kpi(roti, "engagement_rate_by_reach").value == "3.80%"
    # mentions on 3 Nov within each set: Kopi 30 of 30 + 10 + 60; Teh 20 of 20 + 60 + 20; Roti 15 of 15 + 5
    assert kpi(kopi, "share_of_voice").value == "30.0% (rank 2)"
    assert kpi(teh, "share_of_voice").value == "20.0% (rank 2)"
    assert kpi(roti, "share_of_voice").value == "75.0% (rank 1)"
    # each client's own top post: public engagements / reach
    assert [row[0] for row in table_rows(kopi, "posts", "Top posts")] == ["post k1"]
    assert table_rows(kopi, "posts", "Top posts")[0][6] == "10.00%"
    assert [row[0] for row in table_rows(teh, "posts", "Top posts")] == ["post t1"]
    assert table_rows(teh, "posts", "Top posts")[0][6] == "5.00%"
    assert [row[0] for row in table_rows(roti, "posts", "Top posts")] == ["post r1"]
    assert table_rows(roti, "posts", "Top posts")[0][6] == "3.00%"


def test_a_shared_competitor_has_the_same_numbers_in_both_reports_and_is_not_doubled(agency, reports):
    mentions, benchmark = {}, {}
    for client in (KOPI, TEH):
        rows = {r[0]: r for r in table_rows(reports[client], "share_of_voice", WEEK.label)}
        mentions[client] = rows[KENANGAN][2:4]  # mentions, share
        rows = {r[0]: r for r in table_rows(reports[client], "competitors", "All platforms")}
        benchmark[client] = rows[KENANGAN][1:]  # followers, change, posts, public engagements, per post
    # Kenangan: 60 mentions, 60 % of Kopi's 100 and of Teh's 100; two posts of 130 + 60 public engagements,
    # 7,900 -> 8,000 followers
    assert mentions[KOPI] == mentions[TEH] == ["60", "60.0%"]
    assert benchmark[KOPI] == benchmark[TEH] == ["8,000", "+100", "2", "190", "95"]
    with duckdb.connect(str(agency["warehouse"]), read_only=True) as conn:
        for client, total in ((KOPI, 100), (TEH, 100), (ROTI, 20)):
            share = data.share_of_voice_period(conn, client, "week", WEEK_START).filter(basis="mentions")
            assert share["value"].sum() == total and share["share_pct"].sum() == pytest.approx(100)
            bench = data.competitor_benchmark(conn, client, WEEK_START, WEEK_END)
            assert bench.filter(brand=KENANGAN)["public_engagements"].sum() == (190 if client != ROTI else 0)
        # the mart holds Kenangan once per client whose set lists it, never twice within one
        (rows,) = conn.execute(
            "select count(*) from marts.fct_share_of_voice where brand = ? and period_grain = 'week' and "
            "period_start = ? and platform = 'all' and basis = 'mentions'",
            [KENANGAN, WEEK_START],
        ).fetchone()
        assert rows == 2


def test_the_expired_instagram_token_of_one_client_is_in_its_report_gaps_and_in_no_other(agency, reports):
    teh = section(html_of(agency, TEH), "gaps")
    assert "Not read: open ingest failures" in teh
    assert TOKEN_EXPIRED in teh  # the platform's words, as recorded (redacted at the source)
    assert "Instagram (@tehtarikco)" in teh
    assert "7 Nov 2026, 02:00 (Asia/Jakarta), 3 runs" in teh  # since the first failing night, three nights
    assert "account figures (reach, views, engagements, followers)" in teh
    assert "public profiles of the competitive set" in teh  # read through Teh's Instagram account
    assert "Fri 6 Nov – Sun 8 Nov" in teh  # the days its Instagram account has no figures
    for other in (KOPI, ROTI):
        html = html_of(agency, other)
        assert "Session has expired" not in html and "tehtarikco" not in html, other
        assert "graph.facebook.com (gave up" not in html  # Kopi's Facebook failure was resolved the next night
    # a whole source that failed (the RSS feeds) is every client's gap; a whole platform only of its clients
    for client in CLIENTS:
        gaps = reports[client].gaps
        assert any(g.table == "rss__mention_counts" and g.scope == "source" for g in gaps.failures), client
        tiktok = any(g.table == "tiktok__account_daily" for g in gaps.failures)
        assert tiktok == (client != ROTI), client  # Roti Senja Bakery has no TikTok account
    assert {g.table for g in reports[TEH].gaps.failures} == {
        "instagram__account_daily",
        "instagram__post_snapshots",
        "instagram__audience_demographics",
        "instagram__competitor_profiles",
        "rss__mention_counts",
        "tiktok__account_daily",
    }


def test_numbers_a_gap_touches_are_marked_and_a_missing_platform_is_a_dash(reports):
    teh = reports[TEH]
    assert kpi(teh, "engagements").gap == "⚠ incomplete: Instagram data for 4 of 7 days, TikTok no data"
    mark = next(s for s in teh.sections if s.key == "trends").gap
    assert mark.startswith("⚠") and "Instagram: data for 4 of 7 days; not read since 7 Nov 2026" in mark
    assert "TikTok: no data" in mark  # configured, never loaded here
    assert "RSS" in kpi(teh, "share_of_voice").gap  # the mention counts of the feeds are missing
    rows = {row[0]: row for row in table_rows(teh, "trends", f"{WEEK.label} per platform")}
    assert rows["Instagram"][1] == "256" and rows["Instagram"][-1].startswith("⚠ data for 4 of 7 days")
    assert rows["Facebook"][-1] == "complete"
    assert rows["TikTok"][1:-1] == ["–"] * 8 and rows["TikTok"][-1] == "⚠ no data"  # never a zero
    notes = " ".join(n.text for n in teh.coverage)
    assert "Instagram: data for 4 of 7 days (Mon 2 Nov 2026 – Thu 5 Nov 2026); none on Fri 6 Nov – Sun 8 Nov" in notes
    assert "not read since 7 Nov 2026, 02:00 (Asia/Jakarta), 3 runs" in notes
    competitors = next(s for s in teh.sections if s.key == "competitors").gap
    assert f"{CHATIME}: no public data" in competitors and "Instagram: public profiles" in competitors
    assert "Instagram" not in (kpi(reports[KOPI], "engagements").gap or "")  # Kopi's Instagram is complete
    # Teh's goal on Kenangan Brew's share is in its goals, not the target of Teh's own share
    assert kpi(teh, "share_of_voice").goal == "no goal set"


def test_each_report_has_its_clients_goals_and_alerts(reports):
    goals = {client: {row[0] for row in table_rows(reports[client], "goals", "Goals")} for client in CLIENTS}
    assert goals[KOPI] == {"Kopi Nusantara owns 40% of its set's mentions in Q4 2026"}
    assert goals[TEH] == {
        "Teh Tarik Co reaches an Instagram engagement rate by reach of 6%",
        "Take share of voice from Kenangan Brew in Teh Tarik Co's set",  # a goal on a competitor, Teh's
    }
    assert goals[ROTI] == {"Roti Senja Bakery posts 60 times by the end of the year"}
    alerts = {client: [row[3] for row in table_rows(reports[client], "alerts", "Alerts")] for client in CLIENTS}
    assert alerts[KOPI] == [
        "Engagement rate (by reach) for Kopi Nusantara on instagram fell 40%",
        "Run r-42 of socialpulse_nightly failed",
    ]
    assert alerts[TEH] == [
        "Mentions of Kenangan Brew rose 200% in Teh Tarik Co's set",  # a competitor's alert, by client_brand
        "Engagement rate (by reach) for Teh Tarik Co on instagram fell 35%",
        "Run r-42 of socialpulse_nightly failed",
    ]
    assert alerts[ROTI] == ["Run r-42 of socialpulse_nightly failed"]


def test_alerts_without_a_client_brand_column_fall_back_to_the_brand(agency, tmp_path):
    copy = tmp_path / "before.duckdb"
    shutil.copy(agency["warehouse"], copy)
    with duckdb.connect(str(copy)) as conn:
        write_alerts(conn, with_client_brand=False)
        assert not data.has_column(conn, data.ALERTS_TABLE, "client_brand")
        messages = {c: data.alerts_between(conn, WEEK_START, WEEK_END, c)["message"].to_list() for c in CLIENTS}
    assert messages[TEH] == [
        "Engagement rate (by reach) for Teh Tarik Co on instagram fell 35%",
        "Run r-42 of socialpulse_nightly failed",
    ]
    assert messages[ROTI] == ["Run r-42 of socialpulse_nightly failed"]


def test_the_asset_metadata_lists_every_client_and_its_gaps(agency):
    metadata = agency["metadata"]
    assert metadata["clients"].value == 3 and metadata["reports_rendered"].value == 3
    assert metadata["index"].value == str(agency["folder"] / "index.html")
    failures = {client: metadata[f"{SLUGS[client]}_open_ingest_failures"].value for client in CLIENTS}
    assert failures == {KOPI: 2, TEH: 6, ROTI: 1}  # RSS for all, TikTok for its clients, Teh's Instagram
    for client in CLIENTS:
        assert metadata[f"{SLUGS[client]}_latest_report"].value == str(
            agency["folder"] / SLUGS[client] / f"weekly-{WEEK.slug}.html"
        )
    parts = metadata["preview"].value.split("\n\n---\n\n")
    by_client = {client: next(p for p in parts if p.startswith(f"**{client} ·")) for client in CLIENTS}
    assert "**Data gaps**" in by_client[TEH] and "Session has expired" in by_client[TEH]
    assert "Instagram (@tehtarikco): data for 4 of 7 days, none on Fri 6 Nov – Sun 8 Nov" in by_client[TEH]
    assert (  # an expired token fails every stream of the account: one line
        "Instagram (@tehtarikco): account figures (reach, views, engagements, followers), audience demographics, "
        "posts and their metrics, public profiles of the competitive set not read since 7 Nov 2026, 02:00"
    ) in by_client[TEH]
    assert "Session has expired" not in by_client[KOPI] + by_client[ROTI]


def test_a_fourth_client_needs_only_configuration(agency, tmp_path):
    brands = CONFIGURATION.brands()
    fourth = Brand(
        name="Susu Segar",
        own=True,
        competitors=[HOLLAND],
        keywords=["Susu Segar"],
        accounts={"facebook": Account(id="104580001", handle="sususegar")},
    )
    brands = brands.model_copy(update={"brands": [*brands.brands, fourth]})
    folder = tmp_path / "reports"
    with duckdb.connect(str(agency["warehouse"]), read_only=True) as conn:
        rendered = write_reports(
            conn,
            [b.name for b in brands.own_brands],
            [WEEK],
            folder,
            brands_config=brands,
            timezone=TIMEZONE,
            with_pdf=False,
        )
    assert [r.report.brand for r in rendered] == [KOPI, TEH, ROTI, "Susu Segar"]
    html = (folder / "susu-segar" / f"weekly-{WEEK.slug}.html").read_text()
    # its data arrives with its first ingest run; until then its report says so instead of showing zeros
    assert re.search(r"Facebook: no data for this period \(Facebook \(@sususegar\)", section(html, "coverage"))
    assert 'data-client="susu-segar"' in (folder / "index.html").read_text()


def test_two_clients_whose_names_give_one_folder_are_refused():
    check_slugs([KOPI, TEH])
    with pytest.raises(ConfigError, match=r"'Kopi Nusantara' and 'kopi-nusantara' would share .*kopi-nusantara/"):
        check_slugs([KOPI, "kopi-nusantara"])


def test_the_gap_section_reads_in_chromium(agency, browser, screenshots):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto((agency["folder"] / SLUGS[TEH] / f"weekly-{WEEK.slug}.html").as_uri())
    page.locator("#gaps").screenshot(path=str(screenshots / "teh_weekly_gaps.png"))
    assert page.locator("#gaps table").count() == 2 and page.locator("#gaps").is_visible()
    assert "Session has expired" in page.locator("#gaps").inner_text()
    assert page.locator('[data-kpi="reach"] .gap').inner_text().startswith("⚠")
    page.goto((agency["folder"] / "index.html").as_uri())
    page.screenshot(path=str(screenshots / "agency_index.png"), full_page=True)
    assert page.locator("tr[data-client]").count() == 3
    page.close()


def test_the_marts_ui_summaries_show_each_client_within_its_own_set(agency):
    from assets import mart_metadata

    with duckdb.connect(str(agency["warehouse"]), read_only=True) as conn:
        share_numbers, share_preview = mart_metadata.share_of_voice_by_brand(conn)
        engagement_numbers, engagement_preview = mart_metadata.engagement_by_platform(conn)
        goal_numbers, _ = mart_metadata.goals_now(conn)
    shares = {c: share_numbers[f"{SLUGS[c]}/own_share_of_voice_mentions_pct"].value for c in CLIENTS}
    assert shares == {KOPI: 30.0, TEH: 20.0, ROTI: 75.0}
    parts = {c: share_preview.split(f"in {c}'s competitive set")[1].split("**Share of voice")[0] for c in CLIENTS}
    for client in CLIENTS:
        rows = [line for line in parts[client].splitlines()[4:] if line.strip()]
        shown = {line.split(" | ")[0].strip("| ").removesuffix(" (you)") for line in rows}
        assert shown == SETS[client], client
    # the week's engagements: every client's accounts, then each client's own (420 + 340 + 133)
    assert engagement_numbers["engagements_7d"].value == 893
    assert {c: engagement_numbers[f"{SLUGS[c]}/engagements_7d"].value for c in CLIENTS} == {
        KOPI: 420,
        TEH: 340,
        ROTI: 133,
    }
    teh = engagement_preview.split(f"**{TEH}**")[1].split(f"**{ROTI}**")[0]
    assert "⚠ Instagram `instagram__account_daily` not read since 2026-11-06 19:00 UTC (3 run(s))" in teh
    assert "not read" not in engagement_preview.split(f"**{TEH}**")[0]  # Kopi's part
    assert goal_numbers["goals"].value == 4  # every client's goals, counted once


def test_an_expired_token_on_the_simulator_is_in_that_clients_report_and_no_other(tmp_path):
    """The whole pipeline on the simulator with the agency's configuration, Teh Tarik Co's Instagram token
    expired for the whole week: the run ends (tagged partial), every client gets its report, Teh's says what is
    missing in the platform's words and marks its numbers, Kopi's and Roti's are complete and never mention it."""
    from pipelines.definitions import all_assets, pipeline_resources
    from pipelines.simulation import simulated_platform_api
    from pipelines.simulator import Simulator

    warehouse, folder = tmp_path / "warehouse.duckdb", tmp_path / "reports"
    brands, settings = CONFIGURATION.brands(), CONFIGURATION.settings()
    with Simulator(seed=7, today=WEEK_END + dt.timedelta(days=2), brands=brands, settings=settings) as sim:
        sim.faults.add("expired_token", path_contains=TEH_IG, times=0)
        api = simulated_platform_api(simulator_url=sim.url, config_dir=str(AGENCY))
        result = materialize(
            all_assets(),
            resources=pipeline_resources(str(warehouse), api, reports_folder=str(folder)),
            instance=DagsterInstance.ephemeral(),
            tags=range_tags(WEEK_START, WEEK_END),
        )
    assert result.success
    htmls = {client: (folder / SLUGS[client] / f"weekly-{WEEK.slug}.html").read_text() for client in CLIENTS}
    teh = section(htmls[TEH], "gaps")
    assert "Instagram (@tehtarikco)" in teh and "account figures (reach, views, engagements, followers)" in teh
    assert "expired" in teh.lower()  # the platform's words
    assert "Instagram: no data for this period" in section(htmls[TEH], "coverage")
    for client in (KOPI, ROTI):
        assert "tehtarikco" not in htmls[client] and "Instagram (@" not in section(htmls[client], "gaps"), client
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        kopi = data.account_coverage(conn, KOPI, WEEK_START, WEEK_END).filter(platform="instagram")
    assert kopi["days_with_figures"].to_list() == [7]  # the other clients' Instagram is read whole
