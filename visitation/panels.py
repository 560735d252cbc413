"""Start-page panels contributed by the visitation app (registered in ``VisitationConfig.ready``).

Each panel costs a fixed number of queries however many referrals there are: lists are
sliced in the database and counts are aggregates.
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
)
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from familieberedskab.permissions import Perm, has_permission
from familieberedskab.startpage import Panel
from staffing.models import OrganisationKind, Role, User
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    DecisionKind,
    DecisionRoute,
    Referral,
    ReferralStatus,
)
from visitation.services import (
    ACUTE_FLAG_HOURS,
    acute_wait_hours,
    capacity_status,
    meetings_visible_to,
    referrals_listed,
    referrals_visible_to,
    waiting_figures,
    waiting_list,
    with_head_decision,
)

MY_REFERRALS_SHOWN = 8
ACUTE_SHOWN = 10
WAITING_SHOWN = 3


def _state_label(referral: Referral) -> str:
    """Where a referral stands, in words, from its status and the decision at its head."""
    if referral.status == ReferralStatus.DRAFT:
        return _("Kladde – mangler at blive indsendt")
    if referral.status == ReferralStatus.WITHDRAWN:
        return _("Trukket tilbage")
    if not referral.head_kind:
        return _("Afventer visitation")
    kind = str(DecisionKind(referral.head_kind).label)
    if referral.head_route == DecisionRoute.ACUTE and (referral.head_approvals or 0) < 2:
        return _("%(kind)s – afventer de to lederes godkendelse") % {"kind": kind}
    if referral.head_kind == DecisionKind.POSTPONED:
        return _("Udsat – kommer på næste møde")
    if referral.head_kind == DecisionKind.FAMILIEBEREDSKAB:
        if referral.team_assigned_at:
            return _("%(kind)s – team tilknyttet") % {"kind": kind}
        return _("%(kind)s – afventer team") % {"kind": kind}
    return kind


def my_referrals(request: HttpRequest) -> Panel | None:
    """The rådgiver's own referrals (made by them or for families they own), drafts first."""
    user = request.user
    if not user.has_role(Role.RADGIVER) or not has_permission(user, Perm.REFERRAL_VIEW):
        return None
    mine = referrals_visible_to(user).filter(Q(referred_by=user) | Q(family__caseworker=user))
    counts = mine.aggregate(
        drafts=Count("pk", filter=Q(status=ReferralStatus.DRAFT)),
        submitted=Count("pk", filter=Q(status=ReferralStatus.SUBMITTED)),
        total=Count("pk", filter=~Q(status=ReferralStatus.WITHDRAWN)),
    )
    is_draft = ExpressionWrapper(Q(status=ReferralStatus.DRAFT), output_field=BooleanField())
    referrals = list(
        with_head_decision(mine.exclude(status=ReferralStatus.WITHDRAWN))
        .select_related("family")
        .alias(is_draft=is_draft)
        .order_by("-is_draft", "-updated_at", "-pk")[:MY_REFERRALS_SHOWN]
    )
    referrals_listed(by=user, referrals=referrals, detail="forside")
    rows = [
        {
            "referral": r,
            "label": _state_label(r),
            "is_draft": r.status == ReferralStatus.DRAFT,
        }
        for r in referrals
    ]
    return Panel(
        "visitation/_partials/panel_my_referrals.html",
        {"rows": rows, "counts": counts, "more": counts["total"] > len(rows)},
        order=15,
    )


def _is_leader(user: User) -> bool:
    return user.has_role(Role.LEDER) and has_permission(user, Perm.VISITATION_DECIDE)


def to_visitation(request: HttpRequest) -> Panel | None:
    """Submitted referrals awaiting a decision, and the next committee meeting."""
    user = request.user
    if not _is_leader(user):
        return None
    counts = (
        referrals_visible_to(user)
        .filter(status=ReferralStatus.SUBMITTED)
        .aggregate(
            total=Count("pk"),
            acute=Count("pk", filter=Q(is_acute=True)),
            oldest=Min("submitted_at"),
        )
    )
    next_meeting = (
        meetings_visible_to(user)
        .filter(date__gte=timezone.localdate())
        .select_related("provider")
        .order_by("date", "pk")
        .first()
    )
    oldest_days = (
        (timezone.localdate() - timezone.localtime(counts["oldest"]).date()).days
        if counts["oldest"]
        else None
    )
    return Panel(
        "visitation/_partials/panel_to_visitation.html",
        {"counts": counts, "oldest_days": oldest_days, "next_meeting": next_meeting},
        order=12,
    )


@dataclass(frozen=True)
class AcuteRow:
    referral: Referral
    hours: int
    overdue: bool
    label: str
    needs_me: bool


def acute(request: HttpRequest) -> Panel | None:
    """Acute referrals not yet in force: hours since submission (red past the limit), and
    whether an acute decision waits for the approval of THIS leader's side."""
    user = request.user
    if not _is_leader(user):
        return None
    side = (
        ApproverSide.AUTHORITY
        if user.organisation.kind == OrganisationKind.MUNICIPALITY
        else ApproverSide.PROVIDER
    )
    my_side = AcuteApproval.objects.filter(
        decision__referral=OuterRef("pk"), decision__replaced_by__isnull=True, side=side
    )
    referrals = list(
        with_head_decision(
            referrals_visible_to(user).filter(status=ReferralStatus.SUBMITTED, is_acute=True)
        )
        .annotate(my_side_approved=Exists(my_side))
        .select_related("family")
        .order_by("submitted_at", "pk")[: ACUTE_SHOWN + 1]
    )
    referrals_listed(by=user, referrals=referrals[:ACUTE_SHOWN], detail="forside")
    now = timezone.now()
    rows = []
    for referral in referrals[:ACUTE_SHOWN]:
        hours = acute_wait_hours(referral, now=now) or 0
        pending = referral.head_route == DecisionRoute.ACUTE
        needs_me = pending and not referral.my_side_approved
        if needs_me:
            label = _("Afventer din godkendelse")
        elif pending:
            label = _("Afventer den anden leders godkendelse")
        elif referral.head_kind == DecisionKind.POSTPONED:
            label = _("Udsat")
        else:
            label = _("Afventer afgørelse")
        rows.append(AcuteRow(referral, int(hours), hours > ACUTE_FLAG_HOURS, label, needs_me))
    return Panel(
        "visitation/_partials/panel_acute.html",
        {"rows": rows, "more": len(referrals) > ACUTE_SHOWN, "flag_hours": ACUTE_FLAG_HOURS},
        order=8,
    )


def waiting(request: HttpRequest) -> Panel | None:
    """The provider's waiting list in figures (count, average and longest wait) and capacity."""
    user = request.user
    if not _is_leader(user) or user.organisation.kind != OrganisationKind.PROVIDER:
        return None
    entries = waiting_list(user.organisation)
    referrals_listed(
        by=user, referrals=[e.referral for e in entries[:WAITING_SHOWN]], detail="forside"
    )
    return Panel(
        "visitation/_partials/panel_waiting.html",
        {
            "figures": waiting_figures(entries),
            "first": entries[:WAITING_SHOWN],
            "capacity": capacity_status(user.organisation),
        },
        order=16,
    )
