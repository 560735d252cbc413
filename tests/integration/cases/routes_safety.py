"""URL matrix rows for Signs of Safety mapping (tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains a mapping with one danger statement, its safety goal and a
score; outside every matrix user's scope: the same on a course of ``other_family``
(Vallensbæk) at another provider.
"""

import datetime as dt

from cases.models import (
    Course,
    DangerStatement,
    SafetyGoal,
    SafetyMapping,
    ScalingRespondent,
    ScalingScore,
)
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    mapping = SafetyMapping.objects.create(
        course=course,
        mapped_on=dt.date(2026, 1, 15),
        harm="Der har været uro om natten.",
        created_by=course.family.caseworker,
    )
    statement = DangerStatement.objects.create(mapping=mapping, text="Bekymring", order=1)
    SafetyGoal.objects.create(danger_statement=statement, text="Mål")
    ScalingScore.objects.create(
        mapping=mapping, respondent=ScalingRespondent.OTHER, label="Mormor", score=4
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_mapping"] = mapping


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "safety", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (Signs of Safety)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_safety", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _mapping(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_mapping"].pk}

    return kwargs


MAPPING = {
    "mapped_on": "2026-02-01",
    "harm": "Uro om natten",
    "danger_0": "Vi er bekymrede for, at Noah ikke sover.",
    "goal_0": "Noah sover i sin seng hver nat i tre måneder.",
    "other_label_0": "Mormor",
    "other_score_0": "5",
}

ROUTES: dict[str, Route] = {
    "cases:safety_list": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("safety"), outside=_course("other_safety")
    ),
    "cases:safety_trend": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("safety"), outside=_course("other_safety")
    ),
    "cases:safety_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_mapping("safety"), outside=_mapping("other_safety")
    ),
    "cases:safety_create": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_course("safety"),
        outside=_course("other_safety"),
        data=MAPPING,
    ),
    "cases:safety_edit": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_mapping("safety"),
        outside=_mapping("other_safety"),
        data=MAPPING,
    ),
}
