"""The forms for goals and their actions: add, change, delete (after asking) and move."""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases import plan_services as plans
from cases.forms_plan import FAMILY, ActionForm, DeleteForm, GoalForm, staff_for
from cases.models import FamilyPlan
from cases.views_plan.edit import (
    CONFIRM,
    DELETE_CONFLICT,
    field_ids,
    find,
    form_page,
    found,
    gone,
    members_of,
    move_page,
    plan_to_edit,
)

_WHOSE = re.compile(rf"member-\d+|{FAMILY}")


def _goal_anchor(goal: Any) -> str:
    return f"person-{goal.member_id}" if goal.member_id else "family-goals"


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    whose = request.GET.get("for") or request.POST.get("whose", "")
    whose = whose if _WHOSE.fullmatch(whose) else ""  # it also names ids and the anchor
    initial = {"version": plan.version, "whose": whose}
    ids = field_ids("goal", whose or "new")  # two people's goal forms may be open at once
    form = GoalForm(request.POST or None, initial=initial, members=members_of(plan), auto_id=ids)

    def save(f: GoalForm) -> str:
        data = f.service_data()
        fresh = plans.goal_save(
            by=request.user, plan=plan, expected_version=f.expected_version(), data=data
        )
        return f"goal-{max(g.pk for g in fresh.goals.all())}"

    anchor = "family-goals" if whose == FAMILY else whose.replace("member-", "person-")
    context = {"title": _("Nyt mål"), "anchor": anchor}
    return form_page(request, plan, form, save, done=_("Målet er gemt."), context=context)


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, course_pk: int, goal_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal, members = find(plan.goals.all(), goal_pk), members_of(plan)
    if goal is None:
        message = _(
            "Målet er slettet af en anden, mens du skrev. Din tekst står herunder: gem for at "
            "tilføje den som et nyt mål."
        )
        form = GoalForm(request.POST or None, members=members, auto_id=field_ids("goal"))
        retry = reverse("cases:plan_goal_create", args=[course_pk])
        context = {"title": _("Nyt mål"), "anchor": "family-goals"}
        return gone(request, plan, form, message=message, context=context, retry_url=retry)
    initial = {"version": plan.version}
    form = GoalForm(
        request.POST or None,
        initial=initial,
        members=members,
        goal=goal,
        auto_id=field_ids("goal", goal_pk),
    )

    def save(f: GoalForm) -> str:
        data, version = f.service_data(), f.expected_version()
        plans.goal_save(by=request.user, plan=plan, expected_version=version, data=data, goal=goal)
        return f"goal-{goal.pk}"

    current = [(_("Målet"), goal.text), (_("Familiens kommentar"), goal.family_comment)]
    context = {
        "title": _("Ret mål"),
        "anchor": f"goal-{goal.pk}",
        "delete_url": reverse("cases:plan_goal_delete", args=[course_pk, goal.pk]),
        "delete_label": _("Slet målet"),
    }
    return form_page(
        request, plan, form, save, done=_("Målet er gemt."), context=context, current=current
    )


@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, course_pk: int, goal_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = found(plan.goals.all(), goal_pk)
    form = DeleteForm(request.POST or None, initial={"version": plan.version})

    def save(f: DeleteForm) -> str:
        version = f.expected_version()
        plans.goal_delete(by=request.user, plan=plan, expected_version=version, goal=goal)
        return _goal_anchor(goal)

    context = {
        "title": _("Slet mål"),
        "question": _("Vil du slette dette mål og dets handlinger?"),
        "conflict_message": str(DELETE_CONFLICT),
        "item": goal.text,
        "anchor": f"goal-{goal.pk}",
    }
    done = _("Målet er slettet.")
    return form_page(request, plan, form, save, done=done, context=context, template=CONFIRM)


