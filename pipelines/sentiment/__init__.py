"""Sentiment of mentions (and later comments) in Indonesian and English, offline: a bilingual lexicon with rules
for negation, intensifiers, slang and emoji (scorer.py explains the method; lexicon.tsv holds the data)."""

from pipelines.sentiment.scorer import LABELS, THRESHOLD, Sentiment, score_text

__all__ = ["LABELS", "THRESHOLD", "Sentiment", "score_text"]
