{{ incremental_fact_config('metric_date') }}

-- How people feel about every brand: the sentiment of its mentions per source and day (and `all` sources), net
-- sentiment, and share of voice plain and weighted by sentiment. Mentions are the items the sources returned
-- with their text (int_mentions_scored), so counts here are the analysed mentions, not the search counts.
-- Per client brand: a brand appears once for every client whose competitive set holds it, and share of voice is
-- computed within that client's set.

with

mentions as (

    select * from {{ ref('int_mentions_scored') }}
    where sentiment is not null
        and {{ incremental_window('metric_date') }}

),

competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

per_source as (

    select
        brand,
        mention_source as platform,
        metric_date,
        count(*) as mentions_analysed,
        count(*) filter (where sentiment = 'positive') as positive_mentions,
        count(*) filter (where sentiment = 'neutral') as neutral_mentions,
        count(*) filter (where sentiment = 'negative') as negative_mentions,
        sum(sentiment_score) as sentiment_score_sum
    from mentions
    group by
        brand,
        mention_source,
        metric_date

),

all_sources as (

    select
        brand,
        'all' as platform,
        metric_date,
        sum(mentions_analysed) as mentions_analysed,
        sum(positive_mentions) as positive_mentions,
        sum(neutral_mentions) as neutral_mentions,
        sum(negative_mentions) as negative_mentions,
        sum(sentiment_score_sum) as sentiment_score_sum
    from per_source
    group by
        brand,
        metric_date

),

combined as (

    select * from per_source
    union all
    select * from all_sources

),

-- positive mentions count whole, neutral ones half, negative ones not at all
weighted as (

    select
        *,
        positive_mentions + 0.5 * neutral_mentions as sentiment_weighted_mentions
    from combined

),

per_client as (

    select
        competitive_sets.client_brand,
        competitive_sets.is_client,
        weighted.*
    from weighted
    inner join competitive_sets
        on weighted.brand = competitive_sets.brand

),

with_set as (

    select
        *,
        sum(mentions_analysed) over client_set as set_mentions_analysed,
        sum(sentiment_weighted_mentions) over client_set as set_sentiment_weighted_mentions
    from per_client
    window client_set as (partition by client_brand, platform, metric_date)

),

final as (

    select
        with_set.client_brand,
        with_set.brand,
        with_set.is_client as is_own_brand,
        with_set.platform,
        with_set.metric_date,
        'partition_day' as day_basis,
        cast(with_set.mentions_analysed as bigint) as mentions_analysed,
        cast(with_set.positive_mentions as bigint) as positive_mentions,
        cast(with_set.neutral_mentions as bigint) as neutral_mentions,
        cast(with_set.negative_mentions as bigint) as negative_mentions,
        {{ rate_pct('with_set.positive_mentions - with_set.negative_mentions',
                    'with_set.positive_mentions + with_set.negative_mentions') }} as net_sentiment,
        {{ rate_pct('with_set.positive_mentions', 'with_set.mentions_analysed') }} as positive_share_pct,
        {{ rate_pct('with_set.negative_mentions', 'with_set.mentions_analysed') }} as negative_share_pct,
        {{ safe_divide('with_set.sentiment_score_sum', 'with_set.mentions_analysed') }} as average_sentiment_score,
        cast(with_set.set_mentions_analysed as bigint) as set_mentions_analysed,
        {{ rate_pct('with_set.mentions_analysed', 'with_set.set_mentions_analysed') }} as share_of_voice_pct,
        cast(with_set.sentiment_weighted_mentions as double) as sentiment_weighted_mentions,
        cast(with_set.set_sentiment_weighted_mentions as double) as set_sentiment_weighted_mentions,
        {{ rate_pct('with_set.sentiment_weighted_mentions', 'with_set.set_sentiment_weighted_mentions') }}
            as sentiment_weighted_share_of_voice_pct,
        cast(with_set.mentions_analysed as bigint) as sample_size,
        with_set.mentions_analysed >= {{ var('min_sample_mentions') }} as is_sufficient_sample
    from with_set

)

select * from final
