with

unioned as (
    {{ union_platforms(own_platforms(), 'post_snapshots') }}

),

final as (

    select
        platform,
        account_id,
        post_id,
        post_url,
        caption,
        lower(content_type) as content_type,
        published_at,
        views,
        reach,
        reactions,
        comments,
        shares,
        saves,
        clicks,
        video_views,
        snapshot_date,
        loaded_at
    from unioned

)

select * from final
