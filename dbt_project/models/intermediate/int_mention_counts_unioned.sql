-- Mention counts per source (x, youtube, rss), brand and day; several queries of a brand add up.

with

unioned as (
    {{ union_platforms(mention_sources(), 'mention_counts', platform_column='mention_source') }}

),

final as (

    select
        mention_source,
        brand,
        metric_date,
        sum(mention_count) as mention_count,
        count(*) as queries_count
    from unioned
    group by
        mention_source,
        brand,
        metric_date

)

select * from final
