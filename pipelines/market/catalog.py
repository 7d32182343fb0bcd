"""The market-intelligence sources socialpulse reads; the market assets are generated from this tuple.

Adding a source = a `MarketSource` subclass (tables, endpoints, credentials, `read`) listed here.
"""

from __future__ import annotations

from pipelines.market.base import MarketSource
from pipelines.market.facebook import FacebookCompetitors
from pipelines.market.google_trends import GoogleTrends
from pipelines.market.instagram import InstagramCompetitors
from pipelines.market.rss import RssFeeds
from pipelines.market.tiktok import TikTokCompetitors
from pipelines.market.x import XCompetitors, XMentions
from pipelines.market.youtube import YouTubeCompetitors, YouTubeMentions

MARKET_SOURCES: tuple[type[MarketSource], ...] = (
    InstagramCompetitors,
    FacebookCompetitors,
    XCompetitors,
    YouTubeCompetitors,
    TikTokCompetitors,
    XMentions,
    YouTubeMentions,
    RssFeeds,
    GoogleTrends,
)


def market_source(name: str) -> type[MarketSource]:
    for source in MARKET_SOURCES:
        if source.name == name:
            return source
    from pipelines.errors import ConfigError

    raise ConfigError(
        "pipelines/market/catalog.py",
        "MARKET_SOURCES",
        "unknown market source",
        value=name,
        expected=", ".join(s.name for s in MARKET_SOURCES),
    )
