"""The leader's start-page panel "Timer sidste uge": the provider's active courses with the
hours delivered against the hours granted last week, under- and over-delivery first
(registered in ``CasesConfig.ready``). Three queries however many courses and visits: the
courses with their delivered time, their intensity changes, the audit rows."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from cases import hours_services
from cases.models import Course, CourseStatus
from cases.services import families_listed
from familieberedskab.permissions import course_scope
from familieberedskab.startpage import Panel
from staffing.models import Role

_SEVERITY = {
    hours_services.Delivery.UNDER: 0,
    hours_services.Delivery.OVER: 1,
}


def hours_last_week(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_role(Role.LEDER) or not user.organisation.is_provider:
        return None
    today = timezone.localdate()
    monday = hours_services.monday_of(today) - dt.timedelta(days=7)
    courses = (
        Course.objects.filter(
            course_scope(user), provider_id=user.organisation_id, status=CourseStatus.ACTIVE
        )
        .select_related("family")
        .order_by("family__name", "pk")
    )
    rows = hours_services.courses_week(courses, monday, today=today)
    rows.sort(key=lambda r: (_SEVERITY.get(r.week.status, 2), r.course.family.name, r.course.pk))
    families_listed(by=user, families=[r.course.family for r in rows], detail="forside")
    return Panel(
        "cases/_partials/panel_hours.html",
        {
            "rows": rows,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "week": monday.isocalendar().week,
            "flagged": sum(1 for r in rows if r.week.status.is_flagged),
            "tolerance": hours_services.tolerance(),
        },
        order=21,
    )
