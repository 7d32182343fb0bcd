"""UTM parsing on real-world link shapes (pipelines/analytics/utm.py)."""

import pytest

from pipelines.analytics.utm import find_links, normalize_campaign, parse_link, parse_links, platform_of_source

BASE = "https://kopinusantara.example/menu"


@pytest.mark.parametrize(
    ("url", "kind", "source", "medium", "campaign"),
    [
        (
            f"{BASE}?utm_source=instagram&utm_medium=social&utm_campaign=ramadan-2026",
            "utm",
            "instagram",
            "social",
            "ramadan-2026",
        ),
        # mixed case names and values
        (
            f"{BASE}?UTM_Source=Facebook&Utm_Medium=Social&UTM_CAMPAIGN=Ramadan-2026",
            "utm",
            "facebook",
            "social",
            "ramadan-2026",
        ),
        # percent-encoded, + as space, doubly encoded
        (f"{BASE}?utm_source=x&utm_medium=social&utm_campaign=kopi%20pandan", "utm", "x", "social", "kopi pandan"),
        (f"{BASE}?utm_campaign=kopi+pandan&utm_source=x", "utm", "x", None, "kopi pandan"),
        (f"{BASE}?utm_campaign=kopi%2520pandan", "utm", None, None, "kopi pandan"),
        (f"{BASE}?utm_campaign=kopi%2Dpandan%2D1107", "utm", None, None, "kopi-pandan-1107"),
        # encoded parameter name
        (f"{BASE}?utm%5Fcampaign=promo", "utm", None, None, "promo"),
        # missing parameters: a campaign alone is tagged; no campaign is untagged
        (f"{BASE}?utm_campaign=promo", "utm", None, None, "promo"),
        (f"{BASE}?utm_source=facebook&utm_medium=social", "untagged", "facebook", "social", None),
        (f"{BASE}?utm_campaign=", "untagged", None, None, None),
        (BASE, "untagged", None, None, None),
        # click ids and other parameters around the UTM tags
        (f"{BASE}?fbclid=IwAR3xYz&utm_source=fb&utm_campaign=promo", "utm", "fb", None, "promo"),
        (f"{BASE}?utm_campaign=promo&gclid=Cj0KCQ&ref=home", "utm", None, None, "promo"),
        # HTML-escaped ampersands pasted from a web page, a fragment, spaces around the value
        (f"{BASE}?utm_source=ig&amp;utm_campaign=promo", "utm", "ig", None, "promo"),
        (f"{BASE}?utm_campaign=promo#top", "utm", None, None, "promo"),
        (f"{BASE}?utm_campaign=%20Promo%20Gajian%20", "utm", None, None, "promo gajian"),
        # single-page app: the query after the fragment
        ("https://kopinusantara.example/#/menu?utm_campaign=promo", "utm", None, None, "promo"),
        # the first value wins when a parameter is repeated
        (f"{BASE}?utm_campaign=first&utm_campaign=second", "utm", None, None, "first"),
        # shortened links hide their parameters
        ("https://bit.ly/3kNpromo", "shortened", None, None, None),
        ("https://s.id/kopinusantara", "shortened", None, None, None),
        ("https://lnkd.in/gXyz", "shortened", None, None, None),
        ("http://t.co/abc123?utm_campaign=looks-tagged", "shortened", None, None, None),
        # bare www. links and hosts in capitals
        ("www.KopiNusantara.example/menu?utm_campaign=Promo", "utm", None, None, "promo"),
        ("https://", "invalid", None, None, None),
    ],
)
def test_parse_link(url, kind, source, medium, campaign):
    link = parse_link(url)
    assert (link.kind, link.source, link.medium, link.campaign) == (kind, source, medium, campaign)


def test_click_ids_and_host_are_kept():
    link = parse_link(f"{BASE}?fbclid=abc&utm_campaign=promo&gclid=def")
    assert link.click_ids == ("fbclid", "gclid") and link.host == "kopinusantara.example"
    assert parse_link("https://www.bit.ly/x").host == "bit.ly"


def test_links_are_found_in_captions_without_trailing_punctuation():
    caption = (
        "Promo gajian! Cek https://kopinusantara.example/promo?utm_campaign=gajian. "
        "Atau (www.kopinusantara.example/menu?utm_campaign=menu), atau https://bit.ly/kn1!"
    )
    assert find_links(caption) == [
        "https://kopinusantara.example/promo?utm_campaign=gajian",
        "www.kopinusantara.example/menu?utm_campaign=menu",
        "https://bit.ly/kn1",
    ]
    assert [link.kind for link in parse_links(caption)] == ["utm", "utm", "shortened"]
    assert parse_links("Tidak ada link di sini #kopi @kopinusantara") == []
    assert parse_links(None) == []


def test_campaign_normalisation_matches_ga4_values():
    assert normalize_campaign("Ramadan-2026") == normalize_campaign("ramadan-2026 ") == "ramadan-2026"
    assert normalize_campaign("kopi%20pandan") == "kopi pandan"
    assert normalize_campaign("  ") is None and normalize_campaign(None) is None


@pytest.mark.parametrize(
    ("source", "platform"),
    [
        ("facebook", "facebook"),
        ("Facebook", "facebook"),
        ("m.facebook.com", "facebook"),
        ("lm.facebook.com", "facebook"),
        ("l.instagram.com", "instagram"),
        ("IG", "instagram"),
        ("t.co", "x"),
        ("twitter", "x"),
        ("lnkd.in", "linkedin"),
        ("www.linkedin.com", "linkedin"),
        ("youtube.com", "youtube"),
        ("tiktok", "tiktok"),
        ("google", None),
        ("(direct)", None),
        ("newsletter", None),
        (None, None),
    ],
)
def test_platform_of_source(source, platform):
    assert platform_of_source(source) == platform
