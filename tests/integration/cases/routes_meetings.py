"""URL matrix rows for the start and follow-up meetings
(tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gets its start meeting and first follow-up, as course start
schedules them; outside every matrix user's scope: the same on a course of ``other_family``
(Vallensbæk) at another provider.
"""

import datetime as dt

from django.utils import timezone

from cases.meeting_services import meetings_schedule_initial
from cases.models import Course, MeetingKind
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    meetings = {m.kind: m for m in meetings_schedule_initial(by=None, course=course)}
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_start"] = meetings[MeetingKind.START]
    ctx[f"{prefix}_follow_up"] = meetings[MeetingKind.FOLLOW_UP]


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "meetings", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (møder)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_meetings", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _meeting(prefix: str, which: str = "start") -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_{which}"].pk}

    return kwargs


def _record(ctx: dict) -> dict:
    return {
        "held_on": timezone.localdate().isoformat(),
        "other_participants": "Klasselærer Mette",
        "agreed": "Vi mødes igen om tre måneder.",
    }


def _reschedule(ctx: dict) -> dict:
    return {
        "due_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        "reschedule_reason": "Mor er på ferie.",
    }


ROUTES: dict[str, Route] = {
    "cases:meeting_list": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("meetings"), outside=_course("other_meetings")
    ),
    "cases:meeting_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_meeting("meetings"), outside=_meeting("other_meetings")
    ),
    "cases:meeting_record": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_meeting("meetings"),
        outside=_meeting("other_meetings"),
        data=_record,
    ),
    "cases:meeting_reschedule": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_meeting("meetings", "follow_up"),
        outside=_meeting("other_meetings", "follow_up"),
        data=_reschedule,
    ),
    "cases:meeting_cadence": Route(
        perm=Perm.PLAN_EDIT,
        method="post",
        ok=302,
        kwargs=_course("meetings"),
        outside=_course("other_meetings"),
        data={"follow_up_months": "3"},
    ),
}
