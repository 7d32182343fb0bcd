"""Every mention with its sentiment: pipelines.sentiment (a bilingual lexicon with rules, offline; the method and
its evaluation: pipelines/sentiment/scorer.py, `python -m bench sentiment`).

A Python model because the scorer is Python. Scoring here rather than at ingest means a better lexicon re-scores the
whole history at the next build: X's search reaches 7 days back, so a mention scored when it was read could never be
scored again. A mention without text has no sentiment (NULL) and is not analysed.
"""

import polars as pl

from pipelines.sentiment import score_text


def model(dbt, session):
    dbt.config(materialized="table")
    mentions = dbt.ref("int_mentions_unioned").pl()
    results = [None if text is None else score_text(text) for text in mentions["mention_text"].to_list()]
    return mentions.with_columns(
        pl.Series("sentiment", [r.label if r else None for r in results], dtype=pl.Utf8),
        pl.Series("sentiment_score", [r.score if r else None for r in results], dtype=pl.Float64),
        pl.Series("sentiment_terms", [r.terms if r else None for r in results], dtype=pl.Int64),
    )
