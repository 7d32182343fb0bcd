-- How quickly and how often the brand answers its audience: per brand x platform (and 'all') x week (Monday to
-- Sunday, partition days) of the comments written. Comments are on a client brand's own posts: client_brand = brand.

with

comments as (

    select * from {{ ref('int_comments_answered') }}
    where not coalesce(is_brand_author, false)

),

weekly as (

    select
        brand as client_brand,
        brand,
        platform,
        cast({{ dbt.date_trunc('week', 'created_date') }} as date) as week_start_date,
        {{ responsiveness_measures() }}
    from comments
    group by
        brand,
        platform,
        week_start_date

    union all

    select
        brand as client_brand,
        brand,
        'all' as platform,
        cast({{ dbt.date_trunc('week', 'created_date') }} as date) as week_start_date,
        {{ responsiveness_measures() }}
    from comments
    group by
        brand,
        week_start_date

),

final as (

    select
        brand || '|' || platform || '|' || cast(week_start_date as varchar) as responsiveness_id,
        *
    from weekly

)

select * from final
