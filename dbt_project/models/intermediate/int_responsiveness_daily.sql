-- Responsiveness per brand x platform x day the comments were written (partition day), and over all platforms
-- ('all'): the KPIs comments_answered_share, median_reply_minutes and unanswered_questions of fct_kpi_daily.
-- Comments are on a client brand's own posts: client_brand = brand.

with

comments as (

    select * from {{ ref('int_comments_answered') }}
    where not coalesce(is_brand_author, false)

),

per_platform as (

    select
        brand as client_brand,
        brand,
        true as is_own_brand,
        platform,
        created_date as metric_date,
        {{ responsiveness_measures() }}
    from comments
    group by
        brand,
        platform,
        created_date

),

all_platforms as (

    select
        brand as client_brand,
        brand,
        true as is_own_brand,
        'all' as platform,
        created_date as metric_date,
        {{ responsiveness_measures() }}
    from comments
    group by
        brand,
        created_date

),

final as (

    select * from per_platform
    union all
    select * from all_platforms

)

select * from final
