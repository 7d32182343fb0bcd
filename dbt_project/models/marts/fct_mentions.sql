-- Every mention the sources returned, with its sentiment: the list a community manager reads (the negative ones
-- of a crisis first). One row per client brand, source, brand and mention: a competitor's mentions appear once for
-- every client whose competitive set holds it.

with

mentions as (

    select * from {{ ref('int_mentions_scored') }}

),

competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

final as (

    select
        competitive_sets.client_brand,
        mentions.mention_source,
        mentions.brand,
        competitive_sets.is_client as is_own_brand,
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
    inner join competitive_sets
        on mentions.brand = competitive_sets.brand

)

select * from final
