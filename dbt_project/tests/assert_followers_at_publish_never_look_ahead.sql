-- A post's followers at publish describe a day that ended before it was published (own posts: the platform's
-- reporting day; competitors' posts: the partition day the profile was read for): never a figure from after.
-- Returns the posts that break it (none expected).

select
    'own' as post_kind,
    platform,
    post_id,
    published_date_platform as published_date,
    followers_at_publish_date
from {{ ref('fct_posts') }}
where followers_at_publish_date >= published_date_platform

union all

select
    'public' as post_kind,
    platform,
    post_id,
    published_date_local as published_date,
    followers_at_publish_date
from {{ ref('int_competitor_posts_deduplicated') }}
where followers_at_publish_date >= published_date_local
