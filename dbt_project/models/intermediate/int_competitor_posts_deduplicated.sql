-- One row per public post of any brand in the competitive set: its latest snapshot wins, with the
-- account's followers when it was published (latest profile snapshot before the local publish day).

with

competitor_posts as (

    select * from {{ ref('int_competitor_posts_unioned') }}

),

competitor_profiles as (

    select * from {{ ref('int_competitor_profiles_unioned') }}

),

latest_snapshot as (

    select *
    from competitor_posts
    qualify row_number() over (
        partition by platform, post_id
        order by snapshot_date desc, loaded_at desc
    ) = 1

),

with_local_date as (

    select
        *,
        cast({{ to_local_timestamp('published_at') }} as date) as published_date_local,
        {{ public_engagements() }} as public_engagements
    from latest_snapshot

),

followers_before as (

    select
        with_local_date.*,
        competitor_profiles.followers as followers_before_publish
    from with_local_date
    asof left join competitor_profiles
        on with_local_date.platform = competitor_profiles.platform
        and with_local_date.account_id = competitor_profiles.account_id
        and with_local_date.published_date_local > competitor_profiles.snapshot_date

),

followers_after as (

    select
        followers_before.*,
        competitor_profiles.followers as followers_after_publish
    from followers_before
    asof left join competitor_profiles
        on followers_before.platform = competitor_profiles.platform
        and followers_before.account_id = competitor_profiles.account_id
        and followers_before.published_date_local <= competitor_profiles.snapshot_date

),

final as (

    select
        platform,
        brand,
        account_id,
        post_id,
        published_at,
        published_date_local,
        content_type,
        caption,
        hashtags,
        reactions,
        comments,
        shares,
        views,
        public_engagements,
        coalesce(followers_before_publish, followers_after_publish) as followers_at_publish,
        snapshot_date as latest_snapshot_date,
        -- a post published late on the last day read (UTC) falls on the next local day, which is only partly
        -- observed: daily aggregates (share of voice, trending hashtags) leave such days out
        published_date_local <= max(snapshot_date) over () as is_published_on_observed_day
    from followers_after

)

select * from final
