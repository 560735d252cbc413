"""Hours granted and delivered per ISO week (cases/hours_rules.py), the pure parts: the
grant pro-rated by day (a change mid-week, the course's first and last weeks), visits split at
the week boundary (Sunday 23:00 – Monday 01:00), two staff credited for one visit, the
evening/early/weekend shares and the under/over flags with their tolerance."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from cases import visit_time
from cases.hours_rules import (
    Delivery,
    VisitSpan,
    course_days,
    delivery_status,
    expected_for_week,
    granted_for_week,
    monday_of,
    split_by_week,
    tally,
    total_weeks,
    week_parts,
    weeks_shown,
)
from cases.models import Course, IntensityChange, TeamAssignment
from staffing.models import Role, User

CPH = ZoneInfo("Europe/Copenhagen")
HOUR = 3600
# ISO week 10 of 2026 runs Monday 2 March – Sunday 8 March.
MON = dt.date(2026, 3, 2)
NEXT_MON = dt.date(2026, 3, 9)


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=CPH)


def course(start=dt.date(2026, 1, 5), end=None, hours="20") -> Course:
    return Course(pk=1, start_date=start, end_date=end, granted_hours=D(hours) if hours else None)


def change(day: dt.date, hours: str) -> IntensityChange:
    return IntensityChange(effective_on=day, hours_per_week=D(hours), reason="test")


def person(pk: int, name: str) -> User:
    return User(pk=pk, username=f"u{pk}", full_name=name)


def assignment(user: User, hours: str, starts_on=dt.date(2026, 1, 5), ends_on=None, role=None):
    return TeamAssignment(
        pk=user.pk,
        user=user,
        role=role or Role.BEHANDLER,
        hours_per_week=D(hours),
        starts_on=starts_on,
        ends_on=ends_on,
    )


# The grant, pro-rated by day -----------------------------------------------------------------


def test_a_full_week_carries_the_weekly_grant() -> None:
    assert granted_for_week(course(), MON, []) == D(20)


def test_first_week_counts_only_the_days_from_the_start() -> None:
    wednesday_start = course(start=dt.date(2026, 3, 4))
    assert course_days(MON, wednesday_start.start_date, None)[0] == dt.date(2026, 3, 4)
    assert granted_for_week(wednesday_start, MON, []) == D(20) * 5 / 7


def test_last_week_counts_only_the_days_to_the_end() -> None:
    ends_tuesday = course(end=dt.date(2026, 3, 3))
    assert granted_for_week(ends_tuesday, MON, []) == D(20) * 2 / 7
    assert granted_for_week(ends_tuesday, NEXT_MON, []) == 0


def test_intensity_changed_mid_week_is_pro_rated_by_day() -> None:
    # 20 hours Monday–Wednesday, 27 from Thursday: 3/7 × 20 + 4/7 × 27 = 24.
    changes = [change(dt.date(2026, 3, 5), "27")]
    assert granted_for_week(course(), MON, changes) == D(24)
    assert granted_for_week(course(), NEXT_MON, changes) == D(27)
    assert granted_for_week(course(), MON - dt.timedelta(days=7), changes) == D(20)


def test_two_changes_in_one_week_each_count_their_days() -> None:
    changes = [change(dt.date(2026, 3, 3), "13"), change(dt.date(2026, 3, 7), "34")]
    # Monday 20, Tuesday–Friday 13, Saturday–Sunday 34: (20 + 52 + 68) / 7 = 20.
    assert granted_for_week(course(), MON, changes) == D(20)


def test_no_grant_at_all_is_none_not_zero() -> None:
    assert granted_for_week(course(hours=None), MON, []) is None
    assert (
        granted_for_week(course(hours=None), MON, [change(dt.date(2026, 3, 6), "14")])
        == D("14") * 3 / 7
    )


def test_team_member_expected_hours_follow_their_assignment_days() -> None:
    bo = person(1, "Bo")
    full = assignment(bo, "14")
    from_friday = assignment(bo, "14", starts_on=dt.date(2026, 3, 6))
    assert expected_for_week([full], MON, course()) == D(14)
    assert expected_for_week([from_friday], MON, course()) == D(14) * 3 / 7


# Visits split at the week boundary -----------------------------------------------------------


def test_visit_from_sunday_23_to_monday_01_is_split_between_the_weeks() -> None:
    parts = split_by_week(at(2026, 3, 8, 23), at(2026, 3, 9, 1))
    assert set(parts) == {MON, NEXT_MON}
    sunday, monday = parts[MON], parts[NEXT_MON]
    assert (sunday.seconds, sunday.evening, sunday.weekend, sunday.early) == (HOUR, HOUR, HOUR, 0)
    assert (monday.seconds, monday.early, monday.weekend, monday.evening) == (HOUR, HOUR, 0, 0)


def test_visit_inside_one_week_is_one_part() -> None:
    parts = split_by_week(at(2026, 3, 3, 9), at(2026, 3, 3, 11, 30))
    assert list(parts) == [MON]
    assert parts[MON].seconds == 2.5 * HOUR


def test_visit_across_the_autumn_clock_change_counts_elapsed_time() -> None:
    # Sunday 25 October 2026, 03:00 summer time becomes 02:00: 01:00–04:00 lasts four hours.
    parts = split_by_week(at(2026, 10, 25, 1), at(2026, 10, 25, 4))
    assert parts[dt.date(2026, 10, 19)].seconds == 4 * HOUR


def test_crossing_visit_is_tallied_in_both_weeks_and_both_staff() -> None:
    bo, pia = person(1, "Bo Behandler"), person(2, "Pia Pædagog")
    visit = VisitSpan(at(2026, 3, 8, 23), at(2026, 3, 9, 1), [bo, pia])
    weeks = tally(course(), [NEXT_MON, MON], [visit], changes=[], today=dt.date(2026, 3, 20))
    assert [w.monday for w in weeks] == [NEXT_MON, MON]
    assert [w.hours for w in weeks] == [1, 1]
    for week in weeks:
        assert {m.user.full_name: m.hours for m in week.members} == {
            "Bo Behandler": 1,
            "Pia Pædagog": 1,
        }


def test_a_visit_within_a_week_uses_its_stored_figures_a_crossing_one_is_split() -> None:
    stored = visit_time.TimeSplit(seconds=7200, evening=3600, early=0, weekend=0, flexible=3600)
    inside = VisitSpan(at(2026, 3, 4, 16), at(2026, 3, 4, 18), [], stored)
    assert week_parts(inside) == {MON: stored}
    assert week_parts(inside._replace(stored=None))[MON].evening == stored.evening
    crossing = VisitSpan(at(2026, 3, 8, 23), at(2026, 3, 9, 1), [], stored)
    assert {m: p.seconds for m, p in week_parts(crossing).items()} == {MON: HOUR, NEXT_MON: HOUR}


# Tally: per team member, shares, flags -------------------------------------------------------


def test_two_staff_on_one_visit_are_each_credited_the_visit_time() -> None:
    bo, pia = person(1, "Bo Behandler"), person(2, "Pia Pædagog")
    visits = [
        VisitSpan(at(2026, 3, 3, 9), at(2026, 3, 3, 11), [bo, pia]),
        VisitSpan(at(2026, 3, 4, 18), at(2026, 3, 4, 21), [bo]),
    ]
    team = [assignment(bo, "4"), assignment(pia, "2", role=Role.PAEDAGOG)]
    [week] = tally(
        course(hours="5"),
        [MON],
        visits,
        changes=[],
        assignments=team,
        today=dt.date(2026, 3, 20),
        tolerance_percent=10,
    )
    assert week.hours == 5  # the family had five hours, not seven
    members = {m.user.full_name: m for m in week.members}
    assert members["Bo Behandler"].hours == 5
    assert members["Bo Behandler"].expected == D(4)
    assert members["Bo Behandler"].status == Delivery.OVER
    assert members["Pia Pædagog"].hours == 2
    assert members["Pia Pædagog"].status == Delivery.OK
    assert week.status == Delivery.OK
    assert week.evening_share == pytest.approx(60.0)
    assert week.early_share == 0
    assert week.weekend_share == 0


def test_weekend_and_early_shares_of_the_week() -> None:
    bo = person(1, "Bo")
    visits = [
        VisitSpan(at(2026, 3, 7, 10), at(2026, 3, 7, 12), [bo]),  # Saturday
        VisitSpan(at(2026, 3, 5, 6, 30), at(2026, 3, 5, 8, 30), [bo]),  # 1½ h before eight
    ]
    [week] = tally(course(), [MON], visits, changes=[], today=dt.date(2026, 3, 20))
    assert week.hours == 4
    assert week.weekend_share == pytest.approx(50)
    assert week.early_share == pytest.approx(37.5)
    assert week.evening_share == 0


def test_staff_member_without_assignment_is_listed_and_flagged_over() -> None:
    bo, guest = person(1, "Bo"), person(3, "Vikar")
    visits = [VisitSpan(at(2026, 3, 3, 9), at(2026, 3, 3, 10), [guest])]
    [week] = tally(
        course(), [MON], visits, changes=[], assignments=[assignment(bo, "10")], today=NEXT_MON
    )
    rows = {m.user.full_name: m for m in week.members}
    assert rows["Vikar"].expected is None and rows["Vikar"].status == Delivery.OVER
    assert rows["Bo"].hours == 0 and rows["Bo"].status == Delivery.UNDER


def test_changes_are_shown_in_the_week_they_take_effect() -> None:
    thursday = change(dt.date(2026, 3, 5), "27")
    weeks = tally(course(), [NEXT_MON, MON], [], changes=[thursday], today=dt.date(2026, 3, 20))
    assert [w.changes for w in weeks] == [[], [thursday]]
    assert weeks[1].granted == D(24)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (17.9, Delivery.UNDER),
        (18.0, Delivery.OK),
        (20.0, Delivery.OK),
        (22.0, Delivery.OK),
        (22.1, Delivery.OVER),
    ],
)
def test_flags_respect_the_tolerance(hours: float, expected: Delivery) -> None:
    assert delivery_status(hours * HOUR, D(20), tolerance_percent=10) == expected


def test_running_week_is_in_progress_not_under_but_can_be_over() -> None:
    assert (
        delivery_status(2 * HOUR, D(20), tolerance_percent=10, in_progress=True)
        == Delivery.IN_PROGRESS
    )
    assert delivery_status(30 * HOUR, D(20), tolerance_percent=10, in_progress=True) == (
        Delivery.OVER
    )
    assert delivery_status(0, D(20), tolerance_percent=10, future=True) == Delivery.FUTURE


def test_nothing_granted() -> None:
    assert delivery_status(0, None, tolerance_percent=10) == Delivery.NOTHING_AGREED
    assert delivery_status(HOUR, None, tolerance_percent=10) == Delivery.NOTHING_AGREED
    assert delivery_status(HOUR, D(0), tolerance_percent=10) == Delivery.OVER


def test_status_has_words_and_a_colour() -> None:
    assert Delivery.UNDER.label == "For få timer" and Delivery.UNDER.css == "danger"
    assert Delivery.OVER.label == "For mange timer" and Delivery.OVER.css == "warning"
    assert Delivery.UNDER.is_flagged and not Delivery.IN_PROGRESS.is_flagged


# Which weeks ---------------------------------------------------------------------------------


def test_weeks_shown_newest_first_not_before_the_start() -> None:
    today = dt.date(2026, 3, 4)
    c = course(start=dt.date(2026, 2, 11))  # a Wednesday, ISO week 7
    weeks = weeks_shown(c, [], today=today, count=12)
    assert weeks == [MON, dt.date(2026, 2, 23), dt.date(2026, 2, 16), dt.date(2026, 2, 9)]
    assert weeks_shown(c, [], today=today, count=2) == [MON, dt.date(2026, 2, 23)]
    assert total_weeks(c, today) == 4


def test_weeks_shown_include_a_scheduled_change_ahead() -> None:
    today = dt.date(2026, 3, 8)  # Sunday: a change from tomorrow is next week
    weeks = weeks_shown(course(), [change(NEXT_MON, "25")], today=today, count=2)
    assert weeks == [NEXT_MON, MON, dt.date(2026, 2, 23)]


def test_weeks_shown_stop_at_the_course_end() -> None:
    c = course(start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 18))
    weeks = weeks_shown(c, [], today=dt.date(2026, 3, 20), count=3)
    assert weeks == [dt.date(2026, 2, 16), dt.date(2026, 2, 9), dt.date(2026, 2, 2)]


def test_monday_of() -> None:
    assert monday_of(dt.date(2026, 3, 8)) == MON
    assert monday_of(MON) == MON
