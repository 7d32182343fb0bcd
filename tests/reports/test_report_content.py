"""The reports rendered by the pipeline run: files, charts, the planted drop, alerts and coverage notes."""

import datetime as dt
import io
import re

import duckdb
import pytest
from dagster import AssetSelection, DagsterInstance, materialize
from PIL import Image

from pipelines.config import load_brands, load_settings
from pipelines.definitions import all_assets, pipeline_resources
from pipelines.reports.content import build_report
from pipelines.reports.periods import Period
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator
from tests.reports.conftest import DROP_END, DROP_START, TODAY, range_tags

pytestmark = pytest.mark.slow
SEPTEMBER = Period.containing("month", dt.date(2026, 9, 1))
EXPECTED_CHARTS = {"engagement_rate", "engagements", "share_of_voice", "benchmark", "best_time", "content_types"}


def monthly_html(built, period=SEPTEMBER):
    return built.reports / "kopi-nusantara" / f"monthly-{period.slug}.html"


def test_the_run_renders_the_weeks_and_months_ending_in_its_window(built_pipeline):
    # window 2026-08-11 .. 2026-09-30: the newest week ending in it and the newest two months, HTML and PDF
    names = sorted(p.name for p in (built_pipeline.reports / "kopi-nusantara").iterdir() if p.name[0] != ".")
    assert names == [
        "monthly-2026-08.html",
        "monthly-2026-08.pdf",
        "monthly-2026-09.html",
        "monthly-2026-09.pdf",
        "weekly-2026-W39.html",
        "weekly-2026-W39.pdf",
    ]
    hidden = sorted(p.name for p in (built_pipeline.reports / "kopi-nusantara").glob(".*"))
    assert hidden == [".monthly-2026-08.inputs", ".monthly-2026-09.inputs", ".weekly-2026-W39.inputs"]
    pdf = (built_pipeline.reports / "kopi-nusantara" / "monthly-2026-09.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") >= len(EXPECTED_CHARTS)


def test_the_report_is_self_contained(built_pipeline):
    html = monthly_html(built_pipeline).read_text()
    assert "<script" not in html and "http://" not in html.split("<body>")[0]
    assert 'src="http' not in html and "<link" not in html  # no CDN, no external image or style
    assert html.count('src="data:image/png;base64,') == html.count("<img")


def test_the_reports_asset_metadata_has_the_paths_and_a_preview(built_pipeline):
    with DagsterInstance.from_config(str(built_pipeline.dagster_home)) as instance:
        from dagster import AssetKey

        event = instance.get_latest_materialization_event(AssetKey(["reports", "marketing_reports"]))
    metadata = event.asset_materialization.metadata
    assert metadata["reports_rendered"].value == 3
    assert metadata["latest_monthly_report"].value == str(monthly_html(built_pipeline))
    preview = metadata["preview"].value
    assert "Engagement rate by reach" in preview and "September 2026" in preview


def test_the_monthly_report_of_the_drop_shows_it_in_its_chart_and_its_alerts(built_pipeline):
    with duckdb.connect(str(built_pipeline.warehouse), read_only=True) as conn:
        report = build_report(
            conn, "Kopi Nusantara", SEPTEMBER, brands=load_brands(), timezone=load_settings().timezone
        )
    chart = next(c for c in report.charts if c.key == "engagement_rate")
    instagram = dict(chart.series["instagram"])
    drop = [v for d, v in instagram.items() if DROP_START <= d <= DROP_END]
    before = [v for d, v in instagram.items() if DROP_START - dt.timedelta(days=21) <= d < DROP_START]
    assert len(drop) == 7 and len(before) == 21
    assert sum(drop) / len(drop) < 0.75 * sum(before) / len(before)  # the line the chart draws falls ~40 %
    assert any(mark.startswith(f"Instagram alert on {DROP_START}") for mark in chart.marks)
    html = monthly_html(built_pipeline).read_text()
    alerts_section = html.split('<section id="alerts">')[1].split("</section>")[0]
    assert "Engagement rate (by reach) for Kopi Nusantara on instagram fell" in alerts_section
    assert "Tue 08 Sep" in alerts_section


