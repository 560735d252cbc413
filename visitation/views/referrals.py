"""The familierådgiver's referral screens (step 1 of a course), read-only for leaders."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Family, TeamAssignment
from cases.services import families_listed, get_family_for_user
from familieberedskab.permissions import Perm, has_permission
from staffing.models import User
from visitation import services
from visitation.forms.referrals import ReferralFilterForm, ReferralForm
from visitation.models import (
    Decision,
    DecisionKind,
    DecisionRoute,
    Matching,
    Referral,
    ReferralChild,
    ReferralStatus,
)


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.REFERRAL_VIEW):
        raise PermissionDenied
    referrals = services.with_head_decision(services.referrals_visible_to(request.user))
    referrals = referrals.select_related("family", "family__municipality", "provider")
    form = ReferralFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for referral in page.object_list:
        referral.head_label = _head_label(referral)
    services.referrals_listed(
        by=request.user, referrals=list(page.object_list), detail="henvisningsliste"
    )
    return render(
        request,
        "visitation/referral_list.html",
        {"page": page, "form": form, "query": urlencode({"status": status}) if status else ""},
    )


def _head_label(referral: Referral) -> str:
    """The decision now in force, in words (an acute one waits for its two approvals)."""
    if not referral.head_kind:
        return ""
    label = str(DecisionKind(referral.head_kind).label)
    if referral.head_route == DecisionRoute.ACUTE and (referral.head_approvals or 0) < 2:
        return _("%(kind)s (afventer godkendelse)") % {"kind": label}
    return label


@require_GET
def referral_start(request: HttpRequest) -> HttpResponse:
    """'Ny henvisning': choose which of your families to refer."""
    if not has_permission(request.user, Perm.REFERRAL_CREATE):
        raise PermissionDenied
    families = Family.objects.changeable_by(request.user).for_list()
    page = Paginator(families, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    families_listed(by=request.user, families=list(page.object_list), detail="ny henvisning")
    return render(request, "visitation/referral_start.html", {"page": page})


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    if not has_permission(request.user, Perm.REFERRAL_CREATE):
        raise PermissionDenied
    family = get_family_for_user(request.user, family_pk, perm=Perm.FAMILY_CHANGE)
    return _save(request, family, None)


@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(request.user, pk, perm=Perm.REFERRAL_CREATE)
    if referral.status != ReferralStatus.DRAFT:
        messages.info(request, _("Henvisningen er indsendt og kan ikke længere rettes."))
        return redirect("visitation:referral_detail", pk=referral.pk)
    return _save(request, referral.family, referral)


def _save(request: HttpRequest, family: Family, referral: Referral | None) -> HttpResponse:
    """Save the draft; with 'Indsend' also submit it. A submission that lacks something
    keeps the draft saved and shows what is missing (400); nothing typed is lost."""
    form = ReferralForm(request.POST or None, family=family, instance=referral)
    missing: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_save(
                by=request.user, family=family, referral=referral, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.POST.get("action") != "submit":
                messages.success(request, _("Kladden er gemt. Du kan fortsætte senere."))
                return redirect("visitation:referral_detail", pk=referral.pk)
            missing = _submit(request.user, referral)
            if not missing:
                messages.success(request, _("Henvisningen er sendt til visitationsudvalget."))
                return redirect("visitation:referral_detail", pk=referral.pk)
    drafts = [] if referral else _other_drafts(request.user, family)
    return render(
        request,
        "visitation/referral_form.html",
        {
            "form": form,
            "family": family,
            "referral": referral,
            "missing": missing,
            "drafts": drafts,
        },
        status=400 if request.method == "POST" else 200,
    )


def _submit(user: User, referral: Referral) -> list[str]:
    """Submit; the Danish list of what stands in the way (empty when it went through)."""
    try:
        services.referral_submit(by=user, referral=referral)
    except ValidationError as exc:
        return exc.messages
    return []


def _other_drafts(user: User, family: Family) -> list[Referral]:
    """Drafts already started for the family: resume one rather than start a second."""
    return list(
        services.referrals_visible_to(user).filter(family=family, status=ReferralStatus.DRAFT)
    )


@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(request.user, pk)
    # The team of a matched referral, in a fixed number of queries however large it is.
    team = TeamAssignment.objects.select_related("user").order_by("role", "starts_on", "pk")
    prefetch_related_objects(
        [referral],
        Prefetch("matching", Matching.objects.select_related("course", "decided_by")),
        Prefetch("matching__course__team", team),
    )
    referral.matching_or_none = getattr(referral, "matching", None)  # None until matched
    return _detail(request, referral)


@require_POST
def referral_submit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(request.user, pk, perm=Perm.REFERRAL_CREATE)
    missing = _submit(request.user, referral)
    if missing:
        return _detail(request, referral, missing=missing, status=400)
    messages.success(request, _("Henvisningen er sendt til visitationsudvalget."))
    return redirect("visitation:referral_detail", pk=referral.pk)


@require_POST
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(request.user, pk, perm=Perm.REFERRAL_CREATE)
    try:
        services.referral_withdraw(by=request.user, referral=referral)
    except ValidationError as exc:
        return _detail(request, referral, errors=exc.messages, status=400)
    messages.success(request, _("Henvisningen er trukket tilbage."))
    return redirect("visitation:referral_detail", pk=referral.pk)


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    missing: list[str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """All facts of the referral, its timeline, its chain of decisions and what the user may
    do next (``missing``/``errors``: why a submission or withdrawal was refused)."""
    prefetch_related_objects(
        [referral],
        Prefetch(
            "children",
            ReferralChild.objects.select_related("member").order_by("member__birth_date"),
        ),
        "legal_bases",
        "challenges",
    )
    wait = services.acute_wait_hours(referral)
    chain = _decision_chain(referral)
    context = {
        "referral": referral,
        **chain,
        **_radgiver_actions(request.user, referral, binding=chain["has_binding_decision"]),
        "wait_hours": wait,
        "wait_over": wait is not None and wait > services.ACUTE_FLAG_HOURS,
        "acute_flag_hours": services.ACUTE_FLAG_HOURS,
        "missing": missing or [],
        "errors": errors or [],
        "can_decide": has_permission(request.user, Perm.VISITATION_DECIDE),
    }
    return render(request, "visitation/referral_detail.html", context, status=status)


def _decision_chain(referral: Referral) -> dict[str, object]:
    """The decisions oldest first; the head is the one no later decision replaces."""
    decisions = list(
        Decision.objects.filter(referral=referral)
        .select_related("meeting", "signed_by", "replaces")
        .prefetch_related("approvals__approver")
    )
    replaced = {d.replaces_id for d in decisions}
    head = next((d for d in decisions if d.pk not in replaced), None)
    return {
        "decisions": decisions,
        "replaced_ids": replaced,
        "head": head,
        "head_in_force": services.decision_in_force(head),
        "has_binding_decision": any(d.kind != DecisionKind.POSTPONED for d in decisions),
    }


def _radgiver_actions(user: User, referral: Referral, *, binding: bool) -> dict[str, object]:
    """Edit, submit and withdraw: for the rådgiver who may change the family, as the state
    allows (the services decide; this only hides buttons that would be refused)."""
    can_act = has_permission(user, Perm.REFERRAL_CREATE) and (
        referral.referred_by_id == user.pk
        or has_permission(user, Perm.FAMILY_CHANGE, obj=referral.family)
    )
    is_draft = referral.status == ReferralStatus.DRAFT
    is_open = is_draft or referral.status == ReferralStatus.SUBMITTED
    return {
        "can_edit": can_act and is_draft,
        "can_submit": can_act and is_draft,
        "can_withdraw": can_act and is_open and not binding,
        "draft_missing": services.referral_missing(referral) if can_act and is_draft else [],
    }


urlpatterns: list[URLPattern] = [
    path("henvisninger/", referral_list, name="referral_list"),
    path("henvisninger/ny/", referral_start, name="referral_start"),
    path("henvisninger/ny/<int:family_pk>/", referral_create, name="referral_create"),
    path("henvisninger/<int:pk>/", referral_detail, name="referral_detail"),
    path("henvisninger/<int:pk>/ret/", referral_edit, name="referral_edit"),
    path("henvisninger/<int:pk>/indsend/", referral_submit, name="referral_submit"),
    path("henvisninger/<int:pk>/traek-tilbage/", referral_withdraw, name="referral_withdraw"),
]
