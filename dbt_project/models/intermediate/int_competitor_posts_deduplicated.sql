-- One row per public post of any brand in the competitive set: its latest snapshot wins, with the
-- account's followers when it was published (the latest figure describing a moment before it; NULL if none).

with

competitor_posts as (

    select * from {{ ref('int_competitor_posts_unioned') }}

),

latest_snapshot as (

    select *
    from competitor_posts
    qualify row_number() over (
        partition by platform, post_id
        order by snapshot_date desc, loaded_at desc
    ) = 1

),

with_local_date as (

    select
        *,
        cast({{ to_local_timestamp('published_at') }} as date) as published_date_local,
        {{ public_engagements() }} as public_engagements
    from latest_snapshot

),

-- followers when the post was published: the latest figure describing a moment before it (no look-ahead)
with_followers as (

    {{ with_followers_at_publish('with_local_date') }}

),

-- the last day read, as its own aggregate: a window over all rows (an empty OVER clause) fails at random in
-- the parallel window operator of DuckDB 1.4.4, the DuckLake deployment's version ("Attempted to access index 0
-- within vector of size 0"; tests/dbt/test_dbt_sql_portability.py)
last_observed as (

    select max(snapshot_date) as last_snapshot_date from latest_snapshot

),

final as (

    select
        platform,
        brand,
        account_id,
        post_id,
        published_at,
        published_date_local,
        content_type,
        caption,
        hashtags,
        reactions,
        comments,
        shares,
        views,
        public_engagements,
        followers_at_publish,
        followers_at_publish_date,
        followers_at_publish_counted_at,
        snapshot_date as latest_snapshot_date,
        -- a post published late on the last day read (UTC) falls on the next local day, which is only partly
        -- observed: daily aggregates (share of voice, trending hashtags) leave such days out
        published_date_local <= last_observed.last_snapshot_date as is_published_on_observed_day
    from with_followers
    cross join last_observed

)

select * from final
