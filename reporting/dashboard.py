"""The leader's live management dashboard (issue 7, item 5): how the provider's
Familieberedskab stands right now — courses against capacity, the waiting list, overdue
meetings and measurements, open FIT alerts, and the hours delivered this week (and last)
against the hours granted. Reads only.

Figures, not case files: no family is named, so opening the dashboard is one audit row
(``dashboard_for_user``). Each figure links to where it is acted on; the courses that need
attention are listed by course number, each linking to that course's own page (which names
the family and audits the read as usual).

Only the leader's own provider: the courses come through ``course_scope`` and are filtered to
``provider_id``. The counts are made in the database — one query for the courses with their
overdue meetings, overdue measurements and open alerts, the rest a fixed number of queries
(capacity, waiting list, awaiting team, hours this week and last) however many courses,
visits or alerts there are.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import hours_services
from cases.models import AlertLevel, Course, CourseStatus, FitAlert, MeasurementDue, PlanMeeting
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import Organisation, User
from visitation import services as visitation

AUDIT_DETAIL = "dashboard"


@dataclass
class CourseRow:
    """One of the provider's courses that is not closed, with what is open on it."""

    course: Course
    meetings_overdue: int
    measurements_overdue: int
    alerts_red: int
    alerts_amber: int
    alerts_good: int
    this_week: hours_services.WeekHours | None = None
    last_week: hours_services.WeekHours | None = None

    @property
    def alerts_open(self) -> int:
        return self.alerts_red + self.alerts_amber + self.alerts_good

    @property
    def hours_flagged(self) -> bool:
        return self.last_week is not None and self.last_week.status.is_flagged

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.meetings_overdue
            or self.measurements_overdue
            or self.alerts_red
            or self.alerts_amber
            or self.hours_flagged
        )


@dataclass
class Hours:
    """One week's hours over the provider's active courses."""

    monday: dt.date
    granted: Decimal = Decimal(0)
    seconds: float = 0.0
    under: int = 0
    over: int = 0
    courses: int = 0

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def week(self) -> int:
        return self.monday.isocalendar().week

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def share(self) -> float | None:
        """Delivered as a percentage of granted."""
        return self.hours / float(self.granted) * 100 if self.granted else None

    def add(self, week: hours_services.WeekHours) -> None:
        self.courses += 1
        self.granted += week.granted or Decimal(0)
        self.seconds += week.seconds
        self.under += week.status == hours_services.Delivery.UNDER
        self.over += week.status == hours_services.Delivery.OVER


