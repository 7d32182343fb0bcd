-- Own posts' lifetime snapshots from every platform, one row per platform, post and snapshot day. A snapshot
-- can be loaded both by the API ('api:<platform>') and by a file import ('file:<name>'): the API row wins, then
-- the most recently loaded one.

with

unioned as (
    {{ union_platforms(own_platforms(), 'post_snapshots') }}

),

deduplicated as (

    select *
    from unioned
    qualify row_number() over (
        partition by platform, post_id, snapshot_date
        order by {{ source_preference('record_source', 'loaded_at') }}
    ) = 1

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
        record_source,
        loaded_at
    from deduplicated

)

select * from final
