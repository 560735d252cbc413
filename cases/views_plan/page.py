"""The plan page: the plan in plain Danish, grouped per parent, per child and for the whole
family, with the professionals in the home and the family's own words."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import plan_services as plans
from cases.forms_plan import FAMILY
from cases.models import FamilyMember, FamilyPlan, MemberKind, PlanVersion
from familieberedskab.permissions import Perm, has_permission


@dataclass
class GoalGroup:
    """The goals of one person (or of the whole family), in their order."""

    heading: str
    anchor: str
    goals: list[Any]
    whose: str = ""  # the goal form's choice when adding a goal here
    add_label: str = ""


@dataclass
class PlanSection:
    title: str
    anchor: str
    groups: list[GoalGroup]
    empty: str


@dataclass
class Conflict:
    """Someone saved the plan after the user opened it: what to tell them."""

    message: str
    changes: list[PlanVersion]
    current: list[tuple[str, str]] = field(default_factory=list)  # the item as it now stands
    can_retry: bool = True


def sections(
    parents: list[GoalGroup], children: list[GoalGroup], family: GoalGroup, *, snapshot: bool
) -> list[PlanSection]:
    no_parents = _("Ingen mål.") if snapshot else _("Der er ingen forældre registreret i familien.")
    no_children = _("Ingen mål.") if snapshot else _("Der er ingen børn registreret i familien.")
    return [
        PlanSection(_("Forældrenes mål"), "parents", parents, no_parents),
        PlanSection(_("Børnenes mål"), "children", children, no_children),
        PlanSection(_("Familiens fælles mål"), "family", [family], ""),
    ]


def _live_sections(plan: FamilyPlan, members: list[FamilyMember]) -> list[PlanSection]:
    """Every parent and child of the family, each with their goals (none yet is shown too)."""
    goals = list(plan.goals.all())

    def group(member: FamilyMember) -> GoalGroup:
        mine = [g for g in goals if g.member_id == member.pk]
        label = _("Tilføj mål for %(name)s") % {"name": member.first_name}
        return GoalGroup(str(member), f"person-{member.pk}", mine, f"member-{member.pk}", label)

    family = [g for g in goals if g.member_id is None]
    return sections(
        [group(m) for m in members if m.kind == MemberKind.CAREGIVER],
        [group(m) for m in members if m.kind == MemberKind.CHILD],
        GoalGroup("", "family-goals", family, FAMILY, _("Tilføj fælles mål")),
        snapshot=False,
    )


def plan_url(plan: FamilyPlan, anchor: str = "") -> str:
    url = reverse("cases:plan_detail", args=[plan.course_id])
    return f"{url}#{anchor}" if anchor else url


def plan_page(
    request: HttpRequest,
    plan: FamilyPlan,
    *,
    conflict: Conflict | None = None,
    errors: Iterable[str] = (),
    status: int = 200,
) -> HttpResponse:
    context = {
        "plan": plan,
        "course": plan.course,
        "family": plan.course.family,
        "sections": _live_sections(plan, list(plan.course.family.members.all())),
        "professionals": list(plan.professionals.all()),
        "perspective": plan.family_perspective,
        "editable": has_permission(request.user, Perm.PLAN_EDIT),
        "conflict": conflict,
        "errors": list(errors),
    }
    return render(request, "cases/plan_detail.html", context, status=status)


@require_GET
def plan_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(request.user, course_pk)
    return plan_page(request, plan)
