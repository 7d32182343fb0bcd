"""The matching rules of pipelines/editorial/matching.py on hand-made calendars."""

import datetime as dt

from pipelines.editorial.matching import Match, Published, Slot, match_plan

D = dt.date(2026, 3, 10)  # a Tuesday


def slot(slot_id, day, content_type="reel", platform="instagram", tolerance=1, as_of=D + dt.timedelta(days=10)):
    return Slot(slot_id, "Own", platform, content_type, day, tolerance, as_of)


def post(post_id, day, content_type="reel", platform="instagram", brand="Own"):
    return Published(post_id, brand, platform, content_type, day)


def days(n):
    return D + dt.timedelta(days=n)


def test_on_time_late_early_missing_upcoming_and_off_plan():
    slots = [
        slot("a", D),  # published that day: on time
        slot("b", days(2)),  # published a day later: late
        slot("c", days(4)),  # published a day early: on time
        slot("d", days(6)),  # nothing: missing
        slot("e", days(10)),  # nothing yet, tolerance not passed: upcoming
    ]
    posts = [post("p1", D), post("p2", days(3)), post("p3", days(3) + dt.timedelta(days=0)), post("p9", days(8))]
    posts[2] = post("p3", days(3))  # two posts on day 3: one late for b, one early for c
    result = match_plan(slots, posts)
    assert result == [
        Match("on_time", "a", "p1", 0),
        Match("late", "b", "p2", 1),
        Match("on_time", "c", "p3", -1),
        Match("missing", "d", None, None),
        Match("upcoming", "e", None, None),
        Match("off_plan", None, "p9", None),
    ]


def test_same_platform_and_content_type_only():
    result = match_plan([slot("a", D)], [post("img", D, "image"), post("fb", D, platform="facebook")])
    assert result[0] == Match("missing", "a", None, None)
    assert {m.post_id for m in result if m.status == "off_plan"} == {"img", "fb"}


def test_the_closest_post_wins_and_a_post_fulfils_one_slot():
    # two slots a day apart, one post between them on the second slot's day: it goes to the first slot (served
    # first) only if it is the first slot's closest candidate; here the day-of post for b is p2
    result = match_plan([slot("a", D), slot("b", days(1))], [post("p1", days(1)), post("p2", days(1))])
    assert result == [Match("late", "a", "p1", 1), Match("on_time", "b", "p2", 0)]
    # one post for two slots: the earlier slot takes it, the other is missing
    result = match_plan([slot("a", D), slot("b", D)], [post("p1", D)])
    assert result == [Match("on_time", "a", "p1", 0), Match("missing", "b", None, None)]


def test_a_day_post_beats_a_nearer_late_one_and_ties_go_to_the_earlier_post():
    result = match_plan([slot("a", days(1))], [post("early", D), post("late", days(2))])
    assert result[0] == Match("on_time", "a", "early", -1)
    result = match_plan([slot("a", days(1), tolerance=2)], [post("far", days(3)), post("day", days(1))])
    assert result[0] == Match("on_time", "a", "day", 0)


def test_zero_tolerance_and_a_platform_never_read():
    result = match_plan([slot("a", D, tolerance=0)], [post("p1", days(1))])
    assert result[0].status == "missing"
    result = match_plan([slot("a", D, as_of=None)], [])
    assert result == [Match("upcoming", "a", None, None)]
    # the tolerance ends on the last day read: due, so missing
    assert match_plan([slot("a", D, as_of=days(1))], [])[0].status == "missing"
    assert match_plan([slot("a", D, as_of=D)], [])[0].status == "upcoming"
