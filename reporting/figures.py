"""The figures of the evaluation report for one run (issue 7, item 2): volume, access,
intensity, activities and data completeness — computed by the database (counts, sums and
averages are aggregates; no Python loops over visits or scores). Fidelity is in
``reporting.fidelity``; outcomes and stories in ``reporting.outcome_figures``.

Everything starts from :func:`run_courses` — the courses a run may aggregate (the requester's
``report_course_scope``, the run's municipalities, overlapping the period). Referrals are
scoped the same way (see :func:`run_referrals`). The numbers returned here are raw: they are
disclosure-protected by ``reporting.presentation`` before anything is shown.

Dates are Danish calendar dates: an instant (a referral's submission, a decision) counts on
the local day it happened; the period is [first day 00:00, day after the last 00:00) local time.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    ActivityType,
    Course,
    CourseStatus,
    FidelityElement,
    FitScore,
    IntensityChange,
    MeasurementDue,
    MemberKind,
    Visit,
)
from cases.visit_time import zone
from familieberedskab.permissions import report_course_scope
from reporting.models import ReportRun
from reporting.sql import DaysBetween, Summary, local_date, summary
from staffing.models import Organisation
from visitation.models import Decision, DecisionKind, Referral, TargetGroup

UNKNOWN = "__unknown__"
# Days standing in for "no later change of intensity" (longer than any course).
_FAR = 1_000_000


# Scope -----------------------------------------------------------------------------------------


def scoped_courses(run: ReportRun) -> QuerySet[Course]:
    """The courses the run's requester may report on, of families in its municipalities, at
    any time (the checks after closure look back beyond the period)."""
    return Course.objects.filter(
        report_course_scope(run.requested_by),
        family__municipality__in=run.municipalities.all(),
    )


def run_course_ids(run: ReportRun) -> list[int]:
    """The ids of the courses run ``run`` aggregates: those its requester may report on, of
    families in the run's municipalities, that overlap the period (started by its end and not
    ended before its start). Fetched once per run object: every figure then filters on a
    literal id list, which PostgreSQL plans with a true row count (a subquery through the
    run's municipalities was estimated at two rows and planned as nested loops over a
    million visits; bench/report_national.py)."""
    cached = getattr(run, "_fb_course_ids", None)
    if cached is None:
        cached = list(
            scoped_courses(run)
            .filter(
                Q(start_date__lte=run.period_end),
                Q(end_date__isnull=True) | Q(end_date__gte=run.period_start),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        run._fb_course_ids = cached
    return cached


def run_courses(run: ReportRun) -> QuerySet[Course]:
    """The courses run ``run`` aggregates (see :func:`run_course_ids`)."""
    return Course.objects.filter(pk__in=run_course_ids(run))


def run_referrals(run: ReportRun) -> QuerySet[Referral]:
    """The referrals the run's requester may report on, of families in its municipalities.
    ``report_course_scope`` filters on ``provider`` and ``family__municipality``, which a
    Referral has under the same names as a Course."""
    return Referral.objects.filter(
        report_course_scope(run.requested_by),
        family__municipality__in=run.municipalities.all(),
    )


def period_bounds(run: ReportRun) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware instants [start, end) in the local time zone."""
    tz = zone()
    start = dt.datetime.combine(run.period_start, dt.time(0, 0), tzinfo=tz)
    end = dt.datetime.combine(run.period_end + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    return start, end


def run_visits(run: ReportRun) -> QuerySet[Visit]:
    """The visits of the run's courses that began within the period (a visit across the
    period's boundary counts where it began)."""
    start, end = period_bounds(run)
    return Visit.objects.filter(
        course_id__in=run_course_ids(run), starts_at__gte=start, starts_at__lt=end
    )


# Tables ----------------------------------------------------------------------------------------


@dataclass
class Crosstab:
    """Counts by row × column, with the labels (not yet protected)."""

    rows: list[str]
    cols: list[str]
    body: list[list[int]]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.body)


