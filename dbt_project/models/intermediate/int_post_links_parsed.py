"""The links in the own posts' captions with their UTM parameters (pipelines/analytics/utm.py: real-world shapes,
encoded, mixed case, click ids; shortened links kept as `shortened`, never matched). One row per post and link;
campaign_key is the campaign as the marts compare it (decoded, trimmed, lower case)."""

import polars as pl

from pipelines.analytics.utm import parse_links

SCHEMA = {
    "brand": pl.Utf8,
    "platform": pl.Utf8,
    "post_id": pl.Utf8,
    "published_date": pl.Date,
    "clicks": pl.Int64,
    "link_position": pl.Int64,
    "link_url": pl.Utf8,
    "link_host": pl.Utf8,
    "link_kind": pl.Utf8,
    "utm_source": pl.Utf8,
    "utm_medium": pl.Utf8,
    "campaign_key": pl.Utf8,
    "has_click_id": pl.Boolean,
}


def model(dbt, session):
    dbt.config(materialized="table")
    posts = dbt.ref("int_own_posts_latest").pl()
    rows = []
    for post in posts.iter_rows(named=True):
        for position, link in enumerate(parse_links(post["caption"]), start=1):
            rows.append(
                {
                    "brand": post["brand"],
                    "platform": post["platform"],
                    "post_id": post["post_id"],
                    "published_date": post["published_date"],
                    "clicks": post["clicks"],
                    "link_position": position,
                    "link_url": link.url,
                    "link_host": link.host,
                    "link_kind": link.kind,
                    "utm_source": link.source,
                    "utm_medium": link.medium,
                    "campaign_key": link.campaign,
                    "has_click_id": bool(link.click_ids),
                }
            )
    return pl.DataFrame(rows, schema=SCHEMA)
