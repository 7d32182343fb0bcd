"""Trending searches are dated by the local day (Asia/Jakarta, UTC+7) of each item's pubDate; an item without a
pubDate lands on the run's snapshot day. Served over real HTTP (pytest-httpserver), dates checked by hand."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from pipelines.config.loader import load_brands
from pipelines.config.models import HttpSettings, Settings
from pipelines.http import Redactor
from pipelines.market.google_trends import GoogleTrends
from pipelines.platforms.base import ClientContext

TODAY = dt.date(2026, 11, 21)
FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:ht="https://trends.google.com/trending/rss">
 <channel>
  <title>Daily Search Trends</title>
  <item><title>late evening utc</title><ht:approx_traffic>5,000+</ht:approx_traffic>
   <pubDate>Fri, 20 Nov 2026 18:30:00 +0000</pubDate></item>
  <item><title>no date</title><ht:approx_traffic>2,000+</ht:approx_traffic></item>
  <item><title>afternoon utc</title><ht:approx_traffic>1,000+</ht:approx_traffic>
   <pubDate>Fri, 20 Nov 2026 16:00:00 +0000</pubDate></item>
 </channel>
</rss>
"""


@pytest.fixture
def trends(httpserver):
    httpserver.expect_request("/trending/rss").respond_with_data(FEED, content_type="application/rss+xml")
    httpserver.expect_request("/trends/api/interest_over_time").respond_with_json([])
    settings = Settings(
        http=HttpSettings(timeout_seconds=5, max_retries=1, backoff_base_seconds=0.01, backoff_max_seconds=0.02),
        trend_countries=["ID"],
    )
    context = ClientContext(
        settings=settings,
        base_urls={"trends": httpserver.url_for("/").rstrip("/")},
        credentials={},
        redactor=Redactor(),
        today=TODAY,
        log=logging.getLogger("socialpulse.market.google_trends"),
    )
    return GoogleTrends(context, load_brands())


def _days(source: GoogleTrends, start: dt.date, end: dt.date) -> dict[str, dt.date]:
    rows = source.read(start, end)["google_trends__trending_searches"]
    return {row["topic"]: row["metric_date"] for row in rows}


def test_today_holds_the_items_published_after_local_midnight_and_the_undated_one(trends) -> None:
    # 18:30Z on the 20th is 01:30 on the 21st in Jakarta; 16:00Z on the 20th is 23:00 on the 20th
    assert _days(trends, TODAY, TODAY) == {"late evening utc": TODAY, "no date": TODAY}


def test_the_nightly_run_puts_the_undated_item_on_yesterday(trends) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert _days(trends, yesterday, yesterday) == {"afternoon utc": yesterday, "no date": yesterday}


def test_an_old_window_keeps_nothing_and_says_why(trends) -> None:
    assert _days(trends, dt.date(2026, 11, 10), dt.date(2026, 11, 12)) == {}
    assert any("no date" in w and "left out" in w for w in trends.warnings)
