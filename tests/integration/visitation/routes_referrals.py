"""URL matrix rows for the referral screens (tests/integration/kernel/test_url_matrix.py).

The world gains three referrals: a submitted one for ``family`` and a complete draft for a
second family of the same rådgiver, both to the provider of the family's course, and a
submitted one for ``other_family`` (Vallensbæk) by its own rådgiver to another provider —
outside every matrix user's scope.
"""

import datetime as dt

from django.utils import timezone

from familieberedskab.permissions import Perm
from staffing.models import Role
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route
from visitation.models import (
    LegalBasis,
    Referral,
    ReferralChild,
    ReferralStatus,
    TargetGroup,
)


def _complete(referral: Referral) -> Referral:
    """Fill in everything ``referral_missing`` asks for."""
    referral.concern = "Bekymring for barnets trivsel."
    referral.target_group = TargetGroup.MASSIVE
    referral.tried_before = "Familiebehandling i 2023."
    referral.investigation_date = dt.date(2024, 3, 1)
    referral.concern_source = "radgiver"
    referral.consent_given = True
    referral.child_views_heard = True
    referral.save()
    for child in referral.family.members.filter(kind="child"):
        ReferralChild.objects.create(referral=referral, member=child, level=3)
    referral.legal_bases.set(LegalBasis.objects.filter(code="barnets-lov-32-1-5"))
    return referral


def extend_world(ctx: dict) -> None:
    family, other = ctx["family"], ctx["other_family"]
    provider = family.courses.first().provider
    radgiver = ctx["users"][Role.RADGIVER]
    ctx["referral_submitted"] = _complete(
        Referral.objects.create(
            family=family,
            provider=provider,
            referred_by=radgiver,
            status=ReferralStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    )
    # The draft is for a second family of the rådgiver's: a family may have only one
    # referral in play at a provider, and ``family`` has several in the world.
    sibling_family = FamilyFactory(
        name="Familien Udkast",
        municipality=family.municipality,
        caseworker=radgiver,
        created_by=radgiver,
    )
    FamilyMemberFactory(family=sibling_family)
    ctx["referral_draft"] = _complete(
        Referral.objects.create(family=sibling_family, provider=provider, referred_by=radgiver)
    )
    elsewhere = ProviderFactory(name="Anden udfører (henvisninger)")
    elsewhere.serves.add(other.municipality)
    ctx["referral_outside"] = _complete(
        Referral.objects.create(
            family=other,
            provider=elsewhere,
            referred_by=other.caseworker,
            status=ReferralStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    )


def _family(ctx: dict) -> dict:
    return {"family_pk": ctx["family"].pk}


def _other_family(ctx: dict) -> dict:
    return {"family_pk": ctx["other_family"].pk}


def _submitted(ctx: dict) -> dict:
    return {"pk": ctx["referral_submitted"].pk}


def _draft(ctx: dict) -> dict:
    return {"pk": ctx["referral_draft"].pk}


def _outside(ctx: dict) -> dict:
    return {"pk": ctx["referral_outside"].pk}


ROUTES: dict[str, Route] = {
    # Leaders see the submitted referrals to their provider; only the rådgiver refers.
    "visitation:referral_list": Route(perm=Perm.REFERRAL_VIEW),
    "visitation:referral_start": Route(perm=Perm.REFERRAL_CREATE),
    "visitation:referral_create": Route(
        perm=Perm.REFERRAL_CREATE, kwargs=_family, outside=_other_family
    ),
    "visitation:referral_detail": Route(
        perm=Perm.REFERRAL_VIEW, kwargs=_submitted, outside=_outside
    ),
    "visitation:referral_edit": Route(perm=Perm.REFERRAL_CREATE, kwargs=_draft, outside=_outside),
    # The draft is complete, so submitting it succeeds and redirects to the detail page.
    "visitation:referral_submit": Route(
        perm=Perm.REFERRAL_CREATE, method="post", ok=302, kwargs=_draft, outside=_outside
    ),
    "visitation:referral_withdraw": Route(
        perm=Perm.REFERRAL_CREATE, method="post", ok=302, kwargs=_submitted, outside=_outside
    ),
}
