"""The plan's history: every saved version (who, when, what changed), and each one shown as
the plan then stood, read-only, from its stored snapshot."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import plan_services as plans
from cases.models import GoalOwner, GoalSource, GoalStatus, LifeArea
from cases.views_plan.page import GoalGroup, PlanSection, sections


@require_GET
def plan_history(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(request.user, course_pk)
    versions = plan.versions.select_related("created_by").defer("snapshot").order_by("-number")
    page = Paginator(versions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"plan": plan, "course": plan.course, "family": plan.course.family, "page": page}
    return render(request, "cases/plan_history.html", context)


@require_GET
def plan_version_detail(request: HttpRequest, course_pk: int, number: int) -> HttpResponse:
    shown = plans.plan_version_for_user(request.user, course_pk, number)
    plan, snapshot = shown.version.plan, shown.snapshot
    context = {
        "plan": plan,
        "course": plan.course,
        "family": plan.course.family,
        "version": shown.version,
        "sections": _snapshot_sections(snapshot.get("goals", [])),
        "professionals": snapshot.get("professionals", []),
        "perspective": snapshot.get("family_perspective", ""),
        "editable": False,
        "snapshot": True,
    }
    return render(request, "cases/plan_version_detail.html", context)


def _label(choices: type[TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _snapshot_goal(data: dict[str, Any]) -> SimpleNamespace:
    """A goal as a version stored it, with the names the plan's goal partial reads."""
    actions = [
        SimpleNamespace(
            pk=a.get("id"),
            what=a.get("what", ""),
            responsible_label=a.get("who", ""),
            due_on=_day(a.get("due_on")),
            done_on=_day(a.get("done_on")),
        )
        for a in data.get("actions", [])
    ]
    reviews = [
        SimpleNamespace(
            reviewed_on=dt.date.fromisoformat(r["reviewed_on"]),
            score=r.get("score", 0),
            comment=r.get("comment", ""),
        )
        for r in data.get("reviews", [])
        if r.get("reviewed_on")
    ]
    return SimpleNamespace(
        pk=data.get("id"),
        owner=data.get("owner", GoalOwner.FAMILY),
        member=data.get("member", ""),
        text=data.get("text", ""),
        source=data.get("source", GoalSource.FAMILY),
        source_note=data.get("source_note", ""),
        status=data.get("status", GoalStatus.ACTIVE),
        family_comment=data.get("family_comment", ""),
        get_life_area_display=_label(LifeArea, data.get("life_area", "")),
        get_source_display=_label(GoalSource, data.get("source", "")),
        get_status_display=_label(GoalStatus, data.get("status", "")),
        actions=actions,
        reviews=reviews,
    )


def _snapshot_sections(goals_data: list[dict[str, Any]]) -> list[PlanSection]:
    goals = [_snapshot_goal(g) for g in goals_data]

    def groups(owner: str) -> list[GoalGroup]:
        names = dict.fromkeys(g.member for g in goals if g.owner == owner)
        return [
            GoalGroup(
                name, f"{owner}-{i}", [g for g in goals if g.owner == owner and g.member == name]
            )
            for i, name in enumerate(names, start=1)
        ]

    family = [g for g in goals if g.owner == GoalOwner.FAMILY]
    return sections(
        groups(GoalOwner.PARENT),
        groups(GoalOwner.CHILD),
        GoalGroup("", "family-goals", family),
        snapshot=True,
    )
