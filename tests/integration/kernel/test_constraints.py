"""The database guards integrity: one bad row per constraint."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.models import Course, FamilyMember, TeamAssignment
from staffing.models import Organisation, UserRole


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_organisation_code_required_for_municipality_only(db) -> None:
    _refused(lambda: Organisation.objects.create(name="Kommune uden nr", kind="municipality"))
    _refused(
        lambda: Organisation.objects.create(
            name="Udfører med nr", kind="provider", municipality_code=183
        )
    )
    _refused(
        lambda: Organisation.objects.create(
            name="Forkert nr", kind="municipality", municipality_code=999
        )
    )


def test_userrole_unique_and_valid(radgiver) -> None:
    _refused(lambda: UserRole.objects.create(user=radgiver, role="radgiver"))
    _refused(lambda: UserRole.objects.create(user=radgiver, role="konge"))


def test_member_cpr_fields_are_paired(family) -> None:
    _refused(
        lambda: FamilyMember.objects.create(
            family=family,
            kind="child",
            first_name="A",
            last_name="B",
            birth_date=dt.date(2020, 1, 1),
            cpr_hash="abc",
        )
    )
    _refused(
        lambda: FamilyMember.objects.create(
            family=family, kind="pet", first_name="A", last_name="B", birth_date=dt.date(2020, 1, 1)
        )
    )


def test_member_cpr_hash_is_unique(family) -> None:
    existing = family.members.exclude(cpr_hash=None).first()
    _refused(
        lambda: FamilyMember.objects.create(
            family=family,
            kind="child",
            first_name="A",
            last_name="B",
            birth_date=dt.date(2020, 1, 1),
            cpr_hash=existing.cpr_hash,
            cpr_encrypted="x",
        )
    )


def test_course_end_after_start(family, provider) -> None:
    _refused(
        lambda: Course.objects.create(
            family=family,
            provider=provider,
            start_date=dt.date(2025, 5, 1),
            end_date=dt.date(2025, 4, 1),
        )
    )
    _refused(lambda: Course.objects.create(family=family, provider=provider, status="paused"))


def test_team_assignment_hours_dates_and_role(family, assigned_worker) -> None:
    course = family.courses.get()
    base = {"course": course, "user": assigned_worker, "starts_on": dt.date(2025, 1, 1)}
    _refused(
        lambda: TeamAssignment.objects.create(
            **base, role="behandler", hours_per_week=Decimal("41")
        )
    )
    _refused(
        lambda: TeamAssignment.objects.create(
            **base, role="behandler", hours_per_week=Decimal("-1")
        )
    )
    _refused(
        lambda: TeamAssignment.objects.create(**base, role="radgiver", hours_per_week=Decimal("5"))
    )
    _refused(
        lambda: TeamAssignment.objects.create(
            **base, role="behandler", hours_per_week=Decimal("5"), ends_on=dt.date(2024, 12, 31)
        )
    )


def test_goal_review_score_range_and_one_per_day(family, assigned_worker) -> None:
    from cases.models import Goal, GoalReview

    plan = family.courses.get().plan
    goal = Goal.objects.create(plan=plan, owner="family", text="Ro", life_area="parenting")
    day = dt.date(2026, 11, 1)
    _refused(
        lambda: GoalReview.objects.create(
            goal=goal, reviewed_on=day, score=11, created_by=assigned_worker
        )
    )
    GoalReview.objects.create(goal=goal, reviewed_on=day, score=4, created_by=assigned_worker)
    _refused(
        lambda: GoalReview.objects.create(
            goal=goal, reviewed_on=day, score=5, created_by=assigned_worker
        )
    )


def test_scaling_score_range_respondent_and_one_per_person(family, assigned_worker) -> None:
    from cases.models import DangerStatement, SafetyGoal, SafetyMapping, ScalingScore

    mapping = SafetyMapping.objects.create(
        course=family.courses.get(), mapped_on=dt.date(2026, 11, 1), created_by=assigned_worker
    )
    mother = family.members.get(kind="caregiver")
    _refused(
        lambda: ScalingScore.objects.create(
            mapping=mapping, respondent="parent", member=mother, score=11
        )
    )
    _refused(
        lambda: ScalingScore.objects.create(
            mapping=mapping, respondent="parent", user=assigned_worker, score=5
        )
    )
    _refused(lambda: ScalingScore.objects.create(mapping=mapping, respondent="other", score=5))
    ScalingScore.objects.create(mapping=mapping, respondent="parent", member=mother, score=5)
    _refused(
        lambda: ScalingScore.objects.create(
            mapping=mapping, respondent="parent", member=mother, score=6
        )
    )
    danger = DangerStatement.objects.create(mapping=mapping, text="Far råber")
    SafetyGoal.objects.create(danger_statement=danger, text="Ingen råb i 3 måneder")
    _refused(lambda: SafetyGoal.objects.create(danger_statement=danger, text="Endnu et mål"))


def test_safety_plan_review_after_adoption(family, assigned_worker) -> None:
    from cases.models import SafetyPlan

    base = {
        "course": family.courses.get(),
        "everyday_rules": "x",
        "network_roles": "x",
        "professional_checks": "x",
        "if_broken": "x",
        "created_by": assigned_worker,
    }
    _refused(
        lambda: SafetyPlan.objects.create(
            **base, adopted_on=dt.date(2026, 11, 1), review_on=dt.date(2026, 10, 1)
        )
    )
