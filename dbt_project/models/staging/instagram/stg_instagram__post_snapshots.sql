with

source as (

    select * from {{ source('raw', 'instagram__post_snapshots') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(post_id as varchar) as post_id,
        cast(post_url as varchar) as post_url,
        cast(caption as varchar) as caption,
        cast(content_type as varchar) as content_type,
        cast(published_at as timestamptz) as published_at,
        cast(views as bigint) as views,
        cast(reach as bigint) as reach,
        cast(reactions as bigint) as reactions,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(saves as bigint) as saves,
        cast(clicks as bigint) as clicks,
        cast(video_views as bigint) as video_views,
        cast(snapshot_date as date) as snapshot_date,
        cast(_source as varchar) as record_source,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
