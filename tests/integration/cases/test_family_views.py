import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Family, FamilyMember
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import FamilyFactory, FamilyMemberFactory, fictional_cpr

CREATE = reverse("cases:family_create")


def _formset(*members: dict, prefix: str = "members", initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(members)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for i, member in enumerate(members):
        defaults = {"language": "dansk"}
        for key, value in {**defaults, **member}.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def _payload(municipality, *members: dict, **family: str) -> dict:
    base = {
        "name": "Familien Engtoft",
        "municipality": municipality.pk,
        "street_address": "Engvej 3",
        "postal_code": "2635",
        "city": "Ishøj",
    }
    return {**base, **family, **_formset(*members)}


CHILD_CPR = fictional_cpr(dt.date(2017, 4, 12))
MOTHER = {
    "kind": "caregiver",
    "first_name": "Sofie",
    "last_name": "Engtoft",
    "birth_date": "1990-01-15",
    "relation": "mor",
}
CHILD = {
    "kind": "child",
    "first_name": "Malthe",
    "last_name": "Engtoft",
    "cpr_number": f"{CHILD_CPR[:6]}-{CHILD_CPR[6:]}",
    "relation": "barn",
}


def test_radgiver_creates_family_with_members_and_audit(client, radgiver, ishoj) -> None:
    client.force_login(radgiver)

    response = client.post(CREATE, _payload(ishoj, MOTHER, CHILD))

    assert response.status_code == 302
    family = Family.objects.get(name="Familien Engtoft")
    assert family.caseworker == radgiver and family.municipality == ishoj
    child = family.members.get(kind="child")
    assert child.birth_date == dt.date(2017, 4, 12)  # derived from the CPR number
    assert child.cpr_digits() == CHILD_CPR
    events = AuditEvent.objects.filter(family_id=family.pk, action=AuditAction.CREATE)
    assert {e.object_type for e in events} == {"cases.family", "cases.familymember"}
    member_event = events.get(object_id=str(child.pk))
    assert "cpr" in member_event.fields
    assert CHILD_CPR not in str(member_event.values) and "Malthe" not in str(member_event.values)


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"members-1-cpr_number": "12345"}, "Et CPR-nummer har 10 cifre"),
        ({"members-1-cpr_number": "320117-1234"}, "gyldig fødselsdato"),
        (
            {"members-0-birth_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
            "fremtiden",
        ),
        ({"name": "x" * 201}, "højst have 200 tegn"),
        ({"postal_code": "26X5"}, "Et postnummer har 4 cifre"),
        ({"members-1-kind": "caregiver"}, "mindst ét barn"),
    ],
)
def test_bad_input_gets_a_danish_message_and_keeps_what_was_typed(
    client, radgiver, ishoj, change, field_message
) -> None:
    client.force_login(radgiver)
    payload = {**_payload(ishoj, MOTHER, CHILD), **change}

    response = client.post(CREATE, payload)

    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html
    assert "alt, du har skrevet, er bevaret" in html
    assert 'value="Sofie"' in html and 'value="Engvej 3"' in html  # nothing typed is lost
    assert not Family.objects.exists()


def test_wrong_municipality_is_refused_with_a_message(client, radgiver, ishoj, vallensbaek) -> None:
    client.force_login(radgiver)

    response = client.post(CREATE, _payload(vallensbaek, MOTHER, CHILD))

    assert response.status_code == 400
    assert "kun registrere familier i din egen kommune (Ishøj Kommune)" in response.content.decode()
    assert not Family.objects.exists()


def test_a_cpr_number_already_registered_is_refused(client, radgiver, ishoj, family) -> None:
    existing = family.members.get(kind="child").cpr_digits()
    client.force_login(radgiver)

    response = client.post(CREATE, _payload(ishoj, MOTHER, {**CHILD, "cpr_number": existing}))

    assert response.status_code == 400
    assert "allerede registreret en person med dette CPR-nummer" in response.content.decode()


def test_the_same_cpr_twice_in_one_form_is_refused(client, radgiver, ishoj) -> None:
    client.force_login(radgiver)
    twin = {**CHILD, "first_name": "Emil"}

    response = client.post(CREATE, _payload(ishoj, MOTHER, CHILD, twin))

    assert response.status_code == 400
    assert "Det samme CPR-nummer står ved to personer" in response.content.decode()


def test_radgiver_edits_family_and_audit_names_changed_fields(client, radgiver, family) -> None:
    client.force_login(radgiver)
    members = list(family.members.order_by("kind", "birth_date", "pk"))
    forms = [
        {
            "id": m.pk,
            "kind": m.kind,
            "first_name": m.first_name,
            "last_name": m.last_name,
            "birth_date": m.birth_date.isoformat(),
            "relation": m.relation,
            "language": m.language,
        }
        for m in members
    ]
    forms[0]["interpreter_needed"] = "on"
    payload = {
        "name": family.name,
        "municipality": family.municipality_id,
        "street_address": "Ny vej 9",
        "postal_code": "2635",
        "city": "Ishøj",
        **_formset(*forms, initial=len(forms)),
    }

    response = client.post(reverse("cases:family_edit", args=[family.pk]), payload)

    assert response.status_code == 302, response.content.decode()[:2000]
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cases.family")
    assert update.fields == ["street_address"]
    assert update.values == {}  # an address is personal: its value is not logged
    member_update = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="cases.familymember"
    )
    assert member_update.fields == ["interpreter_needed"]
    assert member_update.values == {"interpreter_needed": True}


