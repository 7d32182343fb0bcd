{#- The platform lists, one place. Adding a platform adds it here and adds its staging models. -#}

{% macro own_platforms() -%}
    {{ return(['facebook', 'instagram', 'x', 'linkedin', 'youtube', 'tiktok']) }}
{%- endmacro %}

{% macro follower_online_hours_platforms() -%}
    {{ return(own_platforms()) }}
{%- endmacro %}

{% macro competitor_platforms() -%}
    {{ return(['instagram', 'facebook', 'x', 'youtube', 'tiktok']) }}
{%- endmacro %}

{% macro mention_sources() -%}
    {{ return(['x', 'youtube', 'rss']) }}
{%- endmacro %}

{#- Union one staging model per platform, adding the platform as the first column.
    `entity` is the part after the double underscore, e.g. union_platforms(own_platforms(), 'account_daily'). -#}
{% macro union_platforms(platforms, entity, platform_column='platform') -%}
    {%- for platform in platforms %}
    select
        '{{ platform }}' as {{ platform_column }},
        *
    from {{ ref('stg_' ~ platform ~ '__' ~ entity) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
