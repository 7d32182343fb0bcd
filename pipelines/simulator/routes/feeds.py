"""News and blog feeds from settings.yaml `feeds`: each URL is served on its own host and path, as RSS 2.0
or (for URLs naming atom) Atom 1.0, with every entry of the history. Supports ETag / If-None-Match (304).
An unknown path on a feed host answers 404."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime
from xml.sax.saxutils import escape

from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.market import FeedEntry
from pipelines.simulator.routes.base import ApiFamily


class FeedsApi(ApiFamily):
    name = "feeds"

    def __init__(self, feed_hosts: dict[str, dict[str, str]]) -> None:
        self.feeds = feed_hosts  # host → path → feed name
        self.hosts = tuple(feed_hosts)

    def handle(self, req: Request) -> Response:
        name = self.feeds.get(req.host, {}).get(req.path)
        if name is None:
            req.template = req.host + "/(unknown feed)"
            raise ApiError("not_found", f"no feed at {req.host}{req.path}")
        req.template = req.host + req.path
        entries = req.world.feed_entries(name)
        url = f"https://{req.host}{req.path}"
        atom = "atom" in req.path.lower()
        text = _atom(name, url, entries) if atom else _rss(name, url, entries)
        etag = '"' + hashlib.sha1(text.encode()).hexdigest()[:16] + '"'
        last_modified = format_datetime(entries[0].published_at, usegmt=True) if entries else None
        headers = {"ETag": etag}
        if last_modified:
            headers["Last-Modified"] = last_modified
        if req.header("if-none-match") == etag:
            return Response(304, None, headers)
        content_type = "application/atom+xml; charset=UTF-8" if atom else "application/rss+xml; charset=UTF-8"
        return Response(200, text, headers, content_type=content_type)

    def render_error(self, req: Request, err: ApiError) -> Response:
        status = err.status or {"rate_limit": 429, "server_error": 500, "not_found": 404}.get(err.kind, 400)
        return Response(status, f"{status} {err.message}\n", content_type="text/plain; charset=UTF-8")


def _title(name: str) -> str:
    return name.replace("-", " ").title()


def _rss(name: str, url: str, entries: list[FeedEntry]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{escape(_title(name))}</title>",
        f"<link>{escape(url.rsplit('/', 1)[0])}/</link>",
        "<description>Kabar kopi, café &amp; F&amp;B Indonesia</description>",
        "<language>id</language>",
        f'<atom:link href="{escape(url)}" rel="self" type="application/rss+xml"/>',
    ]
    for e in entries:
        out += [
            "<item>",
            f"<title>{escape(e.title)}</title>",
            f"<link>{escape(e.link)}</link>",
            f'<guid isPermaLink="false">{escape(e.entry_id)}</guid>',
            f"<pubDate>{format_datetime(e.published_at)}</pubDate>",
            f"<dc:creator>{escape(e.author)}</dc:creator>",
            *[f"<category>{escape(t)}</category>" for t in e.tags],
            f"<description>{escape(e.summary)}</description>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def _atom(name: str, url: str, entries: list[FeedEntry]) -> str:
    updated = entries[0].published_at.isoformat() if entries else "2026-01-01T00:00:00+00:00"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">',
        f"<title>{escape(_title(name))}</title>",
        f'<link href="{escape(url)}" rel="self"/>',
        f'<link href="{escape(url.rsplit("/", 1)[0])}/"/>',
        f"<id>{escape(url)}</id>",
        f"<updated>{updated}</updated>",
    ]
    for e in entries:
        out += [
            "<entry>",
            f"<title>{escape(e.title)}</title>",
            f'<link href="{escape(e.link)}"/>',
            f"<id>{escape(e.entry_id)}</id>",
            f"<published>{e.published_at.isoformat()}</published>",
            f"<updated>{e.published_at.isoformat()}</updated>",
            f"<author><name>{escape(e.author)}</name></author>",
            *[f'<category term="{escape(t)}"/>' for t in e.tags],
            f'<summary type="text">{escape(e.summary)}</summary>',
            "</entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)
