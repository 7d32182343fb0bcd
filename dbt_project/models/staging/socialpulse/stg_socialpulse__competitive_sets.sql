with

source as (

    select * from {{ source('raw', 'socialpulse__competitive_sets') }}

),

renamed as (

    select
        cast(client_brand as varchar) as client_brand,
        cast(brand as varchar) as brand,
        cast(is_client as boolean) as is_client
    from source

)

select * from renamed
