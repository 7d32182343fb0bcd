{#- Staging streams that several platforms share, one place each. Every platform's raw table of a stream has the
    same columns (pipelines.warehouse.contract_tables()), so its staging view is the same rename and cast over
    another source: `models/staging/<platform>/stg_<platform>__<stream>.sql` is one call, e.g.
    {{ stg_account_daily(source('raw', 'facebook__account_daily')) }}. The source() call stays in the model
    (only staging calls source()); these macros only rename and cast, nothing else. -#}

{#- raw.<platform>__account_daily: one row per own account and day. -#}
{% macro stg_account_daily(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(metric_date as date) as metric_date,
        cast(followers as bigint) as followers,
        cast(followers_gained as bigint) as followers_gained,
        cast(followers_lost as bigint) as followers_lost,
        cast(views as bigint) as views,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(profile_visits as bigint) as profile_visits,
        cast(website_clicks as bigint) as website_clicks,
        cast(_source as varchar) as record_source,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<platform>__post_snapshots: lifetime totals of own posts, one row per post and snapshot day. -#}
{% macro stg_post_snapshots(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

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
{%- endmacro %}

{#- raw.<platform>__audience_demographics: audience per dimension value and snapshot day. -#}
{% macro stg_audience_demographics(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(dimension as varchar) as dimension,
        cast(dimension_value as varchar) as dimension_value,
        cast(audience_count as bigint) as audience_count,
        cast(audience_share as double) as audience_share,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<platform>__post_comments: comments and replies shown on the own posts, one row per comment and read day. -#}
{% macro stg_post_comments(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(post_id as varchar) as post_id,
        cast(comment_id as varchar) as comment_id,
        cast(parent_comment_id as varchar) as parent_comment_id,
        cast(author_id as varchar) as author_id,
        cast(author_name as varchar) as author_name,
        cast(is_brand_author as boolean) as is_brand_author,
        cast(created_at as timestamptz) as created_at,
        cast(comment_text as varchar) as comment_text,
        cast(observed_at as timestamptz) as observed_at,
        cast(snapshot_date as date) as snapshot_date,
        cast(_source as varchar) as record_source,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<platform>__follower_online_hours: followers online per UTC hour and day. -#}
{% macro stg_follower_online_hours(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(metric_date as date) as metric_date,
        cast(hour_of_day as integer) as hour_of_day_utc,
        cast(online_followers as bigint) as online_followers,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<platform>__competitor_profiles: public profile numbers of the competitive set, per snapshot day. -#}
{% macro stg_competitor_profiles(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(account_handle as varchar) as account_handle,
        cast(account_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(followers as bigint) as followers,
        cast(following as bigint) as following,
        cast(posts_count as bigint) as posts_count,
        cast(total_views as bigint) as total_views,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<platform>__competitor_posts: public posts of the competitive set, per snapshot day. -#}
{% macro stg_competitor_posts(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(account_id as varchar) as account_id,
        cast(post_id as varchar) as post_id,
        cast(published_at as timestamptz) as published_at,
        cast(content_type as varchar) as content_type,
        cast(caption as varchar) as caption,
        cast(hashtags as varchar[]) as hashtags,
        cast(reactions as bigint) as reactions,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(views as bigint) as views,
        cast(snapshot_date as date) as snapshot_date,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<source>__mention_counts: brand mentions counted per day by a search query. -#}
{% macro stg_mention_counts(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(metric_date as date) as metric_date,
        cast(mention_count as bigint) as mention_count,
        cast(query as varchar) as search_query,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}

{#- raw.<source>__mentions: individual brand mentions. -#}
{% macro stg_mentions(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(mention_id as varchar) as mention_id,
        cast(mentioned_at as timestamptz) as mentioned_at,
        cast(metric_date as date) as metric_date,
        cast(text as varchar) as mention_text,
        cast(author as varchar) as author,
        cast(url as varchar) as mention_url,
        cast(engagements as bigint) as engagements,
        cast(matched_terms as varchar[]) as matched_terms,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
{%- endmacro %}
