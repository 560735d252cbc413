"""The outcome figures of the evaluation report (issue 7, item 2), computed by the database:
FIT (ORS first vs last per client with reliable change and recovery, SRS averages), the
instruments' first vs last measurement (SDQ, WHO-5, PSS …), school attendance, children
living at home at closure and 3/6/12 months after, and closure reasons and destinations.

Per person the first and last value are correlated subqueries over the person's rows; the
counts, averages and shares over people are aggregates over those — one query per figure
(per instrument for the measurements), however many visits or scores there are. The rules
(cut-offs, reliable change, what a meaningful change is) are read from ``settings.FIT_RULES``
and the instruments' definitions, as the case pages read them.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, FirstValue, RowNumber
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from cases import fit
from cases import outcome_display as display
from cases.models import (
    AttendancePeriod,
    ChildAtClosure,
    Closure,
    ClosureReason,
    Course,
    Destination,
    FitRater,
    FitScale,
    FitScore,
    FitVersion,
    Instrument,
    Measurement,
    Occasion,
    PostClosureCheck,
)
from reporting.figures import Crosstab, crosstab, period_bounds, run_courses, scoped_courses
from reporting.models import ReportRun
from reporting.sql import count_if

CHECK_MONTHS = (3, 6, 12)


# FIT -------------------------------------------------------------------------------------------


@dataclass
class Ors:
    """Clients who rated themselves on the ORS at least twice by the period's end (the
    young-child version, engagement only, is left out)."""

    clients: int
    improved: int  # latest − first ≥ reliable change
    unchanged: int
    deteriorated: int  # first − latest ≥ reliable change
    clinical_start: int  # first score below the clinical cut-off for the age
    recovered: int  # … of whom reliable improvement to at or above the cut-off
    mean_first: float | None
    mean_last: float | None


@dataclass
class Srs:
    """Self-rated SRS in the visits of the period."""

    ratings: int
    clients: int
    mean: float | None
    below: int  # ratings with a total under the alliance threshold


def _cutoff(rules: fit.FitRules) -> Case:
    """The clinical cut-off for the age of the rating (``age_years``); none under the
    child versions' lower age (the young-child version is engagement only)."""
    whens = [When(age_years__lt=rules.child_from_age, then=Value(None))]
    whens += [When(age_years__gte=age, then=Value(cut)) for age, cut in rules.cutoffs]
    return Case(
        *whens, default=Value(None), output_field=DecimalField(max_digits=4, decimal_places=1)
    )


def ors(run: ReportRun, courses: QuerySet[Course] | None = None) -> Ors:
    """One pass over the ORS ratings with window functions: per client, the first rating
    (its total and the age then), the latest total and how many there are; then counted.
    Sorting the ratings once is far cheaper than two correlated subqueries per client."""
    _start, end = period_bounds(run)
    courses = run_courses(run) if courses is None else courses
    rules = fit.rules()
    base = FitScore.objects.filter(
        scale=FitScale.ORS,
        rater=FitRater.SELF,
        visit__course__in=courses.values("pk"),
        visit__starts_at__lt=end,
    ).exclude(version=FitVersion.YOUNG_CHILD)
    client = [F("client")]
    first_rows = base.annotate(
        rank=Window(RowNumber(), partition_by=client, order_by=[F("visit__starts_at"), F("pk")]),
        ratings=Window(Count("pk"), partition_by=client),
        last=Window(
            FirstValue("total"),
            partition_by=client,
            order_by=[F("visit__starts_at").desc(), F("pk").desc()],
        ),
    ).filter(rank=1)
    # On each client's first row: "total" is the first ORS, "age_years" the age then.
    cutoff = _cutoff(rules)
    change = rules.reliable_change
    paired = Q(ratings__gte=2)
    clinical = paired & Q(LessThan(F("total"), cutoff))
    got = first_rows.aggregate(
        clients=count_if(paired),
        improved=count_if(paired & Q(last__gte=F("total") + change)),
        deteriorated=count_if(paired & Q(last__lte=F("total") - change)),
        clinical=count_if(clinical),
        recovered=count_if(
            clinical & Q(GreaterThanOrEqual(F("last"), cutoff)) & Q(last__gte=F("total") + change)
        ),
        mean_first=Avg(Case(When(paired, then=F("total")), output_field=FloatField())),
        mean_last=Avg(Case(When(paired, then=F("last")), output_field=FloatField())),
    )
    clients = got["clients"] or 0
    improved, deteriorated = got["improved"] or 0, got["deteriorated"] or 0
    return Ors(
        clients=clients,
        improved=improved,
        unchanged=clients - improved - deteriorated,
        deteriorated=deteriorated,
        clinical_start=got["clinical"] or 0,
        recovered=got["recovered"] or 0,
        mean_first=_float(got["mean_first"]),
        mean_last=_float(got["mean_last"]),
    )


