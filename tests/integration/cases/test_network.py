"""The family's network, reached per course: who reads and writes, relations only to this
family's members, snapshots that keep the old map, network meetings with validated
participants, the family's own words on maps and meetings, the audit trail and flat query
counts."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from cases import network_services as network
from cases.models import (
    Course,
    CourseStatus,
    NetworkKind,
    NetworkMeeting,
    NetworkMember,
    NetworkSnapshot,
)
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import CourseFactory


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def add(by, course, name="Mormor Inge", kind=NetworkKind.RELATIVE, closeness=5, relations=None):
    data = {
        "name": name,
        "kind": kind,
        "closeness": closeness,
        "support_given": "Henter Noah fredag",
        "support_possible": "",
    }
    return network.network_member_save(by=by, course=course, data=data, relations=relations)


def form_data(course: Course, **extra: object) -> dict:
    child = course.family.members.get(first_name="Noah")
    return {
        "name": "Træner Ali",
        "kind": "leisure",
        "closeness": "4",
        "support_given": "Kører Noah til fodbold",
        "support_possible": "Kan tale med far",
        f"relation_{child.pk}": "fodboldtræner",
        **extra,
    }


# The rules ----------------------------------------------------------------------------------


def test_add_a_person_with_a_relation_on_the_page(client, course, radgiver) -> None:
    client.force_login(radgiver)

    response = client.post(url("network_detail", course), form_data(course))

    member = NetworkMember.objects.get()
    assert response.status_code == 302
    assert member.family_id == course.family_id
    assert member.closeness == 4
    assert [r.description for r in member.relations.all()] == ["fodboldtræner"]
    page = client.get(url("network_detail", course)).content.decode()
    assert "Træner Ali" in page
    assert "fodboldtræner" in page
    assert "<svg" in page


def test_relations_only_to_this_familys_members(course, radgiver, other_family) -> None:
    stranger = other_family.members.get()

    with pytest.raises(ValidationError) as exc:
        add(radgiver, course, relations={stranger.pk: "nabo"})

    assert "relations" in exc.value.message_dict
    assert not NetworkMember.objects.exists()


def test_edit_replaces_relations(client, course, radgiver) -> None:
    mother = course.family.members.get(first_name="Mette")
    child = course.family.members.get(first_name="Noah")
    member = add(radgiver, course, relations={mother.pk: "mor", child.pk: "mormor"})
    client.force_login(radgiver)

    assert client.get(url("network_member_edit", course, member.pk)).status_code == 200
    response = client.post(
        url("network_member_edit", course, member.pk),
        form_data(course, name="Mormor Inge", **{f"relation_{child.pk}": "mormor"}),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Mormor Inge"
    assert {(r.family_member_id, r.description) for r in member.relations.all()} == {
        (child.pk, "mormor")
    }


def test_deactivate_takes_the_person_off_the_live_network(client, course, radgiver) -> None:
    member = add(radgiver, course)
    client.force_login(radgiver)

    assert client.get(url("network_member_deactivate", course, member.pk)).status_code == 405
    response = client.post(url("network_member_deactivate", course, member.pk))

    member.refresh_from_db()
    assert response.status_code == 302
    assert not member.is_active
    assert (
        'data-testid="network-empty"' in client.get(url("network_detail", course)).content.decode()
    )


def test_snapshot_keeps_the_old_map(client, course, radgiver) -> None:
    child = course.family.members.get(first_name="Noah")
    old = add(radgiver, course, name="Mormor Inge", relations={child.pk: "mormor"})
    client.force_login(radgiver)
    response = client.post(
        url("network_snapshot_create", course), {"taken_on": "2026-01-10", "note": "Start"}
    )
    snapshot = NetworkSnapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("network_snapshot_detail", course, snapshot.pk)
    assert snapshot.data == [
        {
            "name": "Mormor Inge",
            "kind": "relative",
            "closeness": 5,
            "relations": [{"member": str(child), "description": "mormor"}],
        }
    ]

    network.network_member_deactivate(by=radgiver, course=course, member=old)
    add(radgiver, course, name="Nabo Karen", kind=NetworkKind.NEIGHBOUR, closeness=2)
    old_page = client.get(url("network_snapshot_detail", course, snapshot.pk)).content.decode()
    live_page = client.get(url("network_detail", course)).content.decode()

    old_map = old_page.split('data-testid="network-map"', 1)[1].split("</svg>")[0]
    live_map = live_page.split('data-testid="network-map"', 1)[1].split("</svg>")[0]
    assert "Mormor Inge" in old_map and "Nabo Karen" not in old_map
    assert "Nabo Karen" in live_map and "Mormor Inge" not in live_map


def test_meeting_participants_are_validated(
    course, radgiver, assigned_worker, outsider, other_family
) -> None:
    mormor = add(radgiver, course)
    mother = course.family.members.get(first_name="Mette")
    stranger_member = other_family.members.get()
    foreign = NetworkMember.objects.create(
        family=other_family, name="Fremmed", kind=NetworkKind.FRIEND
    )

    meeting = network.network_meeting_record(
        by=radgiver,
        course=course,
        held_on=dt.date(2026, 2, 1),
        notes="Mormor henter fredag.",
        network_ids=[mormor.pk],
        family_ids=[mother.pk],
        staff_ids=[assigned_worker.pk, radgiver.pk],
    )
    assert set(meeting.staff_participants.all()) == {assigned_worker, radgiver}
    assert list(meeting.network_participants.all()) == [mormor]

    for bad in (
        {"network_ids": [foreign.pk]},
        {"family_ids": [stranger_member.pk]},
        {"staff_ids": [outsider.pk]},
    ):
        with pytest.raises(ValidationError):
            network.network_meeting_record(
                by=radgiver, course=course, held_on=dt.date(2026, 2, 2), **bad
            )
    assert NetworkMeeting.objects.count() == 1


def test_meeting_form_records_and_refuses_a_stranger(
    client, course, radgiver, assigned_worker, outsider
) -> None:
    mormor = add(radgiver, course)
    client.force_login(radgiver)

    assert client.get(url("network_meeting_create", course)).status_code == 200
    bad = client.post(
        url("network_meeting_create", course),
        {"held_on": "2026-02-01", "staff_participants": [outsider.pk], "notes": "Aftale"},
    )
    assert bad.status_code == 400
    assert "Aftale" in bad.content.decode()
    ok = client.post(
        url("network_meeting_create", course),
        {
            "held_on": "2026-02-01",
            "network_participants": [mormor.pk],
            "staff_participants": [assigned_worker.pk],
            "notes": "Aftale",
        },
    )
    assert ok.status_code == 302
    meeting = NetworkMeeting.objects.get()
    assert list(meeting.network_participants.all()) == [mormor]
    assert "Aftale" in client.get(url("network_detail", course)).content.decode()


def test_closed_course_is_refused(client, course, radgiver) -> None:
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED)

    with pytest.raises(ValidationError, match="afsluttet"):
        add(radgiver, course)
    client.force_login(radgiver)
    response = client.post(url("network_detail", course), form_data(course))

    assert response.status_code == 400
    assert "Forløbet er afsluttet. Netværket kan ikke ændres." in response.content.decode()
    assert "Kører Noah til fodbold" in response.content.decode()
    assert not NetworkMember.objects.exists()


def test_bad_input_is_400_in_danish(client, course, radgiver) -> None:
    client.force_login(radgiver)

    response = client.post(url("network_detail", course), form_data(course, name=""))

    assert response.status_code == 400
    assert "Skriv personens navn." in response.content.decode()
    assert not NetworkMember.objects.exists()


# The family's own words ---------------------------------------------------------------------

WORDS = "Mormor er vores klippe.\nVi vil gerne se naboen mere."


def marked_words(page: str, testid: str) -> str:
    """The quote with ``testid`` and the caption before it, as the page shows them."""
    head, quote = page.split(f'data-testid="{testid}"', 1)
    caption = head.rsplit("<figcaption", 1)[1]
    return caption + quote.split("</blockquote>", 1)[0]


def test_snapshot_keeps_the_familys_words_and_shows_them_marked(client, course, radgiver) -> None:
    add(radgiver, course)
    client.force_login(radgiver)

    response = client.post(
        url("network_snapshot_create", course),
        {"taken_on": "2026-01-10", "note": "Start", "family_perspective": f"  {WORDS}  "},
    )

    snapshot = NetworkSnapshot.objects.get()
    assert response.status_code == 302
    assert snapshot.family_perspective == WORDS  # stripped
    detail = client.get(url("network_snapshot_detail", course, snapshot.pk)).content.decode()
    shown = marked_words(detail, "network-snapshot-family-words")
    assert "Familiens egne ord" in shown
    assert "Mormor er vores klippe.<br>Vi vil gerne se naboen mere." in shown
    live = client.get(url("network_detail", course)).content.decode()
    shown = marked_words(live, "family-words-text")
    assert "Familiens egne ord" in shown and "fra netværkskortet 10.01.2026" in shown
    assert "Mormor er vores klippe." in shown


def test_snapshot_without_words_says_so(client, course, radgiver) -> None:
    snapshot = network.network_snapshot_take(
        by=radgiver, course=course, taken_on=dt.date(2026, 1, 10)
    )
    client.force_login(radgiver)

    detail = client.get(url("network_snapshot_detail", course, snapshot.pk)).content.decode()
    live = client.get(url("network_detail", course)).content.decode()

    assert "Familiens egne ord er ikke skrevet." in detail
    assert 'data-testid="network-snapshot-family-words"' not in detail
    assert 'data-testid="network-latest-family-words"' not in live


def test_meeting_keeps_the_familys_words_and_shows_them_marked(
    client, course, radgiver, assigned_worker
) -> None:
    mormor = add(radgiver, course)
    client.force_login(assigned_worker)

    response = client.post(
        url("network_meeting_create", course),
        {
            "held_on": "2026-02-01",
            "network_participants": [mormor.pk],
            "notes": "Mormor henter fredag.",
            "family_perspective": f"\n{WORDS}\n",
        },
    )

    meeting = NetworkMeeting.objects.get()
    assert response.status_code == 302
    assert meeting.family_perspective == WORDS
    assert meeting.notes == "Mormor henter fredag."
    page = client.get(url("network_detail", course)).content.decode()
    item = page.split('data-testid="network-meeting"', 1)[1].split("</li>", 1)[0]
    shown = marked_words(item, "network-meeting-family-words")
    assert "Familiens egne ord" in shown
    assert "Mormor er vores klippe.<br>Vi vil gerne se naboen mere." in shown
    assert "Mormor henter fredag." in item


def test_the_familys_words_fields_are_marked_in_the_forms(client, course, radgiver) -> None:
    client.force_login(radgiver)

    for name in ("network_detail", "network_meeting_create"):
        page = client.get(url(name, course)).content.decode()
        head = page.split('name="family_perspective"', 1)[0]
        assert "family-words-field" in head, name
        inside = head.rsplit("family-words-field", 1)[1]
        assert inside.count("<div") >= inside.count("</div>"), name  # the wrapper is still open
        assert "Familiens egne ord om" in inside.rsplit("<label", 1)[1]


def test_the_familys_words_are_audited_by_field_name_only(client, course, radgiver) -> None:
    mormor = add(radgiver, course)
    client.force_login(radgiver)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.post(
        url("network_snapshot_create", course),
        {"taken_on": "2026-01-10", "family_perspective": WORDS},
    )
    client.post(
        url("network_meeting_create", course),
        {
            "held_on": "2026-02-01",
            "network_participants": [mormor.pk],
            "family_perspective": WORDS,
        },
    )

    snapshot_event = AuditEvent.objects.get(
        pk__gt=before, action=AuditAction.CREATE, object_type="cases.networksnapshot"
    )
    meeting_event = AuditEvent.objects.get(
        pk__gt=before, action=AuditAction.CREATE, object_type="cases.networkmeeting"
    )
    assert "family_perspective" in snapshot_event.fields
    assert "family_perspective" in meeting_event.fields
    for event in AuditEvent.objects.filter(pk__gt=before):
        assert "klippe" not in f"{event.values} {event.detail} {event.fields}"


def test_too_long_snapshot_words_get_a_message_and_keep_the_input(client, course, radgiver) -> None:
    client.force_login(radgiver)

    response = client.post(
        url("network_snapshot_create", course),
        {"taken_on": "2026-01-10", "note": "Efter jul", "family_perspective": "x" * 5001},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Netværkskortet er ikke gemt. Ret fejlene nedenfor." in html
    assert "højst have 5000 tegn (den har 5001)" in html
    assert 'value="Efter jul"' in html and 'value="2026-01-10"' in html
    assert "x" * 5001 in html  # the words typed are not lost either
    assert not NetworkSnapshot.objects.exists()
    with pytest.raises(ValidationError) as exc:  # the service holds the same line
        network.network_snapshot_take(
            by=radgiver, course=course, taken_on=dt.date(2026, 1, 10), family_perspective="x" * 5001
        )
    assert "family_perspective" in exc.value.message_dict


def test_too_long_meeting_words_get_a_message_and_keep_the_input(client, course, radgiver) -> None:
    mormor = add(radgiver, course)
    client.force_login(radgiver)

    response = client.post(
        url("network_meeting_create", course),
        {
            "held_on": "2026-02-01",
            "network_participants": [mormor.pk],
            "notes": "Mormor henter fredag.",
            "family_perspective": "x" * 5001,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Mødet er ikke gemt. Ret fejlene nedenfor." in html
    assert "højst have 5000 tegn (den har 5001)" in html
    assert "Mormor henter fredag." in html and 'value="2026-02-01"' in html
    assert re.search(rf'value="{mormor.pk}"[^>]*checked', html)  # the participant stays ticked
    assert not NetworkMeeting.objects.exists()
    with pytest.raises(ValidationError) as exc:
        network.network_meeting_record(
            by=radgiver, course=course, held_on=dt.date(2026, 2, 1), family_perspective="x" * 5001
        )
    assert "family_perspective" in exc.value.message_dict


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague"])
def test_team_and_radgiver_add_people(client, request, course, who) -> None:
    client.force_login(request.getfixturevalue(who))

    assert client.post(url("network_detail", course), form_data(course)).status_code == 302
    assert NetworkMember.objects.count() == 1


def test_leader_reads_but_cannot_write(client, course, radgiver, leader) -> None:
    member = add(radgiver, course)
    client.force_login(leader)

    page = client.get(url("network_detail", course))
    assert page.status_code == 200
    assert 'id="network-member-form"' not in page.content.decode()
    assert client.post(url("network_detail", course), form_data(course)).status_code == 403
    assert client.get(url("network_member_edit", course, member.pk)).status_code == 403
    assert client.post(url("network_member_deactivate", course, member.pk)).status_code == 403
    with pytest.raises(PermissionDenied):
        add(leader, course)
    assert NetworkMember.objects.count() == 1


def test_outsider_gets_404_and_projektleder_403(
    client, course, radgiver, outsider, projektleder
) -> None:
    member = add(radgiver, course)
    snapshot = network.network_snapshot_take(
        by=radgiver, course=course, taken_on=dt.date(2026, 1, 5)
    )

    client.force_login(outsider)
    assert client.get(url("network_detail", course)).status_code == 404
    assert client.get(url("network_snapshot_detail", course, snapshot.pk)).status_code == 404
    assert client.post(url("network_member_deactivate", course, member.pk)).status_code == 404
    with pytest.raises(Http404):
        add(outsider, course)
    client.force_login(projektleder)
    assert client.get(url("network_detail", course)).status_code == 403
    assert client.get(url("network_snapshot_detail", course, snapshot.pk)).status_code == 403


def test_objects_of_another_family_are_404_under_this_course(
    client, course, radgiver, other_family
) -> None:
    CourseFactory(family=other_family)
    foreign = NetworkMember.objects.create(
        family=other_family, name="Fremmed", kind=NetworkKind.FRIEND
    )
    snapshot = NetworkSnapshot.objects.create(
        family=other_family, taken_on=dt.date(2026, 1, 1), data=[], created_by=radgiver
    )
    client.force_login(radgiver)

    assert client.get(url("network_member_edit", course, foreign.pk)).status_code == 404
    assert client.post(url("network_member_deactivate", course, foreign.pk)).status_code == 404
    assert client.get(url("network_snapshot_detail", course, snapshot.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_family_page_links_to_the_network(client, family, course, radgiver) -> None:
    client.force_login(radgiver)

    page = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()

    assert url("network_detail", course) in page


# Audit --------------------------------------------------------------------------------------


def test_reads_and_writes_are_audited(client, course, radgiver) -> None:
    client.force_login(radgiver)
    client.post(url("network_detail", course), form_data(course))
    client.post(url("network_snapshot_create", course), {"taken_on": "2026-01-10"})
    member = NetworkMember.objects.get()
    snapshot = NetworkSnapshot.objects.get()
    client.post(url("network_member_deactivate", course, member.pk))
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.get(url("network_detail", course))
    client.get(url("network_snapshot_detail", course, snapshot.pk))

    rows = set(AuditEvent.objects.filter(course_id=course.pk).values_list("action", "object_type"))
    assert (AuditAction.CREATE, "cases.networkmember") in rows
    assert (AuditAction.UPDATE, "cases.networkmember") in rows
    assert (AuditAction.CREATE, "cases.networksnapshot") in rows
    assert (AuditAction.VIEW, "cases.networksnapshot") in rows
    assert (AuditAction.VIEW, "cases.course") in rows
    assert AuditEvent.objects.filter(
        pk__gt=before,
        action=AuditAction.LIST,
        object_type="cases.networksnapshot",
        object_id=str(snapshot.pk),
    ).exists()


# Query counts -------------------------------------------------------------------------------


def _seed(radgiver, course, count: int) -> None:
    mother = course.family.members.get(first_name="Mette")
    start = NetworkMember.objects.count()
    for n in range(start, start + count):
        kind = NetworkKind.SCHOOL if n % 2 else NetworkKind.FRIEND
        add(
            radgiver,
            course,
            name=f"Person {n}",
            kind=kind,
            closeness=1 + n % 5,
            relations={mother.pk: f"relation {n}"},
        )
    members = list(NetworkMember.objects.all())
    network.network_snapshot_take(
        by=radgiver, course=course, taken_on=dt.date(2026, 1, 1), family_perspective="Vores ord"
    )
    network.network_meeting_record(
        by=radgiver,
        course=course,
        held_on=dt.date(2026, 1, 2),
        family_perspective="Vores ord om mødet",
        network_ids=[m.pk for m in members],
        family_ids=[mother.pk],
        staff_ids=[radgiver.pk],
    )


@pytest.mark.parametrize("name", ["network_detail", "network_meeting_create"])
def test_query_count_flat_with_3_vs_12_members(
    client, course, radgiver, name, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client.force_login(radgiver)
    _seed(radgiver, course, 3)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url(name, course)).status_code == 200
    _seed(radgiver, course, 9)
    assert NetworkMember.objects.count() == 12

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(name, course)).status_code == 200
