"""The shared family plan's rules: ordering, responsibility, versions and optimistic locking."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cases import plan_services as plans
from cases.models import ActionResponsible, FamilyPlan, GoalOwner, LifeArea, PlanVersion
from familieberedskab.models import AuditAction, AuditEvent


@pytest.fixture
def plan(family) -> FamilyPlan:
    return family.courses.get().plan


@pytest.fixture
def mother(family):
    return family.members.get(kind="caregiver")


def _goal(by, plan, version, **extra):
    data = {
        "owner": GoalOwner.FAMILY,
        "text": "Vi vil have rolige morgener.",
        "life_area": LifeArea.PARENTING,
        **extra,
    }
    return plans.goal_save(by=by, plan=plan, expected_version=version, data=data)


def test_goal_and_actions_are_saved_in_order_with_a_version_each(
    plan, assigned_worker, team_colleague, mother
) -> None:
    plan = _goal(assigned_worker, plan, 1)
    goal = plan.goals.get()
    plan = plans.action_save(
        by=assigned_worker,
        plan=plan,
        expected_version=plan.version,
        goal=goal,
        data={
            "what": "Morgenrutine med billedskema",
            "responsible_kind": ActionResponsible.PROFESSIONAL,
            "responsible_user": team_colleague,
            "due_on": dt.date(2026, 12, 15),
        },
    )
    plan = plans.action_save(
        by=assigned_worker,
        plan=plan,
        expected_version=plan.version,
        goal=goal,
        data={
            "what": "Vække børnene kl. 6.45",
            "responsible_kind": ActionResponsible.FAMILY,
            "responsible_member": mother,
        },
    )

    assert [a.what for a in plan.goals.get().actions.all()] == [
        "Morgenrutine med billedskema",
        "Vække børnene kl. 6.45",
    ]
    assert plan.version == 4
    assert list(plan.versions.values_list("number", flat=True)) == [4, 3, 2]
    latest = plan.versions.first()
    assert latest.snapshot["goals"][0]["actions"][1]["who"] == str(mother)
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.action").count()
        == 2
    )


def test_moving_an_action_swaps_it_with_its_neighbour(plan, assigned_worker, mother) -> None:
    plan = _goal(assigned_worker, plan, 1)
    goal = plan.goals.get()
    for what in ("A", "B", "C"):
        plan = plans.action_save(
            by=assigned_worker,
            plan=plan,
            expected_version=plan.version,
            goal=goal,
            data={
                "what": what,
                "responsible_kind": ActionResponsible.OTHER,
                "responsible_name": "Mormor",
            },
        )
    c = goal.actions.get(what="C")

    plan = plans.action_move(
        by=assigned_worker, plan=plan, expected_version=plan.version, action=c, step=-1
    )

    assert [a.what for a in goal.actions.order_by("order")] == ["A", "C", "B"]
    with pytest.raises(ValidationError, match="yderst"):
        plans.action_move(
            by=assigned_worker,
            plan=plan,
            expected_version=plan.version,
            action=goal.actions.get(what="A"),
            step=-1,
        )


def test_the_second_save_on_an_old_version_is_refused_and_told_what_changed(
    plan, assigned_worker, team_colleague
) -> None:
    opened = plan.version
    _goal(assigned_worker, plan, opened, text="Første mål")

    with pytest.raises(plans.PlanConflict) as excinfo:
        _goal(team_colleague, plan, opened, text="Andet mål")

    assert [v.created_by for v in excinfo.value.changes] == [assigned_worker]
    assert "Første mål" in excinfo.value.changes[0].summary
    assert list(plan.goals.values_list("text", flat=True)) == ["Første mål"]  # nothing overwritten
    fresh = FamilyPlan.objects.get(pk=plan.pk)
    _goal(team_colleague, fresh, fresh.version, text="Andet mål")  # saving on top now works
    assert plan.goals.count() == 2


def test_goal_for_a_parent_needs_a_parent_of_this_family(
    plan, assigned_worker, mother, other_family
) -> None:
    with pytest.raises(ValidationError):
        _goal(assigned_worker, plan, 1, owner=GoalOwner.PARENT)
    with pytest.raises(ValidationError):
        _goal(assigned_worker, plan, 1, owner=GoalOwner.CHILD, member=mother)
    stranger = other_family.members.first()
    with pytest.raises(ValidationError):
        _goal(assigned_worker, plan, 1, owner=GoalOwner.CHILD, member=stranger)

    plan = _goal(assigned_worker, plan, 1, owner=GoalOwner.PARENT, member=mother)
    assert plan.goals.get().member == mother


def test_action_responsible_must_match_its_kind(plan, assigned_worker) -> None:
    plan = _goal(assigned_worker, plan, 1)
    with pytest.raises(ValidationError):
        plans.action_save(
            by=assigned_worker,
            plan=plan,
            expected_version=plan.version,
            goal=plan.goals.get(),
            data={"what": "x", "responsible_kind": ActionResponsible.PROFESSIONAL},
        )


def test_only_team_and_caseworker_edit_leader_reads(
    plan, leader, outsider, radgiver, projektleder
) -> None:
    with pytest.raises(PermissionDenied):
        _goal(leader, plan, 1)
    with pytest.raises(Http404):
        _goal(outsider, plan, 1)
    _goal(radgiver, plan, 1)
    assert plans.get_plan_for_user(leader, plan.course_id).pk == plan.pk
    with pytest.raises(PermissionDenied):
        plans.get_plan_for_user(projektleder, plan.course_id)
    with pytest.raises(Http404):
        plans.get_plan_for_user(outsider, plan.course_id)


def test_earlier_versions_can_be_viewed(plan, assigned_worker) -> None:
    plans.plan_create(by=assigned_worker, course=plan.course)  # idempotent: the plan exists
    plan = _goal(assigned_worker, plan, 1, text="Før")
    goal = plan.goals.get()
    plans.goal_save(
        by=assigned_worker,
        plan=plan,
        expected_version=plan.version,
        goal=goal,
        data={"text": "Efter"},
    )

    old = plans.plan_version_for_user(assigned_worker, plan.course_id, 2)

    assert old.snapshot["goals"][0]["text"] == "Før"
    assert PlanVersion.objects.filter(plan=plan).count() == 2


def test_course_start_creates_the_plan(
    family, provider, assigned_worker, team_colleague, radgiver
) -> None:
    from decimal import Decimal

    from cases.services import TeamMember, course_start

    course = course_start(
        by=radgiver,
        family=family,
        provider=provider,
        start_date=dt.date(2026, 12, 1),
        granted_hours=Decimal("20"),
        first_follow_up=dt.date(2027, 3, 1),
        team=[TeamMember(assigned_worker, "behandler", Decimal("10"))],
    )

    assert course.plan.version == 1
    assert course.plan.versions.get().summary == "Planen er oprettet"


def test_a_closed_course_plan_can_be_read_but_not_changed(plan, assigned_worker, radgiver) -> None:
    from cases.models import CourseStatus

    course = plan.course
    course.status, course.end_date = CourseStatus.CLOSED, course.start_date
    course.save()

    with pytest.raises(ValidationError, match="afsluttet"):
        _goal(radgiver, plan, plan.version)
    assert plans.get_plan_for_user(radgiver, course.pk).pk == plan.pk
