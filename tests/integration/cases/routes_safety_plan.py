"""URL matrix rows for the safety plan (tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains a safety plan; outside every matrix user's scope: the same on
a course of ``other_family`` (Vallensbæk) at another provider.
"""

import datetime as dt

from cases.models import Course, SafetyPlan
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    plan = SafetyPlan.objects.create(
        course=course,
        adopted_on=dt.date(2026, 1, 15),
        review_on=dt.date(2026, 2, 15),
        everyday_rules="Der er altid en voksen hjemme om aftenen.",
        network_roles="Mormor henter i skolen.",
        professional_checks="Familiebehandleren kommer hver tirsdag.",
        if_broken="Mormor ringer til rådgiveren.",
        created_by=course.family.caseworker,
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_plan"] = plan


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "safety_plan", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (sikkerhedsplan)")
    _furnish(
        CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_safety_plan", ctx
    )


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _plan(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_plan"].pk}

    return kwargs


PLAN = {
    "adopted_on": "2026-02-01",
    "review_on": "2026-03-01",
    "everyday_rules": "Der er altid en voksen hjemme om aftenen.",
    "network_roles": "Mormor henter i skolen.",
    "professional_checks": "Familiebehandleren kommer hver tirsdag.",
    "if_broken": "Mormor ringer til rådgiveren.",
}

ROUTES: dict[str, Route] = {
    "cases:safety_plan_list": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("safety_plan"), outside=_course("other_safety_plan")
    ),
    "cases:safety_plan_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_plan("safety_plan"), outside=_plan("other_safety_plan")
    ),
    "cases:safety_plan_create": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_course("safety_plan"),
        outside=_course("other_safety_plan"),
        data=PLAN,
    ),
}
