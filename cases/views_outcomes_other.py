"""Stories of change and school/daycare attachment of a course (issue 6, items 3 and 4).

* Stories (Most Significant Change): the list, newest first, each story in the teller's own
  words (marked as the family's words), its domain, why it matters, the date and whether it
  may be used anonymised in reports; a new story; a story corrected.
* School and daycare (element 2, attachment to universal services): per child, the
  institutions with their contact person, the contacts and bridge-building activities of this
  course, and the attendance per period with its trend (absence % and unlawful %).

Access: Perm.PLAN_VIEW reads within ``course_scope`` (the team keeps reading a closed course
for a while), the read audited; Perm.OUTCOME_RECORD (team, rådgiver) records. A closed course
is read-only: the forms refuse it with a message. The rules live in cases/outcome_services.py.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import course_access
from cases import outcome_services as outcomes
from cases.attendance_charts import attendance_chart_svg
from cases.forms_meetings import add_service_errors
from cases.forms_outcomes_other import (
    AttendancePeriodForm,
    ChangeStoryForm,
    InstitutionContactForm,
    InstitutionForm,
)
from cases.models import (
    ChangeStory,
    Course,
    CourseStatus,
    FamilyMember,
    Institution,
    InstitutionContact,
    MemberKind,
)
from familieberedskab.audit import audit_log_list
from familieberedskab.permissions import Perm, has_permission


def _course(request: HttpRequest, course_pk: int, detail: str, *, record: bool = False) -> Course:
    perm = Perm.OUTCOME_RECORD if record else Perm.PLAN_VIEW
    return course_access.get_course_for_user(request.user, course_pk, perm=perm, detail=detail)


def _editable(request: HttpRequest, course: Course) -> bool:
    return (
        has_permission(request.user, Perm.OUTCOME_RECORD) and course.status != CourseStatus.CLOSED
    )


def _refused(request: HttpRequest, course: Course, back: str) -> HttpResponse | None:
    """A closed course is read-only: the forms send the user back with the reason."""
    if course.status != CourseStatus.CLOSED:
        return None
    messages.error(request, _("Forløbet er afsluttet. Målinger og registreringer kan ikke ændres."))
    return redirect(back, course.pk)


def _save(form: Any, save: Any) -> Any:
    """Call the service; its refusals go onto the form's fields (None when refused)."""
    try:
        return save()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


# Stories of change ---------------------------------------------------------------------------


@require_GET
def story_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, "stories")
    stories = ChangeStory.objects.filter(course=course).select_related("teller_member")
    page = Paginator(stories.order_by("-told_on", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    audit_log_list(
        by=request.user, objects=shown, family_ids=[course.family_id] * len(shown), detail="stories"
    )
    context = {
        "course": course,
        "family": course.family,
        "page": page,
        "stories": shown,
        "editable": _editable(request, course),
    }
    return render(request, "cases/story_list.html", context)


def _story_page(
    request: HttpRequest, course: Course, form: ChangeStoryForm, story: ChangeStory | None
) -> HttpResponse:
    context = {"course": course, "family": course.family, "form": form, "story": story}
    status = 400 if form.is_bound else 200
    return render(request, "cases/story_form.html", context, status=status)


def _story_form(request: HttpRequest, course: Course, story: ChangeStory | None) -> HttpResponse:
    members = list(FamilyMember.objects.filter(family_id=course.family_id))
    if request.method != "POST":
        return _story_page(request, course, ChangeStoryForm(members=members, story=story), story)
    form = ChangeStoryForm(request.POST, members=members, story=story)
    if form.is_valid():
        saved = _save(
            form,
            lambda: outcomes.change_story_save(
                by=request.user, course=course, data=form.service_data(), story=story
            ),
        )
        if saved is not None:
            messages.success(request, _("Fortællingen er gemt."))
            return redirect(reverse("cases:story_list", args=[course.pk]) + f"#story-{saved.pk}")
    return _story_page(request, course, form, story)


@require_http_methods(["GET", "POST"])
def story_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, "stories", record=True)
    if refused := _refused(request, course, "cases:story_list"):
        return refused
    return _story_form(request, course, None)


@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk, "stories", record=True)
    story = ChangeStory.objects.filter(course=course, pk=pk).first()
    if story is None:
        raise Http404
    if refused := _refused(request, course, "cases:story_list"):
        return refused
    return _story_form(request, course, story)


# School and daycare --------------------------------------------------------------------------


def _institutions(course: Course) -> list[Institution]:
    """The family's children's institutions with their attendance and this course's contacts:
    three queries however many."""
    contacts = InstitutionContact.objects.filter(course=course).select_related("created_by")
    return list(
        Institution.objects.filter(child__family_id=course.family_id)
        .select_related("child")
        .prefetch_related("attendance", Prefetch("contacts", queryset=contacts))
        .order_by("child__birth_date", "child__pk", "-starts_on", "pk")
    )


def _chart(institution: Institution, periods: list[Any]) -> Any:
    rows = outcomes.attendance_trend(periods)
    if not rows:
        return None
    series = "; ".join(
        _("%(date)s: fravær %(absent)s %%, heraf ulovligt %(unlawful)s %%")
        % {"date": f"{day:%d.%m.%Y}", "absent": f"{a:.0f}", "unlawful": f"{u:.0f}"}
        for day, a, u in rows
    )
    return attendance_chart_svg(
        rows,
        title=_("Fravær over tid for %(child)s i %(name)s")
        % {"child": institution.child.first_name, "name": institution.name},
        description=series,
        absence_label=_("Fravær i alt"),
        unlawful_label=_("Heraf ulovligt"),
        chart_id=f"attendance-{institution.pk}",
    )


