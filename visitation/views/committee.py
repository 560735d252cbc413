"""The visitation committee's screens: meetings and their agendas, decisions (committee and
acute route), the two acute approvals, and the overview of acute referrals."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, Prefetch, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familieberedskab.audit import audit_log_list
from familieberedskab.permissions import Perm, has_permission
from staffing.models import OrganisationKind
from visitation import services
from visitation.forms.committee import DecisionForm, MeetingForm
from visitation.models import (
    Decision,
    DecisionKind,
    Referral,
    ReferralStatus,
    VisitationMeeting,
)

# Meetings older than this are not offered when a decision is recorded without ?moede=.
_RECENT_MEETING_DAYS = 60


def _heads() -> Prefetch:
    """Prefetch each referral's head decision (with signer, meeting and approvals) as
    ``referral.heads``: one query for a whole list."""
    heads = (
        Decision.objects.filter(replaced_by__isnull=True)
        .select_related("signed_by", "meeting")
        .prefetch_related("approvals__approver")
    )
    return Prefetch("decisions", queryset=heads, to_attr="heads")


def _require_decider(request: HttpRequest) -> None:
    if not has_permission(request.user, Perm.VISITATION_DECIDE):
        raise PermissionDenied


# Meetings ---------------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_decider(request)
    today = timezone.localdate()
    meetings = (
        services.with_agenda_size(services.meetings_visible_to(request.user), request.user)
        .select_related("provider")
        .annotate(is_past=Case(When(date__lt=today, then=True), default=False))
        # Upcoming first (soonest first), then past (latest first).
        .order_by(
            "is_past",
            Case(When(date__gte=today, then=F("date"))).asc(nulls_last=True),
            F("date").desc(),
            "pk",
        )
    )
    page = Paginator(meetings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visitation/meeting_list.html",
        {"page": page, "form": _meeting_form(request, None), "today": today},
    )


def _meeting_form(request: HttpRequest, data: object) -> MeetingForm | None:
    """The scheduling form: only leaders at a provider schedule their committee's meetings."""
    organisation = request.user.organisation
    if organisation.kind != OrganisationKind.PROVIDER:
        return None
    return MeetingForm(
        data,
        candidates=services.meeting_member_candidates(organisation),
        initial={"members": [request.user.pk]},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_decider(request)
    form = _meeting_form(request, request.POST or None)
    if form is None:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                by=request.user,
                date=form.cleaned_data["date"],
                members=list(form.cleaned_data["members"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Mødet er oprettet."))
            return redirect("visitation:meeting_detail", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "visitation/meeting_create.html", {"form": form}, status=status)


@dataclass
class AgendaItem:
    referral: Referral
    head: Decision | None
    decided_here: bool
    form: DecisionForm | None
    action: str = ""


def _agenda_item(meeting: VisitationMeeting, referral: Referral) -> AgendaItem:
    head = referral.heads[0] if referral.heads else None
    decided_here = head is not None and head.meeting_id == meeting.pk
    # Undecided, or postponed earlier (then the new decision replaces the postponement).
    open_ = referral.status == ReferralStatus.SUBMITTED and (
        head is None or (head.kind == DecisionKind.POSTPONED and services.decision_in_force(head))
    )
    if not open_ or decided_here:
        return AgendaItem(referral, head, decided_here, None)
    action = _decision_url(referral, meeting=meeting, replaces=head)
    form = DecisionForm(referral=referral, meeting=meeting, refresh_url=action)
    return AgendaItem(referral, head, decided_here, form, action)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = services.get_meeting_for_user(request.user, pk)
    referrals = list(
        services.meeting_agenda(meeting)
        .filter(pk__in=services.referrals_visible_to(request.user).values("pk"))
        .prefetch_related(_heads())
    )
    audit_log_list(
        by=request.user,
        objects=referrals,
        family_ids=[r.family_id for r in referrals],
        detail="dagsorden",
    )
    items = [_agenda_item(meeting, r) for r in referrals]
    return render(
        request,
        "visitation/meeting_detail.html",
        {
            "meeting": meeting,
            "members": meeting.members.select_related("organisation"),
            "items": items,
            "open_count": sum(1 for i in items if i.form is not None),
        },
    )


# Decisions --------------------------------------------------------------------------------


def _decision_url(
    referral: Referral,
    *,
    meeting: VisitationMeeting | None = None,
    replaces: Decision | None = None,
) -> str:
    query = {}
    if meeting is not None:
        query["moede"] = meeting.pk
    if replaces is not None:
        query["erstatter"] = replaces.pk
    url = reverse("visitation:decision_create", args=[referral.pk])
    return f"{url}?{urlencode(query)}" if query else url


def _query_pk(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _meeting_choices(request: HttpRequest, referral: Referral) -> QuerySet[VisitationMeeting]:
    since = timezone.localdate() - dt.timedelta(days=_RECENT_MEETING_DAYS)
    return (
        services.meetings_visible_to(request.user)
        .filter(provider=referral.provider_id, date__gte=since)
        .order_by("date", "pk")
    )


def _is_conflict(exc: ValidationError) -> bool:
    """Someone else decided first (or corrected the decision first)."""
    return not hasattr(exc, "error_dict") and any(e.code == "conflict" for e in exc.error_list)


def _decision_form(request: HttpRequest, referral: Referral) -> DecisionForm:
    meeting_pk, replaces_pk = _query_pk(request, "moede"), _query_pk(request, "erstatter")
    meeting = services.get_meeting_for_user(request.user, meeting_pk) if meeting_pk else None
    replaces = (
        get_object_or_404(Decision, pk=replaces_pk, referral=referral) if replaces_pk else None
    )
    meetings = None if meeting else _meeting_choices(request, referral)
    initial = {k: v for k, v in request.GET.items() if k in DecisionForm.base_fields}
    if meetings is not None and "meeting" not in initial and not referral.is_acute:
        upcoming = meetings.filter(date__gte=timezone.localdate()).first()
        initial["meeting"] = upcoming.pk if upcoming else None
    return DecisionForm(
        request.POST or None,
        initial=initial,
        referral=referral,
        meeting=meeting,
        meetings=meetings,
        replaces=replaces,
        refresh_url=_decision_url(referral, meeting=meeting, replaces=replaces),
    )


@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, referral_pk: int) -> HttpResponse:
    referral = services.get_referral_for_user(
        request.user, referral_pk, perm=Perm.VISITATION_DECIDE
    )
    form = _decision_form(request, referral)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(
                by=request.user,
                referral=referral,
                data=form.decision_input(),
                meeting=form.chosen_meeting,
                replaces=form.replaces,
            )
        except ValidationError as exc:
            status = 409 if _is_conflict(exc) else 400
            form.add_error(None, exc)
        else:
            messages.success(request, _("Afgørelsen er registreret og underskrevet."))
            if form.fixed_meeting is not None:
                url = reverse("visitation:meeting_detail", args=[form.fixed_meeting.pk])
                return redirect(f"{url}#henvisning-{referral.pk}")
            return redirect("visitation:referral_detail", pk=referral.pk)
    if request.htmx and request.method == "GET":  # the kind changed: only the fields
        return render(request, "visitation/_partials/decision_fields.html", {"form": form})
    head = services.head_decision(referral)
    context = {"referral": referral, "form": form, "head": head, "replaces": form.replaces}
    return render(request, "visitation/decision_create.html", context, status=status)


@require_POST
def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    decision = services.get_decision_for_user(request.user, pk)
    try:
        services.acute_approve(by=request.user, decision=decision)
    except ValidationError as exc:
        decision = services.head_decision(decision.referral) or decision
        context = {"decision": decision, "referral": decision.referral, "errors": exc.messages}
        return render(request, "visitation/decision_approve.html", context, status=400)
    messages.success(request, _("Din godkendelse er registreret."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("visitation:referral_detail", pk=decision.referral_id)


# Acute referrals --------------------------------------------------------------------------


@dataclass
class AcuteRow:
    referral: Referral
    head: Decision | None
    hours: float
    overdue: bool


@require_GET
def acute_list(request: HttpRequest) -> HttpResponse:
    _require_decider(request)
    referrals = (
        services.referrals_visible_to(request.user)
        .filter(is_acute=True, status=ReferralStatus.SUBMITTED)
        .select_related("family", "family__municipality", "provider", "referred_by")
        .prefetch_related(_heads())
        .order_by("submitted_at", "pk")
    )
    page = Paginator(referrals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_log_list(
        by=request.user, objects=shown, family_ids=[r.family_id for r in shown], detail="akut"
    )
    now = timezone.now()
    rows = []
    for referral in shown:
        hours = services.acute_wait_hours(referral, now=now) or 0.0
        head = referral.heads[0] if referral.heads else None
        rows.append(AcuteRow(referral, head, hours, hours > services.ACUTE_FLAG_HOURS))
    context = {"page": page, "rows": rows, "flag_hours": services.ACUTE_FLAG_HOURS}
    return render(request, "visitation/decision_acute_list.html", context)


urlpatterns = [
    path("moeder/", meeting_list, name="meeting_list"),
    path("moeder/nyt/", meeting_create, name="meeting_create"),
    path("moeder/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("henvisninger/<int:referral_pk>/afgoer/", decision_create, name="decision_create"),
    path("afgoerelser/<int:pk>/godkend/", decision_approve, name="decision_approve"),
    path("akut/", acute_list, name="acute_list"),
]
