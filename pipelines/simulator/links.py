"""Links in the own brand's captions: some posts on platforms with clickable captions (Facebook, X, LinkedIn,
YouTube descriptions) carry a link to the brand's site, most UTM-tagged, written the way real captions are written
(canonical, mixed case, percent-encoded, with a click id, without a medium, or shortened). Deterministic from the
seed and the post id, on their own random stream (the rest of the world is unchanged)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from urllib.parse import quote

from pipelines.simulator import randomness as rnd

if TYPE_CHECKING:
    from pipelines.simulator.world import Post

SITE = "https://kopinusantara.example"
LINK_PROBABILITY = {"facebook": 0.35, "x": 0.3, "linkedin": 0.5, "youtube": 0.6}
UTM_SOURCE = {"facebook": "facebook", "x": "twitter", "linkedin": "linkedin", "youtube": "youtube"}
CAMPAIGN_THEMES = ("menu-baru", "promo-gajian", "kopi-pandan", "weekend-deal", "member-app", "cold-brew")
LANDING_PAGES = {
    "menu-baru": "/menu",
    "promo-gajian": "/promo",
    "kopi-pandan": "/menu/kopi-pandan",
    "weekend-deal": "/promo/weekend",
    "member-app": "/app",
    "cold-brew": "/menu/cold-brew",
}
SHAPES = ("canonical", "mixed_case", "encoded", "click_id", "no_medium", "shortened")
SHAPE_WEIGHTS = (0.55, 0.1, 0.1, 0.1, 0.05, 0.1)


def with_link(seed: int, post: Post) -> Post:
    """The post, with a link appended to its caption when it has one."""
    probability = LINK_PROBABILITY.get(post.platform, 0.0)
    r = rnd.rng(seed, "link", post.post_id)
    if not probability or r.random() >= probability:
        return post
    theme = r.choice(CAMPAIGN_THEMES)
    local_day = post.published_at.strftime("%m%d")
    campaign = f"{theme}-{local_day}"
    shape = rnd.weighted(r, SHAPES, SHAPE_WEIGHTS)
    source, medium, page = UTM_SOURCE[post.platform], "social", LANDING_PAGES[theme]
    if shape == "canonical":
        url = f"{SITE}{page}?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    elif shape == "mixed_case":
        source, medium, campaign = source.title(), medium.title(), campaign.title()
        url = f"{SITE}{page}?UTM_Source={source}&UTM_Medium={medium}&Utm_Campaign={campaign}"
    elif shape == "encoded":
        campaign = campaign.replace("-", " ")
        url = f"{SITE}{page}?utm_source={source}&utm_medium={medium}&utm_campaign={quote(campaign)}"
    elif shape == "click_id":
        token = rnd.token("fbclid", post.post_id, length=16)
        url = f"{SITE}{page}?fbclid=IwAR{token}&utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    elif shape == "no_medium":
        medium = "(not set)"
        url = f"{SITE}{page}?utm_source={source}&utm_campaign={campaign}"
    else:  # shortened: the short link redirects to the canonical tagged URL, which GA4 records
        url = f"https://bit.ly/kn{rnd.token('short', post.post_id, length=6)}"
    caption = f"{post.caption} {r.choice(('Cek', 'Info:', 'Order:', 'More:'))} {url}"
    return dataclasses.replace(
        post,
        caption=caption,
        link_url=url,
        link_shape=shape,
        utm_source=source,
        utm_medium=medium,
        utm_campaign=campaign,
    )
