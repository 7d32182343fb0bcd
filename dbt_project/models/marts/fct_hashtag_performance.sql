-- How own posts using a hashtag do against the same platform's posts without it, per month (posts by local
-- publish month, lifetime totals: the "posts published" view). Compared on public engagements, which every
-- post has whatever its platform and age; the owned-engagement rates (with saves and clicks) are separate.

{%- set rates = [
    ('public_engagement_rate_by_reach', 'public_engagements', 'reach'),
    ('public_engagement_rate_by_views', 'public_engagements', 'views'),
    ('engagement_rate_by_reach', 'engagements', 'reach'),
    ('engagement_rate_by_views', 'engagements', 'views'),
] %}

with

posts as (

    select * from {{ ref('fct_posts') }}

),

-- the days the own posts of each platform cover: from its first post on record to its last snapshot
coverage as (

    {{ own_post_coverage('posts') }}

),

post_terms as (

    select
        client_brand,
        platform,
        post_id,
        cast({{ dbt.date_trunc('month', 'published_date_local') }} as date) as period_start,
        hashtags,
        engagements,
        public_engagements,
        reach,
        views
    from posts

),

month_totals as (

    select
        client_brand,
        platform,
        period_start,
        count(*) as posts,
        {%- for name, numerator, denominator in rates %}
        {{ rate_parts(numerator, denominator, name) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from post_terms
    group by 1, 2, 3

),

hashtag_posts as (

    select
        client_brand,
        platform,
        period_start,
        unnest(hashtags) as hashtag,
        engagements,
        public_engagements,
        reach,
        views
    from post_terms

),

hashtag_totals as (

    select
        client_brand,
        platform,
        period_start,
        hashtag,
        count(*) as posts,
        sum(engagements) as engagements,
        sum(public_engagements) as public_engagements,
        {%- for name, numerator, denominator in rates %}
        {{ rate_parts(numerator, denominator, name) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from hashtag_posts
    group by 1, 2, 3, 4

),

compared as (

    select
        hashtag_totals.*,
        month_totals.posts - hashtag_totals.posts as posts_without,
        {%- for name, numerator, denominator in rates %}
        {{ rate_from_parts(name, 'hashtag_totals.') }} as {{ name }},
        {{ rate_pct(
            'coalesce(month_totals.' ~ name ~ '_numerator, 0) - coalesce(hashtag_totals.' ~ name ~ '_numerator, 0)',
            'coalesce(month_totals.' ~ name ~ '_denominator, 0) - coalesce(hashtag_totals.' ~ name ~ '_denominator, 0)'
        ) }} as {{ name }}_without{% if not loop.last %},{% endif %}
        {%- endfor %}
    from hashtag_totals
    inner join month_totals
        on hashtag_totals.client_brand is not distinct from month_totals.client_brand
        and hashtag_totals.platform = month_totals.platform
        and hashtag_totals.period_start = month_totals.period_start

),

final as (

    select
        'month' as period_grain,
        compared.period_start,
        compared.client_brand,
        compared.platform,
        compared.hashtag,
        'published_posts' as engagement_view,
        'partition_day' as day_basis,
        compared.posts,
        compared.posts as sample_size,
        compared.posts >= {{ var('min_sample_posts') | int }}
            and compared.posts_without >= {{ var('min_sample_posts') | int }} as is_sufficient_sample,
        compared.posts_without,
        {{ period_coverage_columns('compared.period_start', 'month', 'coverage.covered_from', 'coverage.covered_to') }},
        compared.public_engagements,
        compared.engagements,
        {{ safe_divide('compared.public_engagements', 'compared.posts') }} as public_engagements_per_post,
        {{ safe_divide('compared.engagements', 'compared.posts') }} as engagements_per_post,
        {%- for name, numerator, denominator in rates %}
        compared.{{ name }},
        compared.{{ name }}_without,
        compared.{{ name }} - compared.{{ name }}_without as {{ name }}_difference{% if not loop.last %},{% endif %}
        {%- endfor %}
    from compared
    left join coverage
        on compared.client_brand is not distinct from coverage.client_brand
        and compared.platform = coverage.platform
    where compared.hashtag is not null and compared.hashtag <> ''

)

select * from final
