"""URL matrix rows for the FIT alerts and the practitioner's FIT figures
(tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains a visit with an open alliance alert; outside every matrix
user's scope: the same on a course of ``other_family`` (Vallensbæk) at another provider.
Acknowledging: the team and the provider's leader may (302); the rådgiver reads but may not
(403). The practitioner's figures are the behandler's: seen by themself and the leader, 404
for every other role (never 403, which would reveal that the person exists).
"""

import datetime as dt

from django.utils import timezone

from cases.models import AlertKind, AlertLevel, Course, FitAlert, Visit
from familieberedskab.permissions import Perm
from staffing.models import Role
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    visit = Visit.objects.create(
        course=course,
        author=ctx["users"][Role.BEHANDLER],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="home",
        minutes=60,
    )
    alert = FitAlert.objects.create(
        course=course,
        client=course.family.members.first(),
        visit=visit,
        kind=AlertKind.ALLIANCE,
        level=AlertLevel.RED,
        reasons=["total"],
        session_number=1,
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_alert"] = alert


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "fit", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (FIT)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_fit", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _alert(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_alert"].pk}

    return kwargs


def _behandler(ctx: dict) -> dict:
    return {"user_pk": ctx["users"][Role.BEHANDLER].pk}


ROUTES: dict[str, Route] = {
    "cases:fit_alert_list": Route(
        perm=Perm.VISIT_VIEW, kwargs=_course("fit"), outside=_course("other_fit")
    ),
    "cases:fit_alert_acknowledge": Route(
        perm=Perm.VISIT_VIEW,
        method="post",
        ok=302,
        ok_by_role={Role.RADGIVER: 403},
        kwargs=_alert("fit"),
        outside=_alert("other_fit"),
        data={"acknowledgement": "Vi talte med familien om sessionen."},
    ),
    "cases:fit_practitioner": Route(
        perm=None,
        ok=404,
        ok_by_role={Role.BEHANDLER: 200, Role.LEDER: 200},
        kwargs=_behandler,
    ),
    "cases:fit_practitioner_list": Route(perm=Perm.STAFF_FIT_VIEW),
}
