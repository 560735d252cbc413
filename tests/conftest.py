"""Shared fixtures: one small world of two municipalities, one provider and people in every role.

``family`` belongs to Ishøj, its caseworker is ``radgiver``, and it has an active course at
the provider with ``assigned_worker`` (behandler) and ``team_colleague`` (pædagog).
"""

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.db import connection

from cases.models import Family
from staffing.models import Role, User
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
    fictional_cpr,
)
from tests.factories.staffing import MunicipalityFactory, ProviderFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("FB_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Service tests skip on the embedded default — unless CI demands the services."""
    from django.conf import settings

    is_pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            if REQUIRE_SERVICES:
                raise pytest.UsageError("FB_REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not settings.REDIS_URL:
            if REQUIRE_SERVICES:
                raise pytest.UsageError("FB_REQUIRE_SERVICES=1 but REDIS_URL is not set")
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_REQUIRED = False
    settings.SMALL_NUMBER_THRESHOLD = 5
    settings.HEALTHZ_CACHE_SECONDS = 0  # every test sees a fresh health check


@pytest.fixture(autouse=True)
def _private_media(settings: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Report files go to a temporary private storage, never to the checkout's."""
    from django.utils.functional import empty

    from familieberedskab.storage import private_storage

    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private-media")
    private_storage._wrapped = empty  # the lazy storage reads the setting again
    yield
    private_storage._wrapped = empty


@pytest.fixture
def ishoj(db: None):
    return MunicipalityFactory(name="Ishøj Kommune", municipality_code=183)


@pytest.fixture
def vallensbaek(db: None):
    return MunicipalityFactory(name="Vallensbæk Kommune", municipality_code=187)


@pytest.fixture
def provider(db: None, ishoj, vallensbaek):
    org = ProviderFactory(name="Familieværkstedet")
    org.serves.add(ishoj, vallensbaek)
    return org


@pytest.fixture
def other_provider(db: None):
    return ProviderFactory(name="Anden udfører")


@pytest.fixture
def radgiver(ishoj) -> User:
    return UserFactory(
        username="radgiver", full_name="Rikke Rådgiver", organisation=ishoj, roles=[Role.RADGIVER]
    )


@pytest.fixture
def same_municipality_radgiver(ishoj) -> User:
    return UserFactory(username="radgiver2", organisation=ishoj, roles=[Role.RADGIVER])


@pytest.fixture
def other_municipality_radgiver(vallensbaek) -> User:
    return UserFactory(username="vallensbaek", organisation=vallensbaek, roles=[Role.RADGIVER])


@pytest.fixture
def assigned_worker(provider) -> User:
    return UserFactory(username="behandler", organisation=provider, roles=[Role.BEHANDLER])


@pytest.fixture
def team_colleague(provider) -> User:
    return UserFactory(username="paedagog", organisation=provider, roles=[Role.PAEDAGOG])


@pytest.fixture
def outsider(provider) -> User:
    """A practitioner at the same provider who is not on this family's team."""
    return UserFactory(username="psykolog", organisation=provider, roles=[Role.PSYKOLOG])


@pytest.fixture
def leader(provider) -> User:
    return UserFactory(username="leder", organisation=provider, roles=[Role.LEDER])


@pytest.fixture
def other_provider_leader(other_provider) -> User:
    return UserFactory(username="leder2", organisation=other_provider, roles=[Role.LEDER])


@pytest.fixture
def projektleder(provider) -> User:
    return UserFactory(username="projektleder", organisation=provider, roles=[Role.PROJEKTLEDER])


@pytest.fixture
def administrator(provider) -> User:
    return UserFactory(username="admin", organisation=provider, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def family(ishoj, radgiver, provider, assigned_worker, team_colleague) -> Family:
    family = FamilyFactory(
        name="Familien Holmgård", municipality=ishoj, caseworker=radgiver, created_by=radgiver
    )
    FamilyMemberFactory(
        family=family,
        kind="caregiver",
        first_name="Mette",
        last_name="Holmgård",
        birth_date=dt.date(1988, 5, 2),
        cpr=fictional_cpr(dt.date(1988, 5, 2)),
    )
    FamilyMemberFactory(
        family=family,
        first_name="Noah",
        last_name="Holmgård",
        birth_date=dt.date(2016, 9, 30),
        cpr=fictional_cpr(dt.date(2016, 9, 30)),
    )
    course = CourseFactory(family=family, provider=provider)
    TeamAssignmentFactory(course=course, user=assigned_worker, role=Role.BEHANDLER)
    TeamAssignmentFactory(course=course, user=team_colleague, role=Role.PAEDAGOG)
    return family


@pytest.fixture
def other_family(vallensbaek, other_municipality_radgiver) -> Family:
    family = FamilyFactory(
        name="Familien Fjordvang",
        municipality=vallensbaek,
        caseworker=other_municipality_radgiver,
        created_by=other_municipality_radgiver,
    )
    FamilyMemberFactory(family=family, first_name="Ida", last_name="Fjordvang")
    return family


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def evaluator(provider) -> User:
    return UserFactory(username="evaluator", organisation=provider, roles=[Role.EVALUATOR])


# Reference data that data migrations seed (competences, legal bases, the activity catalogue,
# the instruments and their norm bands). A transactional test (live_server, a real worker)
# empties every table when it ends, so the tests after it would find none: put it back.
_SEEDS = (
    ("staffing", "0003_seed_competences"),
    ("visitation", "0002_seed_legal_bases"),
    ("cases", "0011_seed_activity_catalogue"),
    ("cases", "0013_seed_instruments_and_uk_sdq_bands"),
)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for app, name in _SEEDS:
        importlib.import_module(f"{app}.migrations.{name}").seed(apps, None)
