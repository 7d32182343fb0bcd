-- How each content format of the own accounts performs per platform and month (posts by local publish month).

with

posts as (

    select * from {{ ref('fct_posts') }}

),

monthly as (

    select
        platform,
        content_type,
        cast({{ dbt.date_trunc('month', 'published_date_local') }} as date) as period_start,
        count(*) as posts,
        sum(engagements) as total_engagements,
        median(engagements) as median_engagements,
        sum(public_engagements) as total_public_engagements,
        sum(views) as total_views,
        sum(reach) as total_reach,
        sum(engagements) filter (where reach > 0) as engagements_with_reach,
        sum(reach) filter (where reach > 0 and engagements is not null) as reach_with_engagements,
        sum(engagements) filter (where views > 0) as engagements_with_views,
        sum(views) filter (where views > 0 and engagements is not null) as views_with_engagements,
        sum(public_engagements) filter (where followers_at_publish > 0) as public_engagements_with_followers,
        sum(followers_at_publish) filter (where followers_at_publish > 0 and public_engagements is not null)
            as followers_with_public_engagements,
        median(engagement_rate_by_reach) as median_engagement_rate_by_reach,
        median(engagement_rate_by_views) as median_engagement_rate_by_views,
        median(engagement_rate_by_followers) as median_engagement_rate_by_followers
    from posts
    group by 1, 2, 3

),

final as (

    select
        'month' as period_grain,
        period_start,
        platform,
        coalesce(content_type, 'unknown') as content_type,
        posts,
        total_engagements,
        median_engagements,
        total_public_engagements,
        total_views,
        total_reach,
        {{ rate_pct('engagements_with_reach', 'reach_with_engagements') }} as engagement_rate_by_reach,
        {{ rate_pct('engagements_with_views', 'views_with_engagements') }} as engagement_rate_by_views,
        {{ rate_pct('public_engagements_with_followers', 'followers_with_public_engagements') }}
            as engagement_rate_by_followers,
        median_engagement_rate_by_reach,
        median_engagement_rate_by_views,
        median_engagement_rate_by_followers
    from monthly

)

select * from final
