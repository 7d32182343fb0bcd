-- Individual mentions across sources (x, youtube, rss).

with

unioned as (
    {{ union_platforms(mention_sources(), 'mentions', platform_column='mention_source') }}

),

final as (

    select
        mention_source,
        brand,
        mention_id,
        mentioned_at,
        metric_date,
        mention_text,
        author,
        mention_url,
        engagements,
        matched_terms
    from unioned

)

select * from final
