{#- The responsiveness measures over a group of comments of int_comments_answered (one place for the daily KPI
    source and the weekly mart): audience comments, those needing a reply, answered, the answered share, median
    and 90th-percentile reply minutes of the answered ones, questions, questions unanswered after 24 h, and
    is_settled: every comment of the group had 24 hours for a reply when it was last read (the KPIs of a day
    are reported once it is settled, so an alert never reads replies still to come). -#}
{% macro responsiveness_measures() -%}
        count(*) filter (where not coalesce(is_brand_author, false)) as comments,
        count(*) filter (where needs_reply) as comments_needing_reply,
        count(*) filter (where needs_reply and is_answered) as comments_answered,
        100.0 * count(*) filter (where needs_reply and is_answered)
            / nullif(count(*) filter (where needs_reply), 0) as answered_share_pct,
        median(reply_minutes) filter (where needs_reply and is_answered) as median_reply_minutes,
        quantile_cont(reply_minutes, 0.9) filter (where needs_reply and is_answered) as p90_reply_minutes,
        count(*) filter (where is_question and not coalesce(is_brand_author, false)) as questions,
        count(*) filter (where is_unanswered_question_over_24h) as unanswered_questions_over_24h,
        count(*) filter (where has_clock_skew and needs_reply) as replies_with_clock_skew,
        min(observed_at) >= max(created_at) + interval 24 hour as is_settled
{%- endmacro %}
