"""School and daycare attachment through its screens (issue 6, item 4; element 2): per child
the institutions with their contact person, contacts and bridge-building, and attendance per
period with its trend chart; refusals in Danish with nothing typed lost; access, audit, a
closed course that is read-only, and a query count that does not grow with the periods."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import AttendancePeriod, Institution, InstitutionContact
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import FamilyMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(family):
    return family.courses.get()


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


def url(name, course, *args) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def school_of(child, name="Ishøj Skole") -> Institution:
    return Institution.objects.create(
        child=child, kind="school", name=name, contact_person="Klasselærer Mette"
    )


def period(institution, by, months_ago: int, absent: int, unlawful: int) -> AttendancePeriod:
    start = timezone.localdate() - dt.timedelta(days=30 * months_ago + 30)
    return AttendancePeriod.objects.create(
        institution=institution,
        period_start=start,
        period_end=start + dt.timedelta(days=27),
        unit="days",
        possible=20,
        absent=absent,
        unlawful=unlawful,
        created_by=by,
    )


def attendance_data(start: dt.date, **over) -> dict:
    data = {
        "period_start": start.isoformat(),
        "period_end": (start + dt.timedelta(days=27)).isoformat(),
        "unit": "days",
        "possible": "20",
        "absent": "5",
        "unlawful": "2",
    }
    return data | over


def test_team_registers_school_contact_and_attendance(
    client, course, assigned_worker, noah
) -> None:
    client.force_login(assigned_worker)

    created = client.post(
        url("school_institution_create", course),
        {
            "child": str(noah.pk),
            "kind": "school",
            "name": "Ishøj Skole",
            "contact_person": "Klasselærer Hanne",
            "contact_details": "hanne@skole.example",
        },
    )
    school = Institution.objects.get()
    assert created.status_code == 302
    assert created["Location"] == url("school_detail", course) + f"#institution-{school.pk}"
    contact = client.post(
        url("school_contact_create", course, school.pk),
        {
            "contacted_on": timezone.localdate().isoformat(),
            "kind": "bridge",
            "note": "Fulgte Noah i skole og talte med Hanne.",
        },
    )
    assert contact.status_code == 302
    first = timezone.localdate() - dt.timedelta(days=70)
    for start, absent, unlawful in ((first, "6", "4"), (first + dt.timedelta(days=35), "2", "0")):
        response = client.post(
            url("school_attendance_create", course, school.pk),
            attendance_data(start, absent=absent, unlawful=unlawful),
        )
        assert response.status_code == 302

    page = client.get(url("school_detail", course)).content.decode()
    assert "Fraværet er registreret." in page
    section = page.split('data-testid="school-child"', 1)[1]
    assert "Noah Holmgård" in section and "Ishøj Skole" in section
    assert "Klasselærer Hanne · hanne@skole.example" in section
    assert "Brobygning" in section and "Fulgte Noah i skole og talte med Hanne." in section
    assert section.count('data-testid="attendance-row"') == 2
    assert "30 %" in section and "10 %" in section  # 6 of 20, then 2 of 20
    chart = section.split('data-testid="attendance-chart"', 1)[1].split("</svg>", 1)[0]
    assert "<polyline" in chart and "Fravær over tid for Noah i Ishøj Skole" in chart
    assert f"{first:%d.%m.%Y}: 30 %" in chart and f"{first:%d.%m.%Y}: 20 %" in chart
    assert InstitutionContact.objects.get().course == course
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="cases.attendanceperiod"
        ).count()
        == 2
    )


def test_attendance_refused_in_danish_and_nothing_typed_is_lost(
    client, course, assigned_worker, noah
) -> None:
    school = school_of(noah)
    start = timezone.localdate() - dt.timedelta(days=60)
    period(school, assigned_worker, 1, 2, 0)  # overlaps nothing below
    client.force_login(assigned_worker)

    response = client.post(
        url("school_attendance_create", course, school.pk),
        attendance_data(start, possible="18", absent="19", unlawful="25"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Fraværet skal ligge mellem 0 og antallet af mulige." in html
    assert "Det ulovlige fravær kan ikke være større end fraværet i alt." in html
    assert 'value="18"' in html and 'value="19"' in html and 'value="25"' in html
    response = client.post(
        url("school_attendance_create", course, school.pk),
        attendance_data(start, absent="-1", unlawful="x"),
    )
    html = response.content.decode()
    assert "Skriv et tal på 0 eller derover." in html and "Skriv et helt tal." in html
    assert AttendancePeriod.objects.count() == 1


def test_institution_must_belong_to_a_child_of_the_family(
    client, course, assigned_worker, mette, other_family
) -> None:
    client.force_login(assigned_worker)

    response = client.post(
        url("school_institution_create", course),
        {"child": str(mette.pk), "kind": "school", "name": "", "contact_person": "Hanne"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg et af familiens børn." in html and "Skriv institutionens navn." in html
    assert 'value="Hanne"' in html
    elsewhere = school_of(other_family.members.get())
    for name in ("school_institution_edit", "school_contact_create", "school_attendance_create"):
        assert client.get(url(name, course, elsewhere.pk)).status_code == 404
    assert Institution.objects.count() == 1


def test_a_child_without_institution_and_the_edit_form(
    client, course, assigned_worker, noah, family
) -> None:
    baby = FamilyMemberFactory(family=family, first_name="Ella", birth_date=dt.date(2024, 1, 1))
    school = school_of(noah)
    client.force_login(assigned_worker)

    page = client.get(url("school_detail", course)).content.decode()
    assert "Ella" in page and "Der er ikke registreret skole eller dagtilbud." in page
    assert "Der er ikke registreret fravær endnu." in page
    response = client.post(
        url("school_institution_edit", course, school.pk),
        {"child": str(baby.pk), "kind": "daycare", "name": "Vuggestuen Solsikken"},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.child, school.kind, school.contact_person) == (baby, "daycare", "")


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("radgiver", 200, 200),
        ("team_colleague", 200, 200),
        ("leader", 200, 403),
        ("outsider", 404, 404),
        ("other_municipality_radgiver", 404, 404),
        ("projektleder", 403, 403),
    ],
)
def test_access(client, request, course, noah, who, read, write) -> None:
    school = school_of(noah)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("school_detail", course)).status_code == read
    assert client.get(url("school_institution_create", course)).status_code == write
    assert client.get(url("school_institution_edit", course, school.pk)).status_code == write
    assert client.get(url("school_contact_create", course, school.pk)).status_code == write
    assert client.get(url("school_attendance_create", course, school.pk)).status_code == write


def test_page_audits_and_does_not_grow_in_queries(
    client, course, assigned_worker, noah, family
) -> None:
    client.force_login(assigned_worker)
    first = school_of(noah)
    period(first, assigned_worker, 1, 2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(url("school_detail", course))
    sister = FamilyMemberFactory(family=family, first_name="Ida", birth_date=dt.date(2019, 2, 2))
    for institution in (first, school_of(noah, "Ishøj SFO"), school_of(sister, "Børnehaven")):
        for months in range(2, 10):
            period(institution, assigned_worker, months, 3, 1)
        InstitutionContact.objects.create(
            institution=institution,
            course=course,
            contacted_on=timezone.localdate(),
            kind="meeting",
            created_by=assigned_worker,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("school_detail", course)).content.decode()

    assert page.count('data-testid="attendance-row"') == 1 + 3 * 8
    assert page.count('data-testid="institution-contact"') == 3
    assert len(many) == len(few)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LIST, object_type="cases.institution", detail="school"
        ).count()
        == 1 + 3
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, course_id=course.pk, detail="school"
    ).exists()


def test_closed_course_is_read_only(client, course, assigned_worker, noah) -> None:
    school = school_of(noah)
    course.status = "closed"
    course.end_date = timezone.localdate()
    course.save()
    client.force_login(assigned_worker)

    page = client.get(url("school_detail", course)).content.decode()
    assert "Ishøj Skole" in page
    assert url("school_attendance_create", course, school.pk) not in page
    start = timezone.localdate() - dt.timedelta(days=40)
    for response in (
        client.post(url("school_attendance_create", course, school.pk), attendance_data(start)),
        client.post(
            url("school_contact_create", course, school.pk),
            {"contacted_on": timezone.localdate().isoformat(), "kind": "phone"},
        ),
        client.post(
            url("school_institution_create", course),
            {"child": str(noah.pk), "kind": "sfo", "name": "SFO"},
        ),
    ):
        assert response.status_code == 302
        assert response["Location"] == url("school_detail", course)
    assert not AttendancePeriod.objects.exists() and not InstitutionContact.objects.exists()
    assert Institution.objects.count() == 1
    page = client.get(url("school_detail", course)).content.decode()
    assert "Forløbet er afsluttet. Målinger og registreringer kan ikke ændres." in page


def test_service_refuses_an_unknown_unit(course, assigned_worker, noah) -> None:
    school = school_of(noah)
    start = timezone.localdate() - dt.timedelta(days=40)
    data = {
        "period_start": start,
        "period_end": start + dt.timedelta(days=27),
        "unit": "weeks",
        "possible": 4,
        "absent": 1,
        "unlawful": 0,
    }

    with pytest.raises(ValidationError) as caught:
        outcomes.attendance_period_save(
            by=assigned_worker, course=course, institution=school, data=data
        )

    assert caught.value.message_dict == {
        "unit": ["Vælg om fraværet tælles i dage eller lektioner."]
    }
    assert not AttendancePeriod.objects.exists()
