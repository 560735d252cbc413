"""What the app already knows about a course when it closes (issue 6, item 5), read-only:

* ``closure_evidence`` — the hints shown beside each of the six closure criteria on the
  closure form (goals reached, the latest unlawful absence, the latest Signs of Safety
  scaling, the latest measurement bands, the size of the network), so the team judges each
  criterion with the facts in front of them;
* ``summary_context`` — everything the closing summary for the rådgiver shows (the PDF in
  cases/views_closure.py): dates, team, hours delivered against granted, the closure, the
  plan's goals with their latest score, the pre/post measurements, FIT first and last ORS per
  person, the stories of change and the family's own words.

Both cost a fixed number of queries however many measurements, goals or visits a course
has. No CPR number is read. Scores are shown with their scale names in plain Danish; the
bands are those stored with each measurement (from the norm set in use when it was made).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hours_services as hours
from cases import outcome_display as display
from cases import outcome_services as outcomes
from cases import safety_services as safety
from cases.fit import Change, reliable_change
from cases.models import (
    PROFESSIONAL_KINDS,
    AttendancePeriod,
    ChangeStory,
    Closure,
    Course,
    Criterion,
    FitRater,
    FitScale,
    FitScore,
    Goal,
    GoalReview,
    GoalStatus,
    Measurement,
    MemberKind,
    NetworkMember,
    TeamAssignment,
)


def band_of(measurement: Measurement | None, scale: str) -> str:
    if measurement is None:
        return ""
    return (measurement.scores.get("bands", {}).get(scale) or {}).get("label", "")


def score_of(measurement: Measurement | None, scale: str) -> Any:
    if measurement is None:
        return None
    return measurement.scores.get("scales", {}).get(scale)


def informant_name(measurement: Measurement) -> str:
    return display.informant_label(measurement) or _("Personen selv")


# The hints beside the criteria ---------------------------------------------------------------


def _goal_hints(course: Course) -> list[str]:
    statuses = list(Goal.objects.filter(plan__course=course).values_list("status", flat=True))
    if not statuses:
        return [_("Planen har ingen mål.")]
    reached = statuses.count(GoalStatus.REACHED)
    dropped = statuses.count(GoalStatus.DROPPED)
    hints = [
        _("%(reached)s af %(total)s mål i planen er nået.")
        % {"reached": reached, "total": len(statuses)}
    ]
    if dropped:
        hints.append(_("%(n)s mål er opgivet.") % {"n": dropped})
    return hints


def _absence_hints(course: Course) -> list[str]:
    periods = (
        AttendancePeriod.objects.filter(institution__child__family_id=course.family_id)
        .select_related("institution__child")
        .order_by("period_start", "pk")
    )
    latest: dict[int, AttendancePeriod] = {}
    for period in periods:
        latest[period.institution.child_id] = period
    if not latest:
        return [_("Der er ikke registreret fravær.")]
    hints = []
    for period in sorted(latest.values(), key=lambda p: p.institution.child.birth_date):
        facts = {
            "child": period.institution.child.first_name,
            "name": period.institution.name,
            "start": f"{period.period_start:%d.%m.%Y}",
            "end": f"{period.period_end:%d.%m.%Y}",
            "unlawful": period.unlawful,
            "possible": period.possible,
            "unit": period.get_unit_display().lower(),
        }
        hints.append(
            _(
                "%(child)s, %(name)s, %(start)s–%(end)s: %(unlawful)s af %(possible)s %(unit)s "
                "ulovligt fravær."
            )
            % facts
        )
    return hints


def _scaling_hints(course: Course) -> list[str]:
    trends = [t for t in safety.scaling_trend(course) if t.points]
    if not trends:
        return [_("Der er ingen Signs of Safety-skalering endnu.")]
    return [
        _("Skalering, %(name)s: %(score)s af 10 (%(date)s).")
        % {
            "name": t.name,
            "score": t.points[-1].score,
            "date": f"{t.points[-1].mapped_on:%d.%m.%Y}",
        }
        for t in trends
    ]


def _latest_measurements(measurements: list[Measurement]) -> list[Measurement]:
    """The latest measurement per instrument, person and informant."""
    latest: dict[tuple[int, int, str], Measurement] = {}
    for m in sorted(measurements, key=lambda m: (m.measured_on, m.pk)):
        # The same grouping as outcome_services.pre_post.
        informant = (m.informant_description or "").strip().casefold() or str(
            m.informant_member_id or "self"
        )
        latest[(m.instrument_id, m.subject_id, informant)] = m
    return sorted(latest.values(), key=lambda m: (m.subject_id, m.instrument.order))


def measurement_hint(m: Measurement) -> str:
    instrument = m.instrument
    scale = display.main_scale(instrument.scoring, instrument.definition)
    band = band_of(m, scale)
    text = _("%(instrument)s om %(name)s (%(date)s): %(scale)s %(score)s") % {
        "instrument": instrument.name,
        "name": m.subject.first_name,
        "date": f"{m.measured_on:%d.%m.%Y}",
        "scale": display.scale_label(instrument.family, scale).lower(),
        "score": display.number(score_of(m, scale)),
    }
    return f"{text} – {band}." if band else f"{text}."


def _network_hints(course: Course) -> list[str]:
    kinds = list(
        NetworkMember.objects.filter(family_id=course.family_id, is_active=True).values_list(
            "kind", flat=True
        )
    )
    if not kinds:
        return [_("Der er ingen i netværket endnu.")]
    professional = sum(1 for k in kinds if k in PROFESSIONAL_KINDS)
    return [
        _("%(n)s personer i netværket: %(private)s private og %(professional)s fagpersoner.")
        % {"n": len(kinds), "private": len(kinds) - professional, "professional": professional}
    ]


def closure_evidence(course: Course, measurements: list[Measurement]) -> dict[str, list[str]]:
    """Per criterion, what the app knows (read-only hints). Five queries besides the
    measurements given."""
    latest = _latest_measurements(measurements)
    caregivers = [m for m in latest if m.subject.kind == MemberKind.CAREGIVER]
    none = _("Der er ingen målinger endnu.")
    return {
        Criterion.GOALS: _goal_hints(course),
        Criterion.CHILDREN_THRIVE: _absence_hints(course),
        Criterion.PARENTING: [measurement_hint(m) for m in caregivers]
        or [_("Der er ingen målinger om forældrene endnu.")],
        Criterion.NO_WORRY: _scaling_hints(course),
        Criterion.MEASURES: [measurement_hint(m) for m in latest] or [none],
        Criterion.NETWORK: _network_hints(course),
    }


# The closing summary -------------------------------------------------------------------------


@dataclass
class PrePostRow:
    scale: str
    first: str
    first_band: str
    last: str
    last_band: str
    change: str


@dataclass
class PrePostGroup:
    """One instrument for one person by one informant: first and last, scale by scale."""

    instrument: str
    subject: str
    informant: str
    first_date: dt.date
    last_date: dt.date | None
    rows: list[PrePostRow] = field(default_factory=list)


@dataclass
class FitRow:
    name: str
    first_date: dt.date
    first: Decimal
    last_date: dt.date
    last: Decimal
    sessions: int
    change: str


@dataclass
class GoalRow:
    goal: Goal
    whose: str
    latest: GoalReview | None


@dataclass
class Hours:
    delivered: float
    granted: Decimal | None
    team: list[TeamAssignment] = field(default_factory=list)


def pre_post_groups(measurements: list[Measurement]) -> list[PrePostGroup]:
    groups = []
    for pair in outcomes.pre_post(measurements):
        instrument = pair.instrument
        group = PrePostGroup(
            instrument=instrument.name,
            subject=pair.subject.full_name,
            informant=informant_name(pair.first),
            first_date=pair.first.measured_on,
            last_date=pair.last.measured_on if pair.last else None,
        )
        for scale in display.chart_scales(instrument.scoring, instrument.definition):
            if score_of(pair.first, scale) is None and score_of(pair.last, scale) is None:
                continue
            group.rows.append(
                PrePostRow(
                    scale=display.scale_label(instrument.family, scale),
                    first=display.number(score_of(pair.first, scale)),
                    first_band=band_of(pair.first, scale),
                    last=display.number(score_of(pair.last, scale)),
                    last_band=band_of(pair.last, scale),
                    change=display.signed(pair.change(scale) if pair.last else None),
                )
            )
        groups.append(group)
    return groups


def fit_rows(course: Course) -> list[FitRow]:
    """First and last ORS (the person's own rating) per person, with the reliable change."""
    scores = (
        FitScore.objects.filter(visit__course=course, scale=FitScale.ORS, rater=FitRater.SELF)
        .select_related("client", "visit")
        .order_by("visit__starts_at", "pk")
    )
    by_client: dict[int, list[FitScore]] = defaultdict(list)
    for score in scores:
        by_client[score.client_id].append(score)
    labels = {
        Change.IMPROVEMENT: _("pålidelig forbedring"),
        Change.DETERIORATION: _("pålidelig forværring"),
        Change.NONE: _("ingen pålidelig ændring"),
    }
    rows = []
    for items in by_client.values():
        first, last = items[0], items[-1]
        change = labels[reliable_change(first.total, last.total)] if len(items) > 1 else "–"
        rows.append(
            FitRow(
                name=first.client.full_name,
                first_date=timezone.localdate(first.visit.starts_at),
                first=first.total,
                last_date=timezone.localdate(last.visit.starts_at),
                last=last.total,
                sessions=len(items),
                change=change,
            )
        )
    return sorted(rows, key=lambda r: r.name)


def goal_rows(course: Course) -> list[GoalRow]:
    goals = (
        Goal.objects.filter(plan__course=course)
        .select_related("member")
        .prefetch_related(Prefetch("reviews", queryset=GoalReview.objects.order_by("reviewed_on")))
        .order_by("owner", "member__birth_date", "order", "pk")
    )
    rows = []
    for goal in goals:
        reviews = list(goal.reviews.all())
        whose = goal.member.first_name if goal.member_id else _("Hele familien")
        rows.append(GoalRow(goal, whose, reviews[-1] if reviews else None))
    return rows


def hours_total(course: Course, today: dt.date) -> Hours:
    """Hours delivered (the visits' time) and granted (the intensity in force each day) over
    the whole course, summed from the week figures of cases/hours_services.py."""
    changes = hours.intensity_changes(course)
    team = hours.team_assignments(course)
    mondays = hours.weeks_shown(course, changes, today=today, count=hours.MAX_WEEKS)
    weeks = hours.course_weeks(course, mondays, changes=changes, assignments=team, today=today)
    granted = [w.granted for w in weeks if w.granted is not None and not w.is_future]
    return Hours(
        delivered=sum(w.hours for w in weeks if not w.is_future),
        granted=sum(granted, Decimal(0)) if granted else None,
        team=team,
    )


def summary_context(course: Course, closure: Closure) -> dict[str, Any]:
    """Everything the closing summary shows; a fixed number of queries."""
    today = timezone.localdate()
    order = {c.value: i for i, c in enumerate(Criterion)}
    measurements = list(outcomes.measurements_for_course(course))
    stories = list(
        ChangeStory.objects.filter(course=course)
        .select_related("teller_member")
        .order_by("told_on", "pk")
    )
    return {
        "course": course,
        "family": course.family,
        "closure": closure,
        "criteria": sorted(closure.criteria.all(), key=lambda c: order[c.criterion]),
        "children": sorted(closure.children.all(), key=lambda c: c.child.birth_date),
        "hours": hours_total(course, today),
        "goals": goal_rows(course),
        "pre_post": pre_post_groups(measurements),
        "fit": fit_rows(course),
        "stories": stories,
        "printed_on": today,
    }
