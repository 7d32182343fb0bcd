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
