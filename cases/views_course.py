"""A course's own pages (issue 5): the overview — the hub of a course, with the family, the
team, the grant and this week's hours, the next meeting, open FIT alerts, the latest visits
and the way to everything else — the hours delivered against the hours granted, week by
week, and turning the intensity up or down.

Access: Perm.VISIT_VIEW reads (the team, the rådgiver, the leader) within ``course_scope``,
audited by ``visit_services.get_course_for_user``; Perm.INTENSITY_CHANGE (rådgiver, leader)
changes the intensity. The figures come from ``cases.hours_services``."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import fit_alert_text, meeting_services
from cases import hours_services as hours
from cases import visit_services as visits
from cases.forms_hours import IntensityChangeForm
from cases.models import Course, CourseStatus, FitAlert
from familieberedskab.permissions import Perm, has_permission

ALERTS_SHOWN = 10


def _week_of_course(course: Course, today: dt.date) -> dt.date | None:
    """The Monday of the week to show on the overview: this week, or the course's last."""
    if course.start_date is None or course.start_date > today:
        return None
    return hours.monday_of(min(today, course.end_date) if course.end_date else today)


def _overview(course: Course, today: dt.date) -> dict[str, Any]:
    changes = hours.intensity_changes(course)
    team = hours.team_assignments(course)
    monday = _week_of_course(course, today)
    weeks = [] if monday is None else [monday]
    weeks = hours.course_weeks(course, weeks, changes=changes, assignments=team, today=today)
    current = [
        a for a in team if a.starts_on <= today and (a.ends_on is None or a.ends_on >= today)
    ]
    meeting = meeting_services.next_open_meeting(course)
    members = list(course.family.members.order_by("kind", "birth_date", "pk"))
    for member in members:
        member.age = visits.age_on(member, today)
    return {
        "members": members,
        "team": current if current or course.status != CourseStatus.CLOSED else team,
        "in_force": visits.hours_in_force(course, today, changes),
        "has_grant": course.granted_hours is not None or bool(changes),
        "week": weeks[0] if weeks else None,
        "next_meeting": meeting,
        "next_meeting_state": meeting_services.state_of(meeting, today) if meeting else None,
        # The most urgent open alerts (red first); all of them on the alerts page.
        "alerts": fit_alert_text.describe_alerts(
            fit_alert_text.open_alerts_qs(course)[:ALERTS_SHOWN]
        ),
        "alerts_open": FitAlert.objects.filter(course=course, acknowledged_at__isnull=True).count(),
        "recent_visits": list(visits.visits_for_course(course)[:5]),
    }


@require_GET
def course_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk)
    context = {
        "course": course,
        "family": course.family,
        "today": timezone.localdate(),
        "can_change_intensity": _may_change_intensity(request, course),
        **_overview(course, timezone.localdate()),
    }
    return render(request, "cases/course_detail.html", context)


def _weeks_asked(request: HttpRequest) -> int:
    try:
        count = int(request.GET.get("uger", hours.DEFAULT_WEEKS))
    except ValueError:
        count = hours.DEFAULT_WEEKS
    return max(1, min(count, hours.MAX_WEEKS))


@require_GET
def course_hours(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk)
    today = timezone.localdate()
    count = _weeks_asked(request)
    changes = hours.intensity_changes(course)
    mondays = hours.weeks_shown(course, changes, today=today, count=count)
    context = {
        "course": course,
        "family": course.family,
        "weeks": hours.course_weeks(course, mondays, changes=changes, today=today),
        "history": list(reversed(changes)),
        "in_force": visits.hours_in_force(course, today, changes),
        "count": count,
        "more": count + hours.DEFAULT_WEEKS
        if count < hours.total_weeks(course, today) and count < hours.MAX_WEEKS
        else None,
        "tolerance": hours.tolerance(),
        "can_change_intensity": _may_change_intensity(request, course),
    }
    return render(request, "cases/course_hours.html", context)


def _may_change_intensity(request: HttpRequest, course: Course) -> bool:
    return (
        has_permission(request.user, Perm.INTENSITY_CHANGE) and course.status != CourseStatus.CLOSED
    )


def _intensity_page(
    request: HttpRequest, course: Course, form: IntensityChangeForm
) -> HttpResponse:
    today = timezone.localdate()
    changes = hours.intensity_changes(course)
    context = {
        "course": course,
        "family": course.family,
        "form": form,
        "in_force": visits.hours_in_force(course, today, changes),
        "closed": course.status == CourseStatus.CLOSED,
    }
    return render(
        request, "cases/intensity_form.html", context, status=400 if form.is_bound else 200
    )


@require_http_methods(["GET", "POST"])
def intensity_change(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk, perm=Perm.INTENSITY_CHANGE)
    if request.method != "POST":
        return _intensity_page(request, course, IntensityChangeForm())
    form = IntensityChangeForm(request.POST)
    if not form.is_valid():
        return _intensity_page(request, course, form)
    try:
        change = visits.intensity_change(
            by=request.user,
            course=course,
            effective_on=form.cleaned_data["effective_on"],
            hours=form.cleaned_data["hours_per_week"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _intensity_page(request, course, form)
    messages.success(
        request,
        _("Intensiteten er ændret til %(hours)s timer pr. uge fra %(date)s.")
        % {
            "hours": floatformat(change.hours_per_week, -1),
            "date": f"{change.effective_on:%d.%m.%Y}",
        },
    )
    return redirect("cases:course_hours", course.pk)


_COURSE = "forloeb/<int:course_pk>/"

urlpatterns: list[URLPattern] = [
    path(_COURSE, course_detail, name="course_detail"),
    path(_COURSE + "timer/", course_hours, name="course_hours"),
    path(_COURSE + "intensitet/", intensity_change, name="intensity_change"),
]
