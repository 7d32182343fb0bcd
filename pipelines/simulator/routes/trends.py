"""Google Trends: the trending-searches RSS (`/trending/rss?geo=XX`) and a search-interest stand-in
(`/trends/api/interest_over_time`) answering pytrends' serialized `interest_over_time()` records.

Interest is 0-100 relative to the maximum within the request; ranges over 270 days come back weekly
(week starting Sunday), as Google Trends does. Errors are plain text, like Google's HTML error pages.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from xml.sax.saxutils import escape

from pipelines.simulator.core import ApiError, Request, Response, parse_date
from pipelines.simulator.routes.base import ApiFamily

UTC = dt.UTC
HT_NS = "https://trends.google.com/trending/rss"


class TrendsApi(ApiFamily):
    name = "google_trends"
    hosts = ("trends.google.com",)

    def handle(self, req: Request) -> Response:
        path = req.path.rstrip("/")
        if path == "/trending/rss":
            req.template = req.host + "/trending/rss"
            return self._rss(req)
        if path == "/trends/api/interest_over_time":
            req.template = req.host + "/trends/api/interest_over_time"
            return self._interest(req)
        req.template = req.host + "/(unknown)"
        raise ApiError("not_found", "Not Found")

    def render_error(self, req: Request, err: ApiError) -> Response:
        status = err.status or {"rate_limit": 429, "server_error": 500, "not_found": 404}.get(err.kind, 400)
        text = {
            429: "Too Many Requests",
            500: "Internal Server Error",
            503: "Service Unavailable",
            404: "Not Found",
        }.get(status, f"Bad Request: {err.message}")
        return Response(
            status,
            f"<html><body><h1>Error {status}</h1><p>{escape(text)}</p></body></html>\n",
            content_type="text/html; charset=UTF-8",
        )

    def _rss(self, req: Request) -> Response:
        geo = (req.params.get("geo") or "US").upper()
        items = req.world.trending(geo)
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ht="{HT_NS}">',
            "<channel>",
            "<title>Daily Search Trends</title>",
            f"<link>https://trends.google.com/trending?geo={geo}</link>",
            f"<description>Recently trending search terms in {geo}</description>",
            f'<atom:link href="https://trends.google.com/trending/rss?geo={geo}" rel="self" '
            'type="application/rss+xml"/>',
        ]
        for item in items:
            out.append("<item>")
            out.append(f"<title>{escape(item.title)}</title>")
            out.append(f"<ht:approx_traffic>{item.approx_traffic}</ht:approx_traffic>")
            out.append(f"<description>{escape(', '.join(n.title for n in item.news))}</description>")
            out.append(f"<link>https://trends.google.com/trending/rss?geo={geo}</link>")
            out.append(f"<pubDate>{format_datetime(item.published_at)}</pubDate>")
            out.append(f"<ht:picture>{escape(item.picture)}</ht:picture>")
            out.append(f"<ht:picture_source>{escape(item.picture_source)}</ht:picture_source>")
            for news in item.news:
                out.append("<ht:news_item>")
                out.append(f"<ht:news_item_title>{escape(news.title)}</ht:news_item_title>")
                out.append(f"<ht:news_item_snippet>{escape(news.snippet)}</ht:news_item_snippet>")
                out.append(f"<ht:news_item_url>{escape(news.url)}</ht:news_item_url>")
                out.append(f"<ht:news_item_picture>{escape(news.picture)}</ht:news_item_picture>")
                out.append(f"<ht:news_item_source>{escape(news.source)}</ht:news_item_source>")
                out.append("</ht:news_item>")
            out.append("</item>")
        out += ["</channel>", "</rss>", ""]
        return Response(200, "\n".join(out), content_type="application/rss+xml; charset=UTF-8")

    def _interest(self, req: Request) -> Response:
        world = req.world
        keywords = [k.strip() for k in (req.params.get("keywords") or "").split(",") if k.strip()]
        if not keywords:
            raise ApiError("bad_request", "keywords is required (comma separated, at most 5)")
        if len(keywords) > 5:
            raise ApiError("bad_request", "at most 5 keywords per request")
        geo = (req.params.get("geo") or "").upper()
        end = parse_date(req.params.get("end"), "end") or world.end
        start = parse_date(req.params.get("start"), "start") or end - dt.timedelta(days=89)
        if end < start:
            raise ApiError("bad_request", "start must be on or before end")
        partial = end >= world.end
        end = min(end, world.end)
        if start > end:
            return Response(200, [])
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        raw = {k: [world.search_interest_raw(k, geo, d) for d in days] for k in keywords}
        buckets: list[tuple[dt.date, list[int]]]
        if len(days) > 270:
            weeks: dict[dt.date, list[int]] = {}
            for i, d in enumerate(days):
                weeks.setdefault(d - dt.timedelta(days=(d.weekday() + 1) % 7), []).append(i)
            buckets = list(weeks.items())
        else:
            buckets = [(d, [i]) for i, d in enumerate(days)]
        series = {k: [sum(v[i] for i in idx) / len(idx) for _, idx in buckets] for k, v in raw.items()}
        top = max((max(v) for v in series.values()), default=0) or 1
        records = []
        for n, (day, _) in enumerate(buckets):
            row: dict = {"date": f"{day.isoformat()}T00:00:00.000"}
            for k in keywords:
                row[k] = round(100 * series[k][n] / top)
            row["isPartial"] = partial and n == len(buckets) - 1
            records.append(row)
        return Response(200, records)
