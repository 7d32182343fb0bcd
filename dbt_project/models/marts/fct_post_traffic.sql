-- What each own post's link brought the website: one row per link in an own post's caption, its UTM campaign and,
-- where GA4's sessions of that platform and campaign can be given to this post alone, its sessions, key events,
-- revenue, conversion rate and click-through from the post's clicks to sessions (lifetime). Own posts are a
-- client brand's: client_brand = brand.

with

links as (

    select * from {{ ref('int_post_links_parsed') }}

),

sessions as (

    select * from {{ ref('int_social_sessions') }}
    where platform is not null

),

campaign_traffic as (

    select
        brand,
        platform,
        campaign_key,
        min(currency_code) as currency_code,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(key_events) as key_events,
        sum(purchase_revenue) as purchase_revenue
    from sessions
    group by
        brand,
        platform,
        campaign_key

),

sharing as (

    select
        brand,
        platform,
        campaign_key,
        count(distinct post_id) as posts_sharing_campaign
    from links
    where link_kind = 'utm'
    group by
        brand,
        platform,
        campaign_key

),

joined as (

    select
        links.*,
        sharing.posts_sharing_campaign,
        campaign_traffic.currency_code,
        campaign_traffic.sessions as campaign_sessions,
        campaign_traffic.engaged_sessions as campaign_engaged_sessions,
        campaign_traffic.key_events as campaign_key_events,
        campaign_traffic.purchase_revenue as campaign_purchase_revenue,
        case
            when links.link_kind <> 'utm' then links.link_kind
            when campaign_traffic.sessions is null then 'no_sessions'
            when sharing.posts_sharing_campaign > 1 then 'shared_campaign'
            else 'matched'
        end as match_status
    from links
    left join sharing
        on links.brand = sharing.brand
        and links.platform = sharing.platform
        and links.campaign_key = sharing.campaign_key
        and links.link_kind = 'utm'
    left join campaign_traffic
        on links.brand = campaign_traffic.brand
        and links.platform = campaign_traffic.platform
        and links.campaign_key = campaign_traffic.campaign_key
        and links.link_kind = 'utm'

),

final as (

    select
        post_id,
        link_position,
        brand as client_brand,
        brand,
        platform,
        published_date,
        'partition_day' as day_basis,
        link_url,
        link_host,
        link_kind,
        utm_source,
        utm_medium,
        campaign_key as campaign,
        has_click_id,
        cast(coalesce(posts_sharing_campaign, 0) as bigint) as posts_sharing_campaign,
        match_status,
        cast(campaign_sessions as bigint) as campaign_sessions,
        cast(case when match_status = 'matched' then campaign_sessions end as bigint) as sessions,
        cast(case when match_status = 'matched' then campaign_engaged_sessions end as bigint) as engaged_sessions,
        cast(case when match_status = 'matched' then campaign_key_events end as bigint) as key_events,
        cast(case when match_status = 'matched' then campaign_purchase_revenue end as double) as purchase_revenue,
        currency_code,
        cast(clicks as bigint) as post_clicks,
        case
            when match_status = 'matched' then {{ rate_pct('campaign_key_events', 'campaign_sessions') }}
        end as conversion_rate_pct,
        case
            when match_status = 'matched' then {{ rate_pct('campaign_sessions', 'clicks') }}
        end as click_through_pct
    from joined

)

select * from final
