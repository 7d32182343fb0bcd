{#- Time helpers. Timestamps are UTC (TIMESTAMPTZ); "local" means var('timezone'). -#}

{#- The wall-clock local timestamp (TIMESTAMP without zone) of a UTC instant. -#}
{% macro to_local_timestamp(column) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'socialpulse')(column)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(column) -%}
    convert_timezone('UTC', '{{ var("timezone") }}', {{ column }})
{%- endmacro %}

{% macro duckdb__to_local_timestamp(column) -%}
    timezone('{{ var("timezone") }}', {{ column }})
{%- endmacro %}

{#- The UTC instant of a wall-clock timestamp in a given zone. -#}
{% macro from_zone_timestamp(column, zone) -%}
    {{ return(adapter.dispatch('from_zone_timestamp', 'socialpulse')(column, zone)) }}
{%- endmacro %}

{% macro default__from_zone_timestamp(column, zone) -%}
    convert_timezone('{{ zone }}', 'UTC', {{ column }})
{%- endmacro %}

{% macro duckdb__from_zone_timestamp(column, zone) -%}
    timezone('{{ zone }}', {{ column }})
{%- endmacro %}

{#- ISO weekday, 1 = Monday ... 7 = Sunday. -#}
{% macro iso_weekday(column) -%}
    {{ return(adapter.dispatch('iso_weekday', 'socialpulse')(column)) }}
{%- endmacro %}

{% macro default__iso_weekday(column) -%}
    extract(isodow from {{ column }})
{%- endmacro %}

{% macro min_date() -%}
    cast('{{ var("min_date") }}' as date)
{%- endmacro %}

{% macro max_date() -%}
    cast('{{ var("max_date") }}' as date)
{%- endmacro %}

{#- The first day an incremental run rebuilds: min_date, moved back so that `lookback_days` days end on it.
    The ingest re-reads earlier days than its partitions (settings.yaml: account metrics of the last
    account_lookback_days, posts published in the last post_lookback_days, whose lifetime totals keep growing),
    so a fact built from them rebuilds as many days, and an incremental run gives what a full refresh gives. -#}
{% macro window_start(lookback_days=1) -%}
    cast({{ dbt.dateadd('day', 1 - (lookback_days | int), min_date()) }} as date)
{%- endmacro %}

{#- On an incremental run keep only the partition window [min_date - (lookback_days - 1), max_date]; a full
    build keeps all. -#}
{% macro incremental_window(column, lookback_days=1) -%}
    {%- if is_incremental() -%}
        {{ column }} between {{ window_start(lookback_days) }} and {{ max_date() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- English weekday name of an ISO weekday number (1 = Monday). -#}
{% macro weekday_name(iso_weekday_column) -%}
    case {{ iso_weekday_column }}
        when 1 then 'Monday'
        when 2 then 'Tuesday'
        when 3 then 'Wednesday'
        when 4 then 'Thursday'
        when 5 then 'Friday'
        when 6 then 'Saturday'
        when 7 then 'Sunday'
    end
{%- endmacro %}

{#- Pre-hook of the incremental facts: on an incremental run, delete every row of the partition window first.
    delete+insert on its own only replaces the days present in the new rows, so a day that no longer has rows
    (a source corrected, a partial day no longer produced) would keep its old rows; with this the window is
    rebuilt exactly, as a full refresh would. -#}
{% macro delete_incremental_window(column='metric_date', lookback_days=1) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ column }} between {{ window_start(lookback_days) }} and {{ max_date() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The config of a time-partitioned fact (called at the top of the model instead of config()): incremental,
    delete+insert on the date column (the Dagster partition), the pre-hook above deleting the whole window first,
    new columns appended. `lookback_days_var` names the var of the look-back the fact rebuilds
    ('account_lookback_days', 'post_lookback_days'); none = only the window. The hook stays a template, so the
    var is read when the hook runs, as in a hand-written config(). -#}
{% macro incremental_fact_config(column='metric_date', lookback_days_var=none) -%}
    {%- if lookback_days_var is none -%}
        {%- set hook = "{{ delete_incremental_window('" ~ column ~ "') }}" -%}
    {%- else -%}
        {%- set hook = "{{ delete_incremental_window('" ~ column ~ "', var('" ~ lookback_days_var ~ "')) }}" -%}
    {%- endif -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=column,
        pre_hook=hook,
        on_schema_change='append_new_columns'
    ) }}
{%- endmacro %}

{#- Platform days (pipelines/contracts/platforms.py, through the generated platform_reporting_days()): a
    platform's account metrics describe its own reporting day (Meta and YouTube: Pacific days; LinkedIn and
    TikTok: UTC days); a platform without one (X) has values read for the partition day (var('timezone')). -#}

{#- The zone whose midnights bound a platform's reporting day. -#}
{% macro reporting_zone(facts) -%}
    {{ return(facts.timezone or var('timezone')) }}
{%- endmacro %}

{#- The wall-clock timestamp (without zone) of a UTC instant in `zone`. -#}
{% macro to_zone_timestamp(column, zone) -%}
    {{ return(adapter.dispatch('to_zone_timestamp', 'socialpulse')(column, zone)) }}
{%- endmacro %}

{% macro default__to_zone_timestamp(column, zone) -%}
    convert_timezone('UTC', '{{ zone }}', {{ column }})
{%- endmacro %}

{% macro duckdb__to_zone_timestamp(column, zone) -%}
    timezone('{{ zone }}', {{ column }})
{%- endmacro %}

{#- The `day_basis` label of a platform's account metrics: `platform_day:<zone>` or `observed_day`. -#}
{% macro platform_day_basis(platform_column) -%}
    case {{ platform_column }}
        {%- for platform, facts in platform_reporting_days().items() %}
        when '{{ platform }}' then '{{ facts.day_basis }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- The platform's reporting day an instant falls on (how a post is put on the same day as account metrics). -#}
{% macro platform_date_of(platform_column, timestamp_column) -%}
    case {{ platform_column }}
        {%- for platform, facts in platform_reporting_days().items() %}
        when '{{ platform }}' then cast({{ to_zone_timestamp(timestamp_column, reporting_zone(facts)) }} as date)
        {%- endfor %}
    end
{%- endmacro %}

{#- The UTC instant a day of `zone` ends (the next midnight there): when a value "at the end of the day" holds. -#}
{% macro day_end_at(date_column, zone) -%}
    {{ from_zone_timestamp('cast(' ~ date_column ~ ' as timestamp) + interval 1 day', zone) }}
{%- endmacro %}

{#- The UTC instant a platform's reporting day ends. -#}
{% macro platform_day_end_at(platform_column, date_column) -%}
    case {{ platform_column }}
        {%- for platform, facts in platform_reporting_days().items() %}
        when '{{ platform }}' then {{ day_end_at(date_column, reporting_zone(facts)) }}
        {%- endfor %}
    end
{%- endmacro %}

{#- The calendar coverage of a period: how many of its days lie inside [covered_from, covered_to] (the days the
    data of that platform or source covers), how many days the period has, and whether it is complete (every
    day covered). `period_start` is a date; `grain` a literal 'day', 'week' or 'month'. -#}
{% macro period_end(period_start, grain) -%}
    {%- if grain == 'day' -%}
        cast({{ period_start }} as date)
    {%- elif grain == 'week' -%}
        cast(cast({{ period_start }} as date) + 6 as date)
    {%- else -%}
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cast(' ~ period_start ~ ' as date)')) }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro period_coverage_columns(period_start, grain, covered_from, covered_to) -%}
    cast({{ dbt.datediff(period_start, period_end(period_start, grain), 'day') }} + 1 as integer) as period_days,
    cast(greatest(
        {{ dbt.datediff(
            'greatest(' ~ period_start ~ ', ' ~ covered_from ~ ')',
            'least(' ~ period_end(period_start, grain) ~ ', ' ~ covered_to ~ ')',
            'day'
        ) }} + 1,
        0
    ) as integer) as days_covered,
    coalesce(
        {{ covered_from }} <= {{ period_start }} and {{ covered_to }} >= {{ period_end(period_start, grain) }},
        false
    ) as is_complete_period
{%- endmacro %}

{#- Every day of the calendar (var calendar_start_date .. var calendar_end_date) as `date_day`, for models that
    spread rows over days (dim_date is the mart; an intermediate model cannot read it). -#}
{% macro calendar_days() -%}
    select cast(date_day as date) as date_day
    from ({{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "(cast('" ~ var('calendar_end_date') ~ "' as date) + 1)"
    ) }}) as spine
{%- endmacro %}

{#- The days the own posts of each client's platform cover (`posts`: rows of fct_posts): from the first post on
    record to the last snapshot, as covered_from / covered_to per client_brand and platform (the performance
    marts mark the months only partly inside it). -#}
{% macro own_post_coverage(posts) -%}
    select
        client_brand,
        platform,
        min(published_date_local) as covered_from,
        max(latest_snapshot_date) as covered_to
    from {{ posts }}
    group by
        client_brand,
        platform
{%- endmacro %}
