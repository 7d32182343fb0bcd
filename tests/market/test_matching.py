"""Keyword matching on hand-written cases: boundaries, hashtags, handles, case, accents, exclusions, scripts."""

from __future__ import annotations

import pytest

from pipelines.config.models import Brand, BrandsConfig
from pipelines.market.matching import MentionMatcher, brand_terms, normalize


def _brands() -> BrandsConfig:
    return BrandsConfig(
        brands=[
            Brand(
                name="Kopi Nusantara",
                own=True,
                keywords=["Kopi Nusantara", "KopiNusantara"],
                hashtags=["kopinusantara", "ngopidirumah"],
                accounts={
                    "instagram": {"id": "1", "handle": "kopinusantara"},
                    "youtube": {"id": "UC1", "handle": "@kopi.id"},
                },
            ),
            Brand(
                name="Arabika",
                keywords=["Arabika"],
                hashtags=["arabikaid"],
                exclude=["kopi arabika", "biji arabika", "arabika beans"],
                accounts={"x": {"id": "5", "handle": "arabikaid"}},
            ),
            Brand(name="Java Roast Co", keywords=["Java Roast"], exclude=["java roast beef"]),
            Brand(name="Café Senja", keywords=["Café Senja", "カフェ", "咖啡店", "Кофе Сенья"]),
        ]
    )


@pytest.fixture(scope="module")
def matcher() -> MentionMatcher:
    return MentionMatcher(_brands())


def _terms(matcher: MentionMatcher, text: str) -> dict[str, list[str]]:
    return matcher.brands_in(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # case and whitespace
        ("Just tried KOPI NUSANTARA today", {"Kopi Nusantara": ["Kopi Nusantara"]}),
        ("kopi\n  nusantara is great", {"Kopi Nusantara": ["Kopi Nusantara"]}),
        ("kopi-nusantara pop-up", {"Kopi Nusantara": ["Kopi Nusantara"]}),
        # word boundaries: glued letters or digits are another word
        ("kopinusantaraku enak", {}),
        ("Arabikaid store and xArabika", {}),
        ("Arabika2 opens", {}),
        ("(Arabika), Arabika! 'Arabika'", {"Arabika": ["Arabika"]}),
        ("my_arabika_shop", {}),
        # hashtags
        ("Pagi ini #KopiNusantara #ngopidirumah", {"Kopi Nusantara": ["#kopinusantara", "#ngopidirumah"]}),
        ("#ngopidirumahaja is another tag", {}),
        ("see &#ngopidirumah; entity", {}),
        ("#arabikaid rocks", {"Arabika": ["#arabikaid"]}),
        # handles (dots and hyphens make another account; e-mail addresses are not handles)
        ("thanks @kopinusantara!", {"Kopi Nusantara": ["@kopinusantara"]}),
        ("thanks @kopinusantara.", {"Kopi Nusantara": ["@kopinusantara"]}),
        ("thanks @kopinusantara.official", {}),
        ("mail hello@kopinusantara.com", {}),
        ("subscribe to @kopi.id now", {"Kopi Nusantara": ["@kopi.id"]}),
        # a keyword after '@' is somebody's handle, not the brand by name
        ("follow @arabika for beans", {}),
        # accents, full-width forms and invisible characters
        ("Kopi Nusantára di Bandung", {"Kopi Nusantara": ["Kopi Nusantara"]}),
        ("cafe senja malam ini", {"Café Senja": ["Café Senja"]}),
        ("ｋｏｐｉ　ｎｕｓａｎｔａｒａ", {"Kopi Nusantara": ["Kopi Nusantara"]}),
        ("Kopi\u200bNusantara", {"Kopi Nusantara": ["KopiNusantara"]}),
        # exclusions remove only the overlapping occurrence
        ("Beli kopi arabika di pasar", {}),
        ("Biji Arabika dan arabika beans", {}),
        ("kopi arabika? No: Arabika the café", {"Arabika": ["Arabika"]}),
        ("java roast beef sandwich", {}),
        ("Java Roast beats java roast beef", {"Java Roast Co": ["Java Roast"]}),
        # non-Latin scripts: Cyrillic has word boundaries, Japanese/Chinese do not
        ("Вчера был в Кофе Сенья", {"Café Senja": ["Кофе Сенья"]}),
        ("Кофе Сеньяпро", {}),
        ("新しいカフェに行った", {"Café Senja": ["カフェ"]}),
        ("我在咖啡店喝Kopi Nusantara的咖啡", {"Café Senja": ["咖啡店"], "Kopi Nusantara": ["Kopi Nusantara"]}),
        ("", {}),
    ],
)
def test_cases(matcher: MentionMatcher, text: str, expected: dict[str, list[str]]) -> None:
    assert _terms(matcher, text) == expected
    # one brand alone (what a source that searched for that brand asks) finds the same terms
    for name in matcher.brand_names:
        assert matcher.terms_of(name, text) == expected.get(name, []), name


def test_hashtag_wins_over_the_keyword_inside_it(matcher: MentionMatcher) -> None:
    matches = matcher.match("#KopiNusantara and KopiNusantara")
    assert [(m.term, m.kind) for m in matches] == [("#kopinusantara", "hashtag"), ("KopiNusantara", "keyword")]


def test_handle_kind_and_every_occurrence_is_reported(matcher: MentionMatcher) -> None:
    matches = matcher.match("@arabikaid @arabikaid Arabika")
    assert [m.kind for m in matches] == ["handle", "handle", "keyword"]
    assert {m.brand for m in matches} == {"Arabika"}


def test_brand_terms_include_hashtags_and_unique_handles() -> None:
    brand = _brands().brands[0]
    assert brand_terms(brand) == [
        "Kopi Nusantara",
        "KopiNusantara",
        "#kopinusantara",
        "#ngopidirumah",
        "@kopi.id",
        "@kopinusantara",
    ]


def test_normalize() -> None:
    assert normalize("Straße ÉCLAIR ﬁne") == "strasse eclair fine"
    assert normalize("İstanbul") == "istanbul"
    # marks of other scripts are kept (recomposed)
    assert normalize("ガ") == "ガ"
