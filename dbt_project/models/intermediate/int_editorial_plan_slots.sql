-- editorial_plan.csv as planned posts (slots), one row per planned post and day: a dated line is one slot, a weekly
-- line one slot on each of its weekdays from `from` (default: the first post of that brand and platform) to `until`
-- (default: the last day the platform was read). Every slot knows the last day its platform was read (as_of_date)
-- and its deadline (planned day + tolerance).

with

plan as (

    select * from {{ ref('stg_socialpulse__editorial_plan') }}

),

own_posts as (

    select * from {{ ref('int_own_posts_latest') }}

),

coverage as (

    select
        brand,
        platform,
        min(published_date) as first_post_date,
        max(as_of_date) as as_of_date
    from own_posts
    group by
        brand,
        platform

),

days as (

    {{ calendar_days() }}

),

dated as (

    select
        plan.*,
        plan.planned_date as slot_date
    from plan
    where plan.planned_date is not null

),

weekly as (

    select
        plan.*,
        days.date_day as slot_date
    from plan
    inner join coverage
        on plan.brand = coverage.brand
        and plan.platform = coverage.platform
    inner join days
        on {{ iso_weekday('days.date_day') }} = plan.iso_weekday
        and days.date_day between coalesce(plan.starts_on, coverage.first_post_date)
            and coalesce(plan.ends_on, coverage.as_of_date)
    where plan.iso_weekday is not null

),

slots as (

    select * from dated
    union all
    select * from weekly

),

final as (

    select
        slots.plan_line || ':' || cast(slots.slot_date as varchar) as slot_id,
        slots.plan_line,
        slots.brand,
        slots.platform,
        slots.content_type,
        slots.theme,
        slots.campaign,
        slots.slot_date as planned_date,
        slots.iso_weekday is not null as is_weekly_slot,
        slots.tolerance_days,
        cast(slots.slot_date + slots.tolerance_days as date) as deadline_date,
        coverage.as_of_date
    from slots
    left join coverage
        on slots.brand = coverage.brand
        and slots.platform = coverage.platform

)

select * from final