@require_GET
def school_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, "school")
    children = list(FamilyMember.objects.filter(family_id=course.family_id, kind=MemberKind.CHILD))
    institutions = _institutions(course)
    for institution in institutions:
        periods = sorted(institution.attendance.all(), key=lambda p: p.period_start)
        institution.periods = periods
        institution.chart = _chart(institution, periods)
    audit_log_list(
        by=request.user,
        objects=institutions,
        family_ids=[course.family_id] * len(institutions),
        detail="school",
    )
    rows = [(c, [i for i in institutions if i.child_id == c.pk]) for c in children]
    context = {
        "course": course,
        "family": course.family,
        "rows": rows,
        "editable": _editable(request, course),
    }
    return render(request, "cases/school_detail.html", context)


def _institution(course: Course, pk: int) -> Institution:
    institution = (
        Institution.objects.select_related("child")
        .filter(child__family_id=course.family_id, pk=pk)
        .first()
    )
    if institution is None:
        raise Http404
    return institution


def _school_page(
    request: HttpRequest, template: str, course: Course, form: Any, **extra: Any
) -> HttpResponse:
    context = {"course": course, "family": course.family, "form": form, **extra}
    return render(request, template, context, status=400 if form.is_bound else 200)


def _back_to_school(course: Course, institution: Institution) -> HttpResponse:
    return redirect(
        reverse("cases:school_detail", args=[course.pk]) + f"#institution-{institution.pk}"
    )


def _institution_form(
    request: HttpRequest, course: Course, institution: Institution | None
) -> HttpResponse:
    children = list(FamilyMember.objects.filter(family_id=course.family_id, kind=MemberKind.CHILD))
    template = "cases/school_institution_form.html"
    data = request.POST if request.method == "POST" else None
    form = InstitutionForm(data, children=children, institution=institution)
    if data is None or not form.is_valid():
        return _school_page(request, template, course, form, institution=institution)
    saved = _save(
        form,
        lambda: outcomes.institution_save(
            by=request.user, course=course, data=form.service_data(), institution=institution
        ),
    )
    if saved is None:
        return _school_page(request, template, course, form, institution=institution)
    messages.success(request, _("%(name)s er gemt.") % {"name": saved.name})
    return _back_to_school(course, saved)


@require_http_methods(["GET", "POST"])
def institution_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, "school", record=True)
    if refused := _refused(request, course, "cases:school_detail"):
        return refused
    return _institution_form(request, course, None)


@require_http_methods(["GET", "POST"])
def institution_edit(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk, "school", record=True)
    institution = _institution(course, pk)
    if refused := _refused(request, course, "cases:school_detail"):
        return refused
    return _institution_form(request, course, institution)


@require_http_methods(["GET", "POST"])
def institution_contact_create(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk, "school", record=True)
    institution = _institution(course, pk)
    if refused := _refused(request, course, "cases:school_detail"):
        return refused
    template = "cases/school_contact_form.html"
    if request.method != "POST":
        form = InstitutionContactForm()
        return _school_page(request, template, course, form, institution=institution)
    form = InstitutionContactForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: outcomes.institution_contact_add(
            by=request.user, course=course, institution=institution, data=form.cleaned_data
        ),
    ):
        messages.success(request, _("Kontakten er registreret."))
        return _back_to_school(course, institution)
    return _school_page(request, template, course, form, institution=institution)


@require_http_methods(["GET", "POST"])
def attendance_create(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = _course(request, course_pk, "school", record=True)
    institution = _institution(course, pk)
    if refused := _refused(request, course, "cases:school_detail"):
        return refused
    template = "cases/school_attendance_form.html"
    if request.method != "POST":
        form = AttendancePeriodForm()
        return _school_page(request, template, course, form, institution=institution)
    form = AttendancePeriodForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: outcomes.attendance_period_save(
            by=request.user, course=course, institution=institution, data=form.cleaned_data
        ),
    ):
        messages.success(request, _("Fraværet er registreret."))
        return _back_to_school(course, institution)
    return _school_page(request, template, course, form, institution=institution)


_STORIES = "forloeb/<int:course_pk>/fortaellinger/"
_SCHOOL = "forloeb/<int:course_pk>/skole/"

urlpatterns: list[URLPattern] = [
    path(_STORIES, story_list, name="story_list"),
    path(_STORIES + "ny/", story_create, name="story_create"),
    path(_STORIES + "<int:pk>/ret/", story_edit, name="story_edit"),
    path(_SCHOOL, school_detail, name="school_detail"),
    path(_SCHOOL + "ny/", institution_create, name="school_institution_create"),
    path(_SCHOOL + "<int:pk>/ret/", institution_edit, name="school_institution_edit"),
    path(_SCHOOL + "<int:pk>/kontakt/", institution_contact_create, name="school_contact_create"),
    path(_SCHOOL + "<int:pk>/fravaer/", attendance_create, name="school_attendance_create"),
]
