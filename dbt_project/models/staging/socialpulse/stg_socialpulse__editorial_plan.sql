with

source as (

    select * from {{ source('raw', 'socialpulse__editorial_plan') }}

),

renamed as (

    select
        cast(plan_line as bigint) as plan_line,
        cast(brand as varchar) as brand,
        cast(platform as varchar) as platform,
        cast(content_type as varchar) as content_type,
        cast(theme as varchar) as theme,
        cast(campaign as varchar) as campaign,
        cast(planned_date as date) as planned_date,
        cast(weekday as integer) as iso_weekday,
        cast(starts_on as date) as starts_on,
        cast(ends_on as date) as ends_on,
        cast(tolerance_days as integer) as tolerance_days
    from source

)

select * from renamed
