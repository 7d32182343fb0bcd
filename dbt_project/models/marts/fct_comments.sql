-- One row per comment or reply on the own posts, as the latest read showed it, with what it asks and the brand's
-- first reply (int_comments_answered explains the rules). The posts are a client brand's own: client_brand = brand.

with

comments as (

    select * from {{ ref('int_comments_answered') }}

),

posts as (

    select * from {{ ref('int_own_posts_latest') }}

),

final as (

    select
        comments.comment_id,
        -- comments are read on the client brands' own posts only: the client is the brand
        comments.brand as client_brand,
        comments.brand,
        comments.platform,
        comments.account_id,
        comments.post_id,
        posts.post_url,
        comments.thread_id,
        comments.parent_comment_id,
        comments.is_reply,
        comments.author_id,
        comments.author_name,
        comments.is_brand_author,
        comments.created_at,
        comments.created_date,
        comments.comment_text,
        comments.sentiment,
        comments.is_question,
        comments.is_request,
        comments.needs_reply,
        comments.first_brand_reply_at,
        comments.reply_minutes,
        comments.is_answered,
        comments.has_clock_skew,
        comments.observed_at,
        comments.age_hours,
        comments.is_unanswered_question_over_24h
    from comments
    left join posts
        on comments.platform = posts.platform
        and comments.post_id = posts.post_id

)

select * from final
