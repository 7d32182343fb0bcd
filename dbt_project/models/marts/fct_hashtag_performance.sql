-- How own posts using a hashtag do against the same platform's posts without it, per month.

with

posts as (

    select * from {{ ref('fct_posts') }}

),

post_terms as (

    select
        platform,
        post_id,
        cast({{ dbt.date_trunc('month', 'published_date_local') }} as date) as period_start,
        hashtags,
        engagements,
        public_engagements,
        case when reach > 0 then engagements end as engagements_with_reach,
        case when reach > 0 and engagements is not null then reach end as reach_with_engagements,
        case when views > 0 then engagements end as engagements_with_views,
        case when views > 0 and engagements is not null then views end as views_with_engagements
    from posts

),

month_totals as (

    select
        platform,
        period_start,
        count(*) as posts,
        sum(engagements) as engagements,
        sum(engagements_with_reach) as engagements_with_reach,
        sum(reach_with_engagements) as reach_with_engagements,
        sum(engagements_with_views) as engagements_with_views,
        sum(views_with_engagements) as views_with_engagements
    from post_terms
    group by 1, 2

),

hashtag_posts as (

    select
        platform,
        period_start,
        unnest(hashtags) as hashtag,
        engagements,
        public_engagements,
        engagements_with_reach,
        reach_with_engagements,
        engagements_with_views,
        views_with_engagements
    from post_terms

),

hashtag_totals as (

    select
        platform,
        period_start,
        hashtag,
        count(*) as posts,
        sum(engagements) as engagements,
        sum(public_engagements) as public_engagements,
        sum(engagements_with_reach) as engagements_with_reach,
        sum(reach_with_engagements) as reach_with_engagements,
        sum(engagements_with_views) as engagements_with_views,
        sum(views_with_engagements) as views_with_engagements
    from hashtag_posts
    group by 1, 2, 3

),

compared as (

    select
        hashtag_totals.*,
        month_totals.posts - hashtag_totals.posts as posts_without,
        {{ rate_pct('hashtag_totals.engagements_with_reach', 'hashtag_totals.reach_with_engagements') }}
            as engagement_rate_by_reach,
        {{ rate_pct(
            'coalesce(month_totals.engagements_with_reach, 0) - coalesce(hashtag_totals.engagements_with_reach, 0)',
            'coalesce(month_totals.reach_with_engagements, 0) - coalesce(hashtag_totals.reach_with_engagements, 0)'
        ) }} as engagement_rate_by_reach_without,
        {{ rate_pct('hashtag_totals.engagements_with_views', 'hashtag_totals.views_with_engagements') }}
            as engagement_rate_by_views,
        {{ rate_pct(
            'coalesce(month_totals.engagements_with_views, 0) - coalesce(hashtag_totals.engagements_with_views, 0)',
            'coalesce(month_totals.views_with_engagements, 0) - coalesce(hashtag_totals.views_with_engagements, 0)'
        ) }} as engagement_rate_by_views_without
    from hashtag_totals
    inner join month_totals
        on hashtag_totals.platform = month_totals.platform
        and hashtag_totals.period_start = month_totals.period_start

),

final as (

    select
        'month' as period_grain,
        period_start,
        platform,
        hashtag,
        posts,
        posts_without,
        engagements,
        public_engagements,
        {{ safe_divide('engagements', 'posts') }} as engagements_per_post,
        engagement_rate_by_reach,
        engagement_rate_by_reach_without,
        engagement_rate_by_reach - engagement_rate_by_reach_without as engagement_rate_by_reach_difference,
        engagement_rate_by_views,
        engagement_rate_by_views_without,
        engagement_rate_by_views - engagement_rate_by_views_without as engagement_rate_by_views_difference
    from compared
    where hashtag is not null and hashtag <> ''

)

select * from final
