"""Fidelity to the seven obligatory elements (DOMAIN.md), per course, from the data.

The definitions are data: :data:`CRITERIA` lists each criterion with its element, its Danish
title and definition (printed as they stand in the report's methods appendix) and the
function that builds it as a database expression on Course. A course *practises* an element
when it meets every criterion of that element. Evidence counts up to the end of the period.

Some criteria need time before they can be met (a plan within four weeks of the start): a
criterion's ``applies`` says which courses it is judged for; an element is judged for a course
when all its criteria are.

:func:`course_fidelity` annotates a Course queryset with ``met_<code>``/``applies_<code>`` per
criterion (the evaluator's dataset reads these per course); :func:`fidelity` counts them for
the report — one query, however many courses and visits.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Closure,
    Course,
    FamilyPlan,
    FidelityElement,
    FitScore,
    Goal,
    GoalReview,
    InstitutionContact,
    NetworkMeeting,
    NetworkSnapshot,
    PlanMeeting,
    SafetyMapping,
    SafetyPlan,
    Visit,
)
from reporting.sql import DaysBetween, count_if, local_date
from visitation.models import Matching

PLAN_WITHIN_DAYS = 28
FIT_SHARE_PERCENT = 80
NETWORK_SNAPSHOTS = 2


@dataclass(frozen=True)
class Context:
    """What the criteria need to know: the period's last day, the instant after it, and the
    activity types mapped to each element."""

    period_end: dt.date
    end: dt.datetime
    element_activities: dict[int, list[int]]

    def visits(self) -> Any:
        """The course's visits up to the end of the period (inside a subquery on Course)."""
        return Visit.objects.filter(course=OuterRef("pk"), starts_at__lt=self.end)

    def visits_with_element(self, element: int) -> Any:
        ids = self.element_activities.get(element) or []
        if not ids:
            return None
        return self.visits().filter(activities__in=ids)


Builder = Callable[[Context], Q]


@dataclass(frozen=True)
class Criterion:
    code: str
    element: int
    title: Promise
    definition: Promise
    build: Builder  # → the condition met, on Course
    applies: Callable[[Context], Q] | None = None

    @property
    def element_label(self) -> str:
        return str(FidelityElement(self.element).label)


def _exists(qs: Any) -> Q:
    return Q(Exists(qs)) if qs is not None else Q(pk__in=[])


def _plan_goal(ctx: Context) -> Q:
    early = (
        Goal.objects.filter(plan__course=OuterRef("pk"))
        .annotate(days=DaysBetween(local_date("created_at"), OuterRef("start_date")))
        .filter(days__lte=PLAN_WITHIN_DAYS)
    )
    return Q(Exists(early))


def _plan_goal_applies(ctx: Context) -> Q:
    return Q(start_date__lte=ctx.period_end - dt.timedelta(days=PLAN_WITHIN_DAYS))


def _family_words(ctx: Context) -> Q:
    course, last = OuterRef("pk"), ctx.period_end
    said = [
        FamilyPlan.objects.filter(course=course).exclude(family_perspective=""),
        Goal.objects.filter(plan__course=course).exclude(family_comment=""),
        GoalReview.objects.filter(goal__plan__course=course, reviewed_on__lte=last).exclude(
            family_comment=""
        ),
        PlanMeeting.objects.filter(course=course, held_on__lte=last).exclude(family_perspective=""),
        SafetyMapping.objects.filter(course=course, mapped_on__lte=last).exclude(
            family_perspective=""
        ),
        SafetyPlan.objects.filter(course=course, adopted_on__lte=last).exclude(
            family_perspective=""
        ),
        NetworkMeeting.objects.filter(course=course, held_on__lte=last).exclude(
            family_perspective=""
        ),
        NetworkSnapshot.objects.filter(
            family=OuterRef("family"), taken_on__gte=OuterRef("start_date"), taken_on__lte=last
        ).exclude(family_perspective=""),
        Closure.objects.filter(course=course, closed_on__lte=last).exclude(family_perspective=""),
    ]
    condition = Q()
    for qs in said:
        condition |= Q(Exists(qs))
    return condition


def _universal(ctx: Context) -> Q:
    contact = InstitutionContact.objects.filter(
        course=OuterRef("pk"), contacted_on__lte=ctx.period_end
    )
    return Q(Exists(contact)) | _exists(ctx.visits_with_element(FidelityElement.UNIVERSAL))


