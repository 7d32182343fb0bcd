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
