"""The leader's waiting list, capacity and matching screens (steps 2–3 of a course)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Course, CourseStatus, TeamAssignment
from familieberedskab.models import AuditEvent, Notification
from staffing.models import Role
from tests.factories.cases import CourseFactory, FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from tests.factories.visitation import (
    CompetenceFactory,
    DecisionFactory,
    ProgrammeCapacityFactory,
    ReferralChildFactory,
    ReferralFactory,
    StaffCompetenceFactory,
    StaffProfileFactory,
)
from visitation.models import DecisionKind, Matching, Referral

WAITING = reverse("visitation:waiting_list")
CAPACITY = reverse("visitation:capacity_edit")


def _match_url(referral: Referral) -> str:
    return reverse("visitation:referral_match", args=[referral.pk])


def _on_waiting_list(
    provider,
    leader,
    name: str,
    *,
    days: int,
    acute: bool = False,
    pregnancy: bool = False,
    infant: bool = False,
    priority: int | None = None,
    rank: int | None = None,
) -> Referral:
    """A family put on the waiting list by the committee ``days`` after its referral."""
    family = FamilyFactory(name=f"Familien {name}")
    born = timezone.localdate() - dt.timedelta(days=200 if infant else 3000)
    referral = ReferralFactory(
        family=family,
        provider=provider,
        is_acute=acute,
        pregnancy=pregnancy,
        submitted_at=timezone.now() - dt.timedelta(days=days),
        waiting_rank=rank,
        waiting_rank_reason="Skolestart om en uge" if rank else "",
    )
    ReferralChildFactory(
        referral=referral, member=FamilyMemberFactory(family=family, birth_date=born)
    )
    DecisionFactory(
        referral=referral, signed_by=leader, kind=DecisionKind.WAITING_LIST, priority=priority
    )
    return referral


def _granted(provider, leader, name: str = "Bevilget", **kwargs: object) -> Referral:
    referral = ReferralFactory(
        family=FamilyFactory(name=f"Familien {name}"), provider=provider, **kwargs
    )
    DecisionFactory(referral=referral, signed_by=leader, granted=True)
    return referral


def _order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: html.index(f"Familien {name}<"))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Waiting list ------------------------------------------------------------------------------


def test_waiting_list_order_manual_then_acute_then_infant_or_pregnancy_then_priority_then_date(
    client, leader, provider
) -> None:
    cases = {
        "Ny": {"days": 10},
        "Gammel": {"days": 50},
        "Prio2": {"days": 6, "priority": 2},
        "Prio1": {"days": 4, "priority": 1},
        "Graviditet": {"days": 2, "pregnancy": True},
        "Spaed": {"days": 3, "infant": True},
        "Akut": {"days": 1, "acute": True},
        "Manuel": {"days": 5, "rank": 1},
    }
    for name, options in cases.items():
        _on_waiting_list(provider, leader, name, **options)
    client.force_login(leader)

    response = client.get(WAITING)

    assert response.status_code == 200
    html = response.content.decode()
    assert _order(html, list(cases)) == [
        "Manuel",
        "Akut",
        "Spaed",  # a child under 2 and a pregnancy count alike; then the older referral first
        "Graviditet",
        "Prio1",
        "Prio2",
        "Gammel",
        "Ny",
    ]
    assert "Skolestart om en uge" in html  # the manual placement's reason is shown
    assert "Barn under 2 år" in html and "Graviditet<" in html and "Akut<" in html
    assert "8 familier venter" in html


def test_waiting_list_shows_average_and_longest_wait(client, leader, provider) -> None:
    for name, days in (("A", 10), ("B", 20), ("C", 60)):
        _on_waiting_list(provider, leader, name, days=days)
    client.force_login(leader)

    html = client.get(WAITING).content.decode()

    average = re.search(r'data-testid="wait-average">(.*?)<', html).group(1)
    longest = re.search(r'data-testid="wait-longest">(.*?)<', html).group(1)
    assert average == "30,0 dage"
    assert longest == "60 dage"
    assert "60 dage</td>" in html  # the row's own wait


def test_waiting_list_shows_capacity_free_places_and_overbooking(
    client, leader, provider, family
) -> None:
    ProgrammeCapacityFactory(provider=provider, families=3)
    client.force_login(leader)
    free = client.get(WAITING).content.decode()
    CourseFactory.create_batch(3, provider=provider)  # with the conftest family's: 4 of 3

    full = client.get(WAITING).content.decode()

    assert re.search(r'data-testid="capacity-free">2<', free)
    assert "Overbelægning" not in free
    assert re.search(r'data-testid="capacity-active">4<', full)
    assert "Overbelægning: 1 familie over kapaciteten" in full


def test_awaiting_team_lists_granted_referrals_without_a_team(
    client, leader, provider, ishoj, assigned_worker, team_colleague
) -> None:
    granted = _granted(provider, leader, "Bevilget")
    _on_waiting_list(provider, leader, "Venter", days=3)
    matched = _granted(provider, leader, "Matchet")
    Matching.objects.create(
        referral=matched,
        course=CourseFactory(family=matched.family, provider=provider),
        reason="Erfaring",
        decided_by=leader,
    )
    pending_acute = ReferralFactory(
        family=FamilyFactory(name="Familien Akutventer"), provider=provider
    )
    DecisionFactory(referral=pending_acute, signed_by=leader, granted=True, acute=True)
    approved_acute = ReferralFactory(
        family=FamilyFactory(name="Familien Akutgodkendt", municipality=ishoj), provider=provider
    )
    DecisionFactory(
        referral=approved_acute, signed_by=leader, granted=True, acute=True, approved=True
    )
    client.force_login(leader)

    html = client.get(WAITING).content.decode()

    section = html[html.index('data-testid="awaiting-team"') :]
    assert "Familien Bevilget<" in section and "Familien Akutgodkendt<" in section
    assert "Familien Venter<" not in section
    assert "Familien Matchet<" not in html
    assert "Familien Akutventer<" not in html  # the acute grant lacks its two approvals
    assert _match_url(granted) in section and _match_url(approved_acute) in section
    assert "20,0 t/uge" in section


def test_manual_placement_without_reason_is_refused_with_a_message(
    client, leader, provider
) -> None:
    referral = _on_waiting_list(provider, leader, "Uden", days=3)
    client.force_login(leader)

    response = client.post(
        reverse("visitation:waiting_rank_set", args=[referral.pk]), {"rank": "3", "reason": " "}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Begrund den manuelle placering." in html
    assert f'id="id_rank{referral.pk}_rank"' in html and 'value="3"' in html  # kept
    referral.refresh_from_db()
    assert referral.waiting_rank is None


def test_manual_placement_is_saved_audited_and_cleared(client, leader, provider) -> None:
    first = _on_waiting_list(provider, leader, "Foerst", days=30)
    later = _on_waiting_list(provider, leader, "Senere", days=2)
    url = reverse("visitation:waiting_rank_set", args=[later.pk])
    client.force_login(leader)

    response = client.post(url, {"rank": "1", "reason": "Skolestart om en uge"})

    assert response.status_code == 302
    html = client.get(WAITING).content.decode()
    assert _order(html, ["Foerst", "Senere"]) == ["Senere", "Foerst"]
    assert "Placeringen er gemt." in html
    events = AuditEvent.objects.filter(object_type="visitation.referral", object_id=str(later.pk))
    assert [e.values for e in events if "waiting_rank" in e.fields] == [{"waiting_rank": 1}]

    assert client.post(url, {"clear": "1", "rank": "1", "reason": "x"}).status_code == 302
    later.refresh_from_db()
    assert later.waiting_rank is None and later.waiting_rank_reason == ""
    assert _order(client.get(WAITING).content.decode(), ["Foerst", "Senere"])[0] == "Foerst"
    assert first.pk  # untouched


def test_waiting_list_query_count_does_not_grow_with_rows(client, leader, provider) -> None:
    for n in range(2):
        _on_waiting_list(provider, leader, f"Lille{n}", days=n + 1)
        _granted(provider, leader, f"BevLille{n}")
    client.force_login(leader)
    few = _queries(client, WAITING)
    for n in range(10):
        _on_waiting_list(provider, leader, f"Stor{n}", days=n + 1, infant=n % 2 == 0)
        _granted(provider, leader, f"BevStor{n}")

    many = _queries(client, WAITING)

    assert many == few
    assert many <= 20


# Capacity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Angiv et antal mellem 1 og 500."),
        ("501", "Angiv et antal mellem 1 og 500."),
        ("fem", "Indtast et heltal."),
    ],
)
def test_capacity_bad_number_gets_a_message(client, leader, value, message) -> None:
    client.force_login(leader)

    response = client.post(CAPACITY, {"families": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'value="{value}"' in response.content.decode()


def test_capacity_is_set_by_the_leader(client, leader, provider) -> None:
    client.force_login(leader)

    response = client.post(CAPACITY, {"families": "6"})

    assert response.status_code == 302 and response["Location"] == WAITING
    assert provider.capacity.families == 6
    assert re.search(
        r'data-testid="capacity-total">6 familier<', client.get(WAITING).content.decode()
    )


# Matching ----------------------------------------------------------------------------------


@pytest.fixture
def violence():
    return CompetenceFactory(name="Vold i familien")


@pytest.fixture
def infants():
    return CompetenceFactory(name="Spædbørn og tilknytning")


def _staff(provider, name: str, role: str, *, hours: str = "37", competences=(), busy: str = ""):
    user = UserFactory(full_name=name, organisation=provider, roles=[role])
    StaffProfileFactory(user=user, contracted_hours=Decimal(hours))
    for competence in competences:
        StaffCompetenceFactory(user=user, competence=competence)
    if busy:
        TeamAssignment.objects.create(
            course=CourseFactory(provider=provider),
            user=user,
            role=role,
            hours_per_week=Decimal(busy),
            starts_on=timezone.localdate() - dt.timedelta(days=10),
        )
    return user


def _names_in(html: str, testid: str, names: list[str]) -> list[str]:
    section = html[html.index(f'data-testid="{testid}"') :]
    section = section[: section.index("</fieldset>")]
    return sorted((n for n in names if n in section), key=section.index)


def test_matching_page_shows_challenges_grant_and_ranked_suggestions(
    client, leader, provider, violence, infants, assigned_worker, family
) -> None:
    referral = _granted(provider, leader, challenges=[violence, infants])
    _staff(provider, "Bo Begge", Role.BEHANDLER, competences=[violence, infants], busy="30")
    _staff(provider, "Cai Travl", Role.BEHANDLER, competences=[violence], busy="27")
    _staff(provider, "Dea Ledig", Role.BEHANDLER, competences=[violence], busy="7")
    _staff(provider, "Eva Uden", Role.BEHANDLER, hours="40")
    StaffProfileFactory(user=assigned_worker, contracted_hours=Decimal("37"))  # 12 h on a course
    expired = _staff(provider, "Fie Udloebet", Role.BEHANDLER)
    StaffCompetenceFactory(
        user=expired,
        competence=violence,
        certified_on=dt.date(2020, 1, 1),
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(leader)

    response = client.get(_match_url(referral))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vold i familien" in html and "Spædbørn og tilknytning" in html
    assert "20,0 timer pr. uge" in html and timezone.localdate().strftime("%d.%m.%Y") in html
    names = ["Bo Begge", "Cai Travl", "Dea Ledig", "Eva Uden", "Fie Udloebet", "Medarbejder"]
    # More matched competences first; then more free hours (contracted − current hours).
    assert _names_in(html, "role-behandler", names)[:3] == ["Bo Begge", "Dea Ledig", "Cai Travl"]
    ranked = _names_in(
        html, "role-behandler", ["Eva Uden", assigned_worker.full_name, "Fie Udloebet"]
    )
    assert ranked == ["Eva Uden", "Fie Udloebet", assigned_worker.full_name]  # 40 > 37 > 25 free
    assert "25,0 ledige t/uge" in html and "7,0 ledige t/uge" in html
    assert html.count('data-testid="matched"') == 4  # Bo 2, Cai 1, Dea 1 — not Fie's expired one
    assert "Dækker 2 udfordringer" in html
    assert "overbelægning" not in html


def test_match_creates_course_team_timeline_notifications_and_start_page(
    client, leader, provider, violence
) -> None:
    referral = _granted(provider, leader, challenges=[violence])
    behandler = _staff(provider, "Bo Behandler", Role.BEHANDLER, competences=[violence])
    paedagog = _staff(provider, "Pia Pædagog", Role.PAEDAGOG)
    psykolog = _staff(provider, "Per Psykolog", Role.PSYKOLOG)
    client.force_login(paedagog)
    assert referral.family.name not in client.get(reverse("home")).content.decode()
    client.force_login(leader)
    meeting = timezone.localdate() + dt.timedelta(days=4)

    response = client.post(
        _match_url(referral),
        {
            "behandler": behandler.pk,
            "behandler_hours": "10",
            "paedagog": paedagog.pk,
            "paedagog_hours": "8.5",
            "psykolog": psykolog.pk,
            "psykolog_hours": "1.5",
            "start_meeting_date": meeting.isoformat(),
            "reason": "Bo har erfaring med vold i familien.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:family_detail", args=[referral.family_id])
    matching = Matching.objects.get(referral=referral)
    assert matching.reason == "Bo har erfaring med vold i familien." and not matching.over_capacity
    course = matching.course
    assert course.status == CourseStatus.ACTIVE and course.granted_hours == Decimal("20.0")
    assert course.start_meeting_date == meeting
    team = {(a.user_id, a.role, a.hours_per_week) for a in course.team.all()}
    assert team == {
        (behandler.pk, Role.BEHANDLER, Decimal("10.0")),
        (paedagog.pk, Role.PAEDAGOG, Decimal("8.5")),
        (psykolog.pk, Role.PSYKOLOG, Decimal("1.5")),
    }
    referral.refresh_from_db()
    assert referral.team_assigned_at is not None and referral.course_started_at is not None
    notified = set(
        Notification.objects.filter(text__contains="nyt forløb").values_list("recipient", flat=True)
    )
    assert notified == {behandler.pk, paedagog.pk, psykolog.pk}
    assert Notification.objects.filter(
        recipient=referral.referred_by, text__contains="Team tilknyttet"
    ).exists()
    assert "Teamet er tilknyttet" in client.get(response["Location"]).content.decode()
    client.force_login(paedagog)
    start_page = client.get(reverse("home")).content.decode()
    assert "Mine forløb" in start_page and referral.family.name in start_page
    assert "8,5 t/uge" in start_page


def test_match_when_full_is_allowed_and_recorded_as_overbooking(
    client, leader, provider, assigned_worker, team_colleague, family
) -> None:
    ProgrammeCapacityFactory(provider=provider, families=1)  # the conftest family's course
    referral = _granted(provider, leader)
    client.force_login(leader)

    page = client.get(_match_url(referral)).content.decode()
    response = client.post(
        _match_url(referral),
        {
            "behandler": assigned_worker.pk,
            "behandler_hours": "10",
            "paedagog": team_colleague.pk,
            "paedagog_hours": "10",
            "psykolog": "",
            "reason": "Akut behov.",
        },
    )

    assert "Familieberedskabet er fuldt – familien optages med overbelægning" in page
    assert response.status_code == 302
    assert Matching.objects.get(referral=referral).over_capacity is True
    waiting = client.get(WAITING).content.decode()
    assert "Overbelægning: 1 familie over kapaciteten" in waiting


def _post_team(client, referral, **changes: object):
    data = {
        "behandler": changes.pop("behandler"),
        "behandler_hours": "10",
        "paedagog": changes.pop("paedagog", ""),
        "paedagog_hours": "10",
        "psykolog": "",
        "reason": "Erfaring med familier som denne.",
        **changes,
    }
    return client.post(_match_url(referral), data)


def test_match_refused_when_not_granted(client, leader, provider, assigned_worker, team_colleague):
    referral = _on_waiting_list(provider, leader, "Venter", days=3)
    client.force_login(leader)

    page = client.get(_match_url(referral))
    response = _post_team(
        client, referral, behandler=assigned_worker.pk, paedagog=team_colleague.pk
    )

    assert page.status_code == 200
    assert "Kun en bevilget henvisning kan matches med et team." in page.content.decode()
    assert response.status_code == 400
    assert "Kun en bevilget henvisning kan matches" in response.content.decode()
    assert not Matching.objects.exists()


def test_match_refused_when_already_matched(
    client, leader, provider, assigned_worker, team_colleague
) -> None:
    referral = _granted(provider, leader)
    client.force_login(leader)
    first = _post_team(client, referral, behandler=assigned_worker.pk, paedagog=team_colleague.pk)
    courses = Course.objects.count()

    again = _post_team(client, referral, behandler=assigned_worker.pk, paedagog=team_colleague.pk)

    assert first.status_code == 302
    assert again.status_code == 400
    assert "Familien har allerede fået et team." in again.content.decode()
    assert Course.objects.count() == courses


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_reason", "Begrund matchningen."),
        ("no_paedagog", "Vælg én familiebehandler og én pædagog (og evt. én psykolog)."),
        ("same_person", "Den samme medarbejder kan ikke have to roller i teamet."),
        ("no_hours", "Angiv timer pr. uge."),
    ],
)
def test_match_errors_are_400_and_keep_what_was_chosen(
    client, leader, provider, assigned_worker, team_colleague, case, message
) -> None:
    referral = _granted(provider, leader)
    both = UserFactory(
        full_name="Bea Begge", organisation=provider, roles=[Role.BEHANDLER, Role.PAEDAGOG]
    )
    changes = {
        "no_reason": {
            "behandler": assigned_worker.pk,
            "paedagog": team_colleague.pk,
            "reason": " ",
        },
        "no_paedagog": {"behandler": assigned_worker.pk},
        "same_person": {"behandler": both.pk, "paedagog": both.pk},
        "no_hours": {
            "behandler": assigned_worker.pk,
            "paedagog": team_colleague.pk,
            "paedagog_hours": "",
        },
    }[case]
    client.force_login(leader)

    response = _post_team(client, referral, start_meeting_date="2031-02-03", **changes)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    chosen = changes["behandler"]
    assert re.search(rf'name="behandler" value="{chosen}" checked', html)  # nothing lost
    assert 'value="2031-02-03"' in html
    assert not Matching.objects.exists() and not Course.objects.filter(matching__isnull=False)


def test_leader_on_the_authority_side_cannot_match(client, ishoj, leader, provider) -> None:
    referral = _granted(provider, leader)
    referral.family.municipality = ishoj
    referral.family.save()
    authority_leader = UserFactory(organisation=ishoj, roles=[Role.LEDER])
    client.force_login(authority_leader)

    assert client.get(_match_url(referral)).status_code == 403


def test_other_providers_leader_gets_404(client, leader, provider, other_provider_leader) -> None:
    referral = _granted(provider, leader)
    client.force_login(other_provider_leader)

    assert client.get(_match_url(referral)).status_code == 404


def test_matching_page_query_count_does_not_grow_with_staff(
    client, leader, provider, violence, infants
) -> None:
    referral = _granted(provider, leader, challenges=[violence, infants])
    for role in (Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG):
        _staff(provider, f"Lille {role}", role, competences=[violence], busy="5")
    client.force_login(leader)
    few = _queries(client, _match_url(referral))
    for n in range(5):
        for role in (Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG):
            _staff(provider, f"Stor {role} {n}", role, competences=[violence, infants], busy="3")

    many = _queries(client, _match_url(referral))

    assert many == few
    assert many <= 22
