"""The activity catalogue is maintained by administrators in the admin, audited; activities
are retired, never deleted (visits refer to them)."""

import pytest
from django.urls import reverse

from cases.models import ActivityType
from familieberedskab.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_catalogue_is_seeded_with_elements() -> None:
    multifamily = ActivityType.objects.get(code="multifamily")
    assert multifamily.elements == [6]
    assert ActivityType.objects.get(code="network_meeting").elements == [7]
    assert ActivityType.objects.filter(is_active=True).count() >= 12


def test_administrator_adds_an_activity_with_elements(client, administrator) -> None:
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_activitytype_add"),
        {
            "code": "nvr",
            "name": "NVR-forældresamtale",
            "group": "Metode",
            "elements": ["4", "5"],
            "order": "200",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = ActivityType.objects.get(code="nvr")
    assert activity.elements == [4, 5]
    assert AuditEvent.objects.filter(object_type="cases.activitytype", action="create").exists()


def test_activities_cannot_be_deleted(client, administrator) -> None:
    client.force_login(administrator)
    activity = ActivityType.objects.get(code="meals")
    response = client.get(reverse("admin:cases_activitytype_delete", args=[activity.pk]))
    assert response.status_code == 403


def test_practitioners_do_not_reach_the_catalogue(client, assigned_worker) -> None:
    client.force_login(assigned_worker)
    response = client.get(reverse("admin:cases_activitytype_changelist"))
    assert response.status_code == 302
