"""URL matrix rows for the visitation committee's screens
(tests/integration/kernel/test_url_matrix.py).

The world gains, at the provider of ``family``'s course: a meeting next week, an acute
submitted referral with no decision yet (for the decision form) and an acute referral with
an acute decision awaiting both approvals. Outside every matrix user's scope: a meeting, a
referral and a decision at another provider, for a family of another municipality.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from familieberedskab.permissions import Perm
from staffing.models import Role
from tests.factories.cases import FamilyFactory
from tests.factories.staffing import ProviderFactory, UserFactory
from tests.integration.routes import Route
from visitation.models import (
    Decision,
    DecisionKind,
    DecisionRoute,
    Referral,
    ReferralStatus,
    TargetGroup,
    VisitationMeeting,
)


def _submitted(family, provider, *, acute: bool = True) -> Referral:
    return Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=family.caseworker,
        status=ReferralStatus.SUBMITTED,
        submitted_at=timezone.now(),
        target_group=TargetGroup.ACUTE if acute else TargetGroup.MASSIVE,
        concern="Bekymring.",
        is_acute=acute,
    )


def _acute_decision(referral: Referral, by) -> Decision:
    start = timezone.localdate()
    return Decision.objects.create(
        referral=referral,
        route=DecisionRoute.ACUTE,
        kind=DecisionKind.FAMILIEBEREDSKAB,
        granted_hours=Decimal(20),
        start_date=start,
        first_follow_up=start + dt.timedelta(days=90),
        signed_by=by,
    )


def extend_world(ctx: dict) -> None:
    family = ctx["family"]
    provider = family.courses.first().provider
    leader = ctx["users"][Role.LEDER]
    next_week = timezone.localdate() + dt.timedelta(days=7)
    ctx["committee_meeting"] = meeting = VisitationMeeting.objects.create(
        provider=provider, date=next_week, created_by=leader
    )
    meeting.members.add(leader)
    ctx["committee_referral"] = _submitted(family, provider)
    ctx["committee_acute_referral"] = acute = _submitted(family, provider)
    ctx["committee_decision"] = _acute_decision(acute, leader)

    elsewhere = ProviderFactory(name="Anden udfører (visitation)")
    stranger = FamilyFactory(name="Familien Udenfor")
    elsewhere.serves.add(stranger.municipality)
    other_leader = UserFactory(organisation=elsewhere, roles=[Role.LEDER])
    ctx["committee_other_meeting"] = VisitationMeeting.objects.create(
        provider=elsewhere, date=next_week, created_by=other_leader
    )
    ctx["committee_other_referral"] = other = _submitted(stranger, elsewhere)
    ctx["committee_other_decision"] = _acute_decision(other, other_leader)


def _meeting(ctx: dict) -> dict:
    return {"pk": ctx["committee_meeting"].pk}


def _other_meeting(ctx: dict) -> dict:
    return {"pk": ctx["committee_other_meeting"].pk}


def _referral(ctx: dict) -> dict:
    return {"referral_pk": ctx["committee_referral"].pk}


def _other_referral(ctx: dict) -> dict:
    return {"referral_pk": ctx["committee_other_referral"].pk}


def _decision(ctx: dict) -> dict:
    return {"pk": ctx["committee_decision"].pk}


def _other_decision(ctx: dict) -> dict:
    return {"pk": ctx["committee_other_decision"].pk}


def _new_meeting(ctx: dict) -> dict:
    leader = ctx["users"][Role.LEDER]
    return {
        "date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "members": [leader.pk],
    }


ROUTES: dict[str, Route] = {
    "visitation:meeting_list": Route(perm=Perm.VISITATION_DECIDE),
    "visitation:meeting_create": Route(
        perm=Perm.VISITATION_DECIDE, method="post", ok=302, data=_new_meeting
    ),
    "visitation:meeting_detail": Route(
        perm=Perm.VISITATION_DECIDE, kwargs=_meeting, outside=_other_meeting
    ),
    "visitation:decision_create": Route(
        perm=Perm.VISITATION_DECIDE, kwargs=_referral, outside=_other_referral
    ),
    "visitation:decision_approve": Route(
        perm=Perm.VISITATION_DECIDE,
        method="post",
        ok=302,
        kwargs=_decision,
        outside=_other_decision,
    ),
    "visitation:acute_list": Route(perm=Perm.VISITATION_DECIDE),
}
