"""The start and follow-up meetings of a course (issue 4, "Status and follow-up meetings"):
the meetings with the next one highlighted and the cadence, one meeting read-only, recording
a meeting as held (or correcting it), and moving an open meeting. The rules live in
cases/meeting_services.py; access is the plan's, and a closed course is read-only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import meeting_services as meetings
from cases.forms_meetings import (
    CadenceForm,
    MeetingRecordForm,
    MeetingRescheduleForm,
    add_service_errors,
)
from cases.models import Course, CourseStatus, FamilyMember, Goal, PlanMeeting
from familieberedskab.permissions import Perm, has_permission

CLOSED = gettext_lazy("Forløbet er afsluttet. Møderne kan ikke ændres.")


def _editable(request: HttpRequest, course: Course) -> bool:
    return has_permission(request.user, Perm.PLAN_EDIT) and course.status != CourseStatus.CLOSED


def _list_page(
    request: HttpRequest, course: Course, cadence_form: CadenceForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    rows = list(meetings.meetings_for_course(course))
    meetings.meetings_listed(by=request.user, course=course, meetings=rows)
    for meeting in rows:
        meeting.state = meetings.state_of(meeting, today)
    upcoming = [m for m in rows if m.held_on is None]
    editable = _editable(request, course)
    context = {
        "course": course,
        "family": course.family,
        "next": upcoming[0] if upcoming else None,
        "later": upcoming[1:],
        "held": sorted((m for m in rows if m.held_on), key=lambda m: (m.held_on, m.pk))[::-1],
        "editable": editable,
        "cadence_form": (cadence_form or CadenceForm(months=course.follow_up_months))
        if editable
        else None,
    }
    return render(request, "cases/meeting_list.html", context, status=status)


@require_GET
def meeting_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    return _list_page(request, meetings.get_course_for_user(request.user, course_pk))


@require_GET
def meeting_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    meeting = meetings.get_meeting_for_user(request.user, course_pk, pk)
    meeting.state = meetings.state_of(meeting)
    context = {
        "meeting": meeting,
        "course": meeting.course,
        "family": meeting.course.family,
        "editable": _editable(request, meeting.course),
    }
    return render(request, "cases/meeting_detail.html", context)


def _refuse_closed(request: HttpRequest, meeting: PlanMeeting) -> HttpResponse | None:
    if meeting.course.status != CourseStatus.CLOSED:
        return None
    messages.error(request, CLOSED)
    return redirect("cases:meeting_detail", meeting.course_id, meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    meeting = meetings.get_meeting_for_user(request.user, course_pk, pk, perm=Perm.PLAN_EDIT)
    course = meeting.course
    if request.method != "POST" and (refused := _refuse_closed(request, meeting)):
        return refused
    choices = {
        "staff": meetings.participant_staff(course, meeting),
        "family": list(FamilyMember.objects.filter(family_id=course.family_id)),
        "goals": list(Goal.objects.filter(plan__course=course).select_related("member")),
        "meeting": meeting,
    }
    was_held = meeting.is_held
    form = MeetingRecordForm(request.POST if request.method == "POST" else None, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.meeting_record(by=request.user, meeting=meeting, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _record_message(request, course, was_held)
            return redirect("cases:meeting_list", course.pk)
    context = {"meeting": meeting, "course": course, "family": course.family, "form": form}
    return render(request, "cases/meeting_record.html", context, status=400 if form.errors else 200)


def _record_message(request: HttpRequest, course: Course, was_held: bool) -> None:
    if was_held:
        messages.success(request, _("Registreringen er rettet."))
        return
    upcoming = meetings.next_open_meeting(course)
    text = _("Mødet er registreret.")
    if upcoming is not None:
        text += " " + _("Næste møde skal holdes senest %(date)s.") % {
            "date": f"{upcoming.due_on:%d.%m.%Y}"
        }
    messages.success(request, text)


@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    meeting = meetings.get_meeting_for_user(request.user, course_pk, pk, perm=Perm.PLAN_EDIT)
    if request.method != "POST" and (refused := _refuse_closed(request, meeting)):
        return refused
    if meeting.is_held:
        messages.error(request, _("Mødet er holdt. Ret registreringen i stedet."))
        return redirect("cases:meeting_detail", meeting.course_id, meeting.pk)
    form = MeetingRescheduleForm(
        request.POST if request.method == "POST" else None, meeting=meeting
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.meeting_reschedule(
                by=request.user,
                meeting=meeting,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reschedule_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            date = f"{meeting.due_on:%d.%m.%Y}"
            messages.success(request, _("Mødet er flyttet til %(date)s.") % {"date": date})
            return redirect("cases:meeting_list", meeting.course_id)
    context = {"meeting": meeting, "course": meeting.course, "family": meeting.course.family}
    context["form"] = form
    context["reminder_days"] = meetings.reminder_window_days()
    status = 400 if form.errors else 200
    return render(request, "cases/meeting_reschedule.html", context, status=status)


@require_POST
def meeting_cadence(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = meetings.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    form = CadenceForm(request.POST, months=course.follow_up_months)
    if form.is_valid():
        try:
            course = meetings.course_cadence_set(
                by=request.user, course=course, months=form.cleaned_data["follow_up_months"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            months = course.follow_up_months
            messages.success(
                request,
                _("Opfølgningsmøderne holdes nu hver %(n)s. måned.") % {"n": months}
                if months > 1
                else _("Opfølgningsmøderne holdes nu hver måned."),
            )
            return redirect("cases:meeting_list", course.pk)
    if course.status == CourseStatus.CLOSED:
        messages.error(request, CLOSED)
        return redirect("cases:meeting_list", course.pk)
    return _list_page(request, course, cadence_form=form, status=400)


_MEETINGS = "forloeb/<int:course_pk>/moeder/"

urlpatterns: list[URLPattern] = [
    path(_MEETINGS, meeting_list, name="meeting_list"),
    path(_MEETINGS + "interval/", meeting_cadence, name="meeting_cadence"),
    path(_MEETINGS + "<int:pk>/", meeting_detail, name="meeting_detail"),
    path(_MEETINGS + "<int:pk>/registrer/", meeting_record, name="meeting_record"),
    path(_MEETINGS + "<int:pk>/flyt/", meeting_reschedule, name="meeting_reschedule"),
]
