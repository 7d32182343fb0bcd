with

source as (

    select * from {{ source('raw', 'rss__entries') }}

),

renamed as (

    select
        cast(feed_url as varchar) as feed_url,
        cast(feed_title as varchar) as feed_title,
        cast(entry_id as varchar) as entry_id,
        cast(title as varchar) as entry_title,
        cast(link as varchar) as entry_url,
        cast(published_at as timestamptz) as published_at,
        cast(metric_date as date) as metric_date,
        cast(summary as varchar) as entry_summary,
        cast(matched_brands as varchar[]) as matched_brands,
        cast(matched_keywords as varchar[]) as matched_keywords,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
