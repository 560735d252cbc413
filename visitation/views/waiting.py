"""The leader's waiting list, the programme's capacity, and matching a granted family with a
team (steps 2–3 of a course, DOMAIN.md)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familieberedskab.permissions import Perm, has_permission
from staffing.models import OrganisationKind, User
from visitation import services
from visitation.forms.waiting import CapacityForm, MatchForm, WaitingRankForm
from visitation.models import Referral


@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    return _waiting_page(request)


def _waiting_page(
    request: HttpRequest, *, bound: WaitingRankForm | None = None, bound_pk: int | None = None
) -> HttpResponse:
    """The list in order, one placement form per row (the bound one re-shown with errors)."""
    user: User = request.user
    if not has_permission(user, Perm.VISITATION_DECIDE) or not user.organisation.is_provider:
        raise PermissionDenied  # the waiting list is kept by the provider
    provider = user.organisation
    entries = services.waiting_list(provider)
    number = _page_of(entries, bound_pk) if bound_pk else request.GET.get("page")
    page = Paginator(entries, settings.PAGE_SIZE).get_page(number)
    awaiting = Paginator(services.awaiting_team(provider), settings.PAGE_SIZE).get_page(
        request.GET.get("team_page")
    )
    rows = [(entry, _rank_form(entry.referral, bound, bound_pk)) for entry in page.object_list]
    shown = [entry.referral for entry in page.object_list] + list(awaiting.object_list)
    services.referrals_listed(by=user, referrals=shown, detail="venteliste")
    capacity = services.capacity_status(provider)
    context = {
        "page": page,
        "rows": rows,
        "awaiting": awaiting,
        "figures": services.waiting_figures(entries),
        "capacity": capacity,
        "overbooked": max(0, -(capacity.free or 0)),
        "is_provider": provider.kind == OrganisationKind.PROVIDER,
        "bound": bound,
    }
    return render(request, "visitation/waiting_list.html", context, status=400 if bound else 200)


def _page_of(entries: list[services.WaitingEntry], pk: int) -> int:
    """The page that holds the row with the errors."""
    pks = [entry.referral.pk for entry in entries]
    return pks.index(pk) // settings.PAGE_SIZE + 1 if pk in pks else 1


def _rank_form(referral: Referral, bound: WaitingRankForm | None, bound_pk: int | None) -> Form:
    if bound is not None and referral.pk == bound_pk:
        return bound
    initial = {"rank": referral.waiting_rank, "reason": referral.waiting_rank_reason}
    return WaitingRankForm(initial=initial, auto_id=f"id_rank{referral.pk}_%s")


@require_POST
def waiting_rank_set(request: HttpRequest, pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(request.user, pk, perm=Perm.VISITATION_DECIDE)
    form = WaitingRankForm(request.POST, auto_id=f"id_rank{pk}_%s")
    if form.is_valid():
        try:
            services.waiting_rank_set(
                by=request.user,
                referral=referral,
                rank=form.cleaned_data["rank"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            done = _("Placeringen er fjernet.") if form.cleaned_data["clear"] else None
            messages.success(request, done or _("Placeringen er gemt."))
            return redirect("visitation:waiting_list")
    return _waiting_page(request, bound=form, bound_pk=pk)


@require_http_methods(["GET", "POST"])
def capacity_edit(request: HttpRequest) -> HttpResponse:
    if (
        not has_permission(request.user, Perm.VISITATION_DECIDE)
        or not request.user.organisation.is_provider
    ):
        raise PermissionDenied
    status = services.capacity_status(request.user.organisation)
    form = CapacityForm(request.POST or None, initial={"families": status.capacity})
    if request.method == "POST" and form.is_valid():
        try:
            services.capacity_set(by=request.user, families=form.cleaned_data["families"])
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Kapaciteten er gemt."))
            return redirect("visitation:waiting_list")
    code = 400 if request.method == "POST" else 200
    context = {"form": form, "capacity": status}
    return render(request, "visitation/capacity_form.html", context, status=code)


@require_http_methods(["GET", "POST"])
def referral_match(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_referral_to_match(request.user, pk)
    decision = services.head_decision(referral)
    refusal = services.match_refusal(referral, decision)
    suggestions = services.matching_suggestions(referral)
    granted = decision.granted_hours if decision else None
    form = MatchForm(request.POST or None, suggestions=suggestions, granted_hours=granted)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_assign(
                by=request.user,
                referral=referral,
                team=form.team(),
                reason=form.cleaned_data["reason"],
                start_meeting_date=form.cleaned_data["start_meeting_date"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Teamet er tilknyttet, og forløbet er oprettet."))
            return redirect("cases:family_detail", pk=referral.family_id)
    context = {
        "referral": referral,
        "decision": decision,
        "refusal": refusal,
        "challenges": list(referral.challenges.all()),
        "capacity": services.capacity_status(referral.provider),
        "form": form,
    }
    code = 400 if request.method == "POST" else 200
    return render(request, "visitation/matching_form.html", context, status=code)


def _get_referral_to_match(user: User, pk: int) -> Referral:
    """Only a leader at the referral's provider matches it with that provider's staff."""
    referral = services.get_referral_for_user(user, pk, perm=Perm.VISITATION_DECIDE)
    if referral.provider_id != user.organisation_id:
        raise PermissionDenied
    return referral


def _add_service_error(form: Form, exc: ValidationError) -> None:
    """Per field where the form has that field, else above the form."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


urlpatterns: list[URLPattern] = [
    path("venteliste/", waiting_list, name="waiting_list"),
    path("venteliste/<int:pk>/placering/", waiting_rank_set, name="waiting_rank_set"),
    path("kapacitet/", capacity_edit, name="capacity_edit"),
    path("henvisninger/<int:pk>/match/", referral_match, name="referral_match"),
]
