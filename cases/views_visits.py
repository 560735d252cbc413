"""Home visit screens of a course (issue 5): the visits newest first, one visit with its
corrections, the tablet form to record a visit with FIT (and to correct one, with a reason),
the draft saved while the form is filled in, and the FIT graphs. The rules live in
cases/visit_services.py; access is Perm.VISIT_VIEW to read and Perm.VISIT_RECORD (the course's
team) to record."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import fit_charts
from cases import visit_services as visits
from cases.forms_visit_fit import FitSection, fit_data_of, fit_section
from cases.forms_visits import (
    VisitCorrectForm,
    VisitForm,
    draft_data,
    draft_fields,
    visit_defaults,
    visit_initial,
)
from cases.models import (
    ActivityType,
    Course,
    CourseStatus,
    FamilyMember,
    FitScore,
    FitVersion,
    Goal,
    GoalStatus,
    NetworkMember,
    TeamAssignment,
    Visit,
    VisitPlace,
    VisitRevision,
)
from familieberedskab.audit import audit_log_list
from familieberedskab.permissions import Perm, course_scope, has_permission, permissions_of
from staffing.models import Role, User

# The working pair: who is preselected with whom on a new visit.
_TEAM_MATE = {Role.BEHANDLER: Role.PAEDAGOG, Role.PAEDAGOG: Role.BEHANDLER}


def _scores() -> Prefetch:
    return Prefetch(
        "fit_scores",
        queryset=FitScore.objects.select_related("client", "rater_member").order_by(
            "client__birth_date", "client_id", "scale", "pk"
        ),
    )


def visits_for_list(course: Course) -> QuerySet[Visit]:
    """The course's visits, newest first, with what the list and the course page show."""
    return visits.visits_for_course(course).prefetch_related(_scores())


def recent_visits(course: Course, count: int = 5) -> list[Visit]:
    """The latest visits for the course page's partial (cases/_partials/course_visits.html)."""
    return list(visits_for_list(course)[:count])


# Lists and pages -----------------------------------------------------------------------------


