with

source as (

    select * from {{ source('raw', 'socialpulse__brands') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(is_own_brand as boolean) as is_own_brand,
        cast(platform as varchar) as platform,
        cast(account_handle as varchar) as account_handle,
        cast(account_id as varchar) as account_id,
        cast(keywords as varchar[]) as keywords,
        cast(hashtags as varchar[]) as hashtags
    from source

)

select * from renamed
