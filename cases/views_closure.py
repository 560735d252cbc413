"""Closing a course (issue 6, items 5 and 6): the closure page, the closure form, reopening,
the checks after closure and the closing summary for the rådgiver as PDF.

* ``closure_detail`` — the closure in force (criteria with status and comment, reason,
  destination, children at home, final measurements done or waived, the checks 3, 6 and 12
  months after with their state); for the rådgiver a form per check that can be answered;
  for a leader of the provider a reopen form; earlier (reopened) closures listed.
* ``closure_create`` — the tablet form: the six criteria each with the app's evidence beside
  it, reason, destination, each child at home, final measurements (each with a link to record
  it, in a new tab so nothing typed here is lost, or a waiver reason), a summary and the
  family's own words. Bad input is answered 400 with every message on its field.
* ``closure_summary_pdf`` — the closing summary in plain Danish (cases/closure_report.py),
  rendered in the request like the printed plan (cases/views_plan/print.py explains why),
  audited as EXPORT; the filename holds ids and a date only; no CPR number in it.

Access: Perm.PLAN_VIEW reads within ``course_scope`` (the team keeps reading a closed course
for CLOSED_COURSE_TEAM_ACCESS_DAYS), audited; Perm.COURSE_CLOSE closes; Perm.COURSE_REOPEN
(a leader of the course's provider) reopens; Perm.POST_CLOSURE_RECORD (the rådgiver) answers
the checks. The rules live in cases/closure_services.py.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import closure_services as closing
from cases import course_access
from cases import outcome_services as outcomes
from cases.closure_report import closure_evidence, summary_context
from cases.forms_closure import ClosureForm, PostClosureCheckForm, ReopenForm
from cases.models import (
    Closure,
    Course,
    CourseStatus,
    Criterion,
    FamilyMember,
    MeasurementDue,
    MemberKind,
    Occasion,
    PostClosureCheck,
)
from cases.views_plan.print import page_counter
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.pdf import pdf_response, render_pdf
from familieberedskab.permissions import Perm, has_permission
from staffing.models import Role

AUDIT_DETAIL = "closure"
PDF_DETAIL = "closure_pdf"
CHECK_OPENS_DAYS = 14  # a check can be answered from two weeks before its date (the service)


def _course(request: HttpRequest, course_pk: int, perm: Perm = Perm.PLAN_VIEW) -> Course:
    return course_access.get_course_for_user(
        request.user, course_pk, perm=perm, detail=AUDIT_DETAIL
    )


@dataclass
class CheckRow:
    check: PostClosureCheck
    state: str  # answered / overdue / due / open / later
    form: PostClosureCheckForm | None = None


def _check_state(check: PostClosureCheck, today: dt.date) -> str:
    if check.checked_on is not None:
        return "answered"
    if check.due_on < today:
        return "overdue"
    if check.due_on == today:
        return "due"
    if check.due_on <= today + dt.timedelta(days=CHECK_OPENS_DAYS):
        return "open"
    return "later"


def _may_reopen(request: HttpRequest, course: Course) -> bool:
    user = request.user
    return (
        course.status == CourseStatus.CLOSED
        and has_permission(user, Perm.COURSE_REOPEN)
        and user.has_role(Role.LEDER)
        and course.provider_id == user.organisation_id
    )


def _finals(course: Course) -> list[dict[str, Any]]:
    """The final measurements of the course with what became of each: done, or waived with
    the reason given at closure."""
    waived = {
        (d.instrument_id, d.subject_id): d.waived_reason
        for d in MeasurementDue.objects.filter(course=course, occasion=Occasion.CLOSURE).exclude(
            waived_reason=""
        )
    }
    return [
        {"final": f, "waived": waived.get((f.instrument_id, f.subject.pk), "")}
        for f in closing.final_measures(course)
    ]


def _detail_page(
    request: HttpRequest,
    course: Course,
    *,
    bound: PostClosureCheckForm | None = None,
    bound_check: int | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    closure = closing.current_closure(course)
    today = timezone.localdate()
    rows: list[CheckRow] = []
    if closure is not None:
        audit_log(
            by=request.user,
            action=AuditAction.VIEW,
            obj=closure,
            family_id=course.family_id,
            course_id=course.pk,
        )
        may_record = has_permission(request.user, Perm.POST_CLOSURE_RECORD)
        for check in sorted(closure.checks.all(), key=lambda c: (c.due_on, c.child.birth_date)):
            row = CheckRow(check, _check_state(check, today))
            if bound_check == check.pk:
                row.form = bound
            elif may_record and row.state in ("overdue", "due", "open"):
                row.form = PostClosureCheckForm(check_pk=check.pk)
            rows.append(row)
    order = {c.value: i for i, c in enumerate(Criterion)}
    context = {
        "course": course,
        "family": course.family,
        "closure": closure,
        "criteria": sorted(closure.criteria.all(), key=lambda c: order[c.criterion])
        if closure
        else [],
        "children": sorted(closure.children.all(), key=lambda c: c.child.birth_date)
        if closure
        else [],
        "finals": _finals(course) if closure else [],
        "checks": rows,
        "earlier": list(
            Closure.objects.filter(course=course, reopened_at__isnull=False)
            .select_related("closed_by", "reopened_by")
            .order_by("-reopened_at")
        ),
        "may_close": course.status == CourseStatus.ACTIVE
        and has_permission(request.user, Perm.COURSE_CLOSE),
        "reopen_form": (reopen_form or ReopenForm()) if _may_reopen(request, course) else None,
        "today": today,
    }
    return render(request, "cases/closure_detail.html", context, status=status)


@require_GET
def closure_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    return _detail_page(request, _course(request, course_pk))


def _measure_urls(course: Course, finals: list[Any], codes: dict[int, str]) -> dict[str, str]:
    """Per missing final measurement, where it is recorded: the measurement screens (by URL
    name), asked for the closing occasion, the instrument and the person."""
    try:
        base = reverse("cases:measurement_create", args=[course.pk])
    except NoReverseMatch:  # the measurement screens are not installed
        return {}
    return {
        f.key: base
        + "?"
        + urlencode(
            {
                "occasion": Occasion.CLOSURE,
                "instrument": codes.get(f.instrument_id, ""),
                "subject": f.subject.pk,
            }
        )
        for f in finals
        if not f.done
    }


def _create_page(
    request: HttpRequest, course: Course, form: ClosureForm, measurements: list[Any]
) -> HttpResponse:
    codes = {m.instrument_id: m.instrument.code for m in measurements}
    urls = _measure_urls(course, form.finals, codes)
    evidence = closure_evidence(course, measurements)
    context = {
        "course": course,
        "family": course.family,
        "form": form,
        "criteria": [
            {
                "criterion": c,
                "status": form[f"criterion_{c.value}"],
                "comment": form[f"comment_{c.value}"],
                "evidence": evidence[c.value],
            }
            for c in Criterion
        ],
        "children": [(child, form[f"child_{child.pk}"]) for child in form.children],
        "finals": [
            {
                "final": f,
                "waiver": None if f.done else form[f"waiver_{f.key}"],
                "record_url": urls.get(f.key),
            }
            for f in form.finals
        ],
    }
    status = 400 if form.is_bound else 200
    return render(request, "cases/closure_create.html", context, status=status)


@require_http_methods(["GET", "POST"])
def closure_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, perm=Perm.COURSE_CLOSE)
    if course.status != CourseStatus.ACTIVE:
        closed = course.status == CourseStatus.CLOSED
        messages.error(
            request,
            _("Forløbet er allerede afsluttet.")
            if closed
            else _("Kun et aktivt forløb kan afsluttes."),
        )
        return redirect("cases:closure_detail", course.pk)
    children = list(
        FamilyMember.objects.filter(
            family_id=course.family_id,
            kind=MemberKind.CHILD,
            birth_date__lte=timezone.localdate(),
        )
    )
    form = ClosureForm(
        request.POST if request.method == "POST" else None,
        children=children,
        finals=closing.final_measures(course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            closing.course_close(by=request.user, course=course, data=form.service_data())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_service_errors(exc.message_dict)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Forløbet er afsluttet."))
            return redirect("cases:closure_detail", course.pk)
    return _create_page(request, course, form, list(outcomes.measurements_for_course(course)))


@require_POST
def closure_reopen(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, perm=Perm.COURSE_REOPEN)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            closing.course_reopen(
                by=request.user, course=course, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            messages.success(request, _("Forløbet er genåbnet."))
            return redirect("cases:course_detail", course.pk)
    return _detail_page(request, course, reopen_form=form, status=400)


@require_POST
def closure_check_record(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk, perm=Perm.POST_CLOSURE_RECORD)
    check = (
        PostClosureCheck.objects.select_related("closure__course", "child")
        .filter(closure__course=course, closure__reopened_at__isnull=True, pk=pk)
        .first()
    )
    if check is None:
        raise Http404
    form = PostClosureCheckForm(request.POST, check_pk=check.pk)
    if form.is_valid():
        try:
            closing.post_closure_check_record(
                by=request.user,
                check=check,
                lives_at_home=form.answer(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error("lives_at_home" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            messages.success(
                request,
                _("Svaret for %(child)s, %(months)s måneder efter afslutningen, er gemt.")
                % {"child": check.child.first_name, "months": check.months_after},
            )
            return redirect(reverse("cases:closure_detail", args=[course.pk]) + "#checks")
    return _detail_page(request, course, bound=form, bound_check=check.pk, status=400)


@require_GET
def closure_summary_pdf(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    closure = closing.current_closure(course)
    if closure is None:
        raise Http404
    context = summary_context(course, closure) | {"page_counter": page_counter()}
    content = render_pdf("cases/pdf/closing_summary.html", context)
    audit_log(
        by=request.user,
        action=AuditAction.EXPORT,
        obj=closure,
        family_id=course.family_id,
        course_id=course.pk,
        detail=PDF_DETAIL,
    )
    filename = f"afslutningsrapport-{course.pk}-{closure.closed_on:%Y-%m-%d}.pdf"
    return pdf_response(content, filename, inline=False)


_CLOSURE = "forloeb/<int:course_pk>/afslutning/"

urlpatterns: list[URLPattern] = [
    path(_CLOSURE, closure_detail, name="closure_detail"),
    path(_CLOSURE + "ny/", closure_create, name="closure_create"),
    path(_CLOSURE + "genaabn/", closure_reopen, name="closure_reopen"),
    path(_CLOSURE + "opfoelgning/<int:pk>/", closure_check_record, name="closure_check_record"),
    path(_CLOSURE + "rapport.pdf", closure_summary_pdf, name="closure_summary_pdf"),
]
