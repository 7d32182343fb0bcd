-- brands.yaml as rows: one row per brand and configured account (a brand without accounts keeps one row
-- with a NULL platform), keywords and hashtags normalized to lower case without '#'.

with

brands as (

    select * from {{ ref('stg_socialpulse__brands') }}

),

final as (

    select
        brand,
        coalesce(is_own_brand, false) as is_own_brand,
        lower(platform) as platform,
        account_id,
        account_handle,
        list_filter(
            list_transform(coalesce(keywords, []), lambda keyword: lower(trim(keyword))),
            lambda keyword: keyword <> ''
        ) as keywords,
        list_filter(
            list_transform(coalesce(hashtags, []), lambda tag: lower(ltrim(trim(tag), '#'))),
            lambda tag: tag <> ''
        ) as hashtags
    from brands
    where brand is not null

)

select * from final
