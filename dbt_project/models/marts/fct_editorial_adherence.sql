-- The editorial plan against what was published, per own brand, platform (and `all`) and week (Monday start):
-- planned posts and their outcome (on time, late, missing, still upcoming), posts published, and posts published
-- outside the plan. Matching rules: pipelines/editorial/matching.py (int_editorial_plan_matched). The plan is a
-- client brand's own (editorial_plan.csv's brand): client_brand = brand.

with

matched as (

    select * from {{ ref('int_editorial_plan_matched') }}

),

slots as (

    select * from {{ ref('int_editorial_plan_slots') }}

),

coverage as (

    select
        brand,
        platform,
        min(planned_date) as covered_from,
        max(as_of_date) as covered_to
    from slots
    group by
        brand,
        platform

),

planned as (

    select
        brand,
        platform,
        cast({{ dbt.date_trunc('week', 'planned_date') }} as date) as week_start,
        count(*) as planned_posts,
        count(*) filter (where status = 'on_time') as on_time_posts,
        count(*) filter (where status = 'late') as late_posts,
        count(*) filter (where status = 'missing') as missing_posts,
        count(*) filter (where status = 'upcoming') as upcoming_posts
    from matched
    where item_type = 'planned'
    group by
        brand,
        platform,
        cast({{ dbt.date_trunc('week', 'planned_date') }} as date)

),

published as (

    select
        brand,
        platform,
        cast({{ dbt.date_trunc('week', 'published_date') }} as date) as week_start,
        count(*) as published_posts,
        count(*) filter (where item_type = 'off_plan') as off_plan_posts
    from matched
    where post_id is not null
    group by
        brand,
        platform,
        cast({{ dbt.date_trunc('week', 'published_date') }} as date)

),

per_platform as (

    select
        coalesce(planned.brand, published.brand) as brand,
        coalesce(planned.platform, published.platform) as platform,
        coalesce(planned.week_start, published.week_start) as week_start,
        coalesce(planned.planned_posts, 0) as planned_posts,
        coalesce(planned.on_time_posts, 0) as on_time_posts,
        coalesce(planned.late_posts, 0) as late_posts,
        coalesce(planned.missing_posts, 0) as missing_posts,
        coalesce(planned.upcoming_posts, 0) as upcoming_posts,
        coalesce(published.published_posts, 0) as published_posts,
        coalesce(published.off_plan_posts, 0) as off_plan_posts
    from planned
    full outer join published
        on planned.brand = published.brand
        and planned.platform = published.platform
        and planned.week_start = published.week_start

),

per_platform_covered as (

    select
        per_platform.*,
        coverage.covered_from,
        coverage.covered_to
    from per_platform
    inner join coverage
        on per_platform.brand = coverage.brand
        and per_platform.platform = coverage.platform

),

all_platforms as (

    select
        brand,
        'all' as platform,
        week_start,
        sum(planned_posts) as planned_posts,
        sum(on_time_posts) as on_time_posts,
        sum(late_posts) as late_posts,
        sum(missing_posts) as missing_posts,
        sum(upcoming_posts) as upcoming_posts,
        sum(published_posts) as published_posts,
        sum(off_plan_posts) as off_plan_posts,
        max(covered_from) as covered_from,
        min(covered_to) as covered_to
    from per_platform_covered
    group by
        brand,
        week_start

),

combined as (

    select * from per_platform_covered
    union all
    select * from all_platforms

),

final as (

    select
        brand as client_brand,
        brand,
        platform,
        week_start,
        'partition_day' as day_basis,
        cast(planned_posts as bigint) as planned_posts,
        cast(planned_posts - upcoming_posts as bigint) as due_posts,
        cast(published_posts as bigint) as published_posts,
        cast(on_time_posts as bigint) as on_time_posts,
        cast(late_posts as bigint) as late_posts,
        cast(missing_posts as bigint) as missing_posts,
        cast(upcoming_posts as bigint) as upcoming_posts,
        cast(off_plan_posts as bigint) as off_plan_posts,
        {{ rate_pct('on_time_posts + late_posts', 'planned_posts - upcoming_posts') }} as adherence_pct,
        {{ rate_pct('on_time_posts', 'planned_posts - upcoming_posts') }} as on_time_pct,
        cast(planned_posts - upcoming_posts as bigint) as sample_size,
        planned_posts - upcoming_posts >= {{ var('min_sample_posts') }} as is_sufficient_sample,
        {{ period_coverage_columns('week_start', 'week', 'covered_from', 'covered_to') }}
    from combined

)

select * from final
