"""Google Trends: daily trending searches per country, and search interest of the brands' keywords.

Trending searches: `GET https://trends.google.com/trending/rss?geo=XX` for each of `settings.trend_countries`,
parsed with ElementTree because feedparser keeps only one `ht:news_item` per item. The feed is "the last 24 h"
as of the read, so each item lands on the local day (settings.timezone, the partition day) of its pubDate; an item
without a pubDate lands on the run's snapshot day (`observed_snapshot_day`: today when the window holds it, else
yesterday for the nightly run; left out for older windows, which the feed no longer describes). `rank` is its
position in the feed (1 = first).

Search interest: Google has no public interest API (pytrends is archived, the official API is alpha); the
simulator serves a stand-in, `GET https://trends.google.com/trends/api/interest_over_time?keywords=a,b&geo=ID&
start=YYYY-MM-DD&end=YYYY-MM-DD`, answering pytrends' serialized records
`[{"date": "...", "<kw>": 0-100, ..., "isPartial": false}]`. Values are relative to the maximum inside one
request and a request takes at most 5 keywords, so the keywords are sent in batches that all contain one shared
anchor keyword (the own brand's first keyword) plus up to 4 others. Batch k is rescaled by
`sum(anchor in batch 0) / sum(anchor in batch k)` (sums over the window, robust to single zero days), then every
value of the country is divided by the overall maximum and multiplied by 100. All keywords of a country and a
request window are thus on one scale, so the shares across brands of a day are comparable. Windows longer than
269 days (the longest with daily points) are cut into chunks; values of different chunks or different runs are
on different scales (Google Trends has no absolute unit) - compare shares, not levels.
Days: the API answers the calendar days of the request (`start`/`end` are dates, each record's `date` is one of
them); they are stored as they are, `metric_date` = the record's date. The API has no finer grain for daily
ranges, so these days cannot be re-cut to settings.timezone; they are the days asked for, which are the partition
days of the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pipelines.errors import InputDataError
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import ContentCapture
from pipelines.market.feeds import parse_trending_rss
from pipelines.platforms.base import batched, day_windows
from pipelines.platforms.values import parse_time

MAX_KEYWORDS = 5
MAX_DAILY_DAYS = 269
MIN_CONTEXT_DAYS = 90  # a short window is normalised on too little data: ask for at least this many days


class GoogleTrends(MarketSource):
    name: ClassVar[str] = "google_trends"
    group: ClassVar[str] = "trends"
    title: ClassVar[str] = "Google Trends: daily trending searches per country and search interest of brand keywords"
    tables = (tables.TRENDING_SEARCHES, tables.SEARCH_INTEREST)
    api_bases: ClassVar[dict[str, str]] = {"trends": "https://trends.google.com"}
    credentials = ()

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        capture = ContentCapture()
        self._session = self.new_session(classify=capture)
        self._capture = capture
        return {
            tables.TRENDING_SEARCHES.name: self.trending(start, end),
            tables.SEARCH_INTEREST.name: self.search_interest(start, end),
        }

    # --- trending searches ------------------------------------------------------------------------------

    def trending(self, start: dt.date, end: dt.date) -> list[Row]:
        rows: list[Row] = []
        snapshot_day = self.observed_snapshot_day(start, end)
        for geo in self.settings.trend_countries:
            self._session.get(
                f"{self.base_url('trends')}/trending/rss", params={"geo": geo}, endpoint="trending/rss", page=True
            )
            items, problems = parse_trending_rss(self._capture.content)
            for problem in problems:
                self.warn(f"{geo}: {problem}")
            for item in items:
                published = item.published_at
                day = self.local_date_of(published) if published is not None else snapshot_day
                if published is None:
                    where = f"counted on {day}" if day else f"left out (the feed is not about {start}..{end})"
                    self.warn(f"{geo}: trending item {item.topic!r} has no pubDate; {where}")
                if day is not None and start <= day <= end:
                    rows.append(
                        {
                            "geo": geo,
                            "metric_date": day,
                            "rank": item.rank,
                            "topic": item.topic,
                            "approx_traffic": item.approx_traffic,
                            "published_at": published,
                            "news_titles": list(item.news_titles),
                        }
                    )
        return rows

    # --- search interest --------------------------------------------------------------------------------

    def keywords(self) -> list[tuple[str, str]]:
        """(brand, keyword) pairs, the own brand's first keyword first (it is the anchor)."""
        pairs: list[tuple[str, str]] = []
        seen: set[str] = set()
        ordered = [*self.brands.own_brands, *self.brands.competitors]  # the first client's keyword anchors
        for brand in ordered:
            for keyword in brand.keywords:
                if keyword.casefold() not in seen:
                    seen.add(keyword.casefold())
                    pairs.append((brand.name, keyword))
        return pairs

    def search_interest(self, start: dt.date, end: dt.date) -> list[Row]:
        pairs = self.keywords()
        if not pairs:
            return []
        rows: list[Row] = []
        for geo in self.settings.trend_countries:
            for first, last in day_windows(start, end, MAX_DAILY_DAYS):
                ask_from = min(first, last - dt.timedelta(days=MIN_CONTEXT_DAYS - 1))
                series = self._interest(geo, [k for _, k in pairs], ask_from, last)
                for brand, keyword in pairs:
                    for day, value in sorted(series.get(keyword, {}).items()):
                        if first <= day <= last:
                            rows.append(
                                {"brand": brand, "keyword": keyword, "geo": geo, "metric_date": day, "interest": value}
                            )
        return rows

    def _interest(self, geo: str, keywords: list[str], start: dt.date, end: dt.date) -> dict[str, dict[dt.date, Any]]:
        anchor, others = keywords[0], keywords[1:]
        batches = [[anchor, *group] for group in batched(others, MAX_KEYWORDS - 1)] or [[anchor]]
        raw = [self._request(geo, batch, start, end) for batch in batches]
        return stitch(raw, anchor, warn=lambda m: self.warn(f"search interest {geo} {start}..{end}: {m}"))

    def _request(self, geo: str, batch: list[str], start: dt.date, end: dt.date) -> dict[str, dict[dt.date, float]]:
        body = self._session.get(
            f"{self.base_url('trends')}/trends/api/interest_over_time",
            params={"keywords": ",".join(batch), "geo": geo, "start": start.isoformat(), "end": end.isoformat()},
            endpoint="interest_over_time",
            page=True,
        )
        if body is None:
            return {k: {} for k in batch}
        if not isinstance(body, list):
            raise InputDataError(
                f"{self.name}: interest_over_time answered {type(body).__name__}, not a list of records; "
                "the stand-in endpoint changed its format."
            )
        out: dict[str, dict[dt.date, float]] = {k: {} for k in batch}
        for record in body:
            if not isinstance(record, Mapping):
                continue
            moment = parse_time(record.get("date"))
            if moment is None:
                raise InputDataError(f"{self.name}: an interest_over_time record has no readable 'date': {record!r}")
            for keyword in batch:
                value = record.get(keyword)
                if value is None:
                    self.warn(f"interest_over_time has no value for {keyword!r} on {moment.date()}; left out")
                    continue
                out[keyword][moment.date()] = float(value)
        return out


def stitch(
    batches: list[dict[str, dict[dt.date, float]]], anchor: str, *, warn: Any = lambda message: None
) -> dict[str, dict[dt.date, float | None]]:
    """Put batches that share `anchor` on one 0-100 scale (see the module docstring)."""
    if not batches:
        return {}
    reference = sum(batches[0].get(anchor, {}).values())
    merged: dict[str, dict[dt.date, float | None]] = {}
    for index, batch in enumerate(batches):
        anchor_sum = sum(batch.get(anchor, {}).values())
        if index == 0:
            factor: float | None = 1.0
        elif reference > 0 and anchor_sum > 0:
            factor = reference / anchor_sum
        else:
            factor = None
            others = [k for k in batch if k != anchor]
            warn(f"the anchor {anchor!r} has no search interest, so {others} cannot be put on the same scale; NULL")
        for keyword, values in batch.items():
            if index > 0 and keyword == anchor:
                continue
            merged[keyword] = {d: (v * factor if factor is not None else None) for d, v in values.items()}
    top = max((v for values in merged.values() for v in values.values() if v is not None), default=0.0)
    if top > 0:
        for values in merged.values():
            for day, value in values.items():
                if value is not None:
                    values[day] = round(value * 100.0 / top, 3)
    return merged
