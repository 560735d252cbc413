"""Factories for referrals, committee decisions and the staff roster that matching reads.

They write rows directly (no services, no notifications), so a test can build any state of
a referral in one line:

    referral = ReferralFactory(family=family, provider=provider, is_acute=True)
    DecisionFactory(referral=referral, signed_by=leader, granted=True)   # in force at once
    DecisionFactory(referral=referral, signed_by=leader, kind="waiting_list", priority=2)

A committee decision puts the referral in force (status and ``decided_at``) unless
``in_force=False``; an acute one (``acute=True``) waits for ``AcuteApprovalFactory`` rows,
and ``approved=True`` adds both sides' approvals at once.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from staffing.models import Competence, CompetenceKind, Role, StaffCompetence, StaffProfile
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import ProviderFactory, UserFactory
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    Decision,
    DecisionKind,
    DecisionRoute,
    ProgrammeCapacity,
    Referral,
    ReferralChild,
    ReferralStatus,
    VisitationMeeting,
)


def _today() -> dt.date:
    return timezone.localdate()


# Staff roster ------------------------------------------------------------------------------


class CompetenceFactory(factory.django.DjangoModelFactory):
    """A competence by name; the seeded ones (migration 0003) are reused, not duplicated."""

    class Meta:
        model = Competence
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ekspertise {n}")
    kind = CompetenceKind.EXPERTISE


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, roles=[Role.BEHANDLER])
    contracted_hours = Decimal("37.0")
    flexible_share = 20


class StaffCompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffCompetence

    user = factory.SubFactory(UserFactory, roles=[Role.BEHANDLER])
    competence = factory.SubFactory(CompetenceFactory)
    certified_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=365))
    expires_on = None


class ProgrammeCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeCapacity
        django_get_or_create = ("provider",)

    provider = factory.SubFactory(ProviderFactory)
    families = 8


# Referrals and decisions -------------------------------------------------------------------


class ReferralFactory(factory.django.DjangoModelFactory):
    """A submitted, complete referral (``draft=True`` for a draft)."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=ReferralStatus.DRAFT, submitted_at=None)

    family = factory.SubFactory(FamilyFactory)
    provider = factory.SubFactory(ProviderFactory)
    referred_by = factory.SelfAttribute("family.caseworker")
    status = ReferralStatus.SUBMITTED
    concern = "Morgenerne bryder sammen, og barnet kommer ikke i skole."
    target_group = "massive"
    tried_before = "Almindelig familiebehandling i seks måneder."
    investigation_date = factory.LazyFunction(lambda: _today() - dt.timedelta(days=30))
    investigation_done = True
    concern_source = "radgiver"
    consent_given = True
    child_views_heard = True
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def challenges(self, create: bool, extracted: list[Competence] | None, **kwargs: object):
        if create and extracted:
            self.challenges.set(extracted)


class ReferralChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralChild

    referral = factory.SubFactory(ReferralFactory)
    member = factory.SubFactory(
        FamilyMemberFactory, family=factory.SelfAttribute("..referral.family")
    )
    level = 4


class VisitationMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitationMeeting

    provider = factory.SubFactory(ProviderFactory)
    date = factory.LazyFunction(_today)
    created_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..provider"), roles=[Role.LEDER]
    )


class DecisionFactory(factory.django.DjangoModelFactory):
    """A signed committee decision (waiting list by default; ``granted=True`` for the
    Familieberedskab with hours, start and first follow-up; ``acute=True`` for the acute
    route, ``approved=True`` to add both approvals)."""

    class Meta:
        model = Decision
        skip_postgeneration_save = True  # a signed decision cannot be saved again

    class Params:
        granted = factory.Trait(
            kind=DecisionKind.FAMILIEBEREDSKAB,
            granted_hours=Decimal("20.0"),
            start_date=factory.LazyFunction(_today),
            first_follow_up=factory.LazyFunction(lambda: _today() + dt.timedelta(days=91)),
        )
        acute = factory.Trait(route=DecisionRoute.ACUTE, meeting=None)

    referral = factory.SubFactory(ReferralFactory)
    signed_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..referral.provider"), roles=[Role.LEDER]
    )
    route = DecisionRoute.COMMITTEE
    meeting = factory.SubFactory(
        VisitationMeetingFactory,
        provider=factory.SelfAttribute("..referral.provider"),
        created_by=factory.SelfAttribute("..signed_by"),
    )
    kind = DecisionKind.WAITING_LIST

    @factory.post_generation
    def approved(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted and self.route == DecisionRoute.ACUTE:
            AcuteApprovalFactory(decision=self, side=ApproverSide.PROVIDER, approver=self.signed_by)
            authority = UserFactory(
                organisation=self.referral.family.municipality, roles=[Role.LEDER]
            )
            AcuteApprovalFactory(decision=self, side=ApproverSide.AUTHORITY, approver=authority)

    @factory.post_generation
    def in_force(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Put the referral where the decision leaves it (as the services do)."""
        if not create or extracted is False:
            return
        if self.route == DecisionRoute.ACUTE and self.approvals.count() < len(ApproverSide):
            return
        referral = self.referral
        if self.kind == DecisionKind.POSTPONED:
            referral.status = ReferralStatus.SUBMITTED
        else:
            referral.status = ReferralStatus.DECIDED
            referral.decided_at = referral.decided_at or timezone.now()
        Referral.objects.filter(pk=referral.pk).update(
            status=referral.status, decided_at=referral.decided_at
        )


class AcuteApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcuteApproval

    decision = factory.SubFactory(DecisionFactory, acute=True)
    side = ApproverSide.PROVIDER
    approver = factory.SubFactory(UserFactory, roles=[Role.LEDER])
