import factory

from staffing.models import Organisation, OrganisationKind, User, UserRole


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("municipality_code",)

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    kind = OrganisationKind.MUNICIPALITY
    municipality_code = factory.Sequence(lambda n: 200 + n)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Udfører {n}")
    kind = OrganisationKind.PROVIDER
    municipality_code = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    full_name = factory.Sequence(lambda n: f"Medarbejder {n}")
    organisation = factory.SubFactory(ProviderFactory)
    password = factory.django.Password("Test-Adgangskode-1")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            UserRole.objects.bulk_create(UserRole(user=self, role=r) for r in extracted)
            self.__dict__.pop("roles", None)
