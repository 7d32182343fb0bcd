with

source as (

    select * from {{ source('raw', 'tiktok__audience_demographics') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(dimension as varchar) as dimension,
        cast(dimension_value as varchar) as dimension_value,
        cast(audience_count as bigint) as audience_count,
        cast(audience_share as double) as audience_share,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
