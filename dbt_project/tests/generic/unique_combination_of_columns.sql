{#- Fails for every combination of the given columns that appears more than once (a multi-column primary key). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from grouped

{% endtest %}

{#- Fails for rows where any of the given columns is NULL. -#}
{% test not_null_combination_of_columns(model, combination_of_columns) %}

select *
from {{ model }}
where {% for column in combination_of_columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}
