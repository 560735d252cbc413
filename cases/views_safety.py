"""Signs of Safety screens of a course (issue 4): the dated mappings with their scaling, a
new mapping prefilled from the latest, one mapping in three columns ("Det bekymrer os", "Det
går godt", "Det skal ske") and the scaling trend per person as server-drawn SVG charts.
The rules live in cases/safety_services.py; access is the plan's."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import safety_services as safety
from cases.forms_safety import SafetyMappingForm
from cases.models import Course, SafetyMapping
from cases.safety_charts import scaling_chart_svg
from familieberedskab.permissions import Perm, has_permission


@require_GET
def safety_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = safety.get_course_for_user(request.user, course_pk)
    page = Paginator(safety.mappings_of(course), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    safety.audit_mapping_list(request.user, course, list(page.object_list))
    context = {
        "course": course,
        "family": course.family,
        "page": page,
        "editable": has_permission(request.user, Perm.PLAN_EDIT),
    }
    return render(request, "cases/safety_list.html", context)


@require_GET
def safety_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    mapping = safety.get_mapping_for_user(request.user, course_pk, pk)
    context = {
        "mapping": mapping,
        "course": mapping.course,
        "family": mapping.course.family,
        "editable": has_permission(request.user, Perm.PLAN_EDIT),
    }
    return render(request, "cases/safety_detail.html", context)


@require_GET
def safety_trend(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = safety.get_course_for_user(request.user, course_pk)
    charts = [
        (
            trend,
            scaling_chart_svg(
                [(p.mapped_on, p.score) for p in trend.points],
                title=_("Skalering over tid for %(name)s") % {"name": trend.name},
                description=", ".join(f"{p.mapped_on:%d.%m.%Y}: {p.score}" for p in trend.points),
                chart_id=f"chart-{trend.key}",
            ),
        )
        for trend in safety.scaling_trend(course)
    ]
    context = {"course": course, "family": course.family, "charts": charts}
    return render(request, "cases/safety_trend.html", context)


def _save(request: HttpRequest, course: Course, mapping: SafetyMapping | None) -> HttpResponse:
    """Bind and save the form: a redirect when saved, else the form again (400), with the
    errors and everything typed."""
    form = SafetyMappingForm(request.POST, course=course)
    if not form.is_valid():
        return _form_page(request, course, form, mapping)
    try:
        saved, warnings = safety.safety_mapping_save(
            by=request.user,
            course=course,
            data=form.mapping_data(),
            danger_statements=form.danger_pairs(),
            scores=form.scores(),
            mapping=mapping,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _form_page(request, course, form, mapping)
    messages.success(request, _("Kortlægningen er gemt."))
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("cases:safety_detail", course.pk, saved.pk)


def _form_page(
    request: HttpRequest, course: Course, form: SafetyMappingForm, mapping: SafetyMapping | None
) -> HttpResponse:
    context = {"course": course, "family": course.family, "form": form, "mapping": mapping}
    status = 400 if form.is_bound else 200
    return render(request, "cases/safety_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def safety_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = safety.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    if request.method == "POST":
        return _save(request, course, None)
    form = SafetyMappingForm(course=course, initial_from=safety.latest_mapping(course))
    return _form_page(request, course, form, None)


@require_http_methods(["GET", "POST"])
def safety_edit(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    mapping = safety.get_mapping_for_user(request.user, course_pk, pk, perm=Perm.PLAN_EDIT)
    course = mapping.course
    if request.method == "POST":
        return _save(request, course, mapping)
    form = SafetyMappingForm(
        course=course, initial_from=mapping, initial={"mapped_on": mapping.mapped_on}
    )
    return _form_page(request, course, form, mapping)


_SAFETY = "forloeb/<int:course_pk>/signs-of-safety/"

urlpatterns: list[URLPattern] = [
    path(_SAFETY, safety_list, name="safety_list"),
    path(_SAFETY + "ny/", safety_create, name="safety_create"),
    path(_SAFETY + "skalering/", safety_trend, name="safety_trend"),
    path(_SAFETY + "<int:pk>/", safety_detail, name="safety_detail"),
    path(_SAFETY + "<int:pk>/ret/", safety_edit, name="safety_edit"),
]