@pytest.fixture(scope="module")
def report_page(browser, built_pipeline, screenshots):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(monthly_html(built_pipeline).as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshots / "monthly_report_top.png"))
    page.screenshot(path=str(screenshots / "monthly_report_full.png"), full_page=True)
    yield page
    page.close()


def test_every_chart_of_the_monthly_report_renders_in_chromium(report_page):
    figures = report_page.locator("figure.chart")
    keys = set(figures.evaluate_all("els => els.map(e => e.dataset.chart)"))
    assert keys >= EXPECTED_CHARTS
    for index in range(figures.count()):
        figure = figures.nth(index)
        assert int(figure.get_attribute("data-points")) > 0
        size = figure.locator("img").evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert size[0] and size[1] > 300 and size[2] > 100, (figure.get_attribute("data-chart"), size)
        png = figure.locator("img").screenshot()
        colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20  # drawn lines and bars, not a blank box


def test_the_monthly_report_reads_in_a_marketers_order_with_numbers_for_people(report_page):
    text = report_page.inner_text("body")
    order = [
        "Headline KPIs",
        "Trends per platform",
        "Top and bottom posts",
        "Share of voice by brand",
        "Competitor benchmark",
        "Best time to post",
        "Content types and hashtags",
        "Goal progress",
        "Alerts",
        "Data coverage",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    reach = report_page.locator('[data-kpi="reach"] .value').inner_text()
    assert "," in reach and reach.replace(",", "").isdigit()  # 83,502 style, not 83502
    assert "%" in report_page.locator('[data-kpi="engagement_rate_by_reach"] .value').inner_text()
    assert "Asia/Jakarta" in text
    links = report_page.locator("#posts a").evaluate_all("els => els.map(e => e.href)")
    assert links and all(link.startswith("https://") for link in links)


def test_a_month_with_a_missing_platform_says_so_in_its_coverage_notes(tmp_path):
    # A deployment without TikTok: every asset but TikTok's ingest, over the last ten days of September.
    warehouse, reports = tmp_path / "w.duckdb", tmp_path / "reports"
    selection = AssetSelection.all() - AssetSelection.groups("tiktok")
    with Simulator(seed=7, today=TODAY) as sim:
        api = simulated_platform_api(simulator_url=sim.url)
        result = materialize(
            all_assets(),
            selection=selection,
            resources=pipeline_resources(str(warehouse), api, reports_folder=str(reports)),
            instance=DagsterInstance.ephemeral(),
            tags=range_tags(dt.date(2026, 9, 21), dt.date(2026, 9, 30)),
        )
    assert result.success
    html = (reports / "kopi-nusantara" / "monthly-2026-09.html").read_text()
    coverage = html.split('<section id="coverage">')[1]
    assert "TikTok: no data for this period" in coverage
    assert re.search(r"Instagram: data for \d+ of 30 days", coverage)  # a partial month is said, too
    assert "Facebook: no data for this period" not in coverage


def test_the_report_shows_responsiveness_and_the_comments_waiting_for_a_reply(built_pipeline):
    with duckdb.connect(str(built_pipeline.warehouse), read_only=True) as conn:
        report = build_report(
            conn, "Kopi Nusantara", SEPTEMBER, brands=load_brands(), timezone=load_settings().timezone
        )
        (needing, answered) = conn.execute(
            "select count(*) filter (where needs_reply), count(*) filter (where needs_reply and is_answered)"
            " from marts.fct_comments where brand = 'Kopi Nusantara' and created_date between ? and ?",
            [SEPTEMBER.start, SEPTEMBER.end],
        ).fetchone()
    section = next(s for s in report.sections if s.key == "responsiveness")
    (_, per_platform), *_ = section.tables
    total = per_platform.rows[-1]
    assert total[0].text == "All platforms" and total[2].text == f"{needing:,}"
    assert total[3].text == f"{100 * answered / needing:.0f} %"
    html = monthly_html(built_pipeline).read_text()
    assert '<section id="responsiveness">' in html and "Median reply" in html