def crosstab(
    grouped: QuerySet,
    row_key: str,
    col_key: str,
    rows: list[tuple[object, str]],
    cols: list[tuple[object, str]],
    value: str = "n",
) -> Crosstab:
    """A Crosstab from ``grouped`` (rows of ``row_key``, ``col_key`` and ``value``): a key
    not among ``cols`` (empty, None) falls in the column keyed UNKNOWN if there is one."""
    row_index = {key: i for i, (key, _label) in enumerate(rows)}
    col_index = {key: i for i, (key, _label) in enumerate(cols)}
    body = [[0] * len(cols) for _ in rows]
    for item in grouped:
        r = row_index.get(item[row_key])
        c = col_index.get(item[col_key], col_index.get(UNKNOWN))
        if r is None or c is None:
            continue
        body[r][c] += item[value] or 0
    labels = [label for _key, label in cols]
    if UNKNOWN in col_index and not any(row[col_index[UNKNOWN]] for row in body):
        # "Not given" is shown only when something is in it.
        drop = col_index[UNKNOWN]
        labels.pop(drop)
        body = [row[:drop] + row[drop + 1 :] for row in body]
    return Crosstab(rows=[label for _key, label in rows], cols=labels, body=body)


def municipality_rows(run: ReportRun) -> list[tuple[object, str]]:
    return [(m.pk, m.name) for m in run.municipalities.all().order_by("name", "pk")]


def target_group_cols() -> list[tuple[object, str]]:
    return [(value, str(label)) for value, label in TargetGroup.choices] + [
        (UNKNOWN, _("Ikke angivet"))
    ]


# Volume ----------------------------------------------------------------------------------------


@dataclass
class Volume:
    referrals: Crosstab  # municipality × target group, submitted in the period
    decisions: Crosstab  # municipality × decision, the latest per referral signed in the period
    families_started: Crosstab  # municipality × target group
    children_started: Crosstab
    families_active: Crosstab  # in a course at some time in the period
    children_active: Crosstab
    families_closed: Crosstab  # course closed in the period


