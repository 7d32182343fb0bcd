{{ incremental_fact_config('metric_date', 'post_lookback_days') }}

-- The long KPI table the alert sensor reads (contract: docs/architecture.md). One row per KPI, brand, platform
-- and day with a value; rates and shares in percent with the numerator and denominator behind them, the
-- engagement view and the day basis each KPI uses.

with

brand_daily as (

    select * from {{ ref('fct_brand_daily') }}
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

mention_sentiment as (

    select * from {{ ref('fct_mention_sentiment') }}
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

editorial_adherence as (

    select * from {{ ref('int_editorial_adherence_daily') }}
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

responsiveness as (

    select * from {{ ref('int_responsiveness_daily') }}
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

goal_progress as (

    select * from {{ ref('fct_goal_progress') }}
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

),

brands as (

    select * from {{ ref('dim_brands') }}

),

kpis as (
    {{ unpivot_kpis('brand_daily') }}

    union all
    {{ unpivot_kpis('mention_sentiment', 'fct_mention_sentiment') }}

    union all
    {{ unpivot_kpis('editorial_adherence', 'int_editorial_adherence_daily') }}

    union all
    {{ unpivot_kpis('responsiveness', 'int_responsiveness_daily') }}

),

-- goal pace per brand and platform: with several goals, the one furthest behind its pace
goal_pace as (

    select
        'goal_pace' as kpi,
        'not_applicable' as engagement_view,
        goal_progress.day_basis,
        goal_progress.client_brand,
        goal_progress.brand,
        coalesce(brands.is_own_brand, false) as is_own_brand,
        goal_progress.platform,
        goal_progress.metric_date,
        goal_progress.goal_pace_pct as value,
        goal_progress.actual_value as numerator,
        goal_progress.expected_value as denominator,
        count(*) over (
            partition by goal_progress.client_brand, goal_progress.brand, goal_progress.platform, goal_progress.metric_date
        ) as sample_size
    from goal_progress
    left join brands
        on goal_progress.brand = brands.brand
    where goal_progress.goal_pace_pct is not null
    qualify row_number() over (
        partition by goal_progress.client_brand, goal_progress.brand, goal_progress.platform, goal_progress.metric_date
        order by goal_progress.goal_pace_pct, goal_progress.goal_id
    ) = 1

),

final as (

    select
        kpi,
        engagement_view,
        day_basis,
        client_brand,
        brand,
        is_own_brand,
        platform,
        metric_date,
        value,
        numerator,
        denominator,
        sample_size
    from kpis

    union all

    select
        kpi,
        engagement_view,
        day_basis,
        client_brand,
        brand,
        is_own_brand,
        platform,
        metric_date,
        value,
        numerator,
        denominator,
        sample_size
    from goal_pace

)

select * from final
