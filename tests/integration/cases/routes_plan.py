"""URL matrix rows for the shared family plan (tests/integration/kernel/test_url_matrix.py).

The plan of ``family``'s course gains two family goals (the second can move up), two actions
on the first (the second can move up), a professional and its first saved version — all still
at plan version 1, which every POST names. Outside every matrix user's scope: the same on a
course of ``other_family`` (Vallensbæk) at another provider.
"""

from cases.models import (
    Action,
    ActionResponsible,
    Course,
    FamilyPlan,
    Goal,
    GoalOwner,
    LifeArea,
    PlanProfessional,
    PlanVersion,
)
from cases.plan_services import plan_snapshot
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    plan: FamilyPlan = course.plan
    first, second = (
        Goal.objects.create(
            plan=plan,
            owner=GoalOwner.FAMILY,
            text=f"Mål {n}",
            life_area=LifeArea.HOUSING,
            order=n,
        )
        for n in (1, 2)
    )
    actions = [
        Action.objects.create(
            goal=first,
            what=f"Handling {n}",
            responsible_kind=ActionResponsible.OTHER,
            responsible_name="Mormor",
            order=n,
        )
        for n in (1, 2)
    ]
    professional = PlanProfessional.objects.create(
        plan=plan, name="Jo", role="Sundhedsplejerske", why="Følger babyens vægt"
    )
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        created_by=course.family.caseworker,
        summary="Planen er oprettet",
        snapshot=plan_snapshot(plan),
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_goals"] = (first, second)
    ctx[f"{prefix}_actions"] = actions
    ctx[f"{prefix}_professional"] = professional


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "plan", ctx)
    other = ctx["other_family"]
    elsewhere = ProviderFactory(name="Anden udfører (plan)")
    _furnish(CourseFactory(family=other, provider=elsewhere), "other_plan", ctx)


def _kwargs(prefix: str, *, goal: int | None = None, action: int | None = None) -> object:
    def kwargs(ctx: dict) -> dict:
        found = {"course_pk": ctx[f"{prefix}_course"].pk}
        if goal is not None:
            found["goal_pk"] = ctx[f"{prefix}_goals"][goal].pk
        if action is not None:
            found["action_pk"] = ctx[f"{prefix}_actions"][action].pk
        return found

    return kwargs


def _professional(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_professional"].pk}

    return kwargs


def _version(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "number": 1}

    return kwargs


GOAL = {
    "version": 1,
    "whose": "family",
    "text": "Vi vil bo roligt",
    "life_area": "housing",
    "source": "family",
}
ACTION = {
    "version": 1,
    "what": "Ringe til boligselskabet",
    "who": "other",
    "responsible_name": "Mormor",
}
PROFESSIONAL = {"version": 1, "name": "Ali", "role": "Jobkonsulent", "why": "Hjælper med job"}


def _edit_route(data: dict, **keys: int) -> Route:
    return Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_kwargs("plan", **keys),
        outside=_kwargs("other_plan", **keys),
        data=data,
    )


ROUTES: dict[str, Route] = {
    "cases:plan_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_kwargs("plan"), outside=_kwargs("other_plan")
    ),
    "cases:plan_history": Route(
        perm=Perm.PLAN_VIEW, kwargs=_kwargs("plan"), outside=_kwargs("other_plan")
    ),
    "cases:plan_print": Route(  # a PDF: only its status is compared
        perm=Perm.PLAN_VIEW, kwargs=_kwargs("plan"), outside=_kwargs("other_plan")
    ),
    "cases:plan_version_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_version("plan"), outside=_version("other_plan")
    ),
    "cases:plan_perspective_edit": _edit_route(
        {"version": 1, "family_perspective": "Vi har det bedre."}
    ),
    "cases:plan_goal_create": _edit_route(GOAL),
    "cases:plan_goal_edit": _edit_route({**GOAL, "status": "reached"}, goal=0),
    "cases:plan_goal_delete": _edit_route({"version": 1}, goal=0),
    "cases:plan_goal_move": _edit_route({"version": 1, "step": "-1"}, goal=1),
    "cases:plan_action_create": _edit_route(ACTION, goal=0),
    "cases:plan_action_edit": _edit_route(ACTION, goal=0, action=0),
    "cases:plan_action_delete": _edit_route({"version": 1}, goal=0, action=0),
    "cases:plan_action_move": _edit_route({"version": 1, "step": "-1"}, goal=0, action=1),
    "cases:plan_professional_create": _edit_route(PROFESSIONAL),
    "cases:plan_professional_edit": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_professional("plan"),
        outside=_professional("other_plan"),
        data=PROFESSIONAL,
    ),
    "cases:plan_professional_delete": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_professional("plan"),
        outside=_professional("other_plan"),
        data={"version": 1},
    ),
    "cases:plan_goal_review": _edit_route(
        {"version": 1, "reviewed_on": "2025-01-05", "score": "6", "comment": "Bedre"}, goal=0
    ),
}
