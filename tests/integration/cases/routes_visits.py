"""URL matrix rows for home visits and FIT (tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains a visit recorded by the behandler (who alone may correct it
in the window, besides the leader); outside every matrix user's scope: a visit on a course of
``other_family`` (Vallensbæk) at another provider.
"""

import datetime as dt

from django.utils import timezone

from cases import visit_services as visits
from cases.models import ActivityType, Course, Visit
from familieberedskab.permissions import Perm
from staffing.models import Role
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _start(days_ago: int = 2) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def extend_world(ctx: dict) -> None:
    course = ctx["family"].courses.first()
    behandler = ctx["users"][Role.BEHANDLER]
    ctx["visit_course"] = course
    ctx["visit"] = visits.visit_record(
        by=behandler,
        course=course,
        data=visits.VisitInput(
            starts_at=_start(),
            ends_at=_start() + dt.timedelta(hours=2),
            place="home",
            staff_ids=[behandler.pk],
            family_ids=[ctx["family"].members.first().pk],
            activity_ids=[ActivityType.objects.get(code="conversation").pk],
        ),
    )
    elsewhere = ProviderFactory(name="Anden udfører (besøg)")
    other: Course = CourseFactory(family=ctx["other_family"], provider=elsewhere)
    ctx["other_visit_course"] = other
    ctx["other_visit"] = Visit.objects.create(
        course=other,
        author=other.family.caseworker,
        starts_at=_start(),
        ends_at=_start() + dt.timedelta(hours=1),
        place="home",
        minutes=60,
    )


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _visit(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[prefix].pk}

    return kwargs


def _new_visit(ctx: dict) -> dict:
    start = timezone.localtime(_start(days_ago=1))
    return {
        "day": start.date().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "home",
        "staff": [str(ctx["users"][Role.BEHANDLER].pk)],
        "family": [str(ctx["family"].members.first().pk)],
        "activities": [str(ActivityType.objects.get(code="meals").pk)],
    }


ROUTES: dict[str, Route] = {
    "cases:visit_list": Route(
        perm=Perm.VISIT_VIEW, kwargs=_course("visit"), outside=_course("other_visit")
    ),
    "cases:visit_detail": Route(
        perm=Perm.VISIT_VIEW, kwargs=_visit("visit"), outside=_visit("other_visit")
    ),
    "cases:visit_create": Route(
        perm=Perm.VISIT_RECORD,
        method="post",
        ok=302,
        kwargs=_course("visit"),
        outside=_course("other_visit"),
        data=_new_visit,
    ),
    "cases:visit_draft": Route(
        perm=Perm.VISIT_RECORD,
        method="post",
        kwargs=_course("visit"),
        outside=_course("other_visit"),
        data={"note": "Halvt skrevet"},
    ),
    # Only the author (within the window) and the provider's leader correct a visit.
    "cases:visit_correct": Route(
        perm=Perm.VISIT_VIEW,
        kwargs=_visit("visit"),
        outside=_visit("other_visit"),
        ok_by_role={Role.RADGIVER: 403, Role.PAEDAGOG: 403, Role.PSYKOLOG: 403},
    ),
    "cases:fit_charts": Route(
        perm=Perm.VISIT_VIEW, kwargs=_course("visit"), outside=_course("other_visit")
    ),
}
