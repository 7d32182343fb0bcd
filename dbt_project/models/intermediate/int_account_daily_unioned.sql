-- Own accounts' daily numbers from every platform, one row per platform, account and day. A day can be loaded
-- both by the API ('api:<platform>') and by file imports ('file:<name>'): the API row wins whole (its most
-- recent load). Without one, the file rows are combined column by column: the sheets of one export family each
-- bring some columns (LinkedIn's content, followers and visitors sheets; Meta's one-metric files), and each
-- column takes the most recently loaded file's value that is not NULL.

{%- set metric_columns = [
    'followers',
    'followers_gained',
    'followers_lost',
    'views',
    'reach',
    'engagements',
    'profile_visits',
    'website_clicks',
] %}

with

unioned as (
    {{ union_platforms(own_platforms(), 'account_daily') }}

),

api_rows as (

    select *
    from unioned
    where record_source like 'api:%'
    qualify row_number() over (
        partition by platform, account_id, metric_date
        order by {{ source_preference('record_source', 'loaded_at') }}
    ) = 1

),

file_rows as (

    select unioned.*
    from unioned
    left join api_rows
        on unioned.platform = api_rows.platform
        and unioned.account_id = api_rows.account_id
        and unioned.metric_date = api_rows.metric_date
    where unioned.record_source not like 'api:%'
        and api_rows.metric_date is null

),

file_rows_combined as (

    select distinct
        platform,
        account_id,
        metric_date,
        {%- for column in metric_columns %}
        first_value({{ column }} ignore nulls) over newest_first as {{ column }},
        {%- endfor %}
        first_value(record_source) over newest_first as record_source,
        first_value(loaded_at) over newest_first as loaded_at
    from file_rows
    window newest_first as (
        partition by platform, account_id, metric_date
        order by {{ source_preference('record_source', 'loaded_at') }}
        rows between unbounded preceding and unbounded following
    )

),

combined as (

    select
        platform,
        account_id,
        metric_date,
        {%- for column in metric_columns %}
        {{ column }},
        {%- endfor %}
        record_source,
        loaded_at
    from api_rows

    union all

    select * from file_rows_combined

),

final as (

    select
        platform,
        account_id,
        metric_date,
        followers,
        followers_gained,
        followers_lost,
        views,
        reach,
        engagements,
        profile_visits,
        website_clicks,
        record_source,
        loaded_at
    from combined

)

select * from final
