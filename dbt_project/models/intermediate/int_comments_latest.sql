-- The comments of each own post as its latest read showed them: a comment deleted since an earlier read is gone
-- (only the post's newest snapshot day counts), with the brand of the account and the partition day of creation.

with

comments as (

    {{ union_platforms(comment_platforms(), 'post_comments') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

latest_read as (

    select
        platform,
        post_id,
        max(snapshot_date) as snapshot_date
    from comments
    group by
        platform,
        post_id

),

one_row_per_comment as (

    select comments.*
    from comments
    inner join latest_read
        on comments.platform = latest_read.platform
        and comments.post_id = latest_read.post_id
        and comments.snapshot_date = latest_read.snapshot_date
    qualify row_number() over (
        partition by comments.platform, comments.comment_id
        order by {{ source_preference('comments.record_source', 'comments.loaded_at') }}
    ) = 1

),

final as (

    select
        own_accounts.brand,
        one_row_per_comment.platform,
        one_row_per_comment.account_id,
        one_row_per_comment.post_id,
        one_row_per_comment.comment_id,
        one_row_per_comment.parent_comment_id,
        one_row_per_comment.author_id,
        one_row_per_comment.author_name,
        one_row_per_comment.is_brand_author,
        one_row_per_comment.created_at,
        cast({{ to_local_timestamp('one_row_per_comment.created_at') }} as date) as created_date,
        one_row_per_comment.comment_text,
        one_row_per_comment.observed_at,
        one_row_per_comment.snapshot_date
    from one_row_per_comment
    inner join own_accounts
        on one_row_per_comment.platform = own_accounts.platform
        and one_row_per_comment.account_id = own_accounts.account_id

)

select * from final
