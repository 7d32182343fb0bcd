"""Which planned post each published post fulfils. Pure: the dbt model int_editorial_plan_matched runs it.

The rules (documented in the README, "Editorial plan"):
- A planned post (a slot) is fulfilled by a published post of the same brand, platform and content type published
  within `tolerance_days` of the planned day (partition days), before or after.
- Slots are served in order of planned day (then plan line); each takes the closest unmatched candidate (a post on
  the planned day first, then the nearest; on a tie the earlier post, then the post id). A post fulfils at most one
  slot.
- Status of a slot: `on_time` (published on the planned day or up to tolerance_days early), `late` (after the
  planned day, within the tolerance), `missing` (no post and the tolerance has passed: planned day + tolerance_days
  is on or before the last day the platform's posts were read), `upcoming` (no post yet, still time).
- A published post that fulfils no slot is `off_plan`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

STATUSES = ("on_time", "late", "missing", "upcoming", "off_plan")


@dataclass(frozen=True)
class Slot:
    slot_id: str
    brand: str
    platform: str
    content_type: str
    planned_date: dt.date
    tolerance_days: int
    as_of: dt.date | None  # the last day the platform's posts were read (None: never)


@dataclass(frozen=True)
class Published:
    post_id: str
    brand: str
    platform: str
    content_type: str
    published_date: dt.date


@dataclass(frozen=True)
class Match:
    status: str
    slot_id: str | None
    post_id: str | None
    days_off: int | None  # published day - planned day


def match_plan(slots: Iterable[Slot], posts: Iterable[Published]) -> list[Match]:
    """One Match per slot (in slot order) and one `off_plan` Match per post that fulfils no slot."""
    by_key: dict[tuple[str, str, str], list[Published]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.published_date, p.post_id)):
        by_key[post.brand, post.platform, post.content_type].append(post)
    used: set[str] = set()
    matches: list[Match] = []
    for slot in sorted(slots, key=lambda s: (s.planned_date, s.slot_id)):
        tolerance = dt.timedelta(days=slot.tolerance_days)
        candidates = [
            p
            for p in by_key.get((slot.brand, slot.platform, slot.content_type), [])
            if p.post_id not in used and abs(p.published_date - slot.planned_date) <= tolerance
        ]
        if candidates:
            best = min(candidates, key=lambda p: (abs((p.published_date - slot.planned_date).days), p.published_date))
            used.add(best.post_id)
            days_off = (best.published_date - slot.planned_date).days
            matches.append(Match("late" if days_off > 0 else "on_time", slot.slot_id, best.post_id, days_off))
        elif slot.as_of is not None and slot.planned_date + tolerance <= slot.as_of:
            matches.append(Match("missing", slot.slot_id, None, None))
        else:
            matches.append(Match("upcoming", slot.slot_id, None, None))
    for group in by_key.values():
        matches += [Match("off_plan", None, p.post_id, None) for p in group if p.post_id not in used]
    return matches
