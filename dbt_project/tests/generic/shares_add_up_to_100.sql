{#- Fails for every group (e.g. period, platform, basis) whose shares in percent do not add up to 100 (within
    `tolerance` percentage points). A group whose shares are all NULL (an empty set: nothing to share) passes. -#}
{% test shares_add_up_to_100(model, share_column, group_by_columns, tolerance=0.000001) %}

with

grouped as (

    select
        {{ group_by_columns | join(',\n        ') }},
        count({{ share_column }}) as shares_present,
        count(*) as brands,
        sum({{ share_column }}) as share_total
    from {{ model }}
    group by {{ group_by_columns | join(', ') }}

)

select *
from grouped
where shares_present > 0
    and (shares_present < brands or abs(share_total - 100) > {{ tolerance }})

{% endtest %}
