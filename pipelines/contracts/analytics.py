"""The raw table of the web analytics source (Google Analytics 4): columns and types, the warehouse contract.

One row per property, day and (session source, medium, campaign, landing page), as the GA4 Data API reports it.
`metric_date` is the property's reporting day (`property_time_zone`, from the API's metadata.timeZone), kept as GA4
gives it (a day total cannot be moved to another zone): the marts say `platform_day:<zone>`.
"""

from __future__ import annotations

import polars as pl

from pipelines.contracts.streams import StreamSpec

GA4_TRAFFIC_DAILY = StreamSpec(
    name="google_analytics__traffic_daily",
    columns={
        "brand": pl.Utf8,
        "property_id": pl.Utf8,
        "metric_date": pl.Date,
        "session_source": pl.Utf8,
        "session_medium": pl.Utf8,
        "session_campaign_name": pl.Utf8,
        "landing_page": pl.Utf8,
        "sessions": pl.Int64,
        "engaged_sessions": pl.Int64,
        "key_events": pl.Int64,
        "purchase_revenue": pl.Float64,
        "currency_code": pl.Utf8,
        "property_time_zone": pl.Utf8,
    },
    partition_column="metric_date",
    key=("property_id", "metric_date", "session_source", "session_medium", "session_campaign_name", "landing_page"),
    replace_scope=("property_id",),
    description=(
        "Google Analytics 4 sessions, engaged sessions, key events and purchase revenue of each own brand's website "
        "per day, session source / medium / campaign and landing page (the property's days)."
    ),
)

ANALYTICS_TABLES: tuple[StreamSpec, ...] = (GA4_TRAFFIC_DAILY,)
