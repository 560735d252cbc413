"""Fictional demo measurements (issue 6): on the two demo courses of the demo behandler and
pædagog, the measurement plan, and a baseline and a follow-up of the parent SDQ for a child
and of WHO-5 and the Parental Stress Scale for a parent — recorded through
``measurement_record`` so the scores, bands, flags and the pre/post section show something
(and one item left unanswered, to show the missing-item rules). The second course has a
baseline only, with its other planned measurements left open for the start page.

Every answer is invented. Loading is idempotent: a course that has measurements is left as it
is."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import (
    Course,
    CourseStatus,
    FamilyMember,
    Goal,
    GoalStatus,
    Instrument,
    Measurement,
    MemberKind,
    Occasion,
)
from staffing.models import User

# SDQ parent version, by item: many difficulties at the start, fewer at the follow-up.
SDQ_BASELINE: dict[str, int | None] = {
    **dict.fromkeys(["3", "8", "13", "16", "24"], 1),  # emotional 5
    **{"5": 2, "7": 0, "12": 1, "18": 1, "22": 1},  # conduct 7 (7 reverse-scored)
    **{"2": 2, "10": 2, "15": 1, "21": 1, "25": 0},  # hyperactivity 8
    **{"6": 1, "11": 1, "14": 2, "19": 0, "23": 1},  # peer 3
    **{"1": 1, "4": 1, "9": 2, "17": 1, "20": 1},  # prosocial 6
    **{"26": 2, "27": 2, "28": 3, "29": 1, "30": 2, "31": 1},  # impact 4
}
SDQ_FOLLOW_UP: dict[str, int | None] = {
    **{"3": 1, "8": 0, "13": 1, "16": 0, "24": 1},
    **{"5": 1, "7": 1, "12": 0, "18": 0, "22": 1},
    **{"2": 1, "10": 1, "15": 1, "21": 1, "25": 1},
    **{"6": 0, "11": 2, "14": 1, "19": 0, "23": None},  # one item not answered: 4 of 5 count
    **{"1": 2, "4": 1, "9": 2, "17": 2, "20": 1},
    **{"26": 1, "27": 1, "28": 2, "29": 0, "30": 1, "31": 0},
}
WHO5_BASELINE = {"1": 2, "2": 2, "3": 1, "4": 2, "5": 2}  # 36: low wellbeing, an item at 1
WHO5_FOLLOW_UP = {"1": 3, "2": 3, "3": 3, "4": 4, "5": 3}  # 64: a meaningful change
PSS_POSITIVE = (1, 2, 5, 6, 7, 8, 17, 18)  # reverse-scored
PSS_BASELINE = {str(i): 2 if i in PSS_POSITIVE else 3 for i in range(1, 19)}  # 62
PSS_FOLLOW_UP = {str(i): 4 if i in PSS_POSITIVE else 2 for i in range(1, 19)}  # 36


def _courses(users: dict[str, User]) -> list[Course]:
    """The demo pair's active courses whose plan has goals (those of the plan and visit demos)."""
    with_goals = Goal.objects.filter(status=GoalStatus.ACTIVE).values("plan__course_id")
    return list(
        Course.objects.filter(status=CourseStatus.ACTIVE, pk__in=with_goals)
        .filter(team__user=users["paedagog"])
        .filter(team__user=users["behandler"])
        .select_related("family")
        .distinct()
        .order_by("pk")[:2]
    )


def _dates(course: Course, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """The baseline a week into the course (at least two weeks ago if possible), and a
    follow-up two days ago when that is later."""
    start = course.start_date or today
    baseline = max(min(start + dt.timedelta(days=7), today - dt.timedelta(days=14)), start)
    baseline = min(baseline, today)
    follow_up = today - dt.timedelta(days=2)
    return baseline, follow_up if follow_up > baseline else None


def _pick(members: list[FamilyMember], instrument: Instrument, day: dt.date) -> Any:
    return next((m for m in members if outcomes.instrument_fits(instrument, m, day)), None)


@transaction.atomic
def load_outcomes(*, users: dict[str, User]) -> int:
    """Record the demo measurements; returns how many were made."""
    by = users["behandler"]
    today = timezone.localdate()
    codes = {i.code: i for i in Instrument.objects.filter(is_active=True)}
    made = 0
    for index, course in enumerate(_courses(users)):
        if Measurement.objects.filter(course=course).exists() or course.start_date is None:
            continue
        if course.start_date > today:
            continue
        outcomes.measurements_plan_initial(course=course)
        members = list(FamilyMember.objects.filter(family=course.family).order_by("birth_date"))
        parents = [m for m in members if m.kind == MemberKind.CAREGIVER]
        children = [m for m in reversed(members) if m.kind == MemberKind.CHILD]  # eldest first
        baseline, follow_up = _dates(course, today)
        if index:
            follow_up = None  # the second course: a baseline only
        rounds = [(Occasion.BASELINE, baseline, 0)]
        if follow_up is not None:
            rounds.append((Occasion.FOLLOW_UP, follow_up, 1))
        for occasion, day, step in rounds:
            child = _pick(children, codes["sdq_parent"], day)
            if child is not None and parents:
                outcomes.measurement_record(
                    by=by,
                    course=course,
                    instrument=codes["sdq_parent"],
                    subject=child,
                    occasion=occasion,
                    measured_on=day,
                    answers=(SDQ_BASELINE, SDQ_FOLLOW_UP)[step],
                    informant_member=parents[0],
                )
                made += 1
            parent = _pick(parents, codes["who5"], day)
            if parent is None:
                continue
            for code, answers in (
                ("who5", (WHO5_BASELINE, WHO5_FOLLOW_UP)[step]),
                ("pss", (PSS_BASELINE, PSS_FOLLOW_UP)[step]),
            ):
                if index and code == "pss":
                    continue  # left open on the plan
                outcomes.measurement_record(
                    by=by,
                    course=course,
                    instrument=codes[code],
                    subject=parent,
                    occasion=occasion,
                    measured_on=day,
                    answers=answers,
                )
                made += 1
    return made
