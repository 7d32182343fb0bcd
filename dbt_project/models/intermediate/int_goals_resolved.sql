-- goals.yaml as rows with defaults resolved: no brand means the goal's client brand, no platform means 'all'.

with

goals as (

    select * from {{ ref('stg_socialpulse__goals') }}

),

brands as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

own_brand as (

    select min(brand) as brand
    from brands
    where is_own_brand

),

final as (

    select
        goals.goal_id,
        goals.goal_description,
        goals.metric,
        coalesce(lower(goals.platform), 'all') as platform,
        coalesce(goals.brand, goals.client_brand, own_brand.brand) as brand,
        coalesce(goals.client_brand, goals.brand, own_brand.brand) as client_brand,
        goals.target_value,
        goals.baseline_value,
        coalesce(goals.direction, 'increase') as direction,
        goals.start_date,
        goals.deadline_date
    from goals
    cross join own_brand

)

select * from final
