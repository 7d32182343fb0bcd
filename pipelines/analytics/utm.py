"""UTM parameters of the links in post captions, on the shapes real captions have. Pure (the dbt model
int_post_links_parsed runs it; tests/analytics/test_utm.py holds the hand-written cases).

- Links are found in free text: `https://...`, `http://...` and bare `www....`; trailing punctuation of the
  sentence (`.`, `,`, `)`, `!`...) is not part of the link.
- Parameter names are case-insensitive (`UTM_Source`, `utm_source`); values are percent-decoded (`%20`, `+`,
  `%2D`, doubly encoded `%2520`) and compared in lower case with surrounding spaces removed (`Ramadan-Sale ` and
  `ramadan-sale` are one campaign), the way a marketer means them; GA4 reports values as they were sent, so the
  marts lower-case GA4's campaign names the same way (`normalize_campaign`).
- Click ids (`fbclid`, `gclid`, `igshid`, `ttclid`, `twclid`, `li_fat_id`, `msclkid`) and other parameters are
  ignored; a link with a campaign but no source or medium is still tagged (the missing ones are None).
- Shortened links (bit.ly, s.id, t.co, lnkd.in, ...) hide their parameters: `kind = shortened`, never matched, so
  the marts count them instead of guessing.
- Social click-through sources GA4 reports without UTM tags (`l.instagram.com`, `t.co`, `lm.facebook.com`...) map to
  their platform (`platform_of_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlsplit

SHORTENERS = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "s.id",
        "t.co",
        "tinyurl.com",
        "lnkd.in",
        "ow.ly",
        "buff.ly",
        "goo.gl",
        "rb.gy",
        "cutt.ly",
        "is.gd",
        "shorturl.at",
        "linktr.ee",
        "tiny.cc",
        "rebrand.ly",
        "fb.me",
        "youtu.be",
        "wa.me",
    }
)
CLICK_IDS = frozenset({"fbclid", "gclid", "igshid", "ttclid", "twclid", "li_fat_id", "msclkid", "dclid", "wbraid"})
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'“”]+")
_TRAILING = ".,;:!?)]}>'\"…"

# GA4 session sources (lower case) of each platform: UTM values people write and the referral hosts of clicks
SOURCE_PLATFORMS: dict[str, str] = {
    **dict.fromkeys(
        ("facebook", "fb", "facebook.com", "m.facebook.com", "l.facebook.com", "lm.facebook.com"), "facebook"
    ),
    **dict.fromkeys(("instagram", "ig", "instagram.com", "l.instagram.com"), "instagram"),
    **dict.fromkeys(("x", "twitter", "t.co", "x.com", "twitter.com", "mobile.twitter.com"), "x"),
    **dict.fromkeys(("linkedin", "linkedin.com", "lnkd.in", "www.linkedin.com"), "linkedin"),
    **dict.fromkeys(("youtube", "yt", "youtube.com", "m.youtube.com", "www.youtube.com"), "youtube"),
    **dict.fromkeys(("tiktok", "tiktok.com", "www.tiktok.com", "vm.tiktok.com"), "tiktok"),
}


@dataclass(frozen=True)
class Link:
    url: str  # as written in the text
    host: str  # lower case, without www.
    kind: str  # utm (a campaign is tagged) | shortened | untagged (no campaign) | invalid
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    content: str | None = None
    term: str | None = None
    click_ids: tuple[str, ...] = ()


def _decode(value: str) -> str:
    """Percent-decode until stable (a doubly encoded `%2520` is a space), `+` as space."""
    for _ in range(3):
        decoded = unquote_plus(value)
        if decoded == value:
            break
        value = decoded
    return value


def normalize_campaign(value: str | None) -> str | None:
    """The form campaign names (and sources, mediums) are compared in: decoded, trimmed, lower case."""
    if value is None:
        return None
    text = " ".join(_decode(value).split()).lower()
    return text or None


def find_links(text: str | None) -> list[str]:
    """The links in a caption, in order, without the sentence's trailing punctuation."""
    out = []
    for match in _LINK.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        if url.count("(") < url.count(")"):  # "(see https://x.example/a)" keeps no ")"
            url = url.rstrip(")")
        out.append(url)
    return out


def parse_link(url: str) -> Link:
    """The UTM parameters of one link."""
    full = url if "://" in url else "https://" + url
    try:
        parts = urlsplit(full)
        host = (parts.hostname or "").lower()
    except ValueError:
        return Link(url=url, host="", kind="invalid")
    host = host.removeprefix("www.")
    if not host or "." not in host:
        return Link(url=url, host=host, kind="invalid")
    if host in SHORTENERS:
        return Link(url=url, host=host, kind="shortened")
    query = parts.query or ""
    if not query and "?" in parts.fragment:  # single-page sites: #/page?utm_source=...
        query = parts.fragment.split("?", 1)[1]
    values: dict[str, str] = {}
    click_ids: list[str] = []
    for key, value in parse_qsl(query.replace("&amp;", "&"), keep_blank_values=True):
        name = _decode(key).strip().lower()
        if name in UTM_KEYS and name not in values:
            values[name] = value
        elif name in CLICK_IDS:
            click_ids.append(name)
    fields = {key.removeprefix("utm_"): normalize_campaign(values.get(key)) for key in UTM_KEYS}
    kind = "utm" if fields["campaign"] else "untagged"
    return Link(url=url, host=host, kind=kind, click_ids=tuple(click_ids), **fields)


def parse_links(text: str | None) -> list[Link]:
    return [parse_link(url) for url in find_links(text)]


def platform_of_source(source: str | None) -> str | None:
    """The social platform a GA4 session source stands for, None for other sources (google, newsletter...)."""
    key = normalize_campaign(source)
    if key is None:
        return None
    return SOURCE_PLATFORMS.get(key) or SOURCE_PLATFORMS.get(key.removeprefix("www."))
