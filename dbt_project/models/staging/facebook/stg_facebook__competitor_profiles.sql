with

source as (

    select * from {{ source('raw', 'facebook__competitor_profiles') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(account_handle as varchar) as account_handle,
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(followers as bigint) as followers,
        cast(following as bigint) as following,
        cast(posts_count as bigint) as posts_count,
        cast(total_views as bigint) as total_views,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