def srs(run: ReportRun, courses: QuerySet[Course] | None = None) -> Srs:
    start, end = period_bounds(run)
    courses = run_courses(run) if courses is None else courses
    rules = fit.rules()
    got = FitScore.objects.filter(
        scale=FitScale.SRS,
        visit__course__in=courses.values("pk"),
        visit__starts_at__gte=start,
        visit__starts_at__lt=end,
    ).aggregate(
        ratings=Count("pk"),
        clients=Count("client", distinct=True),
        mean=Avg("total"),
        below=Count("pk", filter=Q(total__lt=rules.alliance_total_below)),
    )
    return Srs(
        ratings=got["ratings"],
        clients=got["clients"],
        mean=_float(got["mean"]),
        below=got["below"],
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# Instruments -----------------------------------------------------------------------------------


@dataclass
class PrePost:
    """One instrument's main scale, first vs last per person and informant (pairs where both
    are scored), by the period's end."""

    instrument: str
    family: str
    scale: str
    scale_label: str
    pairs: int
    mean_pre: float | None
    mean_post: float | None
    higher_is_better: bool
    threshold: float | None  # a meaningful change, when the instrument defines one
    better: int | None = None  # changed by at least the threshold in the better direction
    same: int | None = None
    worse: int | None = None


def _scale_value(scale: str) -> Cast:
    return Cast(KeyTextTransform(scale, KeyTransform("scales", "scores")), FloatField())


def pre_post(run: ReportRun, courses: QuerySet[Course] | None = None) -> list[PrePost]:
    """For each instrument measured in the run's courses: first (the earliest baseline, else
    the earliest) and last (the latest closure measurement, else the latest after the first)
    of its main scale per person and informant. One query per instrument."""
    courses = run_courses(run) if courses is None else courses
    measured = Measurement.objects.filter(
        course__in=courses.values("pk"), measured_on__lte=run.period_end
    )
    instruments = Instrument.objects.filter(pk__in=measured.values("instrument")).order_by(
        "order", "code"
    )
    return [_pre_post_one(measured, instrument) for instrument in instruments]


def _pre_post_one(measured: QuerySet[Measurement], instrument: Instrument) -> PrePost:
    scale = display.main_scale(instrument.scoring, instrument.definition)
    value = _scale_value(scale)
    base = measured.filter(instrument=instrument).annotate(
        informant_key=Coalesce("informant_member", Value(0))
    )
    group = [F("subject"), F("informant_key"), F("informant_description")]
    baseline_first = Case(When(occasion=Occasion.BASELINE, then=Value(0)), default=Value(1))
    # Each pair's first measurement, found in one sorted pass (a window function) …
    firsts = (
        base.annotate(
            rank=Window(
                RowNumber(), partition_by=group, order_by=[baseline_first, "measured_on", "pk"]
            )
        )
        .filter(rank=1)
        .values("pk")
    )
    # … and its last: the latest closure measurement, else the latest after the first.
    last = (
        base.filter(
            subject=OuterRef("subject"),
            informant_key=OuterRef("informant_key"),
            informant_description=OuterRef("informant_description"),
        )
        .exclude(pk=OuterRef("pk"))
        .filter(Q(occasion=Occasion.CLOSURE) | Q(measured_on__gte=OuterRef("measured_on")))
        .annotate(
            closure_first=Case(When(occasion=Occasion.CLOSURE, then=Value(0)), default=Value(1))
        )
        .order_by("closure_first", "-measured_on", "-pk")
    )
    # One row per pair; DISTINCT makes the aggregate below read ``pre``/``post`` from an
    # inner query instead of repeating the subquery in every sum.
    pairs = (
        base.filter(pk__in=firsts)
        .annotate(pre=value, post=Subquery(last.annotate(v=value).values("v")[:1]))
        .distinct()
    )
    complete = Q(pre__isnull=False, post__isnull=False)
    higher = display.higher_is_better(instrument.family, instrument.definition, scale)
    raw = (instrument.definition.get("meaningful_change") or {}).get(scale)
    threshold = None if raw is None else float(raw)
    aggregates: dict[str, Any] = {
        "pairs": count_if(complete),
        "mean_pre": Avg(Case(When(complete, then=F("pre")), output_field=FloatField())),
        "mean_post": Avg(Case(When(complete, then=F("post")), output_field=FloatField())),
    }
    if threshold is not None:
        up = Q(post__gte=F("pre") + threshold)
        down = Q(post__lte=F("pre") - threshold)
        aggregates["better"] = count_if(complete & (up if higher else down))
        aggregates["worse"] = count_if(complete & (down if higher else up))
    got = pairs.aggregate(**aggregates)
    result = PrePost(
        instrument=instrument.name,
        family=instrument.family,
        scale=scale,
        scale_label=display.scale_label(instrument.family, scale),
        pairs=got["pairs"] or 0,
        mean_pre=_float(got["mean_pre"]),
        mean_post=_float(got["mean_post"]),
        higher_is_better=higher,
        threshold=threshold,
    )
    if threshold is not None:
        result.better, result.worse = got["better"] or 0, got["worse"] or 0
        result.same = result.pairs - result.better - result.worse
    return result


# Attendance ------------------------------------------------------------------------------------


@dataclass
class Attendance:
    """Children with at least two attendance periods ending by the period's end: the share of
    days (or lessons) absent, and unlawfully absent, in the first period vs the last."""

    children: int
    absence_first: float | None
    absence_last: float | None
    unlawful_first: float | None
    unlawful_last: float | None
    less_absence: int  # children absent a smaller share in the last period than the first


def _share(part: str) -> Any:
    return Cast(F(part), FloatField()) * 100 / Cast(F("possible"), FloatField())


def attendance(run: ReportRun, courses: QuerySet[Course] | None = None) -> Attendance:
    courses = run_courses(run) if courses is None else courses
    periods = AttendancePeriod.objects.filter(
        institution__child__family__in=courses.values("family"),
        period_end__lte=run.period_end,
        possible__gt=0,
    )
    child = [F("institution__child")]
    latest = [F("period_start").desc(), F("pk").desc()]
    # Each child's first period (one sorted pass), with the child's number of periods and
    # the shares of the latest one; the first period's own shares are its row's.
    first_rows = periods.annotate(
        absent_share=_share("absent"),
        unlawful_share=_share("unlawful"),
        rank=Window(RowNumber(), partition_by=child, order_by=[F("period_start"), F("pk")]),
        periods=Window(Count("pk"), partition_by=child),
        absent_last=Window(FirstValue(_share("absent")), partition_by=child, order_by=latest),
        unlawful_last=Window(FirstValue(_share("unlawful")), partition_by=child, order_by=latest),
    ).filter(rank=1)
    two = Q(periods__gte=2)

    def mean(field: str) -> Avg:
        return Avg(Case(When(two, then=F(field)), output_field=FloatField()))

    got = first_rows.aggregate(
        children=count_if(two),
        avg_absent_first=mean("absent_share"),
        avg_absent_last=mean("absent_last"),
        avg_unlawful_first=mean("unlawful_share"),
        avg_unlawful_last=mean("unlawful_last"),
        less=count_if(two & Q(absent_last__lt=F("absent_share"))),
    )
    return Attendance(
        children=got["children"] or 0,
        absence_first=_float(got["avg_absent_first"]),
        absence_last=_float(got["avg_absent_last"]),
        unlawful_first=_float(got["avg_unlawful_first"]),
        unlawful_last=_float(got["avg_unlawful_last"]),
        less_absence=got["less"] or 0,
    )


# Closure ---------------------------------------------------------------------------------------


@dataclass
class Check:
    months: int
    at_home: int
    not_at_home: int
    not_recorded: int


@dataclass
class AtHome:
    closed_at_home: int  # children at closures in the period, living at home
    closed_not_at_home: int
    checks: list[Check] = field(default_factory=list)  # checks due in the period


def _closures(run: ReportRun, courses: QuerySet[Course]) -> QuerySet[Closure]:
    """Closures in force (not reopened) of the run's courses, closed in the period."""
    return Closure.objects.filter(
        course__in=courses.values("pk"),
        reopened_at__isnull=True,
        closed_on__gte=run.period_start,
        closed_on__lte=run.period_end,
    )


def at_home(run: ReportRun, courses: QuerySet[Course] | None = None) -> AtHome:
    """Children living at home when their family's course closed in the period; and the
    checks 3, 6 and 12 months after a closure (any earlier closure of a course in scope) that
    fell due in the period: at home, not at home, not yet recorded."""
    courses = run_courses(run) if courses is None else courses
    closed = ChildAtClosure.objects.filter(
        closure__in=_closures(run, courses).values("pk")
    ).aggregate(
        yes=Count("pk", filter=Q(lives_at_home=True)),
        no=Count("pk", filter=Q(lives_at_home=False)),
    )
    due = (
        PostClosureCheck.objects.filter(
            closure__course__in=scoped_courses(run).values("pk"),
            closure__reopened_at__isnull=True,
            due_on__gte=run.period_start,
            due_on__lte=run.period_end,
        )
        .values("months_after")
        .annotate(
            yes=Count("pk", filter=Q(lives_at_home=True)),
            no=Count("pk", filter=Q(lives_at_home=False)),
            missing=Count("pk", filter=Q(lives_at_home__isnull=True)),
        )
        .order_by("months_after")
    )
    found = {row["months_after"]: row for row in due}
    months = sorted(set(CHECK_MONTHS) | set(found))
    return AtHome(
        closed_at_home=closed["yes"],
        closed_not_at_home=closed["no"],
        checks=[
            Check(
                months=m,
                at_home=found.get(m, {}).get("yes", 0),
                not_at_home=found.get(m, {}).get("no", 0),
                not_recorded=found.get(m, {}).get("missing", 0),
            )
            for m in months
        ],
    )


def closures(run: ReportRun, courses: QuerySet[Course] | None = None) -> Crosstab:
    """Closures in the period: reason × where the family goes next."""
    courses = run_courses(run) if courses is None else courses
    grouped = (
        _closures(run, courses).values("reason", "destination").annotate(n=Count("pk")).order_by()
    )
    return crosstab(
        grouped,
        "reason",
        "destination",
        [(v, str(label)) for v, label in ClosureReason.choices],
        [(v, str(label)) for v, label in Destination.choices],
    )


def cutoff_rows() -> list[tuple[str, Decimal]]:
    """The ORS clinical cut-offs in force, as (ages, cut-off) for the methods appendix."""
    rules = fit.rules()
    rows = []
    upper = None
    for age, cut in rules.cutoffs:
        ages = f"{age}+" if upper is None else f"{age}–{upper - 1}"
        rows.append((ages, cut))
        upper = age
    return rows


__all__ = [
    "AtHome",
    "Attendance",
    "Check",
    "Ors",
    "PrePost",
    "Srs",
    "at_home",
    "attendance",
    "closures",
    "cutoff_rows",
    "ors",
    "pre_post",
    "srs",
]
