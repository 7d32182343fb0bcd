-- Every comment with the brand's first reply to it.
-- A top-level comment is answered by the first brand reply in its thread; a reply always follows the comment it
-- answers, so a brand reply stamped before the comment is clock skew between the platform's servers: it counts
-- as an answer after 0 minutes (has_clock_skew). A reply by the audience inside a thread (a follow-up question)
-- is answered by the first brand reply in the same thread stamped after it. Replies by other people never
-- answer. A deleted brand reply is gone from the latest read: the comment counts as unanswered.

with

comments as (

    select * from {{ ref('int_comments_classified') }}

),

brand_replies as (

    select
        platform,
        post_id,
        comment_id,
        parent_comment_id,
        created_at
    from comments
    where is_brand_author
        and parent_comment_id is not null

),

first_replies as (

    select
        comments.platform,
        comments.comment_id,
        min(brand_replies.created_at) as first_brand_reply_at
    from comments
    inner join brand_replies
        on comments.platform = brand_replies.platform
        and comments.post_id = brand_replies.post_id
        and brand_replies.parent_comment_id = coalesce(comments.parent_comment_id, comments.comment_id)
        and brand_replies.comment_id <> comments.comment_id
        and (comments.parent_comment_id is null or brand_replies.created_at > comments.created_at)
    where not coalesce(comments.is_brand_author, false)
    group by
        comments.platform,
        comments.comment_id

),

final as (

    select
        comments.*,
        coalesce(comments.parent_comment_id, comments.comment_id) as thread_id,
        comments.parent_comment_id is not null as is_reply,
        first_replies.first_brand_reply_at,
        first_replies.first_brand_reply_at is not null as is_answered,
        coalesce(first_replies.first_brand_reply_at < comments.created_at, false) as has_clock_skew,
        case
            when first_replies.first_brand_reply_at is not null
                then greatest(0.0, date_diff('second', comments.created_at, first_replies.first_brand_reply_at) / 60.0)
        end as reply_minutes,
        date_diff('second', comments.created_at, comments.observed_at) / 3600.0 as age_hours,
        (
            comments.is_question
            and not coalesce(comments.is_brand_author, false)
            and first_replies.first_brand_reply_at is null
            and comments.observed_at >= comments.created_at + interval 24 hour
        ) as is_unanswered_question_over_24h
    from comments
    left join first_replies
        on comments.platform = first_replies.platform
        and comments.comment_id = first_replies.comment_id

)

select * from final
