"""Referral, visitation, waiting list and matching: steps 1–3 of a course (DOMAIN.md).

Every write is one function here: keyword-only, acting user first, atomic, audited, and
notifying the people who must act next once the transaction has committed.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Course, CourseStatus, Family, FamilyMember, MemberKind, TeamAssignment
from cases.services import TeamMember, course_start
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.notifications import notify
from familieberedskab.permissions import Perm, has_permission, permissions_of, referral_scope
from staffing.models import Competence, Organisation, OrganisationKind, Role, User
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    Decision,
    DecisionKind,
    DecisionRoute,
    LegalBasis,
    Matching,
    ProgrammeCapacity,
    Referral,
    ReferralChild,
    ReferralStatus,
    VisitationMeeting,
)

ACUTE_FLAG_HOURS = 24
ACUTE_REMINDER_HOURS = 12
# The referral's own fields that `referral_save` takes as ``data`` (the rest are relations).
REFERRAL_DATA_FIELDS = (
    "concern",
    "target_group",
    "tried_before",
    "investigation_date",
    "investigation_done",
    "child_plan_date",
    "concern_source",
    "concern_source_note",
    "consent_given",
    "child_views_heard",
    "is_acute",
    "pregnancy",
    "requested_start",
)
# Non-personal referral fields whose values may go into the audit trail.
_REFERRAL_PLAIN = {
    "target_group",
    "investigation_done",
    "concern_source",
    "consent_given",
    "child_views_heard",
    "is_acute",
    "pregnancy",
}


# Reads ------------------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(referral_scope(user))


def with_head_decision(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate the kind and route of the decision now at the head of each referral's chain."""
    head = Decision.objects.filter(referral=OuterRef("pk"), replaced_by__isnull=True)
    return referrals.annotate(
        head_kind=Subquery(head.values("kind")[:1]),
        head_route=Subquery(head.values("route")[:1]),
        head_approvals=Subquery(head.annotate(n=Count("approvals")).values("n")[:1]),
    )


def referrals_listed(*, by: User, referrals: list[Referral], detail: str = "") -> None:
    """A list of referrals was shown: one audit row per referral shown."""
    audit_log_list(
        by=by, objects=referrals, family_ids=[r.family_id for r in referrals], detail=detail
    )


def get_referral_for_user(user: User, pk: int, *, perm: Perm = Perm.REFERRAL_VIEW) -> Referral:
    """The referral if ``user`` may ``perm`` it: 403 without the function, 404 outside scope.
    Writes the read to the audit trail."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    try:
        referral = (
            referrals_visible_to(user)
            .select_related("family", "family__municipality", "provider", "referred_by")
            .get(pk=pk)
        )
    except Referral.DoesNotExist:
        raise Http404 from None
    audit_log(by=user, action=AuditAction.VIEW, obj=referral, family_id=referral.family_id)
    return referral


def head_decision(referral: Referral) -> Decision | None:
    return (
        Decision.objects.filter(referral=referral, replaced_by__isnull=True)
        .prefetch_related("approvals__approver")
        .first()
    )


def decision_in_force(decision: Decision | None) -> bool:
    """A committee decision is in force when signed; an acute one when both sides approved."""
    if decision is None:
        return False
    if decision.route == DecisionRoute.COMMITTEE:
        return True
    return {a.side for a in decision.approvals.all()} == set(ApproverSide.values)


def acute_wait_hours(referral: Referral, *, now: dt.datetime | None = None) -> float | None:
    """How long an acute referral has waited since submission (until it was decided)."""
    if not referral.is_acute or referral.submitted_at is None:
        return None
    end = referral.decided_at or now or timezone.now()
    return (end - referral.submitted_at).total_seconds() / 3600


def committee_members(referral: Referral) -> list[User]:
    """The leaders who visit: the provider's, and the authority's for the family's municipality."""
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.LEDER,
            organisation__in=[referral.provider_id, referral.family.municipality_id],
        ).distinct()
    )


def meetings_visible_to(user: User) -> QuerySet[VisitationMeeting]:
    """Meetings of the leader's own provider or — for a leader on the authority side — of the
    providers that serve their municipality (they sit on those committees)."""
    if Perm.VISITATION_DECIDE not in permissions_of(user):
        return VisitationMeeting.objects.none()
    return VisitationMeeting.objects.filter(
        Q(provider_id=user.organisation_id) | Q(provider__serves=user.organisation_id)
    ).distinct()


