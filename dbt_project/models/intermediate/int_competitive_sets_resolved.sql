-- Each client brand (own: true) and the brands it is measured against, itself included: share of voice and
-- benchmarks are computed within these sets. brands.yaml's snapshot says so; a warehouse without that snapshot
-- (written before client brands existed) measures every client against every configured brand.

with

competitive_sets as (

    select * from {{ ref('stg_socialpulse__competitive_sets') }}

),

brands as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

configured_brands as (

    select
        brand,
        bool_or(is_own_brand) as is_own_brand
    from brands
    group by brand

),

fallback as (

    select
        clients.brand as client_brand,
        configured_brands.brand,
        configured_brands.brand = clients.brand as is_client
    from configured_brands as clients
    cross join configured_brands
    where clients.is_own_brand
        and (configured_brands.brand = clients.brand or not configured_brands.is_own_brand)
        and not exists (select 1 from competitive_sets)

),

final as (

    select client_brand, brand, is_client from competitive_sets
    union all
    select client_brand, brand, is_client from fallback

)

select * from final
