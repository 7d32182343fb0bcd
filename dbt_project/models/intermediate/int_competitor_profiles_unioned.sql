with

unioned as (
    {{ union_platforms(competitor_platforms(), 'competitor_profiles') }}

),

final as (

    select
        platform,
        brand,
        account_id,
        account_handle,
        snapshot_date,
        followers,
        following,
        posts_count,
        total_views
    from unioned

)

select * from final