def test_cpr_reveal_is_audited_and_only_for_the_radgiver(
    client, radgiver, assigned_worker, family
) -> None:
    child = family.members.get(kind="child")
    url = reverse("cases:member_cpr_reveal", args=[family.pk, child.pk])
    client.force_login(assigned_worker)
    detail = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert child.cpr_masked in detail
    assert child.cpr_digits()[6:] not in detail.replace(child.cpr_masked, "")
    assert client.post(url).status_code == 403

    client.force_login(radgiver)
    response = client.post(url)

    assert response.status_code == 200
    digits = child.cpr_digits()
    assert f"{digits[:6]}-{digits[6:]}" in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CPR_REVEAL, actor=radgiver, object_id=str(child.pk)
        ).count()
        == 1
    )


def test_search_by_name_and_by_cpr_keeps_the_number_out_of_urls(
    client, radgiver, family, ishoj
) -> None:
    FamilyFactory(
        name="Familien Rosendahl", municipality=ishoj, caseworker=radgiver, created_by=radgiver
    )
    client.force_login(radgiver)

    by_name = client.post(reverse("cases:family_list"), {"q": "holmg"}, follow=True)
    assert [f.name for f in by_name.context["page"].object_list] == ["Familien Holmgård"]

    digits = family.members.get(kind="child").cpr_digits()
    by_cpr = client.post(reverse("cases:family_list"), {"q": digits}, follow=True)
    assert [f.name for f in by_cpr.context["page"].object_list] == ["Familien Holmgård"]
    assert all(digits not in url for url, _ in by_cpr.redirect_chain)
    assert digits not in str(dict(client.session))

    reset = client.post(reverse("cases:family_list"), {"reset": "1"}, follow=True)
    assert reset.context["page"].paginator.count == 2


def test_cpr_search_finds_nothing_outside_scope(
    client, other_municipality_radgiver, family
) -> None:
    client.force_login(other_municipality_radgiver)
    digits = family.members.get(kind="child").cpr_digits()

    response = client.post(reverse("cases:family_list"), {"q": digits}, follow=True)

    assert response.context["page"].paginator.count == 0


def test_family_list_is_paginated_and_query_count_is_flat(
    client, radgiver, ishoj, settings, django_assert_max_num_queries
) -> None:
    settings.PAGE_SIZE = 10
    for i in range(25):
        family = FamilyFactory(
            name=f"Familien {i:02d}", municipality=ishoj, caseworker=radgiver, created_by=radgiver
        )
        FamilyMemberFactory(family=family)
    client.force_login(radgiver)

    with django_assert_max_num_queries(11):
        response = client.get(reverse("cases:family_list"))

    assert response.context["page"].paginator.num_pages == 3
    assert len(response.context["page"].object_list) == 10
    with django_assert_max_num_queries(11):
        client.get(reverse("cases:family_list"), {"page": 3})


def test_family_detail_query_count_does_not_grow_with_members(
    client, radgiver, family, django_assert_max_num_queries
) -> None:
    for _ in range(10):
        FamilyMemberFactory(family=family)
    client.force_login(radgiver)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases:family_detail", args=[family.pk]))

    assert response.status_code == 200


def test_start_page_query_count_is_flat(
    client,
    radgiver,
    leader,
    projektleder,
    assigned_worker,
    family,
    ishoj,
    django_assert_max_num_queries,
) -> None:
    for i in range(15):
        FamilyFactory(
            name=f"Familien {i}", municipality=ishoj, caseworker=radgiver, created_by=radgiver
        )
    for user in (radgiver, leader, projektleder, assigned_worker):
        client.force_login(user)
        # 22: the meetings panel adds its query and, when it shows meetings, their audit row.
        with django_assert_max_num_queries(22):
            assert client.get(reverse("home")).status_code == 200


def test_projektleder_start_page_shows_suppressed_counts_only(client, projektleder, family) -> None:
    client.force_login(projektleder)

    html = client.get(reverse("home")).content.decode()

    assert "&lt;5" in html
    assert family.name not in html


def test_member_delete_is_audited(client, radgiver, family) -> None:
    FamilyMemberFactory(family=family, first_name="Ekstra")
    client.force_login(radgiver)
    members = list(family.members.order_by("kind", "birth_date", "pk"))
    forms = [
        {
            "id": m.pk,
            "kind": m.kind,
            "first_name": m.first_name,
            "last_name": m.last_name,
            "birth_date": m.birth_date.isoformat(),
            "language": m.language,
        }
        for m in members
    ]
    extra_index = next(i for i, m in enumerate(members) if m.first_name == "Ekstra")
    forms[extra_index]["DELETE"] = "on"
    payload = {
        "name": family.name,
        "municipality": family.municipality_id,
        "street_address": family.street_address,
        "postal_code": family.postal_code,
        "city": family.city,
        **_formset(*forms, initial=len(forms)),
    }

    response = client.post(reverse("cases:family_edit", args=[family.pk]), payload)

    assert response.status_code == 302
    assert not FamilyMember.objects.filter(first_name="Ekstra").exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, family_id=family.pk).count() == 1
