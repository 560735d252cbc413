"""URL matrix rows for the waiting list, capacity and matching screens
(tests/integration/kernel/test_url_matrix.py).

The world gains a referral for ``family`` granted the Familieberedskab at the provider of the
family's course and awaiting a team (in the leader's scope), one on that provider's waiting
list, and a granted referral for
``other_family`` at another provider (outside every matrix user's scope).
"""

from familieberedskab.permissions import Perm
from staffing.models import Role
from tests.factories.staffing import ProviderFactory, UserFactory
from tests.factories.visitation import DecisionFactory, ReferralFactory
from tests.integration.routes import Route


def extend_world(ctx: dict) -> None:
    family, other = ctx["family"], ctx["other_family"]
    provider = family.courses.first().provider
    referral = ReferralFactory(family=family, provider=provider)
    DecisionFactory(referral=referral, signed_by=ctx["users"][Role.LEDER], granted=True)
    ctx["waiting_granted"] = referral
    listed = ReferralFactory(family=family, provider=provider)
    DecisionFactory(referral=listed, signed_by=ctx["users"][Role.LEDER])  # waiting list
    ctx["waiting_listed"] = listed
    elsewhere = ProviderFactory(name="Anden udfører (venteliste)")
    outside = ReferralFactory(family=other, provider=elsewhere)
    leader = UserFactory(organisation=elsewhere, roles=[Role.LEDER])
    DecisionFactory(referral=outside, signed_by=leader, granted=True)
    ctx["waiting_outside"] = outside


def _granted(ctx: dict) -> dict:
    return {"pk": ctx["waiting_granted"].pk}


def _listed(ctx: dict) -> dict:
    return {"pk": ctx["waiting_listed"].pk}


def _outside(ctx: dict) -> dict:
    return {"pk": ctx["waiting_outside"].pk}


ROUTES: dict[str, Route] = {
    "visitation:waiting_list": Route(perm=Perm.VISITATION_DECIDE),
    "visitation:waiting_rank_set": Route(
        perm=Perm.VISITATION_DECIDE,
        method="post",
        ok=302,
        kwargs=_listed,
        outside=_outside,
        data={"rank": "1", "reason": "Skolestart om en uge"},
    ),
    "visitation:capacity_edit": Route(perm=Perm.VISITATION_DECIDE),
    "visitation:referral_match": Route(
        perm=Perm.VISITATION_DECIDE, kwargs=_granted, outside=_outside
    ),
}
