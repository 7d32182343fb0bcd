{#- Brand helpers over int_brand_accounts_normalized (brands.yaml as rows). -#}

{#- The select of the own accounts, one row per platform and account with its brand. An account that
    brands.yaml lists under several own brands counts for the first by name, so every own fact (posts, post
    metrics, account days, audience) gives an account the same single brand. -#}
{% macro own_account_brands(brand_accounts) -%}
    select
        platform,
        account_id,
        min(brand) as brand
    from {{ brand_accounts }}
    where is_own_brand
    group by
        platform,
        account_id
{%- endmacro %}

{#- Followers of the post's account at its publication: the latest figure of int_follower_counts_unioned that
    describes a moment at or before `published_at` (an as-of join that never looks ahead), with the day of that
    figure. No figure before the post: NULL, and `followers_at_publish_missing_reason` says so. `posts` is a
    relation with platform, account_id and published_at. -#}
{% macro with_followers_at_publish(posts) -%}
    select
        {{ posts }}.*,
        follower_counts.followers as followers_at_publish,
        follower_counts.metric_date as followers_at_publish_date,
        follower_counts.counted_at as followers_at_publish_counted_at,
        case
            when follower_counts.followers is null then 'no follower figure before publishing'
        end as followers_at_publish_missing_reason
    from {{ posts }}
    asof left join {{ ref('int_follower_counts_unioned') }} as follower_counts
        on {{ posts }}.platform = follower_counts.platform
        and {{ posts }}.account_id = follower_counts.account_id
        and {{ posts }}.published_at >= follower_counts.counted_at
{%- endmacro %}