@require_GET
def visit_list(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk)
    page = Paginator(visits_for_list(course), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_log_list(
        by=request.user,
        objects=shown,
        family_ids=[course.family_id] * len(shown),
        detail=visits.AUDIT_DETAIL,
    )
    context = {
        "course": course,
        "family": course.family,
        "page": page,
        "visits": shown,
        "can_record": _can_record(request.user, course),
    }
    return render(request, "cases/visit_list.html", context)


@require_GET
def visit_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    visit = visits.get_visit_for_user(request.user, course_pk, pk)
    scores = sorted(visit.fit_scores.all(), key=lambda s: (s.client.birth_date, s.scale, s.pk))
    context = {
        "visit": visit,
        "course": visit.course,
        "family": visit.course.family,
        "scores": [
            {
                "score": s,
                "items": list(zip(settings.FIT_ITEM_LABELS[s.scale], s.items, strict=True)),
            }
            for s in scores
        ],
        "revisions": _revisions(visit),
        "alerts": list(visit.fit_alerts.select_related("client").order_by("client_id", "kind")),
        "may_correct": visits.may_correct(request.user, visit),
        "just_saved": request.GET.get("gemt") == "1",
        "draft_key": _draft_key(request.user, visit.course),
    }
    return render(request, "cases/visit_detail.html", context)


def _revisions(visit: Visit) -> list[dict[str, Any]]:
    """The visit's corrections, newest first, each with the visit as it was before."""
    revisions = list(visit.revisions.all())
    if not revisions:
        return []
    names = dict(
        FamilyMember.objects.filter(family_id=visit.course.family_id).values_list(
            "pk", "first_name"
        )
    )
    places = dict(VisitPlace.choices)
    rows = []
    for r in revisions:
        before = r.snapshot
        fit_lines = [
            f"{names.get(s['client'], '?')} {s['scale'].upper()} "
            f"{fit_charts.da(sum(Decimal(v) for v in s['items']))}"
            for s in before.get("fit_scores", [])
        ]
        rows.append(
            {
                "number": r.number,
                "by": r.changed_by,
                "at": r.changed_at,
                "reason": r.reason,
                "fields": [str(FIELD_LABELS.get(f, f)) for f in r.changed_fields],
                "starts_at": dt.datetime.fromisoformat(before["starts_at"]),
                "ends_at": dt.datetime.fromisoformat(before["ends_at"]),
                "place": places.get(before.get("place"), before.get("place")),
                "note": before.get("note", ""),
                "fit": fit_lines,
            }
        )
    return rows


@require_GET
def fit_chart_page(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk)
    members = list(FamilyMember.objects.filter(family_id=course.family_id).order_by("birth_date"))
    scores = (
        FitScore.objects.filter(visit__course=course)
        .select_related("visit", "rater_member")
        .order_by("visit__starts_at", "visit_id", "pk")
    )
    ratings = [fit_charts.rating_of(s) for s in scores]
    charts = fit_charts.course_charts(ratings, members, family_name=course.family.name)
    context = {"course": course, "family": course.family, "charts": charts}
    return render(request, "cases/visit_fit_charts.html", context)


# The form ------------------------------------------------------------------------------------


@dataclass
class _Options:
    """What the form offers: the course's team, family, network, activities and goals."""

    team: list[tuple[User, str]]
    members: list[FamilyMember]
    network: list[NetworkMember]
    activity_groups: list[tuple[str, list[ActivityType]]]
    goals: list[Goal]
    current_team: dict[int, str]


def _options(course: Course, *, correcting: Visit | None = None) -> _Options:
    """A new visit offers the current team and active goals; a correction also whoever was
    on the team before and the goals the visit already has."""
    assignments = TeamAssignment.objects.filter(course=course).select_related("user")
    current = {a.user_id: a.role for a in TeamAssignment.objects.current().filter(course=course)}
    team: dict[int, tuple[User, str]] = {}
    for a in assignments.order_by("starts_on", "pk"):
        if correcting is not None or a.user_id in current:
            team[a.user_id] = (a.user, a.get_role_display())
    include_goals = [g.pk for g in correcting.goals.all()] if correcting is not None else []
    activities = list(ActivityType.objects.filter(is_active=True).order_by("order", "name"))
    grouped: dict[str, list[ActivityType]] = {}
    for a in activities:  # groups in the order of their first entry
        grouped.setdefault(a.group, []).append(a)
    goals = list(
        Goal.objects.filter(plan__course=course)
        .filter(Q(status=GoalStatus.ACTIVE) | Q(pk__in=include_goals))
        .select_related("member")
        .order_by("order", "pk")
    )
    return _Options(
        team=sorted(team.values(), key=lambda t: (t[0].pk not in current, str(t[0]))),
        members=list(
            FamilyMember.objects.filter(family_id=course.family_id).order_by("kind", "birth_date")
        ),
        network=list(
            NetworkMember.objects.filter(family_id=course.family_id, is_active=True).order_by(
                "name"
            )
        ),
        activity_groups=list(grouped.items()),
        goals=goals,
        current_team=current,
    )


def _default_staff(user: User, options: _Options) -> list[int]:
    """The practitioner and their team-mate on the course (behandler ↔ pædagog)."""
    role = options.current_team.get(user.pk)
    if role is None:
        return []
    mate = _TEAM_MATE.get(role)
    mates = [pk for pk, r in options.current_team.items() if r == mate and pk != user.pk]
    return [user.pk, *mates[:1]]


def _draft_key(user: User, course: Course) -> str:
    return f"fb-visit-draft:{user.pk}:{course.pk}"


def _can_record(user: User, course: Course) -> bool:
    return has_permission(user, Perm.VISIT_RECORD) and course.status != CourseStatus.CLOSED


def _section(form: VisitForm, members: list[FamilyMember], data: Any) -> FitSection:
    return fit_section(members, data, day=form.current_day(), taking_part=form.selected("family"))


def _form_page(
    request: HttpRequest,
    course: Course,
    form: VisitForm,
    section: FitSection,
    options: _Options,
    *,
    status: int,
    **extra: Any,
) -> HttpResponse:
    steps = form.step_errors()
    if section.has_errors:
        steps.add("fit")
    context = {
        "course": course,
        "family": course.family,
        "form": form,
        "fit": section,
        "options": options,
        "places": VisitPlace.choices,
        "selected": {
            name: form.selected(name)
            for name in ("staff", "family", "network", "activities", "goals")
        },
        "error_steps": steps,
        "fit_labels": {v.value: v.label for v in FitVersion},
        "draft_key": _draft_key(request.user, course),
        "opened_at": int(timezone.now().timestamp()),
        **extra,
    }
    return render(request, "cases/visit_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = visits.get_course_for_user(request.user, course_pk, perm=Perm.VISIT_RECORD)
    if course.status == CourseStatus.CLOSED:
        messages.error(request, _("Forløbet er afsluttet. Besøg kan ikke registreres."))
        return redirect("cases:visit_list", course.pk)
    options = _options(course)
    if request.method != "POST":
        draft = visits.visit_draft_for(request.user, course)
        if draft is not None:
            form = VisitForm(initial=draft_fields(draft.data, VisitForm))
            source: Any = draft.data
        else:
            form = VisitForm(
                initial=visit_defaults() | {"staff": _default_staff(request.user, options)}
            )
            source = {}
        section = _section(form, options.members, source)
        return _form_page(request, course, form, section, options, status=200, draft=draft)
    form = VisitForm(request.POST)
    section = _section(form, options.members, request.POST)
    valid = form.is_valid()
    if section.validate() and valid:
        try:
            visit = visits.visit_record(
                by=request.user, course=course, data=form.visit_input(section.entries())
            )
        except ValidationError as exc:
            form.add_service_error(exc, section)
        else:
            messages.success(request, _("Besøget er gemt."))
            return redirect(reverse("cases:visit_detail", args=[course.pk, visit.pk]) + "?gemt=1")
    return _form_page(request, course, form, section, options, status=400)


@require_http_methods(["GET", "POST"])
def visit_correct(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    visit = visits.get_visit_for_user(request.user, course_pk, pk)
    if not visits.may_correct(request.user, visit):
        raise PermissionDenied
    course = visit.course
    options = _options(course, correcting=visit)
    if request.method != "POST":
        form = VisitCorrectForm(initial=visit_initial(visit))
        section = _section(form, options.members, fit_data_of(visit))
        return _form_page(request, course, form, section, options, status=200, visit=visit)
    form = VisitCorrectForm(request.POST)
    section = _section(form, options.members, request.POST)
    valid = form.is_valid()
    status, conflict = 400, None
    if section.validate() and valid:
        expected = form.cleaned_data["version"]
        try:
            visits.visit_correct(
                by=request.user,
                visit=visit,
                data=form.visit_input(section.entries()),
                reason=form.cleaned_data["reason"],
                expected_version=expected,
            )
        except visits.VisitConflict as exc:
            status, conflict = 409, _conflict(visit, expected, exc)
            form.take_version(conflict["version"])
        except ValidationError as exc:
            form.add_service_error(exc, section)
        else:
            messages.success(request, _("Rettelsen er gemt. Den tidligere udgave er bevaret."))
            return redirect("cases:visit_detail", course.pk, visit.pk)
    return _form_page(
        request, course, form, section, options, status=status, visit=visit, conflict=conflict
    )


def _conflict(visit: Visit, expected: int, exc: ValidationError) -> dict[str, Any]:
    """What changed since the user opened the form: the corrections made in between."""
    current = Visit.objects.get(pk=visit.pk)
    changes = list(
        VisitRevision.objects.filter(visit=visit, number__gte=expected)
        .select_related("changed_by")
        .order_by("number")
    )
    return {
        "message": exc.messages[0],
        "version": current.version,
        "changes": [
            {
                "by": r.changed_by,
                "at": r.changed_at,
                "reason": r.reason,
                "fields": [str(FIELD_LABELS.get(f, f)) for f in r.changed_fields],
            }
            for r in changes
        ],
    }


# Draft ---------------------------------------------------------------------------------------


def _course_for_draft(user: User, course_pk: int) -> Course:
    """The course, for the user's own draft: 403 without the function, 404 outside the
    scope. Not audited as a read: autosave runs every few seconds, and saving the draft
    writes its own audit event."""
    if Perm.VISIT_RECORD not in permissions_of(user):
        raise PermissionDenied
    course = Course.objects.filter(course_scope(user), pk=course_pk).first()
    if course is None:
        raise Http404
    return course


@require_POST
def visit_draft(request: HttpRequest, course_pk: int) -> HttpResponse:
    """Autosave (htmx, a small delay after each change) or discard ("Kassér kladde")."""
    course = _course_for_draft(request.user, course_pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    if request.POST.get("discard"):
        visits.visit_draft_discard(by=request.user, course=course)
        if is_htmx:
            return render(request, "cases/_partials/visit_draft_status.html", {"discarded": True})
        messages.info(request, _("Kladden er kasseret."))
        return redirect("cases:visit_create", course.pk)
    if _recorded_since_opened(request, course):
        # A late autosave from a form already sent: do not bring the draft back.
        context = {"error": _("Besøget er allerede gemt. Kladden er ikke gemt igen.")}
        return render(request, "cases/_partials/visit_draft_status.html", context, status=409)
    try:
        draft = visits.visit_draft_save(
            by=request.user, course=course, data=draft_data(request.POST)
        )
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages)}
        return render(request, "cases/_partials/visit_draft_status.html", context, status=400)
    return render(request, "cases/_partials/visit_draft_status.html", {"draft": draft})


def _recorded_since_opened(request: HttpRequest, course: Course) -> bool:
    """Has the user recorded a visit on the course since the form was opened?"""
    try:
        opened = dt.datetime.fromtimestamp(int(request.POST.get("opened_at", "")), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return False
    return Visit.objects.filter(course=course, author=request.user, created_at__gte=opened).exists()


# Labels of the fields a correction may change (VisitRevision.changed_fields).
FIELD_LABELS = {
    name: Visit._meta.get_field(name).verbose_name
    for name in (
        "starts_at",
        "ends_at",
        "place",
        "staff_participants",
        "family_participants",
        "network_participants",
        "other_participants",
        "activities",
        "goals",
        "note",
    )
} | {"fit_scores": FitScore._meta.verbose_name_plural}


_VISITS = "forloeb/<int:course_pk>/besoeg/"

urlpatterns: list[URLPattern] = [
    path(_VISITS, visit_list, name="visit_list"),
    path(_VISITS + "ny/", visit_create, name="visit_create"),
    path(_VISITS + "kladde/", visit_draft, name="visit_draft"),
    path(_VISITS + "<int:pk>/", visit_detail, name="visit_detail"),
    path(_VISITS + "<int:pk>/ret/", visit_correct, name="visit_correct"),
    path("forloeb/<int:course_pk>/fit/", fit_chart_page, name="fit_charts"),
]
