"""Hours delivered against hours granted, per course and ISO week (issue 5, item 2).

Reads only. The figures are computed from the visits' start and end times, never from typed
hours:

* **granted** — the intensity in force each day (the grant at the start, then the
  ``IntensityChange`` rows from their day), pro-rated by day: a week in which the intensity
  changes on Thursday is 3/7 of the old hours and 4/7 of the new; the course's first and last
  weeks count only the days inside the course;
* **delivered** — the visits' elapsed time in that week (a visit across Sunday midnight is split
  at the boundary with ``cases.visit_time.split``), with the share in the evening, the early
  morning and the weekend;
* **per team member** — every staff participant of a visit is credited the visit's time (two
  on one visit: both did two hours), against their ``TeamAssignment`` weekly hours pro-rated
  the same way;
* **under / over** — outside ``HOURS_TOLERANCE_PERCENT`` of what was granted (agreed). The
  current week is "in progress", not under-delivered, until it is over.

A course's weeks cost a constant number of queries: the intensity changes, the team, the
visits of the weeks shown and all their staff participants. The rules themselves, without
the database, are in ``cases.hours_rules``.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from cases import visit_time
from cases.hours_rules import (
    DEFAULT_WEEKS,
    MAX_WEEKS,
    WEEK,
    Delivery,
    MemberHours,
    VisitSpan,
    WeekHours,
    delivery_status,
    granted_for_week,
    monday_of,
    stored_split,
    tally,
    tolerance,
    total_weeks,
    weeks_shown,
)
from cases.models import Course, IntensityChange, TeamAssignment, Visit
from cases.visit_services import MAX_VISIT_HOURS
from staffing.models import User

__all__ = [
    "DEFAULT_WEEKS",
    "MAX_WEEKS",
    "CourseWeek",
    "Delivery",
    "MemberHours",
    "WeekHours",
    "course_weeks",
    "courses_week",
    "delivered_in",
    "intensity_changes",
    "monday_of",
    "team_assignments",
    "tolerance",
    "total_weeks",
    "weeks_shown",
]


# Reads ---------------------------------------------------------------------------------------


def intensity_changes(course: Course) -> list[IntensityChange]:
    """The course's intensity changes in date order, with who made them (one query)."""
    return list(
        IntensityChange.objects.filter(course=course)
        .select_related("created_by")
        .order_by("effective_on", "pk")
    )


def team_assignments(course: Course) -> list[TeamAssignment]:
    """Every assignment the course has had, with the staff member (one query)."""
    return list(
        TeamAssignment.objects.filter(course=course)
        .select_related("user")
        .order_by("role", "starts_on", "pk")
    )


def _range(mondays: Sequence[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    tz = visit_time.zone()
    start = dt.datetime.combine(min(mondays), dt.time(0, 0), tzinfo=tz)
    end = dt.datetime.combine(max(mondays) + WEEK, dt.time(0, 0), tzinfo=tz)
    return start, end


def _visits_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Visit]:
    # A visit lasts at most MAX_VISIT_HOURS: bounding the start keeps to the (course,
    # starts_at) index while still catching a visit that began in the week before.
    return Visit.objects.filter(
        starts_at__gte=start - dt.timedelta(hours=MAX_VISIT_HOURS),
        starts_at__lt=end,
        ends_at__gt=start,
    ).only("pk", "course_id", "starts_at", "ends_at")


def course_weeks(
    course: Course,
    mondays: Sequence[dt.date],
    *,
    changes: Sequence[IntensityChange] | None = None,
    assignments: Sequence[TeamAssignment] | None = None,
    today: dt.date | None = None,
) -> list[WeekHours]:
    """The weeks ``mondays`` of ``course`` with delivered hours per team member: two queries
    (the visits, all their staff participants), plus one each for changes and assignments
    not given. Rows, not model instances: a year of a busy course is a thousand visits."""
    today = today or timezone.localdate()
    changes = intensity_changes(course) if changes is None else changes
    assignments = team_assignments(course) if assignments is None else assignments
    if not mondays:
        return []
    start, end = _range(mondays)
    rows = list(
        _visits_between(start, end)
        .filter(course=course)
        .values_list(
            "pk",
            "starts_at",
            "ends_at",
            "minutes",
            "evening_minutes",
            "early_minutes",
            "weekend_minutes",
            "flexible_minutes",
        )
    )
    people = {a.user_id: a.user for a in assignments}
    staff: dict[int, list[User]] = defaultdict(list)
    # The ids as a list, not a subquery: PostgreSQL then reads the link table by its visit
    # index instead of scanning every visit's links in the database.
    links = Visit.staff_participants.through.objects.filter(visit_id__in=[r[0] for r in rows])
    for visit_id, user_id, username, full_name in links.values_list(
        "visit_id", "user_id", "user__username", "user__full_name"
    ):
        if user_id not in people:  # not on the team (any more): only the name is needed
            people[user_id] = User(pk=user_id, username=username, full_name=full_name)
        staff[visit_id].append(people[user_id])
    spans = [
        VisitSpan(starts_at, ends_at, staff[pk], stored_split(*minutes))
        for pk, starts_at, ends_at, *minutes in rows
    ]
    return tally(course, mondays, spans, changes=changes, assignments=assignments, today=today)


@dataclass
class CourseWeek:
    course: Course
    week: WeekHours


def delivered_in(start: dt.datetime, end: dt.datetime) -> Subquery:
    """A subquery for a Course queryset: the elapsed time of the course's visits that falls
    in [start, end) — each visit clipped to the interval, so a visit across the boundary
    counts only its part inside, as ``split_by_week`` counts it."""
    bound = DateTimeField()
    overlap = ExpressionWrapper(
        Least(F("ends_at"), Value(end, output_field=bound))
        - Greatest(F("starts_at"), Value(start, output_field=bound)),
        output_field=DurationField(),
    )
    return Subquery(
        _visits_between(start, end)
        .filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(total=Sum(overlap))
        .values("total")[:1],
        output_field=DurationField(),
    )


def courses_week(
    courses: QuerySet[Course], monday: dt.date, *, today: dt.date | None = None
) -> list[CourseWeek]:
    """One week of several courses, without the per-member split (for the leader's panel):
    two queries however many courses and visits — the courses with their delivered time
    summed by the database, and their intensity changes."""
    today = today or timezone.localdate()
    start, end = _range([monday])
    courses = list(courses.annotate(delivered=delivered_in(start, end)))
    if not courses:
        return []
    changes: dict[int, list[IntensityChange]] = defaultdict(list)
    for change in IntensityChange.objects.filter(course__in=[c.pk for c in courses]).order_by(
        "effective_on", "pk"
    ):
        changes[change.course_id].append(change)
    rows = []
    this_monday = monday_of(today)
    for c in courses:
        week = WeekHours(
            monday=monday,
            granted=granted_for_week(c, monday, changes[c.pk]),
            seconds=c.delivered.total_seconds() if c.delivered else 0.0,
            is_current=monday == this_monday,
            is_future=monday > this_monday,
        )
        week.status = delivery_status(
            week.seconds,
            week.granted,
            tolerance_percent=tolerance(),
            in_progress=week.is_current,
            future=week.is_future,
        )
        rows.append(CourseWeek(course=c, week=week))
    return rows
