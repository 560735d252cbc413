"""The measurement screens of a course (issue 6): the measurement plan (due, overdue, done,
waived per person and occasion), the results so far and the pre/post comparison with a chart
per person; entering a completed instrument by item number on a tablet; one result with its
scales, bands and flags; and waiving a planned measurement with a reason.

The rules live in cases/outcome_services.py; access is the plan's (Perm.PLAN_VIEW reads,
Perm.OUTCOME_RECORD records, 404 outside ``course_scope``), and a closed course is read-only."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cases import outcome_display as display
from cases import outcome_services as outcomes
from cases.forms_measurements import MeasurementForm, WaiveForm, add_service_errors
from cases.models import (
    Course,
    CourseStatus,
    FamilyMember,
    Instrument,
    Measurement,
    MeasurementDue,
    MemberKind,
    NormBand,
)
from familieberedskab.audit import audit_log_list
from familieberedskab.permissions import Perm, has_permission
from staffing.models import User

CLOSED = gettext_lazy("Forløbet er afsluttet. Målingerne kan læses, men ikke ændres.")


def _editable(request: HttpRequest, course: Course) -> bool:
    return (
        has_permission(request.user, Perm.OUTCOME_RECORD) and course.status != CourseStatus.CLOSED
    )


def _listed(user: User, course: Course, measurements: list[Measurement]) -> None:
    """The list page showed these measurements: one audit row each, in one query."""
    audit_log_list(
        by=user,
        objects=measurements,
        family_ids=[course.family_id] * len(measurements),
        detail="maalinger",
    )


def _bands_for(measurements: list[Measurement]) -> list[NormBand]:
    used = {m.norm_set_id for m in measurements if m.norm_set_id}
    return list(NormBand.objects.filter(norm_set_id__in=used, sex="")) if used else []


@require_GET
def measurement_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = outcomes.get_course_for_user(request.user, course_pk)
    measurements = list(outcomes.measurements_for_course(course))
    _listed(request.user, course, measurements)
    people = display.person_outcomes(outcomes.pre_post(measurements), _bands_for(measurements))
    context = {
        "course": course,
        "family": course.family,
        "rounds": display.plan_rounds(
            outcomes.measurements_due_for_course(course), timezone.localdate()
        ),
        "people": people,
        "results": [(m, display.main_score(m)) for m in reversed(measurements)],
        "editable": _editable(request, course),
        "closed": course.status == CourseStatus.CLOSED,
    }
    return render(request, "cases/measurement_list.html", context)


@require_GET
def measurement_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    measurement = outcomes.get_measurement_for_user(request.user, course_pk, pk)
    context = {
        "measurement": measurement,
        "course": measurement.course,
        "family": measurement.course.family,
        "instrument": measurement.instrument,
        "lines": display.score_lines(measurement),
        "flags": [display.flag_text(c) for c in measurement.scores.get("flags", [])],
        "missing": display.and_list(measurement.scores.get("missing_items", [])),
        "answers": sorted((int(k), v) for k, v in measurement.answers.items()),
        "informant": display.informant_label(measurement),
        "editable": _editable(request, measurement.course),
    }
    return render(request, "cases/measurement_detail.html", context)


def _refuse_closed(request: HttpRequest, course: Course) -> HttpResponse | None:
    if course.status != CourseStatus.CLOSED:
        return None
    messages.error(request, CLOSED)
    return redirect("cases:measurement_list", course.pk)


def _due_asked(request: HttpRequest, course: Course) -> MeasurementDue | None:
    raw = request.GET.get("due") or request.POST.get("due")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404
    return get_object_or_404(
        MeasurementDue.objects.select_related("instrument", "subject"), pk=int(raw), course=course
    )


def _instrument_asked(request: HttpRequest, due: MeasurementDue | None) -> Instrument | None:
    code = request.POST.get("instrument") or request.GET.get("instrument")
    if not code:
        return due.instrument if due is not None and due.instrument.is_active else None
    return outcomes.instruments_active().filter(code=code).first()


def _initial(due: MeasurementDue | None, members: list[FamilyMember]) -> dict[str, Any]:
    initial: dict[str, Any] = {"measured_on": timezone.localdate()}
    caregivers = [m for m in members if m.kind == MemberKind.CAREGIVER]
    if len(caregivers) == 1:
        initial["informant_member"] = caregivers[0].pk
    if due is not None:
        initial |= {"subject": due.subject_id, "occasion": due.occasion}
    return initial


def _choose_page(request: HttpRequest, course: Course, status: int = 200) -> HttpResponse:
    dues = [d for d in outcomes.measurements_due_for_course(course) if d.is_open]
    context = {
        "course": course,
        "family": course.family,
        "dues": dues,
        "instruments": list(outcomes.instruments_active()),
        "today": timezone.localdate(),
    }
    return render(request, "cases/measurement_choose.html", context, status=status)


@require_http_methods(["GET", "POST"])
def measurement_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = outcomes.get_course_for_user(request.user, course_pk, perm=Perm.OUTCOME_RECORD)
    if refused := _refuse_closed(request, course):
        return refused
    due = _due_asked(request, course)
    if due is not None and not due.is_open:
        messages.info(request, _("Den planlagte måling er allerede udført eller undladt."))
        return redirect("cases:measurement_list", course.pk)
    instrument = _instrument_asked(request, due)
    if instrument is None:
        return _choose_page(request, course, status=400 if request.method == "POST" else 200)
    members = list(FamilyMember.objects.filter(family_id=course.family_id))
    data = request.POST if request.method == "POST" else None
    form = MeasurementForm(
        data, instrument=instrument, members=members, initial=_initial(due, members)
    )
    if form.is_bound and form.is_valid():
        try:
            measurement = outcomes.measurement_record(
                by=request.user, course=course, instrument=instrument, **form.record_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Målingen er gemt."))
            return redirect("cases:measurement_detail", course.pk, measurement.pk)
    context = {"course": course, "family": course.family, "form": form, "due": due}
    context |= {"instrument": instrument, "status": 400 if form.errors else 200}
    return render(request, "cases/measurement_form.html", context, status=context["status"])


@require_http_methods(["GET", "POST"])
def measurement_waive(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = outcomes.get_course_for_user(request.user, course_pk, perm=Perm.OUTCOME_RECORD)
    if refused := _refuse_closed(request, course):
        return refused
    due = get_object_or_404(
        MeasurementDue.objects.select_related("instrument", "subject"), pk=pk, course=course
    )
    if not due.is_open:
        messages.info(request, _("Den planlagte måling er allerede udført eller undladt."))
        return redirect("cases:measurement_list", course.pk)
    form = WaiveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            outcomes.measurement_due_waive(
                by=request.user, due=due, reason=form.cleaned_data["waived_reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Målingen er markeret som undladt."))
            return redirect("cases:measurement_list", course.pk)
    context = {"course": course, "family": course.family, "due": due, "form": form}
    status = 400 if form.errors else 200
    return render(request, "cases/measurement_waive.html", context, status=status)


_MEASUREMENTS = "forloeb/<int:course_pk>/maalinger/"

urlpatterns: list[URLPattern] = [
    path(_MEASUREMENTS, measurement_list, name="measurement_list"),
    path(_MEASUREMENTS + "ny/", measurement_create, name="measurement_create"),
    path(_MEASUREMENTS + "<int:pk>/", measurement_detail, name="measurement_detail"),
    path(_MEASUREMENTS + "plan/<int:pk>/undlad/", measurement_waive, name="measurement_waive"),
]