def get_meeting_for_user(user: User, pk: int) -> VisitationMeeting:
    """The meeting if ``user`` sits on its committee: 403 without the function, 404 outside
    scope. Writes the read to the audit trail."""
    if Perm.VISITATION_DECIDE not in permissions_of(user):
        raise PermissionDenied
    try:
        meeting = meetings_visible_to(user).select_related("provider").get(pk=pk)
    except VisitationMeeting.DoesNotExist:
        raise Http404 from None
    audit_log(by=user, action=AuditAction.VIEW, obj=meeting)
    return meeting


def get_decision_for_user(user: User, pk: int) -> Decision:
    """A decision on a referral ``user`` may decide: 403 without the function, 404 outside
    scope. Writes the read to the audit trail."""
    if Perm.VISITATION_DECIDE not in permissions_of(user):
        raise PermissionDenied
    try:
        decision = (
            Decision.objects.filter(referral__in=referrals_visible_to(user))
            .select_related("referral", "referral__family", "meeting", "signed_by")
            .get(pk=pk)
        )
    except Decision.DoesNotExist:
        raise Http404 from None
    audit_log(by=user, action=AuditAction.VIEW, obj=decision, family_id=decision.referral.family_id)
    return decision


def with_agenda_size(
    meetings: QuerySet[VisitationMeeting], user: User
) -> QuerySet[VisitationMeeting]:
    """Annotate ``agenda_size``: how many referrals the user sees on each meeting's agenda
    (the same rule as :func:`meeting_agenda`), in one query for the whole list."""
    agenda = (
        Referral.objects.filter(referral_scope(user), provider=OuterRef("provider"))
        .filter(
            Q(status=ReferralStatus.SUBMITTED, submitted_at__date__lte=OuterRef("date"))
            | Q(decisions__meeting=OuterRef("pk"))
        )
        .order_by()
        .values("provider")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return meetings.annotate(agenda_size=Coalesce(Subquery(agenda), Value(0)))


def meeting_member_candidates(provider: Organisation) -> QuerySet[User]:
    """Who can sit on the provider's committee: its own staff, and the authority leaders of
    the municipalities it serves."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(organisation=provider)
            | Q(organisation__in=provider.serves.all(), role_assignments__role=Role.LEDER)
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "full_name")
    )


# Referral ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildInput:
    member: FamilyMember
    level: int | None


def referral_missing(referral: Referral) -> list[str]:
    """What a referral lacks before it can be submitted, in Danish, in form order."""
    missing = []
    if not referral.concern.strip():
        missing.append(_("Beskriv bekymringen."))
    if not referral.target_group:
        missing.append(_("Vælg målgruppe."))
    children = list(referral.children.all())
    if not children:
        missing.append(_("Vælg mindst ét barn, henvisningen gælder."))
    elif any(c.level is None for c in children):
        missing.append(_("Angiv Børnelinealen for hvert barn."))
    if not referral.tried_before.strip():
        missing.append(_("Beskriv, hvad der er prøvet før."))
    if referral.investigation_date is None:
        missing.append(
            _("Angiv dato for den børnefaglige undersøgelse (gennemført eller planlagt).")
        )
    if not referral.legal_bases.exists():
        missing.append(_("Vælg lovgrundlag."))
    if not referral.concern_source:
        missing.append(_("Angiv, hvem der rejste bekymringen."))
    if not referral.consent_given:
        missing.append(_("Forældrenes samtykke skal foreligge (Barnets Lov § 32)."))
    if not referral.child_views_heard:
        missing.append(_("Barnets synspunkter skal være hørt (Barnets Lov § 5)."))
    return missing


@transaction.atomic
def referral_save(
    *,
    by: User,
    family: Family,
    provider: Organisation,
    data: dict[str, object],
    children: list[ChildInput],
    legal_bases: list[LegalBasis],
    challenges: list[Competence],
    referral: Referral | None = None,
) -> Referral:
    """Create or update a draft referral. Drafts may be incomplete; nothing is lost."""
    if not has_permission(by, Perm.REFERRAL_CREATE) or not has_permission(
        by, Perm.FAMILY_CHANGE, obj=family
    ):
        raise PermissionDenied
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError(_("Vælg en udfører."))
    if any(c.member.family_id != family.pk or c.member.kind != MemberKind.CHILD for c in children):
        raise ValidationError(_("Vælg kun børn fra denne familie."))
    is_new = referral is None
    if referral is None:
        referral = Referral(family=family, referred_by=by)
        before: dict[str, object] = {}
    else:
        stored = Referral.objects.select_for_update().get(pk=referral.pk)
        if stored.status != ReferralStatus.DRAFT:
            raise ValidationError(_("Kun en kladde kan rettes. Henvisningen er allerede indsendt."))
        before = {name: getattr(stored, name) for name in REFERRAL_DATA_FIELDS}
        referral = stored
    referral.provider = provider
    for name, value in data.items():
        setattr(referral, name, value)
    referral.full_clean(exclude=["family", "referred_by"])
    referral.save()
    referral.legal_bases.set(legal_bases)
    referral.challenges.set(challenges)
    referral.children.exclude(member__in=[c.member for c in children]).delete()
    for child in children:
        ReferralChild.objects.update_or_create(
            referral=referral, member=child.member, defaults={"level": child.level}
        )
    changed = [n for n in REFERRAL_DATA_FIELDS if before.get(n) != getattr(referral, n)]
    audit_log(
        by=by,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=referral,
        family_id=family.pk,
        fields=changed,
        values={n: getattr(referral, n) for n in changed if n in _REFERRAL_PLAIN},
    )
    return referral


def _other_referral_in_play(referral: Referral) -> bool:
    """Another referral of the family to the same provider that is awaiting a decision, on
    the waiting list, granted and awaiting a team, or in a course not yet closed."""
    others = Referral.objects.filter(family=referral.family_id, provider=referral.provider_id)
    others = others.exclude(pk=referral.pk)
    if others.filter(status=ReferralStatus.SUBMITTED).exists():
        return True
    live = with_head_decision(others.filter(status=ReferralStatus.DECIDED)).filter(
        head_kind__in=[DecisionKind.WAITING_LIST, DecisionKind.FAMILIEBEREDSKAB]
    )
    return live.filter(
        Q(matching__isnull=True) | ~Q(matching__course__status=CourseStatus.CLOSED)
    ).exists()


def _require_referrer(by: User, referral: Referral) -> None:
    """Only the referring rådgiver, or the rådgiver who may change the family, acts on it."""
    if referral.referred_by_id != by.pk and not has_permission(
        by, Perm.FAMILY_CHANGE, obj=referral.family
    ):
        raise PermissionDenied


@transaction.atomic
def referral_submit(*, by: User, referral: Referral) -> Referral:
    """Send a complete draft to the visitation committee (and, if acute, to the two approvers)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_referrer(by, referral)
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(_("Henvisningen er allerede indsendt."))
    missing = referral_missing(referral)
    if missing:
        raise ValidationError(missing)
    if _other_referral_in_play(referral):
        raise ValidationError(
            _(
                "Familien har allerede en henvisning til %(provider)s, der er under behandling "
                "eller i forløb."
            )
            % {"provider": referral.provider}
        )
    referral.status = ReferralStatus.SUBMITTED
    referral.submitted_at = timezone.now()
    referral.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        family_id=referral.family_id,
        fields=["status", "submitted_at"],
        values={"status": referral.status},
    )
    url = reverse("visitation:referral_detail", args=[referral.pk])
    text = (
        _("Akut henvisning indsendt: %(family)s")
        if referral.is_acute
        else _("Ny henvisning til visitation: %(family)s")
    ) % {"family": referral.family.name}
    notify(recipients=committee_members(referral), text=text, url=url)
    return referral


