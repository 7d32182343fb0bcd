"""GA4 traffic with the social platform each session source stands for (pipelines/analytics/utm.py
platform_of_source: utm_source values such as `Facebook` or `twitter`, and referral hosts such as l.instagram.com or
t.co) and the campaign as the marts compare it (campaign_key: decoded, trimmed, lower case). Sessions from other
sources (search, direct, e-mail) keep platform NULL."""

import polars as pl

from pipelines.analytics.utm import normalize_campaign, platform_of_source


def model(dbt, session):
    dbt.config(materialized="table")
    traffic = dbt.ref("stg_google_analytics__traffic_daily").pl()
    return traffic.with_columns(
        pl.Series("platform", [platform_of_source(s) for s in traffic["session_source"].to_list()], dtype=pl.Utf8),
        pl.Series(
            "campaign_key", [normalize_campaign(c) for c in traffic["session_campaign_name"].to_list()], dtype=pl.Utf8
        ),
    )
