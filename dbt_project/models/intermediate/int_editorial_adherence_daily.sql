-- Publishing against the plan, day by day, for the KPI editorial_plan_adherence: per brand, platform (and `all`)
-- and day, the planned posts whose deadline (planned day + tolerance) fell in the var editorial_window_days days
-- ending that day, and how many of them a post fulfilled. Only days the platform was read up to: a row's numbers
-- are final when it appears (its slots are all past their deadline). The plan is a client brand's own:
-- client_brand = brand.

with

matched as (

    select * from {{ ref('int_editorial_plan_matched') }}
    where item_type = 'planned'
        and status <> 'upcoming'

),

slots as (

    select * from {{ ref('int_editorial_plan_slots') }}

),

coverage as (

    select
        brand,
        platform,
        min(deadline_date) as first_deadline_date,
        max(as_of_date) as as_of_date
    from slots
    group by
        brand,
        platform

),

days as (

    {{ calendar_days() }}

),

per_platform as (

    select
        coverage.brand,
        coverage.platform,
        days.date_day as metric_date,
        count(matched.slot_id) as due_posts,
        count(matched.slot_id) filter (where matched.status in ('on_time', 'late')) as fulfilled_posts
    from coverage
    inner join days
        on days.date_day between coverage.first_deadline_date and coverage.as_of_date
    left join matched
        on coverage.brand = matched.brand
        and coverage.platform = matched.platform
        and matched.deadline_date
            between cast({{ dbt.dateadd('day', 1 - var('editorial_window_days'), 'days.date_day') }} as date)
            and days.date_day
    group by
        coverage.brand,
        coverage.platform,
        days.date_day

),

all_platforms as (

    select
        brand,
        'all' as platform,
        metric_date,
        sum(due_posts) as due_posts,
        sum(fulfilled_posts) as fulfilled_posts
    from per_platform
    group by
        brand,
        metric_date

),

combined as (

    select * from per_platform
    union all
    select * from all_platforms

),

final as (

    select
        brand as client_brand,
        brand,
        true as is_own_brand,
        platform,
        metric_date,
        cast(due_posts as bigint) as due_posts,
        cast(fulfilled_posts as bigint) as fulfilled_posts,
        {{ rate_pct('fulfilled_posts', 'due_posts') }} as adherence_pct
    from combined
    where due_posts > 0

)

select * from final
