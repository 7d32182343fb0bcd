{#- Metric formulas shared by the marts (docs: /work/shared/reference/metrics.md). -#}

{#- numerator / denominator, NULL when the denominator is NULL or 0 (never a division error, never 0). -#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(({{ numerator }}) as double) / ({{ denominator }})
    end
{%- endmacro %}

{#- A rate in percent: numerator / denominator * 100, NULL when the denominator is NULL or 0. -#}
{% macro rate_pct(numerator, denominator) -%}
    {{ safe_divide('100.0 * (' ~ numerator ~ ')', denominator) }}
{%- endmacro %}

{#- The two sums behind a rate over several rows (days, posts, accounts): the numerator over the rows whose
    denominator is positive, the denominator over the rows that have a numerator, so that a row missing either
    term never tips the rate. Named `<name>_numerator` and `<name>_denominator`; `rate_from_parts(name)` makes
    the rate from them. A period's rate is therefore sum(numerator) / sum(denominator), never a mean of rates. -#}
{% macro rate_parts(numerator, denominator, name) -%}
    sum({{ numerator }}) filter (where {{ denominator }} > 0) as {{ name }}_numerator,
    sum({{ denominator }}) filter (where {{ denominator }} > 0 and {{ numerator }} is not null)
        as {{ name }}_denominator
{%- endmacro %}

{% macro rate_from_parts(name, prefix='') -%}
    {{ rate_pct(prefix ~ name ~ '_numerator', prefix ~ name ~ '_denominator') }}
{%- endmacro %}

{#- engagements = reactions + comments + shares + saves + clicks, leaving out terms the platform does not
    provide (NULL). NULL only when no term is provided at all. -#}
{% macro engagements(prefix='') -%}
    case
        when {{ prefix }}reactions is null
            and {{ prefix }}comments is null
            and {{ prefix }}shares is null
            and {{ prefix }}saves is null
            and {{ prefix }}clicks is null
            then null
        else coalesce({{ prefix }}reactions, 0)
            + coalesce({{ prefix }}comments, 0)
            + coalesce({{ prefix }}shares, 0)
            + coalesce({{ prefix }}saves, 0)
            + coalesce({{ prefix }}clicks, 0)
    end
{%- endmacro %}

{#- public_engagements = reactions + comments + shares (visible for any account). -#}
{% macro public_engagements(prefix='') -%}
    case
        when {{ prefix }}reactions is null
            and {{ prefix }}comments is null
            and {{ prefix }}shares is null
            then null
        else coalesce({{ prefix }}reactions, 0)
            + coalesce({{ prefix }}comments, 0)
            + coalesce({{ prefix }}shares, 0)
    end
{%- endmacro %}

{#- Increase of a lifetime total since the post's previous snapshot: value - previous value, a drop (platform
    correction) clamped to 0. Without a previous snapshot it is an increase only when `counts_from_zero` (the post
    was first seen on its publish day: everything it has came that day); otherwise NULL, never the lifetime total
    booked on the day the post happens to be read first. NULL when the metric is not provided. -#}
{% macro clamped_increase(value, previous_value, counts_from_zero='false') -%}
    case
        when {{ value }} is null then null
        when {{ previous_value }} is null and not ({{ counts_from_zero }}) then null
        else greatest({{ value }} - coalesce({{ previous_value }}, 0), 0)
    end
{%- endmacro %}

{#- 1 when the lifetime total went down (a correction that was clamped), else 0. -#}
{% macro is_correction(value, previous_value) -%}
    case when {{ value }} < {{ previous_value }} then 1 else 0 end
{%- endmacro %}

{#- Share of a goal's time used by the end of `day`: days elapsed including `day` / days from start to deadline
    including both (1 on the deadline). -#}
{% macro goal_elapsed_fraction(start, deadline, day) -%}
    {{ safe_divide(dbt.datediff(start, day, 'day') ~ ' + 1', dbt.datediff(start, deadline, 'day') ~ ' + 1') }}
{%- endmacro %}

{#- Linear pace: the value expected at the end of `day`, going from `baseline` before `start` to `target` at the
    end of `deadline`. -#}
{% macro linear_expected_value(baseline, target, start, deadline, day) -%}
    ({{ baseline }} + ({{ target }} - {{ baseline }}) * {{ goal_elapsed_fraction(start, deadline, day) }})
{%- endmacro %}

{#- Linear extrapolation: where the actual pace since the start leads by the deadline. -#}
{% macro linear_projected_value(baseline, actual, start, deadline, day) -%}
    ({{ baseline }} + {{ safe_divide('(' ~ actual ~ ') - (' ~ baseline ~ ')', goal_elapsed_fraction(start, deadline, day)) }})
{%- endmacro %}

{#- Text as space-separated lower-case words (punctuation and '#' become spaces), padded with a space on both
    sides, so that whole words and phrases can be found with contains(). -#}
{% macro words_of(text) -%}
    (' ' || trim(regexp_replace(lower(coalesce({{ text }}, '')), '[^\pL\pN]+', ' ', 'g')) || ' ')
{%- endmacro %}

{#- True when `phrase` occurs in `text` as whole words (case-insensitive). -#}
{% macro contains_phrase(text, phrase) -%}
    (trim({{ words_of(phrase) }}) <> '' and contains({{ words_of(text) }}, {{ words_of(phrase) }}))
{%- endmacro %}