@transaction.atomic
def referral_withdraw(*, by: User, referral: Referral) -> Referral:
    """The rådgiver withdraws a referral until a decision (other than postponement) is in
    force — an acute decision still awaiting its approvals does not stop it."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_referrer(by, referral)
    head = head_decision(referral)
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.SUBMITTED) or (
        decision_in_force(head) and head.kind != DecisionKind.POSTPONED
    ):
        raise ValidationError(
            _("Henvisningen kan ikke trækkes tilbage, når der er truffet afgørelse.")
        )
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        family_id=referral.family_id,
        fields=["status"],
        values={"status": referral.status},
    )
    if referral.submitted_at:
        notify(
            recipients=committee_members(referral),
            text=_("Henvisning trukket tilbage: %(family)s") % {"family": referral.family.name},
            url=reverse("visitation:referral_detail", args=[referral.pk]),
        )
    return referral


# Committee --------------------------------------------------------------------------------


def _require_decider(by: User, referral: Referral) -> None:
    if Perm.VISITATION_DECIDE not in permissions_of(by):
        raise PermissionDenied
    if not has_permission(by, Perm.REFERRAL_VIEW, obj=referral):
        raise Http404


@transaction.atomic
def meeting_create(*, by: User, date: dt.date, members: list[User]) -> VisitationMeeting:
    """A leader schedules a committee meeting for their provider."""
    if (
        Perm.VISITATION_DECIDE not in permissions_of(by)
        or by.organisation.kind != OrganisationKind.PROVIDER
    ):
        raise PermissionDenied
    allowed = set(meeting_member_candidates(by.organisation).values_list("pk", flat=True))
    if any(m.pk not in allowed for m in members):
        raise ValidationError(
            {
                "members": [
                    _(
                        "Deltagerne skal være ansatte hos udføreren eller ledere i de kommuner, "
                        "udføreren betjener."
                    )
                ]
            }
        )
    meeting = VisitationMeeting.objects.create(provider=by.organisation, date=date, created_by=by)
    meeting.members.set(members)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=meeting,
        fields=["date", "members"],
        values={"date": str(date), "members": sorted(m.pk for m in members)},
    )
    return meeting


def meeting_agenda(meeting: VisitationMeeting) -> QuerySet[Referral]:
    """Submitted referrals to the provider that await a decision, plus those decided here."""
    return (
        with_head_decision(
            Referral.objects.filter(provider=meeting.provider_id)
            .filter(
                Q(status=ReferralStatus.SUBMITTED, submitted_at__date__lte=meeting.date)
                | Q(decisions__meeting=meeting)
            )
            .distinct()
        )
        .select_related("family", "family__municipality", "referred_by")
        .order_by("-is_acute", "submitted_at")
    )


@dataclass(frozen=True)
class DecisionInput:
    kind: str
    granted_hours: Decimal | None = None
    start_date: dt.date | None = None
    first_follow_up: dt.date | None = None
    priority: int | None = None
    reason: str = ""


def _validate_decision(data: DecisionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind == DecisionKind.FAMILIEBEREDSKAB:
        if data.granted_hours is None or not (0 < data.granted_hours <= 40):
            errors["granted_hours"] = [_("Angiv bevilgede timer pr. uge (over 0, højst 40).")]
        if data.start_date is None:
            errors["start_date"] = [_("Angiv startdato.")]
        if data.first_follow_up is None:
            errors["first_follow_up"] = [_("Angiv dato for første opfølgning.")]
    if data.start_date and data.first_follow_up and data.first_follow_up <= data.start_date:
        errors["first_follow_up"] = [_("Første opfølgning skal ligge efter startdatoen.")]
    if data.kind == DecisionKind.REJECTED and not data.reason.strip():
        errors["reason"] = [_("Et afslag skal begrundes.")]
    return errors


@transaction.atomic
def decision_record(
    *,
    by: User,
    referral: Referral,
    data: DecisionInput,
    meeting: VisitationMeeting | None = None,
    replaces: Decision | None = None,
) -> Decision:
    """Record and sign a decision. A committee decision is in force at once; an acute one
    (no meeting) when both approvers have approved. A decision is never edited: a correction
    names the decision it ``replaces``, which must be the one now in force."""
    _require_decider(by, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in (ReferralStatus.SUBMITTED, ReferralStatus.DECIDED):
        raise ValidationError(_("Kun en indsendt henvisning kan afgøres."))
    if meeting is None and not referral.is_acute:
        raise ValidationError(_("Kun en akut henvisning kan afgøres uden for et møde."))
    if meeting is not None and meeting.provider_id != referral.provider_id:
        raise ValidationError(_("Mødet hører til en anden udfører."))
    errors = _validate_decision(data)
    if errors:
        raise ValidationError(errors)
    head = head_decision(referral)
    if replaces is None and head is not None:
        raise ValidationError(
            _(
                "Henvisningen er allerede afgjort (%(kind)s, %(by)s). Registrér en ny afgørelse, "
                "der erstatter den."
            )
            % {"kind": head.get_kind_display(), "by": head.signed_by},
            code="conflict",
        )
    if replaces is not None and (head is None or replaces.pk != head.pk):
        raise ValidationError(
            _("Afgørelsen er allerede erstattet af en nyere. Genindlæs siden."), code="conflict"
        )
    if replaces is not None and Matching.objects.filter(referral=referral).exists():
        raise ValidationError(
            _(
                "Familiens forløb er startet. Bevillingen ændres ved at justere eller afslutte "
                "forløbet, ikke ved en ny afgørelse."
            )
        )
    decision = Decision(
        referral=referral,
        route=DecisionRoute.COMMITTEE if meeting else DecisionRoute.ACUTE,
        meeting=meeting,
        kind=data.kind,
        granted_hours=data.granted_hours,
        start_date=data.start_date,
        first_follow_up=data.first_follow_up,
        priority=data.priority,
        reason=data.reason.strip(),
        replaces=replaces,
        signed_by=by,
    )
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        # Only a competing decision is a conflict; any other refusal is a bug to surface.
        competitor = Decision.objects.filter(referral=referral, replaces=replaces)
        if replaces is not None:
            competitor = Decision.objects.filter(replaces=replaces)
        if not competitor.exists():
            raise
        raise ValidationError(
            _("En anden leder har netop afgjort henvisningen. Genindlæs siden."), code="conflict"
        ) from None
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=decision,
        family_id=referral.family_id,
        fields=[
            "kind",
            "route",
            "granted_hours",
            "start_date",
            "first_follow_up",
            "priority",
            "reason",
        ],
        values={
            "kind": decision.kind,
            "route": decision.route,
            "granted_hours": str(decision.granted_hours or ""),
            "replaces": replaces.pk if replaces else None,
        },
    )
    url = reverse("visitation:referral_detail", args=[referral.pk])
    if decision.route == DecisionRoute.COMMITTEE:
        _put_in_force(referral, decision)
    else:
        approvers = committee_members(referral)
        notify(
            recipients=approvers,
            url=url,
            text=_("Akut afgørelse afventer din godkendelse: %(family)s")
            % {"family": referral.family.name},
        )
    return decision


def _put_in_force(referral: Referral, decision: Decision) -> None:
    if decision.kind != DecisionKind.POSTPONED:
        referral.status = ReferralStatus.DECIDED
        referral.decided_at = referral.decided_at or timezone.now()
    else:
        referral.status = ReferralStatus.SUBMITTED  # back on the next meeting's agenda
    referral.save(update_fields=["status", "decided_at", "updated_at"])
    notify(
        recipients=[referral.referred_by],
        text=_("Afgørelse på henvisningen for %(family)s: %(kind)s")
        % {"family": referral.family.name, "kind": decision.get_kind_display()},
        url=reverse("visitation:referral_detail", args=[referral.pk]),
    )


@transaction.atomic
def acute_approve(*, by: User, decision: Decision) -> AcuteApproval:
    """One of the two approvals an acute decision needs: the authority's socialfaglig leder
    and a leader at the provider. The side follows the approver's organisation."""
    referral = Referral.objects.select_for_update().get(pk=decision.referral_id)
    _require_decider(by, referral)
    if referral.status not in (ReferralStatus.SUBMITTED, ReferralStatus.DECIDED):
        raise ValidationError(_("Henvisningen er trukket tilbage eller ikke indsendt."))
    decision = Decision.objects.get(pk=decision.pk)
    if decision.route != DecisionRoute.ACUTE:
        raise ValidationError(_("Kun akutte afgørelser godkendes særskilt."))
    if hasattr(decision, "replaced_by"):
        raise ValidationError(_("Afgørelsen er erstattet af en nyere."))
    side = (
        ApproverSide.AUTHORITY
        if by.organisation.kind == OrganisationKind.MUNICIPALITY
        else ApproverSide.PROVIDER
    )
    if decision.approvals.filter(approver=by).exists():
        raise ValidationError(
            _("Du har allerede godkendt afgørelsen. Den anden leder skal godkende.")
        )
    if decision.approvals.filter(side=side).exists():
        raise ValidationError(
            _("Der er allerede en godkendelse fra denne side (%(side)s).")
            % {"side": ApproverSide(side).label.lower()}
        )
    approval = AcuteApproval.objects.create(decision=decision, side=side, approver=by)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=approval,
        family_id=referral.family_id,
        fields=["side"],
        values={"side": side, "decision_id": decision.pk},
    )
    if decision_in_force(decision):
        _put_in_force(referral, decision)
    return approval


