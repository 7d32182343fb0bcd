"""The sentiment rules, one at a time, on hand-written texts (the method: pipelines/sentiment/scorer.py)."""

import math

import pytest

from pipelines.errors import ConfigError
from pipelines.sentiment import score_text
from pipelines.sentiment.lexicon import build_lexicon, parse_own_lexicon
from pipelines.sentiment.scorer import ALPHA, NEGATION_SCALAR, _Scorer


def label(text: str) -> str:
    return score_text(text).label


@pytest.fixture(scope="module")
def tiny():
    """A scorer over a five-line lexicon, so the numbers can be computed by hand."""
    rows = parse_own_lexicon(
        "enak\tword\t2\ntidak\tnegator\t1\nbanget\tbooster_post\t0.5\ngak\tnormalize\ttidak\ntapi\tcontrast\t1\n"
        "mahal\tword\t-2\nterlalu\texcess\t1\nagak\tdampener\t0.5\n"
    )
    return _Scorer(build_lexicon(rows, english={}))


def compound(total: float) -> float:
    return round(total / math.sqrt(total * total + ALPHA), 4)


def test_scores_follow_the_formula_on_a_tiny_lexicon(tiny):
    assert tiny.score("enak").score == compound(2)
    assert tiny.score("enak banget").score == compound(2 * 1.5)  # booster after the word
    assert tiny.score("gak enak").score == compound(2 * NEGATION_SCALAR)  # slang negator normalised
    assert tiny.score("agak mahal").score == compound(-2 * 0.5)  # dampener
    assert tiny.score("terlalu enak").score == compound(-2)  # excess turns a positive term negative
    # contrast: before x0.5, after x1.5
    assert tiny.score("enak tapi mahal").score == compound(2 * 0.5 - 2 * 1.5)
    assert tiny.score("enak!").score == compound(2 + 0.292)  # emphasis
    assert tiny.score("kopi susu").terms == 0 and tiny.score("kopi susu").label == "neutral"


def test_negation_stops_at_a_comma(tiny):
    assert tiny.score("tidak, enak").score == compound(2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Es kopi susunya enak banget", "positive"),
        ("Gak enak, mending beli di warung", "negative"),  # negation
        ("Kopinya tidak mengecewakan", "positive"),  # negated negative
        ("Kurang enak", "negative"),  # kurang flips a positive term
        ("Es kopinya kemanisan", "negative"),  # ke-...-an: too sweet
        ("Kopinya keenceran", "negative"),  # the same rule on a word with no own entry
        ("Terenak se-Jakarta", "positive"),  # ter- superlative
        ("Enaaak bgt", "positive"),  # repeated letters, slang booster
        ("Keren parah", "positive"),  # parah boosts the word before it
        ("Parah, pesanan salah terus", "negative"),  # parah alone is negative
        ("Gak ada obat!", "positive"),  # idiom
        ("Review jujur: worth it gak?", "neutral"),  # positive words in a question
        ("Kopi Nusantara tidak buka pada hari libur", "neutral"),  # negation without sentiment
        ("Not bad at all", "positive"),
        ("Not worth the hype", "negative"),
        ("Way too sweet", "negative"),
        ("Tastes like dishwater", "negative"),  # "like" is no praise here
        ("Is it any good?", "neutral"),
        ("😍😍", "positive"),
        ("🤮", "negative"),
        ("8/10 would come again", "positive"),  # a rating
        ("2/10", "negative"),
        ("今日はコーヒーを飲んだ", "neutral"),  # outside the lexicon's languages
        ("", "neutral"),
    ],
)
def test_rules_on_real_world_shapes(text, expected):
    assert label(text) == expected


def test_sarcasm_is_a_known_limit():
    """Marked hard in the evaluation sample: the words say positive, the author means negative."""
    assert label("Mantap, pesanan saya dikasih ke orang lain") == "positive"


def test_score_is_bounded_and_cached():
    result = score_text("Enak banget banget banget!!!! 😍😍😍😍")
    assert 0 < result.score < 1 and result.label == "positive"
    assert score_text("Enak banget banget banget!!!! 😍😍😍😍") is result


def test_a_bad_lexicon_line_names_its_line():
    with pytest.raises(ConfigError, match="line 2.*unknown kind"):
        parse_own_lexicon("enak\tword\t2\nmahal\tadjective\t-2\n", source="lexicon.tsv")
    with pytest.raises(ConfigError, match="line 1.*must be a number"):
        parse_own_lexicon("enak\tword\tvery\n", source="lexicon.tsv")
