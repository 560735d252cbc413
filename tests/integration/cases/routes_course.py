"""URL matrix rows for a course's own pages (tests/integration/kernel/test_url_matrix.py): the
course overview, the hours page and the intensity change.

The course of ``family`` gains a recorded visit and a grant; outside every matrix user's scope:
a course of ``other_family`` (Vallensbæk) at another provider.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases.models import ActivityType, Course, Visit
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    course.granted_hours = Decimal("20.0")
    course.save(update_fields=["granted_hours"])
    starts_at = timezone.now() - dt.timedelta(days=2)
    visit = Visit.objects.create(
        course=course,
        author=course.family.caseworker,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        place="home",
        minutes=120,
    )
    visit.activities.set(ActivityType.objects.all()[:1])
    ctx[f"{prefix}_course"] = course


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "course_page", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (forløb)")
    _furnish(
        CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_course_page", ctx
    )


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _change(ctx: dict) -> dict:
    return {
        "effective_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "hours_per_week": "25",
        "reason": "Mere hjælp om morgenen.",
    }


ROUTES: dict[str, Route] = {
    "cases:course_detail": Route(
        perm=Perm.VISIT_VIEW, kwargs=_course("course_page"), outside=_course("other_course_page")
    ),
    "cases:course_hours": Route(
        perm=Perm.VISIT_VIEW, kwargs=_course("course_page"), outside=_course("other_course_page")
    ),
    "cases:intensity_change": Route(
        perm=Perm.INTENSITY_CHANGE,
        method="post",
        ok=302,
        kwargs=_course("course_page"),
        outside=_course("other_course_page"),
        data=_change,
    ),
}