# Waiting list and capacity ---------------------------------------------------------------


@dataclass
class WaitingEntry:
    referral: Referral
    decision: Decision
    infant_or_pregnancy: bool
    waited_days: int
    flags: list[str] = field(default_factory=list)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def waiting_list(provider: Organisation, *, on: dt.date | None = None) -> list[WaitingEntry]:
    """Families on the waiting list, in order: acute first, then pregnancy or a child under 2
    in the family, then the committee's priority, then referral date. A leader's manual
    placement N puts that family at place N (1 = first) of that order."""
    on = on or timezone.localdate()
    two_years_ago = _years_before(on, 2)
    decisions = {
        d.referral_id: d
        for d in Decision.objects.filter(
            referral__provider=provider,
            referral__status=ReferralStatus.DECIDED,
            replaced_by__isnull=True,
            kind=DecisionKind.WAITING_LIST,
        ).prefetch_related("approvals")
    }
    referrals = (
        Referral.objects.filter(pk__in=[pk for pk, d in decisions.items() if decision_in_force(d)])
        .select_related("family", "family__municipality", "referred_by")
        .prefetch_related(
            Prefetch("family__members", queryset=FamilyMember.objects.filter(kind=MemberKind.CHILD))
        )
    )
    entries = []
    for referral in referrals:
        # Any child of the family counts, not only those the referral names (a baby sibling).
        infant = any(m.birth_date > two_years_ago for m in referral.family.members.all())
        entry = WaitingEntry(
            referral=referral,
            decision=decisions[referral.pk],
            infant_or_pregnancy=infant or referral.pregnancy,
            waited_days=(on - timezone.localtime(referral.submitted_at).date()).days,
        )
        if referral.is_acute:
            entry.flags.append(_("Akut"))
        if referral.pregnancy:
            entry.flags.append(_("Graviditet"))
        if infant:
            entry.flags.append(_("Barn under 2 år"))
        entries.append(entry)
    entries.sort(
        key=lambda e: (
            not e.referral.is_acute,
            not e.infant_or_pregnancy,
            e.decision.priority is None,
            e.decision.priority or 0,
            e.referral.submitted_at,
            e.referral.pk,
        )
    )
    placed = sorted(
        (e for e in entries if e.referral.waiting_rank is not None),
        key=lambda e: (e.referral.waiting_rank, e.referral.submitted_at),
    )
    ordered = [e for e in entries if e.referral.waiting_rank is None]
    for entry in placed:
        ordered.insert(min(entry.referral.waiting_rank - 1, len(ordered)), entry)
    return ordered


