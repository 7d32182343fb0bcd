-- Every mention the sources returned, with its sentiment: the list a community manager reads (the negative ones
-- of a crisis first). One row per source, brand and mention.

with

mentions as (

    select * from {{ ref('int_mentions_scored') }}

),

brands as (

    select * from {{ ref('dim_brands') }}

),

final as (

    select
        mentions.mention_source,
        mentions.brand,
        coalesce(brands.is_own_brand, false) as is_own_brand,
        mentions.mention_id,
        mentions.mentioned_at,
        mentions.metric_date,
        'partition_day' as day_basis,
        mentions.mention_text,
        mentions.author,
        mentions.mention_url,
        mentions.engagements,
        mentions.matched_terms,
        mentions.sentiment,
        mentions.sentiment_score,
        mentions.sentiment_terms
    from mentions
    left join brands
        on mentions.brand = brands.brand

)

select * from final