@require_POST
def goal_move(request: HttpRequest, course_pk: int, goal_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = found(plan.goals.all(), goal_pk)

    def move(version: int, step: int) -> None:
        plans.goal_move(by=request.user, plan=plan, expected_version=version, goal=goal, step=step)

    return move_page(request, plan, move, anchor=f"goal-{goal.pk}")


# Actions


_GOAL_GONE_ACTION = gettext_lazy(
    "Målet er slettet af en anden, mens du skrev, så handlingen kan ikke gemmes. Din tekst "
    "står herunder, så du kan bruge den igen."
)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, course_pk: int, goal_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = find(plan.goals.all(), goal_pk)
    members, staff = members_of(plan), staff_for(plan)
    initial = {"version": plan.version}
    form = ActionForm(
        request.POST or None,
        initial=initial,
        members=members,
        staff=staff,
        auto_id=field_ids("action", goal_pk),
    )
    context = {"title": _("Ny handling"), "anchor": f"goal-{goal_pk}", "goal": goal}
    if goal is None:
        message = str(_GOAL_GONE_ACTION)
        return gone(request, plan, form, message=message, context=context, retry_url=None)

    def save(f: ActionForm) -> str:
        data, version = f.service_data(), f.expected_version()
        plans.action_save(
            by=request.user, plan=plan, expected_version=version, goal=goal, data=data
        )
        return f"goal-{goal.pk}"

    return form_page(request, plan, form, save, done=_("Handlingen er gemt."), context=context)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, course_pk: int, goal_pk: int, action_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = find(plan.goals.all(), goal_pk)
    action = find(goal.actions.all(), action_pk) if goal else None
    kwargs = {
        "members": members_of(plan),
        "staff": staff_for(plan),
        "auto_id": field_ids("action", goal_pk, action_pk),
    }
    if action is None:
        return _action_gone(request, plan, goal, ActionForm(request.POST or None, **kwargs))
    initial = {"version": plan.version}
    form = ActionForm(request.POST or None, initial=initial, action=action, **kwargs)

    def save(f: ActionForm) -> str:
        data, version = f.service_data(), f.expected_version()
        plans.action_save(
            by=request.user,
            plan=plan,
            expected_version=version,
            goal=goal,
            data=data,
            action=action,
        )
        return f"action-{action.pk}"

    current = [(_("Handlingen"), action.what), (_("Hvem"), action.responsible_label)]
    context = {
        "title": _("Ret handling"),
        "anchor": f"action-{action.pk}",
        "goal": goal,
        "delete_url": reverse("cases:plan_action_delete", args=[course_pk, goal_pk, action_pk]),
        "delete_label": _("Slet handlingen"),
    }
    done = _("Handlingen er gemt.")
    return form_page(request, plan, form, save, done=done, context=context, current=current)


def _action_gone(
    request: HttpRequest, plan: FamilyPlan, goal: Any, form: ActionForm
) -> HttpResponse:
    if goal is None:
        message, retry, anchor = str(_GOAL_GONE_ACTION), None, ""
    else:
        message = _(
            "Handlingen er slettet af en anden, mens du skrev. Din tekst står herunder: gem for "
            "at tilføje den som en ny handling."
        )
        retry = reverse("cases:plan_action_create", args=[plan.course_id, goal.pk])
        anchor = f"goal-{goal.pk}"
    context = {"title": _("Ny handling"), "anchor": anchor, "goal": goal}
    return gone(request, plan, form, message=message, context=context, retry_url=retry)


@require_http_methods(["GET", "POST"])
def action_delete(
    request: HttpRequest, course_pk: int, goal_pk: int, action_pk: int
) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = found(plan.goals.all(), goal_pk)
    action = found(goal.actions.all(), action_pk)
    form = DeleteForm(request.POST or None, initial={"version": plan.version})

    def save(f: DeleteForm) -> str:
        version = f.expected_version()
        plans.action_delete(by=request.user, plan=plan, expected_version=version, action=action)
        return f"goal-{goal.pk}"

    context = {
        "title": _("Slet handling"),
        "question": _("Vil du slette denne handling?"),
        "conflict_message": str(DELETE_CONFLICT),
        "item": action.what,
        "anchor": f"action-{action.pk}",
    }
    done = _("Handlingen er slettet.")
    return form_page(request, plan, form, save, done=done, context=context, template=CONFIRM)


@require_POST
def action_move(request: HttpRequest, course_pk: int, goal_pk: int, action_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    action = found(found(plan.goals.all(), goal_pk).actions.all(), action_pk)

    def move(version: int, step: int) -> None:
        plans.action_move(
            by=request.user, plan=plan, expected_version=version, action=action, step=step
        )

    return move_page(request, plan, move, anchor=f"action-{action.pk}")