def waiting_figures(entries: list[WaitingEntry]) -> dict[str, float | int | None]:
    waits = [e.waited_days for e in entries]
    return {
        "count": len(waits),
        "average_days": round(sum(waits) / len(waits), 1) if waits else None,
        "longest_days": max(waits) if waits else None,
    }


@transaction.atomic
def waiting_rank_set(*, by: User, referral: Referral, rank: int | None, reason: str) -> Referral:
    """A leader at the provider places a family on its waiting list by hand, with a reason."""
    _require_decider(by, referral)
    if by.organisation_id != referral.provider_id:
        raise PermissionDenied
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    head = head_decision(referral)
    if not (decision_in_force(head) and head.kind == DecisionKind.WAITING_LIST):
        raise ValidationError(_("Familien står ikke på ventelisten."))
    if rank is not None and not reason.strip():
        raise ValidationError({"reason": [_("Begrund den manuelle placering.")]})
    referral.waiting_rank = rank
    referral.waiting_rank_reason = reason.strip() if rank is not None else ""
    referral.save(update_fields=["waiting_rank", "waiting_rank_reason", "updated_at"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        family_id=referral.family_id,
        fields=["waiting_rank", "waiting_rank_reason"],
        values={"waiting_rank": rank},
    )
    return referral


@dataclass(frozen=True)
class CapacityStatus:
    capacity: int | None
    active: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.active

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.active >= self.capacity


def capacity_status(provider: Organisation) -> CapacityStatus:
    capacity = (
        ProgrammeCapacity.objects.filter(provider=provider)
        .values_list("families", flat=True)
        .first()
    )
    active = Course.objects.filter(
        provider=provider, status__in=[CourseStatus.PLANNED, CourseStatus.ACTIVE]
    ).count()
    return CapacityStatus(capacity=capacity, active=active)


@transaction.atomic
def capacity_set(*, by: User, families: int) -> ProgrammeCapacity:
    """The provider's leader sets how many families the Familieberedskab carries at once."""
    if (
        Perm.VISITATION_DECIDE not in permissions_of(by)
        or by.organisation.kind != OrganisationKind.PROVIDER
    ):
        raise PermissionDenied
    if not 0 < families <= 500:
        raise ValidationError({"families": [_("Angiv et antal mellem 1 og 500.")]})
    capacity, _created = ProgrammeCapacity.objects.update_or_create(
        provider=by.organisation, defaults={"families": families}
    )
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=capacity,
        fields=["families"],
        values={"families": families},
    )
    return capacity


# Matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    user: User
    matched: list[Competence]
    free_hours: Decimal

    @property
    def score(self) -> tuple[int, Decimal]:
        return (len(self.matched), self.free_hours)


MATCH_ROLES = (Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG)


def matching_suggestions(referral: Referral) -> dict[str, list[Suggestion]]:
    """Staff of the provider per role, ranked by how many of the family's challenges their
    competences cover, then by free hours (contracted minus hours on current courses)."""
    wanted = set(referral.challenges.values_list("pk", flat=True))
    assigned = (
        TeamAssignment.objects.current()
        .filter(user=OuterRef("pk"))
        .values("user")
        .annotate(total=Sum("hours_per_week"))
        .values("total")
    )
    staff = (
        User.objects.filter(
            organisation=referral.provider_id,
            is_active=True,
            role_assignments__role__in=MATCH_ROLES,
        )
        .distinct()
        .select_related("profile")
        .prefetch_related("role_assignments", "competences__competence")
        .annotate(
            assigned_hours=Coalesce(
                Subquery(assigned),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=6, decimal_places=1),
            )
        )
    )
    today = timezone.localdate()
    result: dict[str, list[Suggestion]] = {role: [] for role in MATCH_ROLES}
    for user in staff:
        contracted = user.profile.contracted_hours if hasattr(user, "profile") else Decimal(0)
        # An expired certification no longer counts as a match.
        matched = [
            sc.competence
            for sc in user.competences.all()
            if sc.competence_id in wanted and (sc.expires_on is None or sc.expires_on >= today)
        ]
        suggestion = Suggestion(
            user=user, matched=matched, free_hours=contracted - user.assigned_hours
        )
        for role in user.roles & set(MATCH_ROLES):
            result[role].append(suggestion)
    for suggestions in result.values():
        suggestions.sort(key=lambda s: (-len(s.matched), -s.free_hours, s.user.full_name))
    return result


