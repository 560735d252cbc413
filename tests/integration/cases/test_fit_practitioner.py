"""A practitioner's own FIT figures (issue 5, item 6): hand-computed from visits recorded
through ``visit_services.visit_record``; the period filter; "for få data" below the
small-number threshold; and who may see them — the practitioner and a leader of their
organisation, 404 for everyone else (never 403)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import fit_practitioner as figures
from cases import visit_services as visits
from cases.models import ActivityType, Course, FitRater, FitScale
from familieberedskab.models import AuditAction, AuditEvent
from staffing.models import Role, User
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
)
from tests.factories.staffing import UserFactory

pytestmark = pytest.mark.django_db

START = 400  # days ago: courses and team assignments start before every visit


def local(days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def make_course(radgiver: User, provider, team: list[User], name: str, members: dict) -> tuple:
    family = FamilyFactory(
        name=name, municipality=radgiver.organisation, caseworker=radgiver, created_by=radgiver
    )
    people = {
        key: FamilyMemberFactory(family=family, first_name=key, birth_date=born)
        for key, born in members.items()
    }
    course = CourseFactory(
        family=family,
        provider=provider,
        start_date=timezone.localdate() - dt.timedelta(days=START),
    )
    for user in team:
        TeamAssignmentFactory(
            course=course,
            user=user,
            role=next(iter(user.roles)),
            starts_on=timezone.localdate() - dt.timedelta(days=START),
        )
    return course, people


def visit(course: Course, staff: list[User], days_ago: int, ors=None, srs=None, extra=()):
    """``ors``/``srs``: {member: each item} — one self-rating per member, all items equal or
    a tuple of four."""
    entries = []
    present = set()
    for scale, ratings in ((FitScale.ORS, ors or {}), (FitScale.SRS, srs or {})):
        for member, items in ratings.items():
            items = list(items) if isinstance(items, tuple) else [items] * 4
            entries.append(visits.FitEntry(client_id=member.pk, scale=scale, items=items))
            present.add(member.pk)
    entries += list(extra)
    return visits.visit_record(
        by=staff[0],
        course=course,
        data=visits.VisitInput(
            starts_at=local(days_ago),
            ends_at=local(days_ago) + dt.timedelta(hours=1),
            place="home",
            staff_ids=[u.pk for u in staff],
            family_ids=sorted(present),
            activity_ids=[ActivityType.objects.get(code="conversation").pk],
            fit=entries,
        ),
    )


@pytest.fixture
def world(radgiver, provider, assigned_worker, team_colleague) -> dict:
    """P = assigned_worker, C = team_colleague. Hand-computed below, see the tests."""
    p, c = assigned_worker, team_colleague
    today = timezone.localdate()
    young = today - dt.timedelta(days=4 * 365 + 100)  # 4 years old: YCORS/YCSRS
    x, xm = make_course(
        radgiver,
        provider,
        [p, c],
        "Familien X",
        {
            "A1": dt.date(1985, 1, 1),
            "A2": dt.date(1986, 1, 1),
            "A3": dt.date(1987, 1, 1),
            "Y": young,
            "K": dt.date(2016, 1, 1),
        },
    )
    z, zm = make_course(
        radgiver,
        provider,
        [p, c],
        "Familien Z",
        {k: dt.date(1980, 6, 1) for k in ("A4", "A5", "A6", "A7")},
    )
    a1, a2, a3, y, k = (xm[n] for n in ("A1", "A2", "A3", "Y", "K"))
    a4, a5, a6, a7 = (zm[n] for n in ("A4", "A5", "A6", "A7"))
    collateral = visits.FitEntry(
        client_id=k.pk,
        scale=FitScale.ORS,
        items=["5"] * 4,
        rater=FitRater.COLLATERAL,
        rater_member_id=a1.pk,
    )
    # About 8 months ago: only in the 12-month period.
    visit(x, [p], 240, ors={a2: "2.5"}, srs={a2: "7.5"})
    visit(
        x,
        [p, c],
        100,
        ors={a1: "5", a2: "5", a3: "7.5", y: "2.5"},
        srs={a1: "10", a2: ("9", "9", "8", "8"), y: "5"},
        extra=[collateral],
    )
    visit(z, [p], 95, ors={a4: "4.5", a5: "5.5", a6: "6", a7: "5"}, srs={a4: "9.5"})
    visit(z, [p], 60, ors={a5: ("5.8", "5.7", "5.8", "5.7")})
    visit(x, [p], 50, ors={a1: "6.5", a2: "5.5", a3: "6", y: "7.5"}, srs={a1: "9", a3: "8.9"})
    visit(z, [c, p], 30, ors={a4: "6", a5: "7", a6: "6.1"}, srs={a5: "8.3", a6: "9.8"})
    # Without P: never counted for P (it would make A6 improve).
    visit(z, [c], 10, ors={a6: "10"}, srs={a6: "5"})
    return {"p": p, "c": c}


def test_figures_for_six_months_by_hand(world) -> None:
    f = figures.practitioner_figures(world["p"], months=6)

    # SRS in P's visits of the last 6 months (young child's YCSRS left out):
    # 40, 34 (100 days); 38 (95); 36, 35.6 (50); 33.2, 39.2 (30) = 256 / 7 = 36.57.
    assert (f.srs_sessions, f.srs_ratings) == (4, 7)
    assert f.srs_average == D("36.6")
    assert (f.srs_below, f.srs_below_share) == (3, 43)  # 34, 35.6, 33.2
    # ORS first → latest: A1 20→26 (improved, recovered), A2 20→22, A3 30→24 (deteriorated),
    # A4 18→24 (improved, not over 25), A5 22→23→28 (improved, recovered), A6 24→24.4;
    # A7 has one rating; Y (YCORS) and K (collateral) do not count.
    assert f.clients == 6
    assert (f.improved, f.improved_share) == (3, 50)
    assert f.deteriorated == 1
    assert (f.recovery_base, f.recovered, f.recovered_share) == (5, 2, 40)  # A3 started above
    assert f.families == 2


def test_twelve_months_take_the_older_visit_in(world) -> None:
    f = figures.practitioner_figures(world["p"], months=12)

    # + SRS 30 (240 days): 286 / 8 = 35.75 → 35.8; below 36: 4 of 8.
    assert (f.srs_sessions, f.srs_ratings, f.srs_average) == (5, 8, D("35.8"))
    assert f.srs_below_share == 50
    # A2 is now 10 → 22: improved (+12) but still under 25.
    assert (f.clients, f.improved, f.improved_share) == (6, 4, 67)
    assert (f.recovery_base, f.recovered) == (5, 2)


def test_three_months_are_too_few_to_show_shares(world) -> None:
    f = figures.practitioner_figures(world["p"], months=3)

    # Visits 60, 50 and 30 days ago: SRS 36, 35.6, 33.2, 39.2 — four ratings.
    assert (f.srs_sessions, f.srs_ratings) == (2, 4)
    assert f.srs_average is None and f.srs_below_share is None and f.too_few_srs
    assert f.srs_below == 2
    # Only A5 has two ORS (23 → 28: +5, improved and recovered): one client.
    assert (f.clients, f.improved, f.recovered) == (1, 1, 1)
    assert f.improved_share is None and f.recovered_share is None and f.too_few_clients


def test_the_colleague_has_figures_of_their_own_visits_only(world) -> None:
    f = figures.practitioner_figures(world["c"], months=6)

    # C took part 100, 30 and 10 days ago: SRS 40, 34, 33.2, 39.2, 20.
    assert (f.srs_sessions, f.srs_ratings) == (3, 5)
    assert f.srs_average == D("33.3")  # 166.4 / 5 = 33.28
    # A6: 24 → 24.4 → 40 (improved, recovered); A1..A3, A4, A5 have one rating with C.
    assert (f.clients, f.improved, f.recovered) == (1, 1, 1)


def test_figures_take_one_query(world, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        figures.practitioner_figures(world["p"], months=12)


# The page --------------------------------------------------------------------------------------


def page_url(user: User, months: int | None = None) -> str:
    url = reverse("cases:fit_practitioner", args=[user.pk])
    return f"{url}?maaneder={months}" if months else url


def test_the_practitioner_sees_their_own_figures(client, world) -> None:
    client.force_login(world["p"])
    html = client.get(page_url(world["p"])).content.decode()

    assert "Mine FIT-tal" in html
    assert 'data-testid="srs-sessions">4<' in html
    assert 'data-testid="srs-average">36,6<' in html
    assert "43 %" in html and "3 af 7 vurderinger" in html
    assert 'data-testid="ors-clients">6<' in html
    assert "50 %" in html and "3 af 6 klienter" in html
    assert "40 %" in html and "2 af 5, der startede under grænsen" in html
    assert "2 familier med FIT-målinger" in html
    assert "tilnærmelse" in html
    assert 'aria-current="true">Seneste 6 måneder' in html


def test_the_period_filter(client, world) -> None:
    client.force_login(world["p"])
    twelve = client.get(page_url(world["p"], 12)).content.decode()
    assert 'data-testid="srs-average">35,8<' in twelve and "67 %" in twelve
    three = client.get(page_url(world["p"], 3)).content.decode()
    srs = three.split('data-testid="srs-average">', 1)[1].split("</dd>", 1)[0]
    assert "for få data" in srs
    ors = three.split('data-testid="ors-improved">', 1)[1].split("</dd>", 1)[0]
    assert "for få data" in ors and "1 af 1 klient<" in three
    odd = client.get(page_url(world["p"]) + "?maaneder=abc").content.decode()
    assert 'aria-current="true">Seneste 6 måneder' in odd
    assert client.get(page_url(world["p"], 7)).status_code == 200


@pytest.fixture
def authority_leader(ishoj) -> User:
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("assigned_worker", 200),  # themself
        ("leader", 200),  # leader of the practitioner's organisation
        ("team_colleague", 404),  # another practitioner, even on the same team
        ("outsider", 404),
        ("other_provider_leader", 404),
        ("authority_leader", 404),
        ("radgiver", 404),
        ("projektleder", 404),
        ("administrator", 404),
    ],
)
def test_who_sees_the_figures(client, request, world, who, status) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(page_url(world["p"]))
    assert response.status_code == status
    if status == 200:
        assert "36,6" in response.content.decode()


def test_the_leader_sees_the_name_not_mine(client, world, leader) -> None:
    client.force_login(leader)
    html = client.get(page_url(world["p"])).content.decode()
    assert f"FIT-tal for {world['p'].full_name}" in html and "Mine FIT-tal" not in html


def test_a_missing_person_or_a_non_practitioner_is_404(client, leader, radgiver, world) -> None:
    client.force_login(leader)
    assert client.get(reverse("cases:fit_practitioner", args=[999_999])).status_code == 404
    assert client.get(page_url(leader)).status_code == 404  # a leader has no caseload
    client.force_login(radgiver)
    assert client.get(page_url(radgiver)).status_code == 404


def test_reading_is_audited_without_family_ids(client, world, leader) -> None:
    client.force_login(leader)
    client.get(page_url(world["p"]))
    event = AuditEvent.objects.get(actor=leader, action=AuditAction.VIEW)
    assert (event.object_type, event.object_id) == ("staffing.user", str(world["p"].pk))
    assert event.detail == "fit_practitioner"
    assert event.family_id is None and event.course_id is None


def test_refused_reads_are_not_audited_as_views(client, world, team_colleague) -> None:
    client.force_login(team_colleague)
    client.get(page_url(world["p"]))
    assert not AuditEvent.objects.filter(actor=team_colleague, action=AuditAction.VIEW).exists()


def test_leader_picks_a_practitioner_of_their_organisation(
    client, world, leader, other_provider_leader, outsider
) -> None:
    client.force_login(leader)
    html = client.get(reverse("cases:fit_practitioner_list")).content.decode()
    assert page_url(world["p"]) in html and page_url(world["c"]) in html
    assert page_url(outsider) in html
    client.force_login(other_provider_leader)
    html = client.get(reverse("cases:fit_practitioner_list")).content.decode()
    assert page_url(world["p"]) not in html
    client.force_login(world["p"])
    assert client.get(reverse("cases:fit_practitioner_list")).status_code == 403
