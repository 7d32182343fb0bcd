with

unioned as (
    {{ union_platforms(competitor_platforms(), 'competitor_posts') }}

),

final as (

    select
        platform,
        brand,
        account_id,
        post_id,
        published_at,
        lower(content_type) as content_type,
        caption,
        list_transform(hashtags, lambda tag: lower(ltrim(tag, '#'))) as hashtags,
        reactions,
        comments,
        shares,
        views,
        snapshot_date,
        loaded_at
    from unioned

)

select * from final
