-- A post's followers at publish describe a moment at or before its publication (own posts: the end of the
-- account's platform day; public posts: the end of the partition day the profile was read for): never a figure
-- from after. Returns the posts that break it (none expected).

select
    'own' as post_kind,
    platform,
    post_id,
    published_at,
    followers_at_publish_counted_at
from {{ ref('fct_posts') }}
where followers_at_publish_counted_at > published_at

union all

select
    'public' as post_kind,
    platform,
    post_id,
    published_at,
    followers_at_publish_counted_at
from {{ ref('int_competitor_posts_deduplicated') }}
where followers_at_publish_counted_at > published_at
