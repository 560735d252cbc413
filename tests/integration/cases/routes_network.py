"""URL matrix rows for the family's network (tests/integration/kernel/test_url_matrix.py).

The family of ``family`` gains a network person and a snapshot; outside every matrix user's
scope: the same on a course of ``other_family`` (Vallensbæk) at another provider.
"""

import datetime as dt

from cases.models import Course, NetworkKind, NetworkMember, NetworkSnapshot
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    member = NetworkMember.objects.create(
        family=course.family, name="Mormor Inge", kind=NetworkKind.RELATIVE, closeness=5
    )
    snapshot = NetworkSnapshot.objects.create(
        family=course.family,
        taken_on=dt.date(2026, 1, 15),
        data=[{"name": "Mormor Inge", "kind": "relative", "closeness": 5, "relations": []}],
        created_by=course.family.caseworker,
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_member"] = member
    ctx[f"{prefix}_snapshot"] = snapshot


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "network", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (netværk)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_network", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _obj(prefix: str, key: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_{key}"].pk}

    return kwargs


MEMBER = {"name": "Træner Ali", "kind": "leisure", "closeness": "3"}

ROUTES: dict[str, Route] = {
    "cases:network_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("network"), outside=_course("other_network")
    ),
    "cases:network_member_edit": Route(
        perm=Perm.PLAN_EDIT,
        kwargs=_obj("network", "member"),
        outside=_obj("other_network", "member"),
    ),
    "cases:network_member_deactivate": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_obj("network", "member"),
        outside=_obj("other_network", "member"),
    ),
    "cases:network_snapshot_create": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_course("network"),
        outside=_course("other_network"),
        data={"taken_on": "2026-02-01", "note": "Efter mødet"},
    ),
    "cases:network_snapshot_detail": Route(
        perm=Perm.PLAN_VIEW,
        kwargs=_obj("network", "snapshot"),
        outside=_obj("other_network", "snapshot"),
    ),
    "cases:network_meeting_create": Route(
        perm=Perm.PLAN_EDIT, kwargs=_course("network"), outside=_course("other_network")
    ),
}