@dataclass
class Dashboard:
    provider: Organisation
    today: dt.date
    capacity: visitation.CapacityStatus
    waiting: dict[str, float | int | None]
    waiting_acute: int
    awaiting_team: int
    active: int
    planned: int
    this_week: Hours
    last_week: Hours
    rows: list[CourseRow] = field(default_factory=list)

    @property
    def over_capacity(self) -> int:
        free = self.capacity.free
        return -free if free is not None and free < 0 else 0

    @property
    def meetings_overdue(self) -> int:
        return sum(r.meetings_overdue for r in self.rows)

    @property
    def measurements_overdue(self) -> int:
        return sum(r.measurements_overdue for r in self.rows)

    @property
    def alerts_red(self) -> int:
        return sum(r.alerts_red for r in self.rows)

    @property
    def alerts_amber(self) -> int:
        return sum(r.alerts_amber for r in self.rows)

    @property
    def alerts_good(self) -> int:
        return sum(r.alerts_good for r in self.rows)

    @property
    def alerts_open(self) -> int:
        return self.alerts_red + self.alerts_amber + self.alerts_good

    @property
    def attention(self) -> list[CourseRow]:
        """The courses with something overdue, a red or amber alert, or last week's hours
        outside the tolerance: most to do first, then by course number."""
        rows = [r for r in self.rows if r.needs_attention]
        return sorted(
            rows,
            key=lambda r: (
                -(r.meetings_overdue + r.measurements_overdue + r.alerts_red + r.alerts_amber),
                r.course.pk,
            ),
        )


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of ``queryset`` per course, as a subquery on Course."""
    counted = (
        queryset.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def provider_courses(user: User, provider: Organisation, today: dt.date) -> QuerySet[Course]:
    """The provider's courses that are not closed, each with its overdue meetings (open and
    due before today), overdue planned measurements (neither done nor waived, due before
    today) and unacknowledged FIT alerts by level."""
    alerts = FitAlert.objects.filter(acknowledged_at__isnull=True)
    return (
        Course.objects.filter(course_scope(user), provider_id=provider.pk)
        .exclude(status=CourseStatus.CLOSED)
        .select_related("family__municipality")
        .annotate(
            meetings_overdue=_count(
                PlanMeeting.objects.filter(held_on__isnull=True, due_on__lt=today)
            ),
            measurements_overdue=_count(
                MeasurementDue.objects.filter(
                    measurement__isnull=True, waived_reason="", due_on__lt=today
                )
            ),
            alerts_red=_count(alerts.filter(level=AlertLevel.RED)),
            alerts_amber=_count(alerts.filter(level=AlertLevel.AMBER)),
            alerts_good=_count(alerts.filter(level=AlertLevel.GOOD)),
        )
        .order_by("pk")
    )


def dashboard_for(user: User, *, today: dt.date | None = None) -> Dashboard:
    """The figures for ``user``'s provider (no audit: see ``dashboard_for_user``)."""
    today = today or timezone.localdate()
    provider = user.organisation
    monday = hours_services.monday_of(today)
    courses = provider_courses(user, provider, today)
    this_week = {r.course.pk: r for r in hours_services.courses_week(courses, monday, today=today)}
    active = courses.filter(status=CourseStatus.ACTIVE).order_by()
    last_monday = monday - dt.timedelta(days=7)
    last_week = {
        r.course.pk: r.week for r in hours_services.courses_week(active, last_monday, today=today)
    }
    board = Dashboard(
        provider=provider,
        today=today,
        capacity=visitation.capacity_status(provider),
        waiting={},
        waiting_acute=0,
        awaiting_team=visitation.awaiting_team(provider).count(),
        active=0,
        planned=0,
        this_week=Hours(monday=monday),
        last_week=Hours(monday=last_monday),
    )
    entries = visitation.waiting_list(provider, on=today)
    board.waiting = visitation.waiting_figures(entries)
    board.waiting_acute = sum(1 for e in entries if e.referral.is_acute)
    for row in this_week.values():
        c = row.course
        is_active = c.status == CourseStatus.ACTIVE
        board.active += is_active
        board.planned += c.status == CourseStatus.PLANNED
        item = CourseRow(
            course=c,
            meetings_overdue=c.meetings_overdue,
            measurements_overdue=c.measurements_overdue,
            alerts_red=c.alerts_red,
            alerts_amber=c.alerts_amber,
            alerts_good=c.alerts_good,
        )
        if is_active:
            item.this_week = row.week
            item.last_week = last_week.get(c.pk)
            board.this_week.add(row.week)
            if item.last_week is not None:
                board.last_week.add(item.last_week)
        board.rows.append(item)
    return board


def get_dashboard_for_user(user: User, *, today: dt.date | None = None) -> Dashboard:
    """The dashboard of ``user``'s provider: 403 without Perm.DASHBOARD_VIEW or for a leader
    on the authority side (the dashboard is the provider's: capacity, waiting list, team
    hours). Opening it is audited as one row — it names no family."""
    if not may_see_dashboard(user):
        raise PermissionDenied
    board = dashboard_for(user, today=today)
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=user.organisation,
        fields=["dashboard"],
        detail=AUDIT_DETAIL,
    )
    return board


def may_see_dashboard(user: User) -> bool:
    organisation = getattr(user, "organisation", None)
    return (
        Perm.DASHBOARD_VIEW in permissions_of(user)
        and organisation is not None
        and organisation.is_provider
    )


__all__ = [
    "AUDIT_DETAIL",
    "CourseRow",
    "Dashboard",
    "Hours",
    "dashboard_for",
    "get_dashboard_for_user",
    "may_see_dashboard",
    "provider_courses",
]
