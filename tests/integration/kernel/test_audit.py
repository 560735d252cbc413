import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction, AuditEvent


def test_viewing_a_family_writes_an_audit_row(client, family, radgiver, settings) -> None:
    settings.TRUST_REQUEST_ID_HEADER = True  # behind a proxy that sets it
    client.force_login(radgiver)

    response = client.get(
        reverse("cases:family_detail", args=[family.pk]), HTTP_X_REQUEST_ID="req-test-0001"
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW, family_id=family.pk)
    assert event.actor == radgiver
    assert event.object_type == "cases.family"
    assert event.object_id == str(family.pk)
    assert event.request_id == "req-test-0001"
    assert response["X-Request-ID"] == "req-test-0001"


def test_listing_families_audits_each_family_shown(client, family, radgiver) -> None:
    client.force_login(radgiver)

    client.get(reverse("cases:family_list"))

    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LIST, family_id=family.pk, actor=radgiver
        ).count()
        == 1
    )


def test_a_refused_view_writes_no_view_row(client, family, other_municipality_radgiver) -> None:
    client.force_login(other_municipality_radgiver)

    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(db, radgiver) -> None:
    event = audit_log(by=radgiver, action=AuditAction.VIEW, object_type="x")

    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE kernel_auditevent SET detail = 'forged'",
        "DELETE FROM kernel_auditevent",
    ],
)
def test_audit_table_refuses_update_and_delete_in_postgres(db, radgiver, sql: str) -> None:
    audit_log(by=radgiver, action=AuditAction.VIEW, object_type="x")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql)

    assert AuditEvent.objects.filter(detail="").count() == 1


@pytest.mark.postgres
def test_audit_trigger_is_installed(db) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger"
            " WHERE tgrelid = 'kernel_auditevent'::regclass AND NOT tgisinternal"
        )
        names = {row[0] for row in cur.fetchall()}
    assert names == {"kernel_auditevent_no_update_delete", "kernel_auditevent_no_truncate"}


def test_leader_searches_audit_by_family_and_the_search_is_logged(
    client, family, radgiver, leader
) -> None:
    client.force_login(radgiver)
    client.get(reverse("cases:family_detail", args=[family.pk]))
    client.force_login(leader)

    response = client.get(reverse("audit_list"), {"family_id": family.pk, "action": "view"})

    assert response.status_code == 200
    assert "Rikke Rådgiver" in response.content.decode()
    search = AuditEvent.objects.get(action=AuditAction.SEARCH, actor=leader)
    assert f"'family_id': '{family.pk}'" in search.detail


def test_leader_does_not_see_audit_of_families_outside_scope(
    client, other_family, other_municipality_radgiver, leader
) -> None:
    client.force_login(other_municipality_radgiver)
    client.get(reverse("cases:family_detail", args=[other_family.pk]))
    client.force_login(leader)

    response = client.get(reverse("audit_list"), {"family_id": other_family.pk})

    assert "Ingen hændelser" in response.content.decode()


def test_audit_list_query_count_does_not_grow(
    client, family, radgiver, leader, django_assert_max_num_queries
) -> None:
    for _ in range(40):
        audit_log(by=radgiver, action=AuditAction.VIEW, obj=family, family_id=family.pk)
    client.force_login(leader)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit_list"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 40


def test_cpr_search_never_writes_the_number_to_the_audit_log(client, family, radgiver) -> None:
    child = family.members.get(kind="child")
    digits = child.cpr_digits()
    client.force_login(radgiver)

    client.post(reverse("cases:family_list"), {"q": f"{digits[:6]}-{digits[6:]}"})

    for event in AuditEvent.objects.all():
        assert digits not in str(event.__dict__)
        assert digits[6:] not in event.detail
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, detail="CPR-søgning").exists()
