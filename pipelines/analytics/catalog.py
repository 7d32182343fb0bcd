"""The web analytics sources socialpulse reads; their ingest assets are generated like the market sources'."""

from __future__ import annotations

from pipelines.analytics.ga4 import GoogleAnalytics
from pipelines.market.base import MarketSource

ANALYTICS_SOURCES: tuple[type[MarketSource], ...] = (GoogleAnalytics,)
