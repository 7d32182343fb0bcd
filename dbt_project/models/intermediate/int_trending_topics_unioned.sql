-- Topics trending per day from two sources:
--   google_trends : Google daily trending searches (several geos fold into one row: best rank, summed traffic)
--   hashtags      : hashtags used on public posts of the competitive set that day, ranked by posts using
--                   them, then public engagements (top 50 a day)

with

trending_searches as (

    select * from {{ ref('stg_google_trends__trending_searches') }}

),

competitor_posts as (

    select * from {{ ref('int_competitor_posts_deduplicated') }}

),

google_trends as (

    select
        metric_date,
        'google_trends' as topic_source,
        lower(trim(topic)) as topic,
        min(trend_rank) as topic_rank,
        sum(approx_traffic) as approx_traffic,
        cast(null as bigint) as public_posts,
        list_sort(list_distinct(list(geo))) as geos
    from trending_searches
    where topic is not null
    group by 1, 2, 3

),

hashtag_uses as (

    select
        published_date_local as metric_date,
        unnest(hashtags) as topic,
        public_engagements
    from competitor_posts
    -- not a local day that is only partly observed (see int_competitor_posts_deduplicated)
    where is_published_on_observed_day

),

hashtags_ranked as (

    select
        metric_date,
        'hashtags' as topic_source,
        topic,
        row_number() over (
            partition by metric_date
            order by count(*) desc, coalesce(sum(public_engagements), 0) desc, topic
        ) as topic_rank,
        cast(null as bigint) as approx_traffic,
        count(*) as public_posts,
        cast(null as varchar[]) as geos
    from hashtag_uses
    where topic is not null and topic <> ''
    group by 1, 2, 3

),

final as (

    select * from google_trends
    union all
    select * from hashtags_ranked
    where topic_rank <= 50

)

select * from final
