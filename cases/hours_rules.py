"""The rules for hours granted and delivered per ISO week, without the database (issue 5,
item 2): the grant pro-rated by day, visits split at the week boundary, each staff participant
credited the visit's time, the evening/early/weekend shares, under- and over-delivery within
``HOURS_TOLERANCE_PERCENT``, and which weeks to show. ``cases.hours_services`` reads the rows
and hands them to :func:`tally`."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases import visit_time
from cases.models import Course, IntensityChange, TeamAssignment
from cases.visit_services import hours_in_force
from staffing.models import User

DEFAULT_WEEKS = 12
MAX_WEEKS = 156  # three years: longer than any course
# Weeks ahead shown when an intensity change is already scheduled in them.
FUTURE_WEEKS = 4
WEEK = dt.timedelta(days=7)


class Delivery(StrEnum):
    UNDER = "under"
    OK = "ok"
    OVER = "over"
    IN_PROGRESS = "in_progress"
    NOTHING_AGREED = "nothing_agreed"
    FUTURE = "future"

    @property
    def label(self) -> str:
        return str(_DELIVERY_LABELS[self])

    @property
    def css(self) -> str:
        return _DELIVERY_CSS[self]

    @property
    def is_flagged(self) -> bool:
        return self in (Delivery.UNDER, Delivery.OVER)


_DELIVERY_LABELS = {
    Delivery.UNDER: _("For få timer"),
    Delivery.OK: _("Som aftalt"),
    Delivery.OVER: _("For mange timer"),
    Delivery.IN_PROGRESS: _("Ugen er i gang"),
    Delivery.NOTHING_AGREED: _("Intet aftalt"),
    Delivery.FUTURE: _("Kommende uge"),
}
_DELIVERY_CSS = {
    Delivery.UNDER: "danger",
    Delivery.OK: "success",
    Delivery.OVER: "warning",
    Delivery.IN_PROGRESS: "info",
    Delivery.NOTHING_AGREED: "secondary",
    Delivery.FUTURE: "light",
}


class VisitSpan(NamedTuple):
    """What the tally needs of a visit: when, which staff took part, and — if known — the
    visit's stored derived time (``Visit.minutes`` etc., made by ``visit_time.split`` when it
    was recorded), which spares splitting a visit that lies within one week again."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    staff: Sequence[User]
    stored: visit_time.TimeSplit | None = None


def stored_split(
    minutes: int, evening: int, early: int, weekend: int, flexible: int
) -> visit_time.TimeSplit:
    return visit_time.TimeSplit(
        seconds=minutes * 60,
        evening=evening * 60,
        early=early * 60,
        weekend=weekend * 60,
        flexible=flexible * 60,
    )


@dataclass
class MemberHours:
    user: User
    role: str
    expected: Decimal | None
    seconds: float = 0
    status: Delivery = Delivery.NOTHING_AGREED

    @property
    def hours(self) -> float:
        return self.seconds / 3600


