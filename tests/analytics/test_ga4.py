"""The GA4 client against the simulator over real HTTP: the documented request and answer, pagination by
offset until rowCount, the numbers the simulated site recorded, quota and auth errors."""

import datetime as dt
import logging

import pytest
import requests

from pipelines.analytics.ga4 import GoogleAnalytics
from pipelines.config import load_brands, load_settings
from pipelines.http import ApiAuthError, ApiPermissionError, ApiRateLimitError
from pipelines.platforms.base import ClientContext
from pipelines.simulator import Simulator
from pipelines.simulator.web_analytics import web_analytics

TODAY = dt.date(2026, 11, 21)
TOKEN = Simulator.DEFAULT_TOKENS["google_analytics"]


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=7, today=TODAY) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def _clear_faults(sim):
    sim.faults.clear()
    yield
    sim.faults.clear()


def source(sim, token=TOKEN, brands=None, **settings):
    base = load_settings()
    context = ClientContext(
        settings=base.model_copy(update=settings) if settings else base,
        base_urls={"data": sim.base_url("https://analyticsdata.googleapis.com/v1beta")},
        credentials={"access_token": token},
        today=TODAY,
        now=dt.datetime.combine(TODAY, dt.time(3), dt.UTC),
        sleep=lambda seconds: None,
    )
    return GoogleAnalytics(context, brands or load_brands())


def test_rows_equal_what_the_simulated_site_recorded_and_pages_follow_row_count(sim):
    ga4 = source(sim, account_lookback_days=1)
    ga4.page_size = 7  # force several pages
    rows = ga4.read(dt.date(2026, 11, 1), dt.date(2026, 11, 3))["google_analytics__traffic_daily"]
    truth = [r for d in (1, 2, 3) for r in web_analytics(sim.world).rows(dt.date(2026, 11, d))]
    assert len(rows) == len(truth) and len(truth) > 14
    assert ga4.stats.pages == -(-len(truth) // 7)  # ceil: offset paging until rowCount
    got = {
        (r["metric_date"], r["session_source"], r["session_medium"], r["session_campaign_name"], r["landing_page"]): (
            r["sessions"],
            r["engaged_sessions"],
            r["key_events"],
            r["purchase_revenue"],
        )
        for r in rows
    }
    want = {
        (t.day, t.source, t.medium, t.campaign, t.landing_page): (
            t.sessions,
            t.engaged_sessions,
            t.key_events,
            pytest.approx(t.purchase_revenue),
        )
        for t in truth
    }
    assert got == want
    first = rows[0]
    assert (first["brand"], first["property_id"], first["currency_code"], first["property_time_zone"]) == (
        "Kopi Nusantara",
        "412345678",
        "IDR",
        "Asia/Jakarta",
    )


def test_the_request_has_the_documented_shape(sim):
    body = requests.post(
        sim.rewrite("https://analyticsdata.googleapis.com/v1beta/properties/412345678:runReport"),
        json={
            "dateRanges": [{"startDate": "2026-11-01", "endDate": "2026-11-01"}],
            "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
            "metrics": [{"name": "sessions"}, {"name": "purchaseRevenue"}],
            "limit": "3",
            "offset": "0",
            "returnPropertyQuota": True,
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    ).json()
    assert body["kind"] == "analyticsData#runReport"
    assert body["dimensionHeaders"] == [{"name": "date"}, {"name": "sessionSource"}]
    assert body["metricHeaders"] == [
        {"name": "sessions", "type": "TYPE_INTEGER"},
        {"name": "purchaseRevenue", "type": "TYPE_CURRENCY"},
    ]
    assert len(body["rows"]) == 3 and body["rowCount"] > 3
    assert body["rows"][0]["dimensionValues"][0] == {"value": "20261101"}
    assert set(body["propertyQuota"]) >= {"tokensPerDay", "tokensPerHour", "concurrentRequests"}


def test_the_lookback_re_reads_days_ga4_still_processes(sim):
    rows = source(sim, account_lookback_days=3).read(dt.date(2026, 11, 10), dt.date(2026, 11, 10))
    days = {r["metric_date"] for r in rows["google_analytics__traffic_daily"]}
    assert days == {dt.date(2026, 11, 8), dt.date(2026, 11, 9), dt.date(2026, 11, 10)}


def test_a_daily_quota_error_is_not_retried_an_hourly_one_is(sim):
    sim.faults.add("status", status=429, path_contains=":runReport", times=1, quota="per_day")
    with pytest.raises(ApiRateLimitError, match="daily GA4 token quota.*midnight Pacific"):
        source(sim).read(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    sim.faults.add("status", status=429, path_contains=":runReport", times=2, quota="per_hour")
    ga4 = source(sim, account_lookback_days=1)
    rows = ga4.read(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert rows["google_analytics__traffic_daily"] and ga4.stats.retries == 2


def test_auth_and_permission_errors_name_what_to_do(sim, caplog):
    canary = "CANARY-ga4-7f31"
    with caplog.at_level(logging.DEBUG), pytest.raises(ApiAuthError, match="GOOGLE_ANALYTICS_ACCESS_TOKEN") as err:
        source(sim, token=canary).read(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert canary not in str(err.value) and canary not in caplog.text
    brands = load_brands()
    other = brands.model_copy(
        update={"brands": [b.model_copy(update={"ga4_property_id": "999999"}) if b.own else b for b in brands.brands]}
    )
    with pytest.raises(ApiPermissionError, match="Viewer access"):
        source(sim, brands=other).read(dt.date(2026, 11, 1), dt.date(2026, 11, 1))


def test_no_property_configured_reads_nothing(sim):
    brands = load_brands()
    none = brands.model_copy(update={"brands": [b.model_copy(update={"ga4_property_id": None}) for b in brands.brands]})
    ga4 = source(sim, brands=none)
    assert ga4.read(dt.date(2026, 11, 1), dt.date(2026, 11, 1)) == {"google_analytics__traffic_daily": []}
    assert ga4.stats.calls == 0 and "ga4_property_id" in ga4.warnings[0]
