with

unioned as (
    {{ union_platforms(own_platforms(), 'audience_demographics') }}

),

final as (

    select
        platform,
        account_id,
        snapshot_date,
        lower(dimension) as dimension,
        dimension_value,
        audience_count,
        audience_share
    from unioned

)

select * from final
