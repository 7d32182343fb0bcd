{#- The KPIs of marts.fct_kpi_daily (docs/architecture.md), one place: each is read from a column group of
    fct_brand_daily. `kind` says how it accumulates over a period (used by fct_goal_progress):
      stock: the value at the end of the period (followers)
      flow:  the sum over the period
      ratio: sum(numerator) / sum(denominator) * 100 over the period
    `sample_size` is the number of items behind the day's value, so alert rules can require a minimum: posts
    published that day for the engagement rates and posts_published, mentions for mentions, the set's
    mentions / posts for shares of voice; NULL where no count is meaningful (stocks and flows of accounts). -#}
{% macro kpi_definitions() -%}
    {{ return([
        {'kpi': 'engagement_rate_by_reach', 'kind': 'ratio', 'value': 'engagement_rate_by_reach',
         'numerator': 'engagements_with_reach', 'denominator': 'reach_with_engagements', 'sample_size': 'posts_published'},
        {'kpi': 'engagement_rate_by_views', 'kind': 'ratio', 'value': 'engagement_rate_by_views',
         'numerator': 'engagements_with_views', 'denominator': 'views_with_engagements', 'sample_size': 'posts_published'},
        {'kpi': 'engagement_rate_by_followers', 'kind': 'ratio', 'value': 'engagement_rate_by_followers',
         'numerator': 'public_engagements_with_followers', 'denominator': 'followers_with_public_engagements',
         'sample_size': 'posts_published'},
        {'kpi': 'engagements', 'kind': 'flow', 'value': 'engagements', 'sample_size': 'null'},
        {'kpi': 'reach', 'kind': 'flow', 'value': 'reach', 'sample_size': 'null'},
        {'kpi': 'views', 'kind': 'flow', 'value': 'views', 'sample_size': 'null'},
        {'kpi': 'followers', 'kind': 'stock', 'value': 'followers', 'sample_size': 'null'},
        {'kpi': 'net_follower_change', 'kind': 'flow', 'value': 'net_follower_change', 'sample_size': 'null'},
        {'kpi': 'follower_growth_rate', 'kind': 'ratio', 'value': 'follower_growth_rate',
         'numerator': 'net_follower_change_with_start', 'denominator': 'followers_at_start', 'sample_size': 'null'},
        {'kpi': 'posts_published', 'kind': 'flow', 'value': 'posts_published', 'sample_size': 'posts_published'},
        {'kpi': 'mentions', 'kind': 'flow', 'value': 'mentions', 'sample_size': 'mentions'},
        {'kpi': 'share_of_voice_mentions', 'kind': 'ratio', 'value': 'share_of_voice_mentions',
         'numerator': 'mentions', 'denominator': 'mentions_set_total', 'sample_size': 'mentions_set_total'},
        {'kpi': 'share_of_voice_engagement', 'kind': 'ratio', 'value': 'share_of_voice_engagement',
         'numerator': 'public_engagements_on_posts', 'denominator': 'public_engagements_set_total',
         'sample_size': 'posts_in_set'},
    ]) }}
{%- endmacro %}

{#- The long form of fct_brand_daily: one row per KPI x brand x platform x day with a non-NULL value
    (kpi, kind, brand, is_own_brand, platform, metric_date, value, numerator, denominator, sample_size). -#}
{% macro unpivot_kpis(relation) -%}
    {%- for definition in kpi_definitions() %}
    select
        '{{ definition.kpi }}' as kpi,
        '{{ definition.kind }}' as kind,
        brand,
        is_own_brand,
        platform,
        metric_date,
        cast({{ definition.value }} as double) as value,
        cast({{ definition.get('numerator', definition.value) }} as double) as numerator,
        cast({{ definition.get('denominator', 'null') }} as double) as denominator,
        cast({{ definition.sample_size }} as bigint) as sample_size
    from {{ relation }}
    where {{ definition.value }} is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
