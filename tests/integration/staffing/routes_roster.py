"""URL matrix rows for the staff roster and the practitioner's own profile
(tests/integration/kernel/test_url_matrix.py).

The world's practitioners get staff profiles; a practitioner of another provider is outside
every matrix user's scope.
"""

from familieberedskab.permissions import Perm
from staffing.models import PRACTITIONER_ROLES, Role
from tests.factories.staffing import ProviderFactory, UserFactory
from tests.factories.visitation import StaffProfileFactory
from tests.integration.routes import Route


def extend_world(ctx: dict) -> None:
    for role in sorted(PRACTITIONER_ROLES):
        StaffProfileFactory(user=ctx["users"][role])
    elsewhere = ProviderFactory(name="Anden udfører (medarbejdere)")
    ctx["roster_outsider"] = UserFactory(organisation=elsewhere, roles=[Role.BEHANDLER])
    StaffProfileFactory(user=ctx["roster_outsider"])


ROUTES: dict[str, Route] = {
    "staffing:roster_list": Route(perm=Perm.ROSTER_MANAGE),
    "staffing:roster_edit": Route(
        perm=Perm.ROSTER_MANAGE,
        kwargs=lambda ctx: {"user_pk": ctx["users"][Role.BEHANDLER].pk},
        outside=lambda ctx: {"user_pk": ctx["roster_outsider"].pk},
    ),
    "staffing:profile": Route(perm=Perm.PROFILE_EDIT_OWN),
}