def _flexible(ctx: Context) -> Q:
    return Q(Exists(ctx.visits().filter(flexible_minutes__gt=0)))


def _fit(ctx: Context) -> Q:
    # One subquery per course: its visits counted once, with and without FIT (a NULL — no
    # visits — is not met).
    rated = Exists(FitScore.objects.filter(visit=OuterRef("pk")))
    share = (
        ctx.visits()
        .order_by()
        .values("course")
        .annotate(
            ok=GreaterThanOrEqual(
                Count("pk", filter=Q(rated)) * 100, Count("pk") * FIT_SHARE_PERCENT
            )
        )
        .values("ok")[:1]
    )
    return Q(Subquery(share, output_field=BooleanField()))


def _safety_mapping(ctx: Context) -> Q:
    mapping = SafetyMapping.objects.filter(course=OuterRef("pk"), mapped_on__lte=ctx.period_end)
    return Q(Exists(mapping))


def _matching(ctx: Context) -> Q:
    matched = Matching.objects.filter(course=OuterRef("pk"), decided_at__lt=ctx.end)
    return Q(Exists(matched))


def _multifamily(ctx: Context) -> Q:
    return _exists(ctx.visits_with_element(FidelityElement.MULTIFAMILY))


def _network_meeting(ctx: Context) -> Q:
    held = NetworkMeeting.objects.filter(course=OuterRef("pk"), held_on__lte=ctx.period_end)
    return Q(Exists(held))


def _network_revisited(ctx: Context) -> Q:
    snapshots = NetworkSnapshot.objects.filter(
        family=OuterRef("family"),
        taken_on__gte=OuterRef("start_date"),
        taken_on__lte=ctx.period_end,
    )
    enough = (
        snapshots.order_by()
        .values("family")
        .annotate(ok=GreaterThanOrEqual(Count("pk"), NETWORK_SNAPSHOTS))
        .values("ok")[:1]
    )
    return Q(Subquery(enough, output_field=BooleanField()))


CRITERIA: list[Criterion] = [
    Criterion(
        code="plan",
        element=FidelityElement.COHERENT,
        title=_("Fælles plan tidligt i forløbet"),
        definition=_(
            "Familiens samlede handleplan har mindst ét mål, oprettet senest 28 dage efter "
            "forløbets start. Vurderes kun for forløb, der var startet mindst 28 dage før "
            "periodens slutning."
        ),
        build=_plan_goal,
        applies=_plan_goal_applies,
    ),
    Criterion(
        code="family_words",
        element=FidelityElement.COHERENT,
        title=_("Familiens egne ord er skrevet ned"),
        definition=_(
            "Inden periodens slutning er familiens egne ord registreret mindst ét sted: om "
            "planen, som kommentar til et mål, ved en målvurdering, et møde, en kortlægning "
            "(Signs of Safety), sikkerhedsplanen, netværket eller afslutningen."
        ),
        build=_family_words,
    ),
    Criterion(
        code="universal",
        element=FidelityElement.UNIVERSAL,
        title=_("Kontakt med skole eller dagtilbud"),
        definition=_(
            "Mindst én registreret kontakt med et barns skole, dagtilbud eller SFO, eller et "
            "besøg med en aktivitet, der hører til element 2."
        ),
        build=_universal,
    ),
    Criterion(
        code="flexible",
        element=FidelityElement.FLEXIBLE,
        title=_("Fleksible timer brugt"),
        definition=_(
            "Mindst ét besøg med tid uden for hverdage kl. 8–17 (aften, tidlig morgen eller "
            "weekend)."
        ),
        build=_flexible,
    ),
    Criterion(
        code="fit",
        element=FidelityElement.METHOD,
        title=_("FIT ved mindst 80 % af besøgene"),
        definition=_(
            "Mindst 80 % af forløbets besøg til og med periodens slutning har mindst én "
            "FIT-måling (ORS eller SRS)."
        ),
        build=_fit,
    ),
    Criterion(
        code="safety_mapping",
        element=FidelityElement.METHOD,
        title=_("Signs of Safety-kortlægning"),
        definition=_("Mindst én Signs of Safety-kortlægning er registreret i forløbet."),
        build=_safety_mapping,
    ),
    Criterion(
        code="matching",
        element=FidelityElement.RELATIONSHIP,
        title=_("Matchning registreret"),
        definition=_("Lederens matchning af familie og team er registreret med en begrundelse."),
        build=_matching,
    ),
    Criterion(
        code="multifamily",
        element=FidelityElement.MULTIFAMILY,
        title=_("Flerfamilieaktivitet"),
        definition=_("Mindst ét besøg med en aktivitet, der hører til element 6."),
        build=_multifamily,
    ),
    Criterion(
        code="network_meeting",
        element=FidelityElement.NETWORK,
        title=_("Netværksmøde holdt"),
        definition=_("Mindst ét netværksmøde er registreret i forløbet."),
        build=_network_meeting,
    ),
    Criterion(
        code="network_revisited",
        element=FidelityElement.NETWORK,
        title=_("Netværkskortet revideret"),
        definition=_(
            "Familiens netværkskort er gemt mindst to gange mellem forløbets start og "
            "periodens slutning."
        ),
        build=_network_revisited,
    ),
]


