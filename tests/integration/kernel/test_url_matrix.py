"""Every URL pattern, every role: anonymous → login; without the function → 403; outside the
user's scope → 404 (never 403, which would reveal that the object exists).

A new URL pattern fails ``test_every_url_pattern_is_in_the_matrix`` until it has a row: here
for the kernel, staffing and cases, or in a ``routes_*.py`` module beside the app's tests
(``tests/integration/<app>/routes_<area>.py``), which exports ``ROUTES`` and, if its routes
need more objects than the shared world holds, ``extend_world(ctx)``.
"""

import importlib
import pkgutil
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.integration
from familieberedskab.permissions import ROLE_PERMISSIONS, Perm
from staffing.models import Role, User
from tests.factories.cases import TeamAssignmentFactory
from tests.factories.staffing import UserFactory
from tests.integration.routes import Route


def _family(ctx: dict) -> dict:
    return {"pk": ctx["family"].pk}


def _other_family(ctx: dict) -> dict:
    return {"pk": ctx["other_family"].pk}


def _member(ctx: dict) -> dict:
    return {"pk": ctx["family"].pk, "member_pk": ctx["family"].members.first().pk}


def _other_member(ctx: dict) -> dict:
    return {"pk": ctx["other_family"].pk, "member_pk": ctx["other_family"].members.first().pk}


ROUTES: dict[str, Route] = {
    "home": Route(perm=None),
    "healthz": Route(perm=None, public=True),
    "set_language": Route(perm=None, public=True, method="post", ok=302, data={"language": "da"}),
    "audit_list": Route(perm=Perm.AUDIT_VIEW),
    "staffing:login": Route(perm=None, public=True),
    "staffing:logout": Route(perm=None, method="post", ok=302),
    "staffing:otp_setup": Route(perm=None),
    "staffing:otp_verify": Route(perm=None, ok=302),  # no device yet → enrolment
    "staffing:password_change": Route(perm=None),
    "cases:family_list": Route(perm=Perm.FAMILY_VIEW),
    "cases:family_create": Route(perm=Perm.FAMILY_CREATE),
    "cases:family_detail": Route(perm=Perm.FAMILY_VIEW, kwargs=_family, outside=_other_family),
    "cases:family_edit": Route(perm=Perm.FAMILY_CHANGE, kwargs=_family, outside=_other_family),
    "cases:member_cpr_reveal": Route(
        perm=Perm.FAMILY_VIEW_FULL_CPR, method="post", kwargs=_member, outside=_other_member
    ),
}
# Django's admin (under admin/) has its own gate, administrators only: tested at the end.


def _route_modules() -> list:
    modules = []
    for info in pkgutil.walk_packages(tests.integration.__path__, "tests.integration."):
        if info.name.rsplit(".", 1)[-1].startswith("routes_"):
            modules.append(importlib.import_module(info.name))
    return modules


for _module in _route_modules():
    _clash = set(ROUTES) & set(_module.ROUTES)
    assert not _clash, f"{_module.__name__} redefines {_clash}"
    ROUTES.update(_module.ROUTES)


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            found.append((name, prefix + str(p.pattern)))
    return found


def test_every_url_pattern_is_in_the_matrix() -> None:
    patterns = [
        (name, route)
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
    ]
    unnamed = [route for name, route in patterns if not name]
    assert not unnamed, f"give these URL patterns a name and a row in ROUTES: {unnamed}"
    assert {name for name, _ in patterns} == set(ROUTES)


@pytest.fixture
def world(
    family,
    other_family,
    provider,
    radgiver,
    assigned_worker,
    team_colleague,
    leader,
    projektleder,
    administrator,
) -> dict:
    psykolog = UserFactory(username="psyk", organisation=provider, roles=[Role.PSYKOLOG])
    TeamAssignmentFactory(course=family.courses.get(), user=psykolog, role=Role.PSYKOLOG)
    users = {
        Role.RADGIVER: radgiver,
        Role.BEHANDLER: assigned_worker,
        Role.PAEDAGOG: team_colleague,
        Role.PSYKOLOG: psykolog,
        Role.LEDER: leader,
        Role.PROJEKTLEDER: projektleder,
        Role.ADMINISTRATOR: administrator,
        Role.EVALUATOR: UserFactory(
            username="evaluator", organisation=provider, roles=[Role.EVALUATOR]
        ),
    }
    ctx = {"family": family, "other_family": other_family, "users": users}
    for module in _route_modules():
        if hasattr(module, "extend_world"):
            module.extend_world(ctx)
    return ctx


def _call(client, route: Route, name: str, kwargs: dict | None, ctx: dict | None = None):
    url = reverse(name, kwargs=kwargs or None)
    data = route.data(ctx) if callable(route.data) else route.data
    response = getattr(client, route.method)(url, data)
    if response.streaming:  # a report download: read it, which also closes its file
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_is_sent_to_login(client, world, name: str) -> None:
    route = ROUTES[name]
    response = _call(client, route, name, route.kwargs(world) if route.kwargs else None, world)
    if route.public:
        # Public means: answered without a login. /healthz answers 503 when a service is down
        # (in a test run with a real broker there is no worker), which is still an answer.
        assert response.status_code in (200, 302, 503 if name == "healthz" else 200)
        if response.status_code == 302:
            assert reverse(settings.LOGIN_URL) not in response["Location"] or name == "set_language"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if not r.public))
def test_role_gets_403_without_the_function_and_200_with_it(
    client, world, name: str, role: str
) -> None:
    route = ROUTES[name]
    user: User = world["users"][role]
    client.force_login(user)
    response = _call(client, route, name, route.kwargs(world) if route.kwargs else None, world)
    allowed = route.perm is None or route.perm in ROLE_PERMISSIONS[role]
    expected = route.ok_by_role.get(role, route.ok) if allowed else 403
    assert response.status_code == expected, (name, role)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        (name, role)
        for name, route in sorted(ROUTES.items())
        if route.outside
        for role in Role.values
        if route.perm in ROLE_PERMISSIONS[role]
    ],
)
def test_object_outside_scope_is_404(client, world, name: str, role: str) -> None:
    route = ROUTES[name]
    client.force_login(world["users"][role])
    response = _call(client, route, name, route.outside(world), world)
    assert response.status_code == 404, (name, role)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_admin_is_closed_to_every_role_but_administrator(client, world, role: str) -> None:
    client.force_login(world["users"][role])
    response = client.get(reverse("admin:staffing_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_is_open_to_administrator_without_case_files(client, world) -> None:
    client.force_login(world["users"][Role.ADMINISTRATOR])
    assert client.get(reverse("admin:staffing_user_changelist")).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    # No case files in the admin: from the cases app only reference data — the activity
    # catalogue, the outcome instruments and their norm sets.
    cases_links = set(re.findall(r'href="(/admin/cases/[^"/]+/)"', index))
    assert cases_links == {
        "/admin/cases/activitytype/",
        "/admin/cases/instrument/",
        "/admin/cases/normset/",
    }


def test_admin_login_goes_through_the_one_sign_in_door(client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staffing:login"))
