"""Fictional organisations and staff for demo mode, tests and benchmarks."""

from dataclasses import dataclass

from django.db import transaction

from staffing.models import Organisation, OrganisationKind, Role, User, UserRole

DEMO_PASSWORD = "demo-Familie-2026"  # noqa: S105 – fictional demo accounts only


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    organisation: str
    roles: tuple[str, ...]


ISHOJ, VALLENSBAEK, FAMILIEVAERKSTEDET = "Ishøj Kommune", "Vallensbæk Kommune", "Familieværkstedet"

DEMO_USERS = (
    DemoUser("radgiver", "Rikke Rådgiver", ISHOJ, (Role.RADGIVER,)),
    DemoUser("radgiver2", "Rasmus Rådgiversen", ISHOJ, (Role.RADGIVER,)),
    DemoUser("radgiver.vallensbaek", "Vibeke Vallø", VALLENSBAEK, (Role.RADGIVER,)),
    DemoUser("socialleder", "Søren Sociallederup", ISHOJ, (Role.LEDER,)),
    DemoUser("behandler", "Bente Behandler", FAMILIEVAERKSTEDET, (Role.BEHANDLER,)),
    DemoUser("paedagog", "Peter Pædagog", FAMILIEVAERKSTEDET, (Role.PAEDAGOG,)),
    DemoUser("psykolog", "Pia Psykolog", FAMILIEVAERKSTEDET, (Role.PSYKOLOG,)),
    DemoUser("leder", "Lene Leder", FAMILIEVAERKSTEDET, (Role.LEDER,)),
    DemoUser("projektleder", "Per Projektleder", FAMILIEVAERKSTEDET, (Role.PROJEKTLEDER,)),
    DemoUser("admin", "Anna Administrator", FAMILIEVAERKSTEDET, (Role.ADMINISTRATOR,)),
    DemoUser("evaluator", "Eva Evaluator", FAMILIEVAERKSTEDET, (Role.EVALUATOR,)),
)


@transaction.atomic
def load_people() -> dict[str, User]:
    """Create (or find) the demo organisations and staff; returns users by username."""
    ishoj, _ = Organisation.objects.get_or_create(
        name=ISHOJ, defaults={"kind": OrganisationKind.MUNICIPALITY, "municipality_code": 183}
    )
    vallensbaek, _ = Organisation.objects.get_or_create(
        name=VALLENSBAEK, defaults={"kind": OrganisationKind.MUNICIPALITY, "municipality_code": 187}
    )
    provider, _ = Organisation.objects.get_or_create(
        name=FAMILIEVAERKSTEDET, defaults={"kind": OrganisationKind.PROVIDER}
    )
    provider.serves.add(ishoj, vallensbaek)
    orgs = {o.name: o for o in (ishoj, vallensbaek, provider)}

    users = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                full_name=spec.full_name,
                organisation=orgs[spec.organisation],
                email=f"{spec.username}@example.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in spec.roles)
        users[spec.username] = user
    return users
