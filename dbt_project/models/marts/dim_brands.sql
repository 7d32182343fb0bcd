-- One row per brand of brands.yaml (the client brands and their competitors), plus any brand seen only in market
-- data, with the client brands whose competitive set it is in.

with

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

competitor_profiles as (

    select * from {{ ref('int_competitor_profiles_unioned') }}

),

competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

memberships as (

    select
        brand,
        list_sort(list(client_brand)) as client_brands
    from competitive_sets
    group by brand

),

configured as (

    select
        brand,
        bool_or(is_own_brand) as is_own_brand,
        list_sort(list_distinct(flatten(list(keywords)))) as keywords,
        list_sort(list_distinct(flatten(list(hashtags)))) as hashtags,
        list_sort(list_distinct(list(platform) filter (where platform is not null))) as platforms,
        count(account_id) as configured_accounts_count
    from brand_accounts
    group by brand

),

seen_in_market_data as (

    select distinct brand
    from competitor_profiles
    where brand is not null

),

spine as (

    select brand from configured
    union
    select brand from seen_in_market_data

),

final as (

    select
        spine.brand,
        coalesce(configured.is_own_brand, false) as is_own_brand,
        configured.brand is not null as is_configured,
        coalesce(configured.keywords, []) as keywords,
        coalesce(configured.hashtags, []) as hashtags,
        coalesce(configured.platforms, []) as platforms,
        coalesce(configured.configured_accounts_count, 0) as configured_accounts_count,
        coalesce(memberships.client_brands, []) as client_brands
    from spine
    left join configured
        on spine.brand = configured.brand
    left join memberships
        on spine.brand = memberships.brand

)

select * from final
