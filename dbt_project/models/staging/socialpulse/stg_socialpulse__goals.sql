with

source as (

    select * from {{ source('raw', 'socialpulse__goals') }}

),

renamed as (

    select
        cast(goal_id as varchar) as goal_id,
        cast(description as varchar) as goal_description,
        cast(metric as varchar) as metric,
        cast(platform as varchar) as platform,
        cast(brand as varchar) as brand,
        cast(client_brand as varchar) as client_brand,
        cast(target_value as double) as target_value,
        cast(baseline_value as double) as baseline_value,
        cast(direction as varchar) as direction,
        cast(start_date as date) as start_date,
        cast(deadline as date) as deadline_date
    from source

)

select * from renamed
