{#- The platform lists, one place. The own platforms come from the Python contract
    (pipelines/contracts/platforms.py, through the generated contract_platforms()); adding a platform adds it
    there and adds its staging models. -#}

{% macro own_platforms() -%}
    {{ return(contract_platforms()) }}
{%- endmacro %}

{% macro follower_online_hours_platforms() -%}
    {{ return(own_platforms()) }}
{%- endmacro %}

{#- The platforms whose comments and replies are read (raw.<platform>__post_comments, pipelines/platforms). -#}
{% macro comment_platforms() -%}
    {{ return(['facebook', 'instagram', 'linkedin', 'x', 'youtube']) }}
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

{#- ORDER BY terms choosing one row among several loads of the same key: the API row first ('api:<platform>'
    before 'file:<name>'), then the most recently loaded, then the source name (deterministic on a tie). -#}
{% macro source_preference(source_column, loaded_at_column) -%}
    case when {{ source_column }} like 'api:%' then 0 else 1 end,
        {{ loaded_at_column }} desc,
        {{ source_column }}
{%- endmacro %}
