import datetime as dt
import random
from decimal import Decimal

import factory
from django.utils import timezone

from cases import cpr
from cases.models import (
    Course,
    CourseStatus,
    Family,
    FamilyMember,
    FamilyPlan,
    MemberKind,
    TeamAssignment,
)
from staffing.models import Role
from tests.factories.staffing import MunicipalityFactory, ProviderFactory, UserFactory

_rng = random.Random(2635)


def fictional_cpr(born: dt.date | None = None) -> str:
    return cpr.fictional(born or dt.date(2015, 3, 14), female=_rng.random() < 0.5, rng=_rng)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Familien Test{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    caseworker = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..municipality"), roles=[Role.RADGIVER]
    )
    created_by = factory.SelfAttribute("caseworker")
    street_address = "Testvej 1"
    postal_code = "2635"
    city = "Ishøj"


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    kind = MemberKind.CHILD
    first_name = factory.Sequence(lambda n: f"Barn{n}")
    last_name = "Testesen"
    birth_date = dt.date(2015, 3, 14)

    @factory.post_generation
    def cpr(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted is not None:
            self.set_cpr(extracted or None)
        if create:
            self.save()


class CourseFactory(factory.django.DjangoModelFactory):
    """A course with its (empty) shared plan, as course_start makes it."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    provider = factory.SubFactory(ProviderFactory)
    status = CourseStatus.ACTIVE
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    plan = factory.RelatedFactory(
        "tests.factories.cases.FamilyPlanFactory", factory_related_name="course"
    )


class FamilyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyPlan


class TeamAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamAssignment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.BEHANDLER])
    role = Role.BEHANDLER
    hours_per_week = Decimal("12.0")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
