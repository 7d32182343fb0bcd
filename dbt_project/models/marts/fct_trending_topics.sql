{{ incremental_fact_config('metric_date', 'post_lookback_days') }}

-- What is trending each day (Google Trends, hashtags on the competitive set's posts), per client brand: whether
-- it touches a brand of the client's competitive set (its keywords or hashtags), and how much the client's posts
-- and the set's mentions talked about it that day.

with

topics as (

    select * from {{ ref('int_trending_topics_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

posts as (

    select * from {{ ref('fct_posts') }}

),

mentions as (

    select * from {{ ref('int_mentions_unioned') }}

),

competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

clients as (

    select distinct client_brand from competitive_sets

),

window_topics as (

    select
        *,
        replace(topic, ' ', '') as topic_compact
    from topics
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

brand_terms as (

    select
        brand,
        bool_or(is_own_brand) as is_own_brand,
        list_distinct(flatten(list(keywords))) as keywords,
        list_distinct(flatten(list(hashtags))) as hashtags
    from brand_accounts
    group by brand

),

-- a topic matches a brand when it contains one of its keywords as whole words, or is one of its hashtags
-- (spaces ignored); own posts and mentions count when their text contains the topic as whole words
brand_matches as (

    select
        competitive_sets.client_brand,
        window_topics.metric_date,
        window_topics.topic_source,
        window_topics.topic,
        list_sort(list(brand_terms.brand)) as matched_brands,
        bool_or(competitive_sets.is_client) as is_own_brand_match
    from window_topics
    inner join brand_terms
        on len(list_filter(
            brand_terms.keywords,
            lambda keyword: {{ contains_phrase('window_topics.topic', 'keyword') }}
        )) > 0
        or list_contains(brand_terms.hashtags, window_topics.topic_compact)
    inner join competitive_sets
        on brand_terms.brand = competitive_sets.brand
    group by 1, 2, 3, 4

),

own_posts as (

    select
        posts.client_brand,
        window_topics.metric_date,
        window_topics.topic_source,
        window_topics.topic,
        count(distinct posts.platform || ':' || posts.post_id) as own_posts
    from window_topics
    inner join posts
        on posts.published_date_local = window_topics.metric_date
        and (
            list_contains(posts.hashtags, window_topics.topic_compact)
            or {{ contains_phrase('posts.caption', 'window_topics.topic') }}
        )
    group by 1, 2, 3, 4

),

topic_mentions as (

    select
        competitive_sets.client_brand,
        window_topics.metric_date,
        window_topics.topic_source,
        window_topics.topic,
        count(distinct mentions.mention_source || ':' || mentions.mention_id) as mentions
    from window_topics
    inner join mentions
        on mentions.metric_date = window_topics.metric_date
        and {{ contains_phrase('mentions.mention_text', 'window_topics.topic') }}
    inner join competitive_sets
        on mentions.brand = competitive_sets.brand
    group by 1, 2, 3, 4

),

final as (

    select
        clients.client_brand,
        window_topics.metric_date,
        window_topics.topic_source,
        window_topics.topic,
        window_topics.topic_rank,
        window_topics.approx_traffic,
        window_topics.public_posts,
        window_topics.geos,
        brand_matches.matched_brands is not null as is_brand_match,
        coalesce(brand_matches.is_own_brand_match, false) as is_own_brand_match,
        coalesce(brand_matches.matched_brands, []) as matched_brands,
        coalesce(own_posts.own_posts, 0) as own_posts,
        coalesce(topic_mentions.mentions, 0) as mentions
    from window_topics
    cross join clients
    left join brand_matches
        on clients.client_brand = brand_matches.client_brand
        and window_topics.metric_date = brand_matches.metric_date
        and window_topics.topic_source = brand_matches.topic_source
        and window_topics.topic = brand_matches.topic
    left join own_posts
        on clients.client_brand = own_posts.client_brand
        and window_topics.metric_date = own_posts.metric_date
        and window_topics.topic_source = own_posts.topic_source
        and window_topics.topic = own_posts.topic
    left join topic_mentions
        on clients.client_brand = topic_mentions.client_brand
        and window_topics.metric_date = topic_mentions.metric_date
        and window_topics.topic_source = topic_mentions.topic_source
        and window_topics.topic = topic_mentions.topic

)

select * from final
