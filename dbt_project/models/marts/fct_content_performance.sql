-- How each content format of the own accounts performs per platform and month (posts by local publish month),
-- on lifetime totals of the posts published (the "posts published" view). The comparable rates use public
-- engagements (reactions + comments + shares), which every post of every platform and age has; rates on the
-- owned engagements (with saves and clicks, which X gives only for posts under 30 days) are separate columns.

with

posts as (

    select * from {{ ref('fct_posts') }}

),

-- the days the own posts of each platform cover: from its first post on record to its last snapshot
coverage as (

    {{ own_post_coverage('posts') }}

),

monthly as (

    select
        client_brand,
        platform,
        content_type,
        cast({{ dbt.date_trunc('month', 'published_date_local') }} as date) as period_start,
        count(*) as posts,
        sum(engagements) as total_engagements,
        median(engagements) as median_engagements,
        sum(public_engagements) as total_public_engagements,
        median(public_engagements) as median_public_engagements,
        sum(views) as total_views,
        sum(reach) as total_reach,
        {{ rate_parts('public_engagements', 'reach', 'public_engagement_rate_by_reach') }},
        {{ rate_parts('public_engagements', 'views', 'public_engagement_rate_by_views') }},
        {{ rate_parts('public_engagements', 'followers_at_publish', 'engagement_rate_by_followers') }},
        {{ rate_parts('engagements', 'reach', 'engagement_rate_by_reach') }},
        {{ rate_parts('engagements', 'views', 'engagement_rate_by_views') }},
        median(public_engagement_rate_by_reach) as median_public_engagement_rate_by_reach,
        median(public_engagement_rate_by_views) as median_public_engagement_rate_by_views,
        median(engagement_rate_by_followers) as median_engagement_rate_by_followers
    from posts
    group by 1, 2, 3, 4

),

final as (

    select
        'month' as period_grain,
        monthly.period_start,
        monthly.client_brand,
        monthly.platform,
        coalesce(monthly.content_type, 'unknown') as content_type,
        'published_posts' as engagement_view,
        'partition_day' as day_basis,
        monthly.posts,
        monthly.posts as sample_size,
        monthly.posts >= {{ var('min_sample_posts') | int }} as is_sufficient_sample,
        {{ period_coverage_columns('monthly.period_start', 'month', 'coverage.covered_from', 'coverage.covered_to') }},
        monthly.total_public_engagements,
        monthly.median_public_engagements,
        monthly.total_engagements,
        monthly.median_engagements,
        monthly.total_views,
        monthly.total_reach,
        {{ rate_from_parts('public_engagement_rate_by_reach', 'monthly.') }} as public_engagement_rate_by_reach,
        {{ rate_from_parts('public_engagement_rate_by_views', 'monthly.') }} as public_engagement_rate_by_views,
        {{ rate_from_parts('engagement_rate_by_followers', 'monthly.') }} as engagement_rate_by_followers,
        monthly.median_public_engagement_rate_by_reach,
        monthly.median_public_engagement_rate_by_views,
        monthly.median_engagement_rate_by_followers,
        {{ rate_from_parts('engagement_rate_by_reach', 'monthly.') }} as engagement_rate_by_reach,
        {{ rate_from_parts('engagement_rate_by_views', 'monthly.') }} as engagement_rate_by_views
    from monthly
    left join coverage
        on monthly.client_brand is not distinct from coverage.client_brand
        and monthly.platform = coverage.platform

)

select * from final