def match_refusal(referral: Referral, decision: Decision | None) -> str | None:
    """Why ``referral`` cannot be matched with a team now (``decision`` is its head), or None."""
    if not (decision_in_force(decision) and decision.kind == DecisionKind.FAMILIEBEREDSKAB):
        return _("Kun en bevilget henvisning kan matches med et team.")
    if Matching.objects.filter(referral=referral).exists():
        return _("Familien har allerede fået et team.")
    if Matching.objects.filter(
        referral__family=referral.family_id,
        course__provider=referral.provider_id,
        course__status__in=[CourseStatus.PLANNED, CourseStatus.ACTIVE],
    ).exists():
        return _("Familien er allerede i et forløb i Familieberedskabet.")
    return None


def awaiting_team(provider: Organisation) -> QuerySet[Referral]:
    """Referrals to ``provider`` granted the Familieberedskab (the decision in force) that have
    no team yet, longest decided first, annotated with the grant (head_hours, head_start)."""
    head = Decision.objects.filter(referral=OuterRef("pk"), replaced_by__isnull=True)
    referrals = Referral.objects.filter(
        provider=provider, status=ReferralStatus.DECIDED, matching__isnull=True
    )
    return (
        with_head_decision(referrals)
        .annotate(
            head_hours=Subquery(head.values("granted_hours")[:1]),
            head_start=Subquery(head.values("start_date")[:1]),
        )
        .filter(head_kind=DecisionKind.FAMILIEBEREDSKAB)
        .filter(Q(head_route=DecisionRoute.COMMITTEE) | Q(head_approvals=len(ApproverSide)))
        .select_related("family", "family__municipality")
        .order_by("decided_at", "pk")
    )


