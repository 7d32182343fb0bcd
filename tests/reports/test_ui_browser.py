"""The Dagster UI as a marketer uses it: dagster-webserver on the built warehouse, headless Chromium."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(built_pipeline, tmp_path_factory):
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(built_pipeline.dagster_home),
        "SOCIALPULSE_WAREHOUSE": str(built_pipeline.warehouse),
        "SOCIALPULSE_REPORTS_DIR": str(built_pipeline.reports),
    }
    log = (tmp_path_factory.mktemp("webserver") / "webserver.log").open("w")
    executable = str(Path(sys.executable).parent / "dagster-webserver")
    command = [executable, "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/server_info", timeout=2):
                break
        except OSError:
            assert process.poll() is None, "dagster-webserver exited; see its log"
            time.sleep(1)
    else:
        pytest.fail("dagster-webserver did not answer within 180 s")
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def dismiss_welcome_dialog(page) -> None:
    """A fresh Dagster home greets a first visitor with a newsletter dialog over the page: skip it."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=5_000)
    except Exception:  # noqa: BLE001 - no dialog this time
        return
    skip.click()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def test_the_fct_account_daily_page_shows_its_headline_numbers_and_preview(
    webserver, page, built_pipeline, screenshots
):
    with duckdb.connect(str(built_pipeline.warehouse), read_only=True) as conn:
        (engagements,) = conn.execute(
            "select sum(engagements) from marts.fct_account_daily"
            " where metric_date > (select max(metric_date) - 7 from marts.fct_account_daily)"
        ).fetchone()
        (rows,) = conn.execute("select count(*) from marts.fct_account_daily").fetchone()
    page.goto(webserver + "/assets/marts/fct_account_daily")
    page.wait_for_selector("text=Engagement by platform", timeout=120_000)
    page.screenshot(path=str(screenshots / "ui_fct_account_daily_top.png"))
    preview = page.get_by_text("Engagement by platform")
    preview.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "ui_fct_account_daily_metadata.png"))
    text = page.inner_text("body")
    for key in ("engagements_7d", "reach_7d", "engagement_rate_by_reach_7d_pct", "followers_latest"):
        assert key in text
    assert str(int(engagements)) in text  # the numeric metadata value
    assert f"{int(engagements):,}" in text  # and the same number, formatted, in the preview table
    assert "Row count" in text and f"{rows:,}" in text
    for platform in ("Instagram", "Facebook", "LinkedIn", "TikTok", "YouTube", "all platforms"):
        assert platform in text
    assert "Raw SQL" not in text  # the description leads with the marketer text, not a SQL dump


def test_searching_alert_finds_the_raised_alerts(webserver, page, built_pipeline, screenshots):
    page.goto(webserver + "/runs")
    dismiss_welcome_dialog(page)
    page.get_by_text("Search", exact=True).click()
    page.keyboard.type("alert")
    result = page.get_by_role("link").filter(has_text="kpi_alerts").filter(has_text="Asset").first
    result.wait_for(timeout=60_000)
    assert "kpi_alert_sensor" in page.inner_text("body")
    page.screenshot(path=str(screenshots / "ui_search_alert.png"))
    result.click()
    page.wait_for_url("**/assets/alerts/kpi_alerts**", timeout=60_000)
    page.wait_for_selector("text=alerts_in_window", timeout=60_000)
    with duckdb.connect(str(built_pipeline.warehouse), read_only=True) as conn:
        (raised,) = conn.execute("select count(*) from alerts.kpi_alerts").fetchone()
    assert raised > 0
    page.get_by_text("alerts_in_window").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "ui_alerts_asset.png"))
    dismiss_welcome_dialog(page)
    page.get_by_text("[Show Markdown]").first.click()  # the alert list is long: the UI opens it in a dialog
    page.wait_for_selector("text=Alerts on", timeout=30_000)
    page.wait_for_timeout(800)  # let the dialog finish fading in
    page.screenshot(path=str(screenshots / "ui_alerts_list.png"))
    text = page.inner_text("body")
    assert f"{raised} alert" in text or str(raised) in text
    assert "Engagement rate (by reach) for Kopi Nusantara on instagram fell" in text
    assert "no_warning_alerts_in_window" in text or "Checks" in text