def volume(run: ReportRun) -> Volume:
    start, end = period_bounds(run)
    rows = municipality_rows(run)
    groups = target_group_cols()
    referrals = (
        run_referrals(run)
        .filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("family__municipality", "target_group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decisions = (
        latest_decisions(run)
        .values("referral__family__municipality", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    kinds = [(value, str(label)) for value, label in DecisionKind.choices]
    courses = run_courses(run)

    def families(qs: QuerySet[Course]) -> QuerySet:
        return (
            qs.values("family__municipality", "matching__referral__target_group")
            .annotate(
                n=Count("family", distinct=True),
                children=Count(
                    "family__members",
                    filter=Q(family__members__kind=MemberKind.CHILD),
                    distinct=True,
                ),
            )
            .order_by()
        )

    started = list(families(courses.filter(start_date__gte=run.period_start)))
    active = list(families(courses))
    closed = list(
        families(courses.filter(status=CourseStatus.CLOSED, end_date__lte=run.period_end))
    )
    key_m, key_t = "family__municipality", "matching__referral__target_group"
    return Volume(
        referrals=crosstab(referrals, key_m, "target_group", rows, groups),
        decisions=crosstab(decisions, "referral__family__municipality", "kind", rows, kinds),
        families_started=crosstab(started, key_m, key_t, rows, groups),
        children_started=crosstab(started, key_m, key_t, rows, groups, value="children"),
        families_active=crosstab(active, key_m, key_t, rows, groups),
        children_active=crosstab(active, key_m, key_t, rows, groups, value="children"),
        families_closed=crosstab(closed, key_m, key_t, rows, groups),
    )


def latest_decisions(run: ReportRun) -> QuerySet[Decision]:
    """For each referral, the latest decision signed within the period: a decision signed in
    the period that no other decision signed in the period replaced."""
    start, end = period_bounds(run)
    return Decision.objects.filter(
        referral__in=run_referrals(run).values("pk"), signed_at__gte=start, signed_at__lt=end
    ).filter(Q(replaced_by__isnull=True) | Q(replaced_by__signed_at__gte=end))


# Access ----------------------------------------------------------------------------------------


@dataclass
class Access:
    to_decision: Summary  # days from submission to decision, for referrals decided in the period
    to_team: Summary  # … to team assignment, for teams assigned in the period
    to_start: Summary  # … to the course's start, for courses started in the period
    waiting_at_end: int
    waiting_days: Summary  # days waited so far by those on the list at the period's end
    waiting_by_month: list[tuple[dt.date, int]]  # the list's length at each month's end
    acute: int  # acute referrals submitted in the period
    acute_within_24h: int  # … of which decided within 24 hours of submission


MAX_MONTHS = 36


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of each month from ``first`` to ``last`` (the last one is ``last``),
    at most MAX_MONTHS (the latest)."""
    ends = []
    year, month = first.year, first.month
    while True:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = min(nxt - dt.timedelta(days=1), last)
        ends.append(end)
        if end >= last:
            break
        year, month = nxt.year, nxt.month
    return ends[-MAX_MONTHS:]


def _waiting_on(instant: dt.datetime) -> Q:
    """A waiting-list decision (on a Decision queryset) in force at ``instant``: signed before
    it, not yet replaced, the referral not withdrawn and no team matched by then."""
    return (
        Q(signed_at__lt=instant)
        & (Q(replaced_by__isnull=True) | Q(replaced_by__signed_at__gte=instant))
        & (Q(referral__withdrawn_at__isnull=True) | Q(referral__withdrawn_at__gte=instant))
        & (Q(referral__matching__isnull=True) | Q(referral__matching__decided_at__gte=instant))
    )


def _midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone())


def access(run: ReportRun) -> Access:
    start, end = period_bounds(run)
    referrals = run_referrals(run)
    submitted = local_date("submitted_at")
    to_decision = summary(
        referrals.filter(decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False),
        DaysBetween(local_date("decided_at"), submitted),
    )
    to_team = summary(
        referrals.filter(
            team_assigned_at__gte=start, team_assigned_at__lt=end, submitted_at__isnull=False
        ),
        DaysBetween(local_date("team_assigned_at"), submitted),
    )
    to_start = summary(
        referrals.filter(
            course_started_at__gte=start, course_started_at__lt=end, submitted_at__isnull=False
        ),
        DaysBetween(local_date("course_started_at"), submitted),
    )
    waiting = Decision.objects.filter(
        referral__in=referrals.values("pk"), kind=DecisionKind.WAITING_LIST
    )
    months = month_ends(run.period_start, run.period_end)
    counts = waiting.aggregate(
        **{
            f"m{i}": Count("pk", filter=_waiting_on(_midnight_after(day)))
            for i, day in enumerate(months)
        }
    )
    on_list = waiting.filter(_waiting_on(end))
    waiting_days = summary(
        on_list, DaysBetween(Value(run.period_end), local_date("referral__submitted_at"))
    )
    acute = referrals.filter(submitted_at__gte=start, submitted_at__lt=end, is_acute=True)
    acute_counts = acute.aggregate(
        n=Count("pk"),
        fast=Count(
            "pk",
            filter=Q(
                decided_at__isnull=False,
                decided_at__lte=F("submitted_at") + dt.timedelta(hours=24),
            ),
        ),
    )
    return Access(
        to_decision=to_decision,
        to_team=to_team,
        to_start=to_start,
        waiting_at_end=counts[f"m{len(months) - 1}"],
        waiting_days=waiting_days,
        waiting_by_month=[(day, counts[f"m{i}"]) for i, day in enumerate(months)],
        acute=acute_counts["n"],
        acute_within_24h=acute_counts["fast"],
    )


# Intensity -------------------------------------------------------------------------------------


@dataclass
class Intensity:
    courses: int  # courses in the period
    course_days: int  # their days within the period
    granted_hours: float  # hours granted over those days (the intensity in force each day)
    delivered_minutes: int  # minutes of the visits begun in the period
    evening_minutes: int
    early_minutes: int
    weekend_minutes: int
    flexible_minutes: int  # outside weekdays 08–17 (the union of the three)
    visits: int
    durations: Summary  # days from start to end of the courses closed in the period

    @property
    def course_weeks(self) -> float:
        return self.course_days / 7

    @property
    def delivered_hours(self) -> float:
        return self.delivered_minutes / 60

    def per_course_week(self, hours: float) -> float | None:
        return hours / self.course_weeks if self.course_days else None


def _segment_days(run: ReportRun, prefix: str, lower: object, next_on: object | None) -> object:
    """Whole days of a grant segment that lie in the period and the course: from ``lower``
    (inclusive) to the day before ``next_on`` (the next change; None: no next change) and at
    most to the course's end or the period's end (inclusive), never below zero."""
    period_end = Value(run.period_end)
    last = Least(Coalesce(F(f"{prefix}end_date"), period_end), period_end)
    start = Greatest(lower, Value(run.period_start))
    to_last = DaysBetween(last, start) + 1
    if next_on is None:
        length = to_last
    else:
        length = Least(Coalesce(DaysBetween(next_on, start), Value(_FAR)), to_last)
    return Greatest(length, Value(0))


def intensity(run: ReportRun) -> Intensity:
    courses = run_courses(run)
    first_change = Subquery(
        IntensityChange.objects.filter(course=OuterRef("pk"))
        .order_by("effective_on", "pk")
        .values("effective_on")[:1]
    )
    course_figures = courses.annotate(
        days=_segment_days(run, "", F("start_date"), None),
        initial_days=_segment_days(run, "", F("start_date"), first_change),
    ).aggregate(
        n=Count("pk"),
        sum_days=Sum("days"),
        initial=Sum(Cast(Coalesce(F("granted_hours"), Value(0)), FloatField()) * F("initial_days")),
    )
    later = IntensityChange.objects.filter(course=OuterRef("course")).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), pk__gt=OuterRef("pk"))
    )
    next_change = Subquery(later.order_by("effective_on", "pk").values("effective_on")[:1])
    change_figures = (
        IntensityChange.objects.filter(course__in=courses.values("pk"))
        .annotate(days=_segment_days(run, "course__", F("effective_on"), next_change))
        .aggregate(hour_days=Sum(Cast(F("hours_per_week"), FloatField()) * F("days")))
    )
    visits = run_visits(run).aggregate(
        n=Count("pk"),
        minutes=Sum("minutes"),
        evening=Sum("evening_minutes"),
        early=Sum("early_minutes"),
        weekend=Sum("weekend_minutes"),
        flexible=Sum("flexible_minutes"),
    )
    durations = summary(
        courses.filter(status=CourseStatus.CLOSED, end_date__lte=run.period_end),
        DaysBetween(F("end_date"), F("start_date")) + 1,
    )
    hour_days = (course_figures["initial"] or 0) + (change_figures["hour_days"] or 0)
    return Intensity(
        courses=course_figures["n"],
        course_days=course_figures["sum_days"] or 0,
        granted_hours=hour_days / 7,
        delivered_minutes=visits["minutes"] or 0,
        evening_minutes=visits["evening"] or 0,
        early_minutes=visits["early"] or 0,
        weekend_minutes=visits["weekend"] or 0,
        flexible_minutes=visits["flexible"] or 0,
        visits=visits["n"],
        durations=durations,
    )


# Activities ------------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    name: str
    elements: list[int]
    visits: int  # visits in the period where the activity took place
    courses: int  # courses with at least one such visit


@dataclass
class ElementActivity:
    element: int
    label: str
    visits: int  # visits in the period with an activity mapped to the element
    courses: int


@dataclass
class Activities:
    visits: int
    without_activity: int
    types: list[ActivityRow] = field(default_factory=list)
    elements: list[ElementActivity] = field(default_factory=list)


def element_activity_ids() -> dict[int, list[int]]:
    """The activity types mapped to each of the seven elements (the catalogue is small)."""
    ids: dict[int, list[int]] = {e: [] for e in FidelityElement.values}
    for pk, elements in ActivityType.objects.values_list("pk", "elements"):
        for element in elements or []:
            if element in ids:
                ids[element].append(pk)
    return ids


def activities(run: ReportRun) -> Activities:
    """Visits in the period by activity type and by element, counted on the visit–activity
    links (one row per visit and activity): grouped by activity type; grouped by visit and
    by course with a flag per element, then summed. No DISTINCT or EXISTS per visit, so a
    million visits cost a few passes over the links. Five queries and the catalogue."""
    visits = run_visits(run)
    links = Visit.activities.through.objects.filter(visit__in=visits.values("pk"))
    per_type = {
        row["activitytype"]: row
        for row in links.values("activitytype")
        .annotate(visits=Count("pk"), courses=Count("visit__course", distinct=True))
        .order_by()
    }
    catalogue = ActivityType.objects.filter(Q(is_active=True) | Q(pk__in=list(per_type)))
    types = [
        ActivityRow(
            name=a.name,
            elements=sorted(a.elements or []),
            visits=per_type.get(a.pk, {}).get("visits", 0),
            courses=per_type.get(a.pk, {}).get("courses", 0),
        )
        for a in catalogue.order_by("order", "name")
    ]
    ids = {element: pks for element, pks in element_activity_ids().items() if pks}
    flags = {
        f"e{element}": Max(
            Case(When(activitytype__in=pks, then=Value(1)), default=Value(0)),
            output_field=IntegerField(),
        )
        for element, pks in ids.items()
    }
    sums = {f"n{element}": Sum(f"e{element}") for element in ids}
    by_visit = (
        links.values("visit")
        .annotate(**flags)
        .order_by()
        .aggregate(with_activity=Count("*"), **sums)
    )
    by_course = (
        links.values("visit__course").annotate(**flags).order_by().aggregate(**sums) if ids else {}
    )
    total = visits.count()
    return Activities(
        visits=total,
        without_activity=total - (by_visit["with_activity"] or 0),
        types=types,
        elements=[
            ElementActivity(
                element=element,
                label=str(FidelityElement(element).label),
                visits=by_visit.get(f"n{element}") or 0,
                courses=by_course.get(f"n{element}") or 0,
            )
            for element in FidelityElement.values
        ],
    )


# Data completeness -----------------------------------------------------------------------------


@dataclass
class Completeness:
    measurements: Crosstab  # instrument × (done, waived, missing), planned in the period
    visits: int  # visits in the period
    visits_with_fit: int  # … with at least one FIT rating (ORS or SRS)
    as_of: dt.date  # measurements due after this day are not yet missing


def completeness(run: ReportRun) -> Completeness:
    as_of = min(run.period_end, timezone.localdate())
    due = (
        MeasurementDue.objects.filter(
            course__in=run_courses(run).values("pk"),
            due_on__gte=run.period_start,
            due_on__lte=as_of,
        )
        .values("instrument", "instrument__name", "instrument__order")
        .annotate(
            done=Count("pk", filter=Q(measurement__isnull=False)),
            waived=Count("pk", filter=Q(measurement__isnull=True) & ~Q(waived_reason="")),
            missing=Count("pk", filter=Q(measurement__isnull=True, waived_reason="")),
        )
        .order_by("instrument__order", "instrument__name")
    )
    rows = list(due)
    visits = run_visits(run)
    fit = visits.aggregate(
        n=Count("pk"),
        with_fit=Count("pk", filter=Q(Exists(FitScore.objects.filter(visit=OuterRef("pk"))))),
    )
    return Completeness(
        measurements=Crosstab(
            rows=[r["instrument__name"] for r in rows],
            cols=[_("Udført"), _("Undladt med begrundelse"), _("Mangler")],
            body=[[r["done"], r["waived"], r["missing"]] for r in rows],
        ),
        visits=fit["n"],
        visits_with_fit=fit["with_fit"],
        as_of=as_of,
    )


def municipalities_named(run: ReportRun) -> list[Organisation]:
    return list(run.municipalities.all().order_by("name", "pk"))
