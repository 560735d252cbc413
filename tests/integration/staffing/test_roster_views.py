"""The staff roster (leaders, administrators) and the practitioner's own profile."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familieberedskab.models import AuditAction, AuditEvent
from staffing import services
from staffing.models import Role, StaffCompetence, StaffProfile
from tests.factories.cases import TeamAssignmentFactory
from tests.factories.staffing import UserFactory
from tests.factories.visitation import (
    CompetenceFactory,
    StaffCompetenceFactory,
    StaffProfileFactory,
)

ROSTER = reverse("staffing:roster_list")
PROFILE = reverse("staffing:profile")
TODAY = timezone.localdate()


def _edit_url(user) -> str:
    return reverse("staffing:roster_edit", args=[user.pk])


def _formset(*rows: dict, initial: int = 0) -> dict:
    data = {
        "competences-TOTAL_FORMS": str(len(rows)),
        "competences-INITIAL_FORMS": str(initial),
        "competences-MIN_NUM_FORMS": "0",
        "competences-MAX_NUM_FORMS": "40",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"competences-{i}-{key}"] = value
    return data


@pytest.fixture
def sos():
    return CompetenceFactory(name="Signs of Safety", kind="method")


@pytest.fixture
def marte_meo():
    return CompetenceFactory(name="Marte Meo", kind="method")


@pytest.fixture
def violence():
    return CompetenceFactory(name="Vold i familien")


def _row(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


# Roster list -------------------------------------------------------------------------------


def test_roster_lists_own_practitioners_with_hours_and_competences(
    client, leader, family, assigned_worker, team_colleague, other_provider, sos, marte_meo
) -> None:
    StaffProfileFactory(user=assigned_worker, contracted_hours=Decimal("37"), flexible_share=30)
    StaffCompetenceFactory(user=assigned_worker, competence=sos, certified_on=dt.date(2023, 2, 1))
    StaffCompetenceFactory(
        user=assigned_worker,
        competence=marte_meo,
        certified_on=dt.date(2020, 5, 4),
        expires_on=TODAY - dt.timedelta(days=1),
    )
    elsewhere = UserFactory(
        full_name="Anne Andetsteds", organisation=other_provider, roles=[Role.BEHANDLER]
    )
    client.force_login(leader)

    response = client.get(ROSTER)

    assert response.status_code == 200
    html = response.content.decode()
    row = _row(html, assigned_worker.full_name)
    # contracted 37, 12 on the family's course (conftest), 25 free, 30 % flexible
    assert re.findall(r">([\d,]+) t<", row) == ["37,0", "12,0", "25,0"]
    assert "30 %" in row and "Familiebehandler" in row
    assert "Signs of Safety" in row and "cert. 01.02.2023" in row
    assert "Marte Meo" in row and "udløbet" in row
    assert "Ingen profil endnu" in _row(html, team_colleague.full_name)  # listed all the same
    assert elsewhere.full_name not in html
    assert leader.full_name not in html.split('data-testid="roster"')[1]  # not a practitioner


def test_administrator_of_the_organisation_sees_the_roster(
    client, administrator, assigned_worker
) -> None:
    client.force_login(administrator)

    response = client.get(ROSTER)

    assert response.status_code == 200
    assert assigned_worker.full_name in response.content.decode()


def test_roster_query_count_does_not_grow_with_rows(client, leader, provider, sos) -> None:
    def seed(n: int) -> None:
        for _ in range(n):
            user = UserFactory(organisation=provider, roles=[Role.BEHANDLER, Role.PSYKOLOG])
            StaffProfileFactory(user=user)
            StaffCompetenceFactory(user=user, competence=sos)
            StaffCompetenceFactory(user=user)
            TeamAssignmentFactory(user=user, course__provider=provider)

    seed(2)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ROSTER).status_code == 200
    seed(12)

    with CaptureQueriesContext(connection) as many:
        assert client.get(ROSTER).status_code == 200

    assert len(many) == len(few)
    assert len(many) <= 12


# Roster edit -------------------------------------------------------------------------------


def test_leader_edits_profile_and_competences_audited(
    client, leader, assigned_worker, sos, marte_meo, violence
) -> None:
    StaffProfileFactory(user=assigned_worker, contracted_hours=Decimal("37"), flexible_share=10)
    StaffCompetenceFactory(user=assigned_worker, competence=sos, certified_on=dt.date(2023, 2, 1))
    StaffCompetenceFactory(user=assigned_worker, competence=marte_meo)
    client.force_login(leader)
    page = client.get(_edit_url(assigned_worker)).content.decode()

    response = client.post(
        _edit_url(assigned_worker),
        {
            "contracted_hours": "30",
            "flexible_share": "40",
            **_formset(
                {"competence": sos.pk, "certified_on": "2023-02-01", "expires_on": "2027-02-01"},
                {"competence": marte_meo.pk, "certified_on": "", "DELETE": "on"},
                {"competence": violence.pk, "certified_on": "", "expires_on": ""},
                initial=2,
            ),
        },
    )

    assert 'name="contracted_hours"' in page and "Signs of Safety" in page
    assert response.status_code == 302 and response["Location"] == ROSTER
    profile = StaffProfile.objects.get(user=assigned_worker)
    assert (profile.contracted_hours, profile.flexible_share) == (Decimal("30.0"), 40)
    held = {sc.competence.name: sc.expires_on for sc in assigned_worker.competences.all()}
    assert held == {"Signs of Safety": dt.date(2027, 2, 1), "Vold i familien": None}
    profile_event = AuditEvent.objects.get(object_type="staffing.staffprofile", actor=leader)
    assert sorted(profile_event.fields) == ["contracted_hours", "flexible_share"]
    competence_event = AuditEvent.objects.get(
        object_type="staffing.user", action=AuditAction.UPDATE, actor=leader
    )
    assert competence_event.values == {
        "added": [violence.pk],
        "changed": [sos.pk],
        "removed": [marte_meo.pk],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contracted_hours": "61"}, "mindre end eller lig 60"),
        ({"flexible_share": "101"}, "mindre end eller lig 100"),
        (
            {"competences-0-certified_on": "2024-05-01", "competences-0-expires_on": "2024-01-01"},
            "Udløbsdatoen kan ikke ligge før certificeringen.",
        ),
        ({"competences-1-competence": "same as row 0"}, "Den samme kompetence står flere gange."),
    ],
)
def test_roster_edit_bad_input_is_400_and_keeps_what_was_typed(
    client, leader, assigned_worker, sos, violence, change, message
) -> None:
    client.force_login(leader)
    data = {
        "contracted_hours": "32.5",
        "flexible_share": "25",
        **_formset(
            {"competence": violence.pk, "certified_on": "2022-03-04"}, {"competence": sos.pk}
        ),
    }
    data.update({k: violence.pk if v == "same as row 0" else v for k, v in change.items()})

    response = client.post(_edit_url(assigned_worker), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "alt, du har skrevet, er bevaret" in html
    assert 'value="2022-03-04"' in html or "competences-0-certified_on" in change
    assert not StaffProfile.objects.filter(user=assigned_worker).exists()
    assert not StaffCompetence.objects.filter(user=assigned_worker).exists()


@pytest.mark.parametrize("who", ["other_provider_leader", "leader"])
def test_roster_edit_outside_own_organisation_or_of_a_non_practitioner_is_404(
    client, request, who, assigned_worker, projektleder
) -> None:
    client.force_login(request.getfixturevalue(who))
    target = assigned_worker if who == "other_provider_leader" else projektleder

    assert client.get(_edit_url(target)).status_code == 404
    assert client.post(_edit_url(target), {"flexible_share": "50"}).status_code == 404
    assert not StaffProfile.objects.exists()


def test_practitioner_cannot_use_the_roster(client, assigned_worker, team_colleague) -> None:
    client.force_login(assigned_worker)

    assert client.get(ROSTER).status_code == 403
    assert client.get(_edit_url(team_colleague)).status_code == 403


# Own profile -------------------------------------------------------------------------------


def test_practitioner_updates_own_flexible_share_and_competences(
    client, team_colleague, sos
) -> None:
    StaffProfileFactory(user=team_colleague, contracted_hours=Decimal("32"), flexible_share=10)
    client.force_login(team_colleague)
    page = client.get(PROFILE).content.decode()

    response = client.post(
        PROFILE,
        {
            "contracted_hours": "60",  # not theirs to set: ignored
            "flexible_share": "45",
            **_formset({"competence": sos.pk, "certified_on": "2024-09-01"}),
        },
    )

    assert 'name="contracted_hours"' not in page and "ændres af din leder" in page
    assert response.status_code == 302 and response["Location"] == PROFILE
    profile = StaffProfile.objects.get(user=team_colleague)
    assert (profile.contracted_hours, profile.flexible_share) == (Decimal("32.0"), 45)
    assert team_colleague.competences.get().certified_on == dt.date(2024, 9, 1)
    assert AuditEvent.objects.filter(actor=team_colleague, object_type="staffing.user").exists()
    assert "Profilen er gemt." in client.get(PROFILE).content.decode()


def test_profile_without_a_profile_yet_is_created_with_the_default_hours(client, outsider) -> None:
    client.force_login(outsider)

    response = client.post(PROFILE, {"flexible_share": "20", **_formset()})

    assert response.status_code == 302
    assert StaffProfile.objects.get(user=outsider).contracted_hours == Decimal("37.0")


def test_profile_service_refuses_own_contracted_hours_and_other_people(
    assigned_worker, team_colleague, other_provider_leader, leader
) -> None:
    with pytest.raises(ValidationError, match="ændres af din leder"):
        services.staff_profile_update(
            by=assigned_worker, user=assigned_worker, data={"contracted_hours": Decimal("60")}
        )
    with pytest.raises(PermissionDenied):
        services.staff_profile_update(
            by=assigned_worker, user=team_colleague, data={"flexible_share": 10}
        )
    with pytest.raises(PermissionDenied):
        services.staff_competences_set(by=other_provider_leader, user=assigned_worker, rows=[])
    with pytest.raises(PermissionDenied):
        services.staff_profile_update(by=leader, user=leader, data={"flexible_share": 10})
    assert not StaffProfile.objects.exists()
