"""The staff roster (leaders and administrators) and the practitioner's own profile: the hours
and competences that matching a family with a team relies on."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from familieberedskab.permissions import Perm, has_permission
from staffing import services
from staffing.forms_roster import (
    CompetenceFormSet,
    StaffProfileForm,
    competence_choices,
)
from staffing.models import StaffProfile, User


@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.ROSTER_MANAGE):
        raise PermissionDenied
    staff = services.roster(request.user.organisation)
    page = Paginator(staff, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staffing/roster_list.html",
        {"page": page, "today": timezone.localdate(), "organisation": request.user.organisation},
    )


@require_http_methods(["GET", "POST"])
def roster_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    staff = services.get_staff_for_user(request.user, user_pk)
    return _profile_form(request, staff, template="staffing/roster_edit.html", done="roster_list")


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.PROFILE_EDIT_OWN):
        raise PermissionDenied
    staff = services.roster(request.user.organisation).get(pk=request.user.pk)
    return _profile_form(request, staff, template="staffing/profile_edit.html", done="profile")


def _profile_form(request: HttpRequest, staff: User, *, template: str, done: str) -> HttpResponse:
    """Bind the profile form and the competence formset, save both through the services."""
    held = list(staff.competences.all())
    profile = getattr(staff, "profile", None) or StaffProfile(user=staff)
    form = StaffProfileForm(
        request.POST or None,
        instance=profile,
        hours_editable=services.manages_roster_of(request.user, staff),
    )
    formset = CompetenceFormSet(
        request.POST or None,
        prefix="competences",
        initial=[
            {
                "competence": c.competence_id,
                "certified_on": c.certified_on,
                "expires_on": c.expires_on,
            }
            for c in held
        ],
        form_kwargs={"competences": competence_choices({c.competence_id for c in held})},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():  # both or neither
                data = {name: form.cleaned_data[name] for name in form.fields}
                services.staff_profile_update(by=request.user, user=staff, data=data)
                services.staff_competences_set(by=request.user, user=staff, rows=formset.rows())
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Profilen er gemt."))
            return redirect(f"staffing:{done}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "formset": formset, "staff": staff, "today": timezone.localdate()}
    return render(request, template, context, status=status)


def _add_service_error(form: StaffProfileForm, exc: ValidationError) -> None:
    """Per field where the form has that field, else above the form."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


urlpatterns: list[URLPattern] = [
    path("medarbejdere/", roster_list, name="roster_list"),
    path("medarbejdere/<int:user_pk>/", roster_edit, name="roster_edit"),
    path("profil/", profile, name="profile"),
]
