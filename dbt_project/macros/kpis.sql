{#- The KPIs of marts.fct_kpi_daily (docs/architecture.md), one place: each is read from a column group of
    fct_brand_daily. `kind` says how it accumulates over a period (used by fct_goal_progress):
      stock: the value at the end of the period (followers)
      flow:  the sum over the period
      ratio: sum(numerator) / sum(denominator) * 100 over the period
    `view` says which engagement view a KPI uses: `account_figures` (the platform's own account numbers, on its
    reporting day), `received_on_posts` (daily increases of the own posts' lifetime totals, on the partition day),
    or `not_applicable`. `basis` is the day basis: `account` = the platform's reporting day (fct_brand_daily's
    account_day_basis; 'mixed' on 'all' rows), else `partition_day`.
    `sample_size` is the number of items behind the day's value, so alert rules can require a minimum: posts
    published that day for the engagement rates and posts_published, mentions for mentions, the set's
    mentions / posts for shares of voice, the posts that received engagement for received engagement; NULL where
    no count is meaningful. `condition` (optional) keeps a KPI's row only where it holds: followers summed over
    all platforms only when every platform of the brand reported them (no jump when one starts or stops).
    `model` (optional, default fct_brand_daily) is the mart a KPI is read from: negative_mention_spike, the share of
    the day's analysed mentions that are negative, comes from fct_mention_sentiment (news feeds only in `all`,
    as for the mentions KPI); editorial_plan_adherence, the share of the planned posts due in the last
    var editorial_window_days days that a post fulfilled, from int_editorial_adherence_daily; the responsiveness
    KPIs from int_responsiveness_daily, per day the comments were written: comments_answered_share (the comments
    needing a reply that the brand answered), median_reply_minutes (of those answered; 'stock': a period takes the
    last day's value, alert windows the mean of the days), unanswered_questions (questions still unanswered
    24 h after they were written, as of the latest read); a day's rows appear once its comments are settled
    (every one at least 24 h old when last read: is_settled). -#}
{% macro kpi_definitions() -%}
    {{ return([
        {'kpi': 'engagement_rate_by_reach', 'kind': 'ratio', 'value': 'engagement_rate_by_reach',
         'numerator': 'engagement_rate_by_reach_numerator', 'denominator': 'engagement_rate_by_reach_denominator',
         'sample_size': 'posts_published', 'view': 'account_figures', 'basis': 'account'},
        {'kpi': 'engagement_rate_by_views', 'kind': 'ratio', 'value': 'engagement_rate_by_views',
         'numerator': 'engagement_rate_by_views_numerator', 'denominator': 'engagement_rate_by_views_denominator',
         'sample_size': 'posts_published', 'view': 'account_figures', 'basis': 'account'},
        {'kpi': 'engagement_rate_by_followers', 'kind': 'ratio', 'value': 'engagement_rate_by_followers',
         'numerator': 'engagement_rate_by_followers_numerator',
         'denominator': 'engagement_rate_by_followers_denominator',
         'sample_size': 'posts_published', 'view': 'account_figures', 'basis': 'account'},
        {'kpi': 'engagements', 'kind': 'flow', 'value': 'engagements', 'sample_size': 'null',
         'view': 'account_figures', 'basis': 'account'},
        {'kpi': 'engagements_received_on_posts', 'kind': 'flow', 'value': 'engagements_received_on_posts',
         'sample_size': 'posts_with_received_engagement', 'view': 'received_on_posts', 'basis': 'partition_day'},
        {'kpi': 'reach', 'kind': 'flow', 'value': 'reach', 'sample_size': 'null',
         'view': 'not_applicable', 'basis': 'account'},
        {'kpi': 'views', 'kind': 'flow', 'value': 'views', 'sample_size': 'null',
         'view': 'not_applicable', 'basis': 'account'},
        {'kpi': 'followers', 'kind': 'stock', 'value': 'followers', 'sample_size': 'null',
         'view': 'not_applicable', 'basis': 'account',
         'condition': "platform <> 'all' or followers_platforms_reporting = platforms_expected"},
        {'kpi': 'net_follower_change', 'kind': 'flow', 'value': 'net_follower_change', 'sample_size': 'null',
         'view': 'not_applicable', 'basis': 'account'},
        {'kpi': 'follower_growth_rate', 'kind': 'ratio', 'value': 'follower_growth_rate',
         'numerator': 'follower_growth_rate_numerator', 'denominator': 'follower_growth_rate_denominator',
         'sample_size': 'null', 'view': 'not_applicable', 'basis': 'account'},
        {'kpi': 'posts_published', 'kind': 'flow', 'value': 'posts_published', 'sample_size': 'posts_published',
         'view': 'not_applicable', 'basis': 'account'},
        {'kpi': 'mentions', 'kind': 'flow', 'value': 'mentions', 'sample_size': 'mentions',
         'view': 'not_applicable', 'basis': 'partition_day'},
        {'kpi': 'share_of_voice_mentions', 'kind': 'ratio', 'value': 'share_of_voice_mentions',
         'numerator': 'mentions', 'denominator': 'mentions_set_total', 'sample_size': 'mentions_set_total',
         'view': 'not_applicable', 'basis': 'partition_day'},
        {'kpi': 'share_of_voice_engagement', 'kind': 'ratio', 'value': 'share_of_voice_engagement',
         'numerator': 'public_engagements_on_posts', 'denominator': 'public_engagements_set_total',
         'sample_size': 'posts_in_set', 'view': 'published_posts', 'basis': 'partition_day'},
        {'kpi': 'negative_mention_spike', 'kind': 'ratio', 'value': 'negative_share_pct',
         'numerator': 'negative_mentions', 'denominator': 'mentions_analysed', 'sample_size': 'mentions_analysed',
         'view': 'not_applicable', 'basis': 'partition_day', 'model': 'fct_mention_sentiment',
         'condition': "platform <> 'rss'"},
        {'kpi': 'editorial_plan_adherence', 'kind': 'ratio', 'value': 'adherence_pct',
         'numerator': 'fulfilled_posts', 'denominator': 'due_posts', 'sample_size': 'due_posts',
         'view': 'not_applicable', 'basis': 'partition_day', 'model': 'int_editorial_adherence_daily'},
        {'kpi': 'comments_answered_share', 'kind': 'ratio', 'value': 'answered_share_pct',
         'numerator': 'comments_answered', 'denominator': 'comments_needing_reply',
         'sample_size': 'comments_needing_reply', 'view': 'not_applicable', 'basis': 'partition_day',
         'model': 'int_responsiveness_daily', 'condition': 'is_settled'},
        {'kpi': 'median_reply_minutes', 'kind': 'stock', 'value': 'median_reply_minutes',
         'sample_size': 'comments_answered', 'view': 'not_applicable', 'basis': 'partition_day',
         'model': 'int_responsiveness_daily', 'condition': 'is_settled'},
        {'kpi': 'unanswered_questions', 'kind': 'flow', 'value': 'unanswered_questions_over_24h',
         'sample_size': 'questions', 'view': 'not_applicable', 'basis': 'partition_day',
         'model': 'int_responsiveness_daily', 'condition': 'is_settled'},
    ]) }}
{%- endmacro %}

{#- The KPI names, for accepted_values tests and the alert rules' check. -#}
{% macro kpi_names() -%}
    {{ return(kpi_definitions() | map(attribute='kpi') | list + ['goal_pace']) }}
{%- endmacro %}

{#- The long form of a mart (by default fct_brand_daily) for the KPIs read from it: one row per KPI x client
    brand x brand x platform x day with a non-NULL value (kpi, kind, engagement_view, day_basis, client_brand,
    brand, is_own_brand, platform, metric_date, value, numerator, denominator, sample_size). -#}
{% macro unpivot_kpis(relation, model='fct_brand_daily') -%}
    {%- for definition in kpi_definitions() if definition.get('model', 'fct_brand_daily') == model %}
    select
        '{{ definition.kpi }}' as kpi,
        '{{ definition.kind }}' as kind,
        '{{ definition.view }}' as engagement_view,
        {% if definition.basis == 'account' -%}
        coalesce(account_day_basis, 'partition_day')
        {%- else -%}
        'partition_day'
        {%- endif %} as day_basis,
        client_brand,
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
        {%- if definition.condition %}
        and ({{ definition.condition }})
        {%- endif %}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
