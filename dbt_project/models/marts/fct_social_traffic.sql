{{ incremental_fact_config('metric_date') }}

-- What social brings the website: GA4 sessions, engaged sessions, key events and revenue of the own brand's site
-- per social platform, campaign and day (and `all` campaigns of the platform), with the posts whose links carry
-- the campaign. The website (ga4_property_id) is a client brand's own: client_brand = brand.

with

sessions as (

    select * from {{ ref('int_social_sessions') }}
    where platform is not null
        and {{ incremental_window('metric_date') }}

),

links as (

    select * from {{ ref('int_post_links_parsed') }}
    where link_kind = 'utm'

),

tagged_posts as (

    select
        brand,
        platform,
        campaign_key,
        count(distinct post_id) as tagged_posts
    from links
    group by
        brand,
        platform,
        campaign_key

),

per_campaign as (

    select
        brand,
        platform,
        campaign_key as campaign,
        metric_date,
        min(property_time_zone) as property_time_zone,
        min(currency_code) as currency_code,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(key_events) as key_events,
        sum(purchase_revenue) as purchase_revenue
    from sessions
    group by
        brand,
        platform,
        campaign_key,
        metric_date

),

with_posts as (

    select
        per_campaign.*,
        coalesce(tagged_posts.tagged_posts, 0) as tagged_posts
    from per_campaign
    left join tagged_posts
        on per_campaign.brand = tagged_posts.brand
        and per_campaign.platform = tagged_posts.platform
        and per_campaign.campaign = tagged_posts.campaign_key

),

all_campaigns as (

    select
        brand,
        platform,
        'all' as campaign,
        metric_date,
        min(property_time_zone) as property_time_zone,
        min(currency_code) as currency_code,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(key_events) as key_events,
        sum(purchase_revenue) as purchase_revenue,
        sum(tagged_posts) as tagged_posts
    from with_posts
    group by
        brand,
        platform,
        metric_date

),

combined as (

    select * from with_posts
    union all
    select * from all_campaigns

),

final as (

    select
        brand as client_brand,
        brand,
        platform,
        campaign,
        metric_date,
        'platform_day:' || coalesce(property_time_zone, '{{ var("timezone") }}') as day_basis,
        cast(sessions as bigint) as sessions,
        cast(engaged_sessions as bigint) as engaged_sessions,
        cast(key_events as bigint) as key_events,
        cast(purchase_revenue as double) as purchase_revenue,
        currency_code,
        {{ rate_pct('engaged_sessions', 'sessions') }} as engagement_rate_pct,
        {{ rate_pct('key_events', 'sessions') }} as conversion_rate_pct,
        {{ safe_divide('purchase_revenue', 'sessions') }} as revenue_per_session,
        cast(tagged_posts as bigint) as tagged_posts,
        campaign = 'all' or tagged_posts > 0 as is_traced_to_posts
    from combined

)

select * from final
