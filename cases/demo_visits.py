"""Fictional demo visits with FIT (issue 5): a few weeks of home visits on the demo courses of
the demo behandler and pædagog — early mornings, daytime conversations, bedtimes and a
Saturday now and then — recorded through ``visit_record`` so the FIT rules raise their alerts
(a dip in the alliance, no progress at session 3 and 6, reliable improvement and recovery).

Every name and note is invented. Loading is idempotent: a course that has visits is left as
it is."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import (
    ActivityType,
    Course,
    CourseStatus,
    FamilyMember,
    FitRater,
    FitScale,
    Goal,
    GoalStatus,
    MemberKind,
    Visit,
)
from cases.visit_services import FitEntry, VisitInput, visit_record
from staffing.models import User

WEEKS = 4


@dataclass(frozen=True)
class _Slot:
    weekday: int  # 0 = Monday
    start: dt.time
    end: dt.time
    who: str  # "paedagog" records alone; "pair" = behandler with the pædagog
    activities: tuple[str, ...]
    family: str  # "parents", "first", "family", "first_child"
    note: str
    every_other_week: bool = False


SCHEDULE = (
    _Slot(
        0,
        dt.time(6, 45),
        dt.time(8, 15),
        "paedagog",
        ("morning_routine", "meals"),
        "first",
        "Morgenrutine med billedskemaet. Alle var klar til at gå kl. 7.50.",
    ),
    _Slot(
        2,
        dt.time(10, 0),
        dt.time(11, 30),
        "pair",
        ("conversation",),
        "parents",
        "Samtale om ugen, der gik. Forældrene fortalte selv, hvad der gik godt.",
    ),
    _Slot(
        3,
        dt.time(18, 30),
        dt.time(20, 0),
        "paedagog",
        ("bedtime",),
        "first_child",
        "Putning med fast rækkefølge: bad, historie, lys ud. Det gik roligt i aften.",
    ),
    _Slot(
        5,
        dt.time(9, 30),
        dt.time(12, 0),
        "paedagog",
        ("multifamily",),
        "family",
        "Lørdagsværksted med to andre familier. Familien lavede mad sammen.",
        every_other_week=True,
    ),
)


def _items(total: Decimal) -> list[str]:
    """Four item scores that add up to ``total`` (one decimal each)."""
    each = (total / 4).quantize(Decimal("0.1"))
    last = total - 3 * each
    return [str(each)] * 3 + [str(last)]


class _Scores:
    """Deterministic ORS/SRS totals per person and session, shaped to show each rule: the
    first parent improves reliably and recovers, with one dip in the alliance; the second
    stays flat (no progress at session 3 and 6); the child improves slowly."""

    def __init__(self, first: FamilyMember, second: FamilyMember | None, child: FamilyMember):
        self.plan = {
            first.pk: (Decimal("16.5"), Decimal("0.8"), Decimal("37.0"), {4: Decimal("34.5")}),
            child.pk: (Decimal("24.0"), Decimal("1.2"), Decimal("38.0"), {}),
        }
        if second is not None:
            self.plan[second.pk] = (Decimal("21.0"), Decimal("0.2"), Decimal("36.5"), {})
        self.sessions: dict[int, int] = {}

    def entries(self, members: Sequence[FamilyMember]) -> list[FitEntry]:
        out = []
        for member in members:
            if member.pk not in self.plan:
                continue
            n = self.sessions.get(member.pk, 0)
            self.sessions[member.pk] = n + 1
            ors0, step, srs0, dips = self.plan[member.pk]
            ors = min(ors0 + step * n, Decimal("38.0"))
            srs = dips.get(n, min(srs0 + Decimal("0.2") * n, Decimal("39.5")))
            out.append(FitEntry(member.pk, FitScale.ORS, _items(ors)))
            out.append(FitEntry(member.pk, FitScale.SRS, _items(srs)))
        return out


def _courses(users: dict[str, User]) -> list[Course]:
    """The demo pair's active courses whose plan has goals (the plan demo's courses)."""
    with_goals = Goal.objects.filter(status=GoalStatus.ACTIVE).values("plan__course_id")
    return list(
        Course.objects.filter(status=CourseStatus.ACTIVE, pk__in=with_goals)
        .filter(team__user=users["paedagog"])
        .filter(team__user=users["behandler"])
        .select_related("family")
        .distinct()
        .order_by("pk")[:2]
    )


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@transaction.atomic
def load_visits(*, users: dict[str, User], weeks: int = WEEKS) -> int:
    """Record ``weeks`` weeks of visits on up to two demo courses (the first with FIT for
    both parents and a child, the second lighter). Returns the number of visits made."""
    made = 0
    activities = {a.code: a.pk for a in ActivityType.objects.filter(is_active=True)}
    now = timezone.now()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    for index, course in enumerate(_courses(users)):
        if Visit.objects.filter(course=course).exists():
            continue
        members = list(FamilyMember.objects.filter(family=course.family).order_by("birth_date"))
        parents = [m for m in members if m.kind == MemberKind.CAREGIVER]
        children = [m for m in members if m.kind == MemberKind.CHILD]
        if not parents or not children:
            continue
        # A school-age child if there is one (CORS), else the eldest.
        child = next((c for c in reversed(children) if c.age_on(today) >= 6), children[0])
        scores = _Scores(parents[0], parents[1] if len(parents) > 1 else None, child)
        goals = list(
            Goal.objects.filter(plan__course=course, status=GoalStatus.ACTIVE).order_by("order")
        )
        groups = {
            "first": [parents[0], *children],
            "parents": parents,
            "first_child": [parents[0], child],
            "family": members,
        }
        span = weeks if index == 0 else max(weeks // 2, 1)
        for week in range(span, 0, -1):
            for slot in SCHEDULE:
                if slot.every_other_week and week % 2:
                    continue
                if index and slot.weekday not in (0, 3):  # the second course: lighter
                    continue
                day = monday - dt.timedelta(weeks=week) + dt.timedelta(days=slot.weekday)
                starts_at, ends_at = _moment(day, slot.start), _moment(day, slot.end)
                if ends_at > now or (course.start_date and day < course.start_date):
                    continue
                author = users["behandler"] if slot.who == "pair" else users["paedagog"]
                staff = [users["behandler"].pk, users["paedagog"].pk]
                present = groups[slot.family]
                fit = scores.entries([m for m in present if m.pk in scores.plan])
                if slot.weekday == 3 and child.age_on(day) >= 2:
                    # At bedtime the parent also rates how the child is doing (collateral).
                    fit.append(
                        FitEntry(
                            child.pk,
                            FitScale.ORS,
                            _items(Decimal("22.0") + Decimal(span - week)),
                            rater=FitRater.COLLATERAL,
                            rater_member_id=parents[0].pk,
                        )
                    )
                visit_record(
                    by=author,
                    course=course,
                    data=VisitInput(
                        starts_at=starts_at,
                        ends_at=ends_at,
                        place="workshop" if slot.activities == ("multifamily",) else "home",
                        staff_ids=staff if slot.who == "pair" else [users["paedagog"].pk],
                        family_ids=[m.pk for m in present],
                        activity_ids=[activities[c] for c in slot.activities if c in activities],
                        goal_ids=[g.pk for g in goals[:1]] if slot.weekday == 0 else [],
                        note=slot.note,
                        fit=fit,
                    ),
                )
                made += 1
    return made
