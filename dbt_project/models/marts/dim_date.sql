-- The calendar from var calendar_start_date to var calendar_end_date, one row per day.

with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "(cast('" ~ var('calendar_end_date') ~ "' as date) + 1)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        monthname(date_day) as month_name,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast({{ iso_weekday('date_day') }} as integer) as iso_weekday,
        dayname(date_day) as weekday_name,
        cast(extract(week from date_day) as integer) as iso_week_number,
        cast(extract(isoyear from date_day) as integer) as iso_year,
        {{ iso_weekday('date_day') }} in (6, 7) as is_weekend
    from days

)

select * from final
