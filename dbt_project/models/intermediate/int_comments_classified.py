"""Every comment with is_question, is_request, sentiment and needs_reply: pipelines.conversations (heuristics for
Indonesian and English, documented in pipelines/conversations/heuristics.py and the README).

A Python model because the heuristics and the sentiment scorer are Python; classifying here rather than at ingest
means a better rule re-classifies all history at the next build.
"""

import polars as pl

from pipelines.conversations import classify_comment


def model(dbt, session):
    dbt.config(materialized="table")
    comments = dbt.ref("int_comments_latest").pl()
    classes = [
        classify_comment(text, is_brand_author=brand)
        for text, brand in zip(comments["comment_text"].to_list(), comments["is_brand_author"].to_list(), strict=True)
    ]
    return comments.with_columns(
        pl.Series("is_question", [c.is_question for c in classes], dtype=pl.Boolean),
        pl.Series("is_request", [c.is_request for c in classes], dtype=pl.Boolean),
        pl.Series("sentiment", [c.sentiment for c in classes], dtype=pl.Utf8),
        pl.Series("needs_reply", [c.needs_reply for c in classes], dtype=pl.Boolean),
    )
