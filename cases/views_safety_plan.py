"""Safety plan (sikkerhedsplan) screens of a course (issue 4): the revisions with the current
plan in full and its review date, a new revision prefilled from the current plan, and one
revision read-only. The rules live in cases/safety_plan_services.py; access is the plan's."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import safety_plan_services as plans
from cases.forms_safety_plan import SafetyPlanForm
from cases.models import Course
from familieberedskab.permissions import Perm, has_permission


@require_GET
def safety_plan_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = plans.get_course_for_user(request.user, course_pk)
    current = plans.current_safety_plan(course)
    page = Paginator(plans.safety_plans_for_course(course), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    plans.audit_safety_plan_list(request.user, course, list(page.object_list))
    if current is not None:
        plans.audit_safety_plan_view(request.user, current)
    context = {
        "course": course,
        "family": course.family,
        "current": current,
        "overdue": current is not None and plans.is_review_overdue(current),
        "page": page,
        "editable": has_permission(request.user, Perm.PLAN_EDIT),
    }
    return render(request, "cases/safety_plan_list.html", context)


@require_GET
def safety_plan_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    plan = plans.get_safety_plan_for_user(request.user, course_pk, pk)
    current = plans.current_safety_plan(plan.course)
    is_current = current is not None and current.pk == plan.pk
    context = {
        "plan": plan,
        "course": plan.course,
        "family": plan.course.family,
        "is_current": is_current,
        "overdue": is_current and plans.is_review_overdue(plan),
        "editable": has_permission(request.user, Perm.PLAN_EDIT),
    }
    return render(request, "cases/safety_plan_detail.html", context)


def _form_page(request: HttpRequest, course: Course, form: SafetyPlanForm) -> HttpResponse:
    context = {"course": course, "family": course.family, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "cases/safety_plan_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def safety_plan_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = plans.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    if request.method != "POST":
        form = SafetyPlanForm(initial_from=plans.current_safety_plan(course))
        return _form_page(request, course, form)
    form = SafetyPlanForm(request.POST)
    if not form.is_valid():
        return _form_page(request, course, form)
    try:
        plan = plans.safety_plan_save(by=request.user, course=course, data=form.plan_data())
    except ValidationError as exc:
        form.add_error(None, exc)
        return _form_page(request, course, form)
    messages.success(request, _("Sikkerhedsplanen er gemt."))
    return redirect("cases:safety_plan_detail", course.pk, plan.pk)


_PLAN = "forloeb/<int:course_pk>/sikkerhedsplan/"

urlpatterns: list[URLPattern] = [
    path(_PLAN, safety_plan_list, name="safety_plan_list"),
    path(_PLAN + "ny/", safety_plan_create, name="safety_plan_create"),
    path(_PLAN + "<int:pk>/", safety_plan_detail, name="safety_plan_detail"),
]
