"""FIT alert screens of a course (issue 5, item 5): the open alerts — red first, good news in
green — and the acknowledged ones with who, when and what was done; acknowledging with a
note, inline with htmx on the tablet (and as a plain form without it).

Texts come from cases/fit_alert_text.py; the rule for who may acknowledge from
``visit_services.may_acknowledge`` / ``alert_acknowledge``. Reading needs Perm.VISIT_VIEW on
the course (team, rådgiver, leader); outside the course scope 404.

The module's ``urlpatterns`` also carry the practitioner's FIT figures
(cases/views_fit_practitioner.py), so ``cases/urls.py`` has one line for the FIT screens.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from cases import course_access, fit, fit_alert_text, views_fit_practitioner
from cases import visit_services as visits
from cases.forms_fit_alerts import AlertAcknowledgeForm
from cases.models import Course, FitAlert
from familieberedskab.permissions import Perm

AUDIT_DETAIL = "fit_alerts"


def _course(request: HttpRequest, course_pk: int) -> Course:
    return course_access.get_course_for_user(
        request.user, course_pk, perm=Perm.VISIT_VIEW, detail=AUDIT_DETAIL
    )


def _lists_context(request: HttpRequest, course: Course, **extra: object) -> dict:
    page = Paginator(fit_alert_text.acknowledged_alerts_qs(course), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    open_alerts = list(fit_alert_text.open_alerts_qs(course))
    # One query for the scores behind both lists.
    described = fit_alert_text.describe_alerts(open_alerts + list(page.object_list))
    return {
        "course": course,
        "family": course.family,
        "open_alerts": described[: len(open_alerts)],
        "acknowledged": described[len(open_alerts) :],
        "page": page,
        "may_acknowledge": visits.may_acknowledge(request.user, course),
        **extra,
    }


@require_GET
def fit_alert_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    r = fit.rules()
    rules = {
        "amber": r.progress_amber_session,
        "red": r.progress_red_session,
        "reliable_change": fit_alert_text.limit(r.reliable_change),
    }
    context = _lists_context(request, course, rules=rules)
    return render(request, "cases/fit_alert_list.html", context)


def _form_page(
    request: HttpRequest, course: Course, alert: FitAlert, form: AlertAcknowledgeForm
) -> HttpResponse:
    (described,) = fit_alert_text.describe_alerts([alert])
    context = {
        "course": course,
        "family": course.family,
        "item": described,
        "form": form,
        "inline": bool(request.htmx),
    }
    if request.htmx:
        # htmx swaps only 2xx answers: the inline form comes back with its errors as 200.
        return render(request, "cases/_partials/fit_alert_ack_form.html", context)
    status = 400 if form.is_bound else 200
    return render(request, "cases/fit_alert_acknowledge.html", context, status=status)


def _to_list(request: HttpRequest, course: Course) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(reverse("cases:fit_alert_list", args=[course.pk]))
    return redirect("cases:fit_alert_list", course.pk)


@require_http_methods(["GET", "POST"])
def fit_alert_acknowledge(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    if not visits.may_acknowledge(request.user, course):
        raise PermissionDenied
    alert = (
        FitAlert.objects.select_related("client", "visit", "acknowledged_by")
        .filter(course=course, pk=pk)
        .first()
    )
    if alert is None:  # replaced when the visit was corrected (the course is in scope)
        messages.warning(request, _("Alarmen findes ikke længere, fordi besøget er rettet."))
        return _to_list(request, course)
    if request.method != "POST":
        if not alert.is_open:
            return _to_list(request, course)
        return _form_page(request, course, alert, AlertAcknowledgeForm())
    form = AlertAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            visits.alert_acknowledge(
                by=request.user, alert=alert, note=form.cleaned_data["acknowledgement"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                context = _lists_context(request, course, just_acknowledged=alert.pk)
                response = render(request, "cases/_partials/fit_alert_lists.html", context)
                return retarget(reswap(response, "outerHTML"), "#fit-alert-lists")
            messages.success(request, _("Alarmen er kvitteret."))
            return redirect("cases:fit_alert_list", course.pk)
    return _form_page(request, course, alert, form)


_ALERTS = "forloeb/<int:course_pk>/fit/alarmer/"

urlpatterns: list[URLPattern] = [
    path(_ALERTS, fit_alert_list, name="fit_alert_list"),
    path(_ALERTS + "<int:pk>/kvitter/", fit_alert_acknowledge, name="fit_alert_acknowledge"),
    *views_fit_practitioner.urlpatterns,
]
