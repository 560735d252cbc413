import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import cpr, meeting_services, services
from cases.forms import FamilyForm, FamilySearchForm, MemberFormSet
from cases.models import Course, Family, FamilyMember, TeamAssignment
from familieberedskab import crypto
from familieberedskab.permissions import Perm, course_scope, has_permission
from staffing.models import User

_SEARCH_KEY = "family_search"
_CPR_LIKE = re.compile(r"\d(?:\D?\d){5}")  # six digits, possibly separated


@require_http_methods(["GET", "POST"])
def family_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.FAMILY_VIEW):
        raise PermissionDenied
    if request.method == "POST":
        return _family_search(request)
    criterion = request.session.get(_SEARCH_KEY, {})
    families = Family.objects.visible_to(request.user).for_list()
    if criterion.get("cpr_hash"):
        families = families.with_cpr_hash(criterion["cpr_hash"])
    elif criterion.get("text"):
        families = families.search(criterion["text"])
    page = Paginator(families, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    services.families_listed(
        by=request.user, families=list(page.object_list), detail="familieliste"
    )
    form = FamilySearchForm(initial={"q": criterion.get("text", "")})
    return render(
        request,
        "cases/family_list.html",
        {
            "page": page,
            "form": form,
            "searching": bool(criterion),
            "cpr_search": bool(criterion.get("cpr_hash")),
        },
    )


def _family_search(request: HttpRequest) -> HttpResponse:
    """Post/redirect/get: the criterion lives in the session — a CPR number only as its hash."""
    if "reset" in request.POST:
        request.session.pop(_SEARCH_KEY, None)
        return redirect("cases:family_list")
    form = FamilySearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Søgningen er for lang."))
        return redirect("cases:family_list")
    query = form.cleaned_data["q"]
    if _CPR_LIKE.search(query):
        # Six digits or more is a CPR number, however it is written: it is searched by its
        # hash or refused, and never stored in the session or written to the audit trail.
        try:
            digits = cpr.normalise(re.sub(r"\D", "", query))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("cases:family_list")
        request.session[_SEARCH_KEY] = {"cpr_hash": crypto.keyed_hash(digits)}
        services.family_search_logged(by=request.user, query="", looks_like_cpr=True)
    elif query:
        request.session[_SEARCH_KEY] = {"text": query}
        services.family_search_logged(by=request.user, query=query, looks_like_cpr=False)
    else:
        request.session.pop(_SEARCH_KEY, None)
    return redirect("cases:family_list")


def _member_inputs(formset: MemberFormSet) -> list[services.MemberInput]:
    inputs = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in form._meta.fields and k not in ("cpr_number", "id", "family", "DELETE")
        }
        inputs.append(
            services.MemberInput(
                data=data,
                cpr=form.cleaned_data.get("cpr_number", ""),
                member=form.instance if form.instance.pk else None,
                delete=formset.can_delete and formset._should_delete_form(form),
            )
        )
    return inputs


def _save(request: HttpRequest, family: Family | None) -> HttpResponse:
    instance = family or Family()
    form = FamilyForm(
        request.POST or None, instance=instance, own_municipality=request.user.organisation
    )
    formset = MemberFormSet(request.POST or None, instance=instance, prefix="members")
    valid = request.method == "POST" and form.is_valid() and formset.is_valid()
    if request.method == "POST" and any(
        f.has_error("cpr_number", code="cpr_duplicate") for f in formset.forms
    ):
        services.family_cpr_clash_logged(by=request.user)
    if valid:
        data = {k: form.cleaned_data[k] for k in form._meta.fields}
        try:
            if family is None:
                family = services.family_create(
                    by=request.user, data=data, members=_member_inputs(formset)
                )
            else:
                family = services.family_update(
                    by=request.user, family=family, data=data, members=_member_inputs(formset)
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Familien er gemt."))
            return redirect("cases:family_detail", pk=family.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/family_form.html",
        {"form": form, "formset": formset, "family": family},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def family_create(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.FAMILY_CREATE):
        raise PermissionDenied
    return _save(request, None)


@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, pk: int) -> HttpResponse:
    family = services.get_family_for_user(request.user, pk, perm=Perm.FAMILY_CHANGE)
    return _save(request, family)


@require_GET
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = services.get_family_for_user(request.user, pk)
    family = (
        Family.objects.filter(pk=family.pk)
        .select_related("municipality", "caseworker")
        .prefetch_related(
            Prefetch("members", queryset=FamilyMember.objects.order_by("kind", "birth_date")),
        )
        .get()
    )
    return render(
        request,
        "cases/family_detail.html",
        {
            "family": family,
            "courses": _courses_shown(request.user, family),
            "can_change": has_permission(request.user, Perm.FAMILY_CHANGE, obj=family),
            "can_view_cpr": has_permission(request.user, Perm.FAMILY_VIEW_FULL_CPR),
        },
    )


def _courses_shown(user: User, family: Family) -> list[Course]:
    """The family's courses this user may see (the policy's ``course_scope``), with team,
    matching and next meeting, in two queries. The matching lives in visitation (a higher
    layer): it is reached by its reverse name only."""
    courses = Course.objects.filter(course_scope(user), family=family).annotate(
        **meeting_services.next_meeting_annotations()
    )
    courses = list(
        courses.select_related("provider", "matching__decided_by").prefetch_related(
            Prefetch(
                "team",
                queryset=TeamAssignment.objects.select_related("user").order_by(
                    "role", "starts_on", "pk"
                ),
            )
        )
    )
    for course in courses:
        # Not every course came from a matching (older or imported ones): None, not an error.
        course.matching_or_none = getattr(course, "matching", None)
    meeting_services.next_meetings_attach(courses)
    return courses


@require_POST
def member_cpr_reveal(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    family = services.get_family_for_user(request.user, pk, perm=Perm.FAMILY_VIEW)
    member = get_object_or_404(FamilyMember, family=family, pk=member_pk)
    digits = services.member_cpr_reveal(by=request.user, member=member)
    return render(
        request, "cases/_partials/cpr_revealed.html", {"cpr": cpr.display(digits) if digits else ""}
    )
