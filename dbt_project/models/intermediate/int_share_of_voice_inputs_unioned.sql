-- The daily numerators of share of voice, one row per day x platform x brand x basis (platform 'all' is
-- added by the mart). Bases:
--   mentions   : mention counts; x and youtube count on their platform, rss (news/blogs) only in 'all'
--   engagement : public engagements (reactions + comments + shares) on the brand's posts published that day
--   posts      : posts the brand published that day
--   (engagement and posts by local publish day, up to the last day the posts were read)
--   search     : Google search interest of the brand's keywords (summed over keywords and geos), only in 'all'

with

mention_counts as (

    select * from {{ ref('int_mention_counts_unioned') }}

),

competitor_posts as (

    select * from {{ ref('int_competitor_posts_deduplicated') }}

),

search_interest as (

    select * from {{ ref('stg_google_trends__search_interest') }}

),

-- posts on a local day that is only partly observed are left out (see int_competitor_posts_deduplicated)
observed_competitor_posts as (

    select *
    from competitor_posts
    where is_published_on_observed_day

),

mentions as (

    select
        metric_date,
        case when mention_source in ('x', 'youtube') then mention_source end as platform,
        brand,
        'mentions' as basis,
        cast(sum(mention_count) as double) as value
    from mention_counts
    group by 1, 2, 3

),

engagement as (

    select
        published_date_local as metric_date,
        platform,
        brand,
        'engagement' as basis,
        cast(coalesce(sum(public_engagements), 0) as double) as value
    from observed_competitor_posts
    group by 1, 2, 3

),

posts as (

    select
        published_date_local as metric_date,
        platform,
        brand,
        'posts' as basis,
        cast(count(*) as double) as value
    from observed_competitor_posts
    group by 1, 2, 3

),

search as (

    select
        metric_date,
        cast(null as varchar) as platform,
        brand,
        'search' as basis,
        cast(sum(search_interest) as double) as value
    from search_interest
    group by 1, 2, 3

),

final as (

    select * from mentions
    union all
    select * from engagement
    union all
    select * from posts
    union all
    select * from search

)

select * from final