@dataclass
class WeekHours:
    monday: dt.date
    granted: Decimal | None
    seconds: float = 0
    evening: float = 0
    early: float = 0
    weekend: float = 0
    status: Delivery = Delivery.NOTHING_AGREED
    is_current: bool = False
    is_future: bool = False
    members: list[MemberHours] = field(default_factory=list)
    changes: list[IntensityChange] = field(default_factory=list)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def iso_week(self) -> int:
        return self.monday.isocalendar().week

    @property
    def iso_year(self) -> int:
        return self.monday.isocalendar().year

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def difference(self) -> float | None:
        return None if self.granted is None else self.hours - float(self.granted)

    def _share(self, seconds: float) -> float | None:
        return seconds / self.seconds * 100 if self.seconds else None

    @property
    def evening_share(self) -> float | None:
        return self._share(self.evening)

    @property
    def early_share(self) -> float | None:
        return self._share(self.early)

    @property
    def weekend_share(self) -> float | None:
        return self._share(self.weekend)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def course_days(monday: dt.date, start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    """The days of the week starting ``monday`` that lie within the course (``end``
    included; no start date: none)."""
    if start is None:
        return []
    days = (monday + dt.timedelta(days=i) for i in range(7))
    return [d for d in days if d >= start and (end is None or d <= end)]


def granted_for_week(
    course: Course, monday: dt.date, changes: Sequence[IntensityChange]
) -> Decimal | None:
    """The hours granted in the week: each course day carries 1/7 of the intensity in force
    that day. None when nothing was ever granted."""
    if course.granted_hours is None and not changes:
        return None
    days = course_days(monday, course.start_date, course.end_date)
    return sum((hours_in_force(course, d, changes) for d in days), Decimal(0)) / 7


def expected_for_week(
    assignments: Iterable[TeamAssignment], monday: dt.date, course: Course
) -> Decimal:
    """A team member's agreed hours in the week: their assignments' weekly hours, 1/7 for
    each course day the assignment covers."""
    total = Decimal(0)
    days = course_days(monday, course.start_date, course.end_date)
    for a in assignments:
        covered = sum(1 for d in days if a.starts_on <= d and (a.ends_on is None or d <= a.ends_on))
        total += a.hours_per_week * covered / 7
    return total


def split_by_week(
    starts_at: dt.datetime, ends_at: dt.datetime
) -> dict[dt.date, visit_time.TimeSplit]:
    """The visit's time in each ISO week (by its Monday), split at local Monday midnight and
    classified per part."""
    tz = visit_time.zone()
    parts: dict[dt.date, visit_time.TimeSplit] = {}
    cursor = starts_at
    while cursor < ends_at:
        monday = monday_of(cursor.astimezone(tz).date())
        boundary = dt.datetime.combine(monday + WEEK, dt.time(0, 0), tzinfo=tz)
        part_end = min(ends_at, boundary)
        parts[monday] = visit_time.split(cursor, part_end)
        cursor = part_end
    return parts


def week_parts(visit: VisitSpan) -> dict[dt.date, visit_time.TimeSplit]:
    """The visit's time per week: its stored figures when it lies within one week, else
    split at the week boundary."""
    if visit.stored is not None:
        monday = monday_of(visit.starts_at.astimezone(visit_time.zone()).date())
        boundary = dt.datetime.combine(monday + WEEK, dt.time(0, 0), tzinfo=visit_time.zone())
        if visit.ends_at <= boundary:
            return {monday: visit.stored}
    return split_by_week(visit.starts_at, visit.ends_at)


def delivery_status(
    seconds: float,
    expected: Decimal | None,
    *,
    tolerance_percent: float,
    in_progress: bool = False,
    future: bool = False,
) -> Delivery:
    """Under, over or as agreed, within ``tolerance_percent`` of ``expected`` hours. A week
    still running is not under-delivered yet; nothing agreed and nothing done is no finding."""
    if future:
        return Delivery.FUTURE
    hours = seconds / 3600
    if not expected:
        return Delivery.OVER if expected is not None and hours > 0 else Delivery.NOTHING_AGREED
    slack = float(expected) * tolerance_percent / 100
    if hours > float(expected) + slack + 1e-9:
        return Delivery.OVER
    if hours < float(expected) - slack - 1e-9:
        return Delivery.IN_PROGRESS if in_progress else Delivery.UNDER
    return Delivery.OK


def tolerance() -> float:
    return float(settings.HOURS_TOLERANCE_PERCENT)


def tally(
    course: Course,
    mondays: Sequence[dt.date],
    visits: Iterable[VisitSpan],
    *,
    changes: Sequence[IntensityChange],
    assignments: Sequence[TeamAssignment] = (),
    today: dt.date,
    members: bool = True,
    tolerance_percent: float | None = None,
) -> list[WeekHours]:
    """The weeks ``mondays`` of ``course`` (in the order given) from its visits, intensity
    changes (in date order) and team assignments. Pure: no queries."""
    tol = tolerance() if tolerance_percent is None else tolerance_percent
    this_monday = monday_of(today)
    weeks = {
        m: WeekHours(
            monday=m,
            granted=granted_for_week(course, m, changes),
            is_current=m == this_monday,
            is_future=m > this_monday,
        )
        for m in mondays
    }
    credited: dict[dt.date, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    people: dict[int, User] = {}
    for visit in visits:
        for monday, part in week_parts(visit).items():
            week = weeks.get(monday)
            if week is None:
                continue
            week.seconds += part.seconds
            week.evening += part.evening
            week.early += part.early
            week.weekend += part.weekend
            for user in visit.staff:
                people.setdefault(user.pk, user)
                credited[monday][user.pk] += part.seconds
    for change in changes:
        week = weeks.get(monday_of(change.effective_on))
        if week is not None:
            week.changes.append(change)

    by_user: dict[int, list[TeamAssignment]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (a.starts_on, a.pk or 0)):
        by_user[a.user_id].append(a)
        people.setdefault(a.user_id, a.user)
    order = {uid: i for i, uid in enumerate(_team_order(assignments))}

    for week in weeks.values():
        week.status = delivery_status(
            week.seconds,
            week.granted,
            tolerance_percent=tol,
            in_progress=week.is_current,
            future=week.is_future,
        )
        if not members or week.is_future:
            continue
        days = course_days(week.monday, course.start_date, course.end_date)
        rows = []
        for uid in set(by_user) | set(credited[week.monday]):
            mine = [
                a
                for a in by_user.get(uid, [])
                if any(a.starts_on <= d and (a.ends_on is None or d <= a.ends_on) for d in days)
            ]
            seconds = credited[week.monday].get(uid, 0.0)
            if not mine and not seconds:
                continue
            expected = expected_for_week(mine, week.monday, course) if mine else None
            rows.append(
                MemberHours(
                    user=people[uid],
                    role=mine[-1].get_role_display() if mine else "",
                    expected=expected,
                    seconds=seconds,
                    status=delivery_status(
                        seconds,
                        expected if mine else Decimal(0),
                        tolerance_percent=tol,
                        in_progress=week.is_current,
                        future=week.is_future,
                    ),
                )
            )
        rows.sort(key=lambda r: (order.get(r.user.pk, len(order)), str(r.user)))
        week.members = rows
    return [weeks[m] for m in mondays]


def _team_order(assignments: Sequence[TeamAssignment]) -> list[int]:
    seen: list[int] = []
    for a in sorted(assignments, key=lambda a: (a.role, a.starts_on, a.pk or 0)):
        if a.user_id not in seen:
            seen.append(a.user_id)
    return seen


def weeks_shown(
    course: Course,
    changes: Sequence[IntensityChange],
    *,
    today: dt.date,
    count: int = DEFAULT_WEEKS,
) -> list[dt.date]:
    """The Mondays of the weeks to show, newest first: from the current week (or the course's
    last week) back ``count`` weeks, not before the course's first week — plus the weeks ahead
    in which an intensity change is already scheduled (at most ``FUTURE_WEEKS``)."""
    if course.start_date is None:
        return []
    count = max(1, min(count, MAX_WEEKS))
    first = monday_of(course.start_date)
    last = monday_of(today)
    if course.end_date is not None:
        last = min(last, monday_of(course.end_date))
    scheduled = [
        monday_of(c.effective_on)
        for c in changes
        if c.effective_on > today and (course.end_date is None or c.effective_on <= course.end_date)
    ]
    if scheduled:
        last = max(last, min(max(scheduled), monday_of(today) + FUTURE_WEEKS * WEEK))
    mondays: list[dt.date] = []
    shown = 0  # weeks up to this one; scheduled weeks ahead come on top
    monday = last
    while monday >= first and shown < count:
        mondays.append(monday)
        shown += monday <= monday_of(today)
        monday -= WEEK
    return mondays


def total_weeks(course: Course, today: dt.date) -> int:
    """How many weeks the course has run (up to this week), for "show more"."""
    if course.start_date is None:
        return 0
    last = monday_of(today if course.end_date is None else min(today, course.end_date))
    return max(0, (last - monday_of(course.start_date)).days // 7 + 1)
