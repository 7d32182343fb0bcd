-- Weekly benchmark of every brand in each client brand's competitive set on public numbers (the same basis for
-- all brands), within that client's set (a competitor shared by two clients appears once in each),
-- with each number's difference to the competitors' average and to the whole landscape's average.

{%- set compared = ['posts', 'public_engagements_per_post', 'engagement_rate_by_followers', 'follower_growth_rate'] %}

with

profiles as (

    select * from {{ ref('int_competitor_profiles_unioned') }}

),

posts as (

    select * from {{ ref('int_competitor_posts_deduplicated') }}

),

brands as (

    select * from {{ ref('dim_brands') }}

),

competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

-- the days each platform's public posts cover: from the first post on record to the last snapshot
coverage as (

    select
        platform,
        min(published_date_local) as covered_from,
        max(latest_snapshot_date) as covered_to
    from posts
    group by platform

),

-- followers at the end of each week: every account's last read of the week, summed per brand
account_weeks as (

    select
        platform,
        brand,
        account_id,
        cast({{ dbt.date_trunc('week', 'snapshot_date') }} as date) as period_start,
        arg_max(followers, snapshot_date) as followers
    from profiles
    where followers is not null
    group by 1, 2, 3, 4

),

followers_weekly as (

    select
        platform,
        brand,
        period_start,
        sum(followers) as followers
    from account_weeks
    group by 1, 2, 3

),

posts_weekly as (

    select
        platform,
        brand,
        cast({{ dbt.date_trunc('week', 'published_date_local') }} as date) as period_start,
        count(*) as posts,
        sum(public_engagements) as public_engagements,
        sum(public_engagements) filter (where followers_at_publish > 0) as public_engagements_with_followers,
        sum(followers_at_publish) filter (where followers_at_publish > 0 and public_engagements is not null)
            as followers_at_publish
    from posts
    group by 1, 2, 3

),

hashtag_uses as (

    select
        platform,
        brand,
        cast({{ dbt.date_trunc('week', 'published_date_local') }} as date) as period_start,
        unnest(hashtags) as hashtag,
        public_engagements
    from posts

),

hashtags_ranked as (

    select
        platform,
        brand,
        period_start,
        hashtag,
        row_number() over (
            partition by platform, brand, period_start
            order by count(*) desc, coalesce(sum(public_engagements), 0) desc, hashtag
        ) as hashtag_rank
    from hashtag_uses
    where hashtag is not null and hashtag <> ''
    group by 1, 2, 3, 4

),

top_hashtags as (

    select
        platform,
        brand,
        period_start,
        list(hashtag order by hashtag_rank) as top_hashtags
    from hashtags_ranked
    where hashtag_rank <= 5
    group by 1, 2, 3

),

spine as (

    select platform, brand, period_start from followers_weekly
    union
    select platform, brand, period_start from posts_weekly

),

weekly as (

    select
        spine.platform,
        spine.brand,
        coalesce(brands.is_own_brand, false) as is_own_brand,
        spine.period_start,
        followers_weekly.followers,
        previous_week.followers as previous_followers,
        followers_weekly.followers - previous_week.followers as follower_change,
        {{ rate_pct('followers_weekly.followers - previous_week.followers', 'previous_week.followers') }}
            as follower_growth_rate,
        coalesce(posts_weekly.posts, 0) as posts,
        coalesce(posts_weekly.public_engagements, 0) as public_engagements,
        {{ safe_divide('posts_weekly.public_engagements', 'posts_weekly.posts') }} as public_engagements_per_post,
        {{ rate_pct('posts_weekly.public_engagements_with_followers', 'posts_weekly.followers_at_publish') }}
            as engagement_rate_by_followers,
        coalesce(top_hashtags.top_hashtags, []) as top_hashtags
    from spine
    left join brands
        on spine.brand = brands.brand
    left join followers_weekly
        on spine.platform = followers_weekly.platform
        and spine.brand = followers_weekly.brand
        and spine.period_start = followers_weekly.period_start
    left join followers_weekly as previous_week
        on spine.platform = previous_week.platform
        and spine.brand = previous_week.brand
        and spine.period_start - 7 = previous_week.period_start
    left join posts_weekly
        on spine.platform = posts_weekly.platform
        and spine.brand = posts_weekly.brand
        and spine.period_start = posts_weekly.period_start
    left join top_hashtags
        on spine.platform = top_hashtags.platform
        and spine.brand = top_hashtags.brand
        and spine.period_start = top_hashtags.period_start

),

-- each brand's week in every client's competitive set it belongs to (a shared competitor is in several)
in_sets as (

    select
        competitive_sets.client_brand,
        competitive_sets.is_client,
        weekly.*
    from weekly
    inner join competitive_sets
        on weekly.brand = competitive_sets.brand

),

final as (

    select
        'week' as period_grain,
        weekly.period_start,
        weekly.client_brand,
        weekly.platform,
        weekly.brand,
        weekly.is_client as is_own_brand,
        'published_posts' as engagement_view,
        'partition_day' as day_basis,
        weekly.posts as sample_size,
        weekly.posts >= {{ var('min_sample_posts') | int }} as is_sufficient_sample,
        {{ period_coverage_columns('weekly.period_start', 'week', 'coverage.covered_from', 'coverage.covered_to') }},
        followers,
        follower_change,
        follower_growth_rate,
        posts,
        public_engagements,
        public_engagements_per_post,
        engagement_rate_by_followers,
        top_hashtags,
        {%- for metric in compared %}
        {{ metric }} - avg({{ metric }}) filter (where not weekly.is_client) over platform_week
            as {{ metric }}_vs_competitor_average,
        {{ metric }} - avg({{ metric }}) over platform_week
            as {{ metric }}_vs_landscape_average{% if not loop.last %},{% endif %}
        {%- endfor %}
    from in_sets as weekly
    left join coverage
        on weekly.platform = coverage.platform
    window platform_week as (partition by weekly.client_brand, weekly.platform, weekly.period_start)

)

select * from final