def criteria_of(element: int) -> list[Criterion]:
    return [c for c in CRITERIA if c.element == element]


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def course_fidelity(courses: QuerySet[Course], ctx: Context) -> QuerySet[Course]:
    """``courses`` annotated with ``met_<code>`` and ``applies_<code>`` (booleans) for every
    criterion."""
    flags: dict[str, Any] = {}
    for criterion in CRITERIA:
        flags[f"met_{criterion.code}"] = _flag(criterion.build(ctx))
        applies = criterion.applies(ctx) if criterion.applies else Q(pk__isnull=False)
        flags[f"applies_{criterion.code}"] = _flag(applies)
    return courses.annotate(**flags)


@dataclass
class Judged:
    applicable: int  # courses judged
    met: int  # … of which meet it


@dataclass
class Fidelity:
    courses: int
    criteria: list[tuple[Criterion, Judged]]
    elements: list[tuple[int, str, Judged]]
    # Courses judged on all seven elements, by how many they practise (index 0–7).
    distribution: list[int]

    @property
    def judged_on_all(self) -> int:
        return sum(self.distribution)


def _all(codes: list[str], prefix: str) -> Q:
    condition = Q()
    for code in codes:
        condition &= Q(**{f"{prefix}{code}": True})
    return condition


def fidelity(courses: QuerySet[Course], ctx: Context) -> Fidelity:
    """Each criterion and element: how many courses it was judged for and how many met it;
    and the courses judged on every element by how many elements they practise. One query:
    the per-course flags are computed once in an inner query and counted outside it."""
    annotated = course_fidelity(courses, ctx).distinct()
    aggregates: dict[str, Any] = {"courses": Count("*")}
    for c in CRITERIA:
        aggregates[f"a_{c.code}"] = count_if(Q(**{f"applies_{c.code}": True}))
        aggregates[f"m_{c.code}"] = count_if(
            Q(**{f"applies_{c.code}": True, f"met_{c.code}": True})
        )
    every = [c.code for c in CRITERIA]
    practised = Value(0, output_field=IntegerField())
    for element in FidelityElement.values:
        codes = [c.code for c in criteria_of(element)]
        aggregates[f"ea_{element}"] = count_if(_all(codes, "applies_"))
        aggregates[f"em_{element}"] = count_if(_all(codes, "applies_") & _all(codes, "met_"))
        practised = practised + Case(
            When(_all(codes, "met_"), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    for k in range(len(FidelityElement.values) + 1):
        aggregates[f"d_{k}"] = count_if(_all(every, "applies_") & Q(Exact(practised, k)))
    got = annotated.aggregate(**aggregates)
    return Fidelity(
        courses=got["courses"] or 0,
        criteria=[
            (c, Judged(applicable=got[f"a_{c.code}"] or 0, met=got[f"m_{c.code}"] or 0))
            for c in CRITERIA
        ],
        elements=[
            (
                element,
                str(FidelityElement(element).label),
                Judged(applicable=got[f"ea_{element}"] or 0, met=got[f"em_{element}"] or 0),
            )
            for element in FidelityElement.values
        ],
        distribution=[got[f"d_{k}"] or 0 for k in range(len(FidelityElement.values) + 1)],
    )
