"""The editorial plan against the posts published: one row per planned post (slot) with its status and the post
that fulfils it, and one row per published post that fulfils no slot (off-plan). The rules are
pipelines/editorial/matching.py (same platform and content type within the slot's tolerance in days; each post
fulfils at most one slot). Posts count as off-plan only on platforms the plan covers, from the plan's first slot
of that platform on.
"""

import polars as pl

from pipelines.editorial.matching import Published, Slot, match_plan


def model(dbt, session):
    dbt.config(materialized="table")
    slots = dbt.ref("int_editorial_plan_slots").pl()
    posts = dbt.ref("int_own_posts_latest").pl()
    first_slot = {
        (row["brand"], row["platform"]): row["planned_date"]
        for row in slots.group_by("brand", "platform").agg(pl.col("planned_date").min()).iter_rows(named=True)
    }
    published = [
        Published(row["post_id"], row["brand"], row["platform"], row["content_type"], row["published_date"])
        for row in posts.iter_rows(named=True)
        if (row["brand"], row["platform"]) in first_slot
        and row["published_date"] >= first_slot[row["brand"], row["platform"]]
    ]
    slot_rows = {row["slot_id"]: row for row in slots.iter_rows(named=True)}
    post_rows = {row["post_id"]: row for row in posts.iter_rows(named=True)}
    matches = match_plan(
        [
            Slot(
                row["slot_id"],
                row["brand"],
                row["platform"],
                row["content_type"],
                row["planned_date"],
                row["tolerance_days"],
                row["as_of_date"],
            )
            for row in slot_rows.values()
        ],
        published,
    )
    rows = []
    for match in matches:
        slot = slot_rows.get(match.slot_id) or {}
        post = post_rows.get(match.post_id) or {}
        rows.append(
            {
                "item_type": "planned" if match.slot_id else "off_plan",
                "status": match.status,
                "slot_id": match.slot_id,
                "plan_line": slot.get("plan_line"),
                "brand": slot.get("brand") or post.get("brand"),
                "platform": slot.get("platform") or post.get("platform"),
                "content_type": slot.get("content_type") or post.get("content_type"),
                "theme": slot.get("theme"),
                "campaign": slot.get("campaign"),
                "planned_date": slot.get("planned_date"),
                "deadline_date": slot.get("deadline_date"),
                "tolerance_days": slot.get("tolerance_days"),
                "post_id": match.post_id,
                "published_date": post.get("published_date"),
                "days_off": match.days_off,
            }
        )
    schema = {
        "item_type": pl.Utf8,
        "status": pl.Utf8,
        "slot_id": pl.Utf8,
        "plan_line": pl.Int64,
        "brand": pl.Utf8,
        "platform": pl.Utf8,
        "content_type": pl.Utf8,
        "theme": pl.Utf8,
        "campaign": pl.Utf8,
        "planned_date": pl.Date,
        "deadline_date": pl.Date,
        "tolerance_days": pl.Int32,
        "post_id": pl.Utf8,
        "published_date": pl.Date,
        "days_off": pl.Int32,
    }
    return pl.DataFrame(rows, schema=schema)