@transaction.atomic
def match_assign(
    *,
    by: User,
    referral: Referral,
    team: list[TeamMember],
    reason: str,
    start_meeting_date: dt.date | None = None,
) -> Matching:
    """The provider's leader assigns the team for a granted referral; the course starts.

    A familiebehandler and a pædagog are required, a psykolog optional. Taking a family in
    over capacity (overbelægning) is allowed and recorded as such.
    """
    _require_decider(by, referral)
    if by.organisation_id != referral.provider_id:
        raise PermissionDenied
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    decision = head_decision(referral)
    refusal = match_refusal(referral, decision)
    if refusal:
        raise ValidationError(refusal)
    roles = [m.role for m in team]
    if (
        roles.count(Role.BEHANDLER) != 1
        or roles.count(Role.PAEDAGOG) != 1
        or roles.count(Role.PSYKOLOG) > 1
    ):
        raise ValidationError(_("Vælg én familiebehandler og én pædagog (og evt. én psykolog)."))
    if len({m.user.pk for m in team}) != len(team):
        raise ValidationError(_("Den samme medarbejder kan ikke have to roller i teamet."))
    if any(m.user.organisation_id != referral.provider_id for m in team):
        raise ValidationError(_("Teamet skal komme fra udføreren."))
    if any(not (0 < m.hours_per_week <= 40) for m in team):
        raise ValidationError(_("Timer pr. uge skal være over 0 og højst 40 for hver medarbejder."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Begrund matchningen.")]})
    over = capacity_status(referral.provider).full
    course = course_start(
        by=by,
        family=referral.family,
        provider=referral.provider,
        start_date=decision.start_date,
        granted_hours=decision.granted_hours,
        first_follow_up=decision.first_follow_up,
        team=team,
        start_meeting_date=start_meeting_date,
    )
    matching = Matching.objects.create(
        referral=referral, course=course, reason=reason.strip(), decided_by=by, over_capacity=over
    )
    now = timezone.now()
    referral.team_assigned_at = now
    if course.status == CourseStatus.ACTIVE:
        referral.course_started_at = now
    referral.save(update_fields=["team_assigned_at", "course_started_at", "updated_at"])
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=matching,
        family_id=referral.family_id,
        course_id=course.pk,
        fields=["team", "reason", "over_capacity"],
        values={
            "team": [[m.user.pk, m.role, str(m.hours_per_week)] for m in team],
            "over_capacity": over,
        },
    )
    family_url = reverse("cases:family_detail", args=[referral.family_id])
    notify(
        recipients=[m.user for m in team],
        url=family_url,
        text=_("Du er tilknyttet et nyt forløb: %(family)s") % {"family": referral.family.name},
    )
    notify(
        recipients=[referral.referred_by],
        url=reverse("visitation:referral_detail", args=[referral.pk]),
        text=_("Team tilknyttet for %(family)s") % {"family": referral.family.name},
    )
    return matching


# Beat tasks --------------------------------------------------------------------------------


def courses_activate_due(*, on: dt.date | None = None) -> int:
    """Planned courses whose start date has come become active; the timeline records it."""
    on = on or timezone.localdate()
    due = list(Course.objects.filter(status=CourseStatus.PLANNED, start_date__lte=on))
    activated = 0
    for course in due:
        with transaction.atomic():
            # Re-checked in the UPDATE: a course closed meanwhile is never reopened.
            if not Course.objects.filter(pk=course.pk, status=CourseStatus.PLANNED).update(
                status=CourseStatus.ACTIVE
            ):
                continue
            activated += 1
            audit_log(
                by=None,
                action=AuditAction.UPDATE,
                obj=course,
                family_id=course.family_id,
                course_id=course.pk,
                fields=["status"],
                values={"status": CourseStatus.ACTIVE},
            )
            # The course started on its start date, not when this hourly task noticed.
            started = dt.datetime.combine(
                course.start_date, dt.time.min, tzinfo=timezone.get_current_timezone()
            )
            Referral.objects.filter(matching__course=course, course_started_at__isnull=True).update(
                course_started_at=started
            )
    return activated


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Acute referrals undecided after 12 hours, and agendas for tomorrow's meetings."""
    now = now or timezone.now()
    sent = 0
    overdue = Referral.objects.filter(
        is_acute=True,
        status=ReferralStatus.SUBMITTED,
        submitted_at__lte=now - dt.timedelta(hours=ACUTE_REMINDER_HOURS),
    ).select_related("family")
    for referral in overdue:
        sent += len(
            notify(
                recipients=committee_members(referral),
                key=f"acute-{ACUTE_REMINDER_HOURS}h:{referral.pk}",
                url=reverse("visitation:referral_detail", args=[referral.pk]),
                text=_("Akut henvisning venter stadig på afgørelse: %(family)s")
                % {"family": referral.family.name},
            )
        )
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    for meeting in VisitationMeeting.objects.filter(date=tomorrow).prefetch_related("members"):
        count = meeting_agenda(meeting).filter(status=ReferralStatus.SUBMITTED).count()
        sent += len(
            notify(
                recipients=meeting.members.all(),
                key=f"meeting-agenda:{meeting.pk}",
                url=reverse("visitation:meeting_detail", args=[meeting.pk]),
                text=ngettext(
                    "Dagsordenen til visitationsmødet i morgen er klar (%(n)d henvisning).",
                    "Dagsordenen til visitationsmødet i morgen er klar (%(n)d henvisninger).",
                    count,
                )
                % {"n": count},
            )
        )
    return sent
