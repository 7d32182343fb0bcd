"""The sentiment evaluation (python -m bench sentiment): precision and recall per class and language on the
labelled samples, held to the floors bench/sentiment.py states."""

from pathlib import Path

from bench import sentiment
from bench.sentiment import HOLDOUT, SAMPLE, ClassScore, class_scores, evaluate, load_sample


def test_the_samples_are_large_bilingual_and_balanced():
    examples = load_sample(SAMPLE)
    assert len(examples) >= 300
    for language in ("id", "en"):
        for label in ("positive", "neutral", "negative"):
            assert sum(e.language == language and e.label == label for e in examples) >= 45, (language, label)
    assert sum(e.is_hard for e in examples) >= 90
    for phenomenon in ("slang", "emoji", "negation", "sarcasm"):
        assert sum(phenomenon in e.phenomena for e in examples) >= 8, phenomenon
        assert all(e.is_hard for e in examples if phenomenon in e.phenomena)
    assert len({e.text for e in examples}) == len(examples)
    holdout = load_sample(HOLDOUT)
    assert len(holdout) == 60 and not {e.text for e in holdout} & {e.text for e in examples}


def test_precision_and_recall_are_counted_by_hand():
    pairs = [("positive", "positive"), ("positive", "neutral"), ("negative", "negative"), ("neutral", "negative")]
    scores = {s.label: s for s in class_scores("t", pairs)}
    assert scores["positive"] == ClassScore("t", "positive", support=2, predicted=1, correct=1)
    assert scores["positive"].precision == 1.0 and scores["positive"].recall == 0.5
    assert scores["negative"].precision == 0.5 and scores["negative"].recall == 1.0
    assert scores["neutral"].precision == 0.0 and scores["neutral"].recall == 0.0


def test_every_class_in_every_language_is_above_the_floor_on_the_development_sample():
    assert sentiment.below_floor(SAMPLE) == []
    table = {(s.subset, s.label): s for s in evaluate(load_sample(SAMPLE))}
    assert table["all", "negative"].precision >= 0.95  # the crisis alert rests on negative precision


def test_the_held_out_sample_is_above_its_floor():
    assert sentiment.below_floor(HOLDOUT) == []
    assert sentiment.accuracy(load_sample(HOLDOUT)) >= 0.75


def test_sarcasm_is_reported_separately():
    table = {(s.subset, s.label): s for s in evaluate(load_sample(SAMPLE))}
    assert table["sarcasm", "negative"].support >= 8
    assert table["sarcasm", "negative"].recall < 0.5  # the known limit, visible in the report


def test_the_report_prints_the_table():
    text = sentiment.report(SAMPLE)
    assert "language=id" in text and "language=en" in text and "recall" in text and "accuracy" in text


def test_the_tables_in_the_docs_are_what_the_command_prints():
    """docs/sentiment.md quotes `python -m bench sentiment`; a lexicon change must update it."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sentiment.md").read_text(encoding="utf-8")
    for path in (SAMPLE, HOLDOUT):
        assert sentiment.report(path) in docs, (
            f"docs/sentiment.md is stale for {path.name}: run make sentiment-evaluation"
        )
