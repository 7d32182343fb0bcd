"""The simulated mentions' tones and the planted crisis: deterministic, on known days, in the served search."""

import datetime as dt
from collections import Counter

from pipelines.sentiment import score_text
from pipelines.simulator.market import CRISIS_DAYS, CRISIS_OFFSET_DAYS
from pipelines.simulator.world import World

TODAY = dt.date(2026, 11, 21)


def own_mentions(world: World, day: dt.date, source: str = "x"):
    return [m for m in world.mention_items(world.own_brand.name, source, day) if m.is_mention]


def test_the_crisis_lies_on_known_days_and_stays_there_when_the_clock_moves():
    world = World(seed=7, today=TODAY)
    brand, first, last = world.planted_crisis()
    assert (brand, first, last) == (
        "Kopi Nusantara",
        TODAY - dt.timedelta(days=CRISIS_OFFSET_DAYS),
        TODAY - dt.timedelta(days=CRISIS_OFFSET_DAYS - CRISIS_DAYS + 1),
    )
    later = World(seed=7, today=TODAY + dt.timedelta(days=5), drop_anchor=TODAY)
    assert later.planted_crisis() == (brand, first, last)


def test_crisis_days_are_a_burst_of_negative_mentions():
    world = World(seed=7, today=TODAY)
    _, first, last = world.planted_crisis()
    normal = [m for d in range(1, 15) for m in own_mentions(world, first - dt.timedelta(days=d))]
    crisis = [m for d in range((last - first).days + 1) for m in own_mentions(world, first + dt.timedelta(days=d))]
    normal_negative = sum(m.sentiment == "negative" for m in normal) / len(normal)
    crisis_negative = sum(m.sentiment == "negative" for m in crisis) / len(crisis)
    assert 0.10 < normal_negative < 0.20 and crisis_negative > 0.6
    assert len(crisis) / 2 > 2 * len(normal) / 14  # more mentions too: the burst adds to the usual ones
    # counts and items agree (the search counts include the burst)
    assert world.mention_count(world.own_brand.name, "x", first) == len(own_mentions(world, first))
    # competitors have no crisis
    rival = [m for m in world.mention_items("Java Roast Co", "x", first) if m.is_mention]
    assert sum(m.sentiment == "negative" for m in rival) / len(rival) < 0.3


def test_tones_are_deterministic_and_do_not_move_ids_or_counts():
    a, b = World(seed=7, today=TODAY), World(seed=7, today=TODAY)
    day = TODAY - dt.timedelta(days=20)
    assert [(m.mention_id, m.text, m.sentiment) for m in own_mentions(a, day)] == [
        (m.mention_id, m.text, m.sentiment) for m in own_mentions(b, day)
    ]
    ids = [m.mention_id for m in own_mentions(a, day)]
    assert len(ids) == len(set(ids))


def test_the_scorer_reads_the_simulated_tones():
    world = World(seed=7, today=TODAY)
    mentions = [m for d in range(20) for m in own_mentions(world, TODAY - dt.timedelta(days=d + 1))]
    agree = Counter((m.sentiment, score_text(m.text).label) for m in mentions)
    accuracy = sum(n for (truth, predicted), n in agree.items() if truth == predicted) / len(mentions)
    assert accuracy > 0.9, agree
