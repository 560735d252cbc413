"""A started course, its team and the leader's matching, on the family page and start page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.meeting_services import meetings_schedule_initial
from cases.models import Course, CourseStatus
from staffing.models import Role
from tests.factories.cases import CourseFactory, FamilyFactory, TeamAssignmentFactory
from tests.factories.staffing import UserFactory
from tests.factories.visitation import ReferralFactory
from visitation.models import Matching

REASON = "Bo kender skolefravær; Pia dækker morgenerne."


def _detail(family) -> str:
    return reverse("cases:family_detail", args=[family.pk])


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def _started_course(family, provider, leader, *team: tuple) -> Course:
    """A course started as matching starts it (course_start), with the leader's reason."""
    today = timezone.localdate()
    course = services.course_start(
        by=leader,
        family=family,
        provider=provider,
        start_date=today,
        granted_hours=Decimal("20"),
        first_follow_up=today + dt.timedelta(days=91),
        start_meeting_date=today + dt.timedelta(days=3),
        team=[services.TeamMember(user, role, Decimal(hours)) for user, role, hours in team],
    )
    referral = ReferralFactory(family=family, provider=provider)
    Matching.objects.create(referral=referral, course=course, reason=REASON, decided_by=leader)
    return course


@pytest.fixture
def matched_family(ishoj, radgiver, provider, leader, assigned_worker, team_colleague):
    family = FamilyFactory(
        name="Familien Krogh", municipality=ishoj, caseworker=radgiver, created_by=radgiver
    )
    _started_course(
        family,
        provider,
        leader,
        (assigned_worker, Role.BEHANDLER, "10"),
        (team_colleague, Role.PAEDAGOG, "8.5"),
    )
    return family


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague", "leader"])
def test_family_page_shows_course_team_and_matching_reason(
    client, request, who, matched_family, provider, leader, assigned_worker, team_colleague
) -> None:
    today = timezone.localdate()
    client.force_login(request.getfixturevalue(who))

    response = client.get(_detail(matched_family))

    assert response.status_code == 200
    courses = _section(response.content.decode(), "courses")
    assert courses.count('data-testid="course"') == 1
    assert provider.name in courses and "Aktivt" in courses
    assert today.strftime("%d.%m.%Y") in courses  # start date
    assert "20,0" in courses  # granted hours per week
    assert (today + dt.timedelta(days=3)).strftime("%d.%m.%Y") in courses  # start meeting
    assert (today + dt.timedelta(days=91)).strftime("%d.%m.%Y") in courses  # first follow-up
    team = courses[courses.index('data-testid="course-team"') :]
    assert assigned_worker.full_name in team and team_colleague.full_name in team
    assert "Familiebehandler" in team and "Pædagog" in team
    assert ">behandler<" not in team and ">paedagog<" not in team  # labels, never codes
    assert "10,0" in team and "8,5" in team
    assert f"fra {today:%d.%m.%Y}" in team  # the assignment period
    assert REASON in courses
    assert f"Matchet af {leader.full_name}" in courses


def test_family_page_outsider_gets_404(client, outsider, matched_family) -> None:
    client.force_login(outsider)

    assert client.get(_detail(matched_family)).status_code == 404


def test_family_page_course_without_matching_shows_no_reason(client, radgiver, family) -> None:
    client.force_login(radgiver)

    html = client.get(_detail(family)).content.decode()

    courses = _section(html, "courses")
    assert courses.count('data-testid="course"') == 1
    assert 'data-testid="course-matching"' not in courses
    assert courses.count('data-testid="team-member"') == 2


def test_family_page_shows_each_role_only_the_courses_it_may_see(
    client, radgiver, leader, other_provider_leader, assigned_worker, family, other_provider
) -> None:
    elsewhere = CourseFactory(
        family=family,
        provider=other_provider,
        status=CourseStatus.CLOSED,
        start_date=timezone.localdate() - dt.timedelta(days=400),
        end_date=timezone.localdate() - dt.timedelta(days=200),
    )
    stranger = UserFactory(full_name="Ukendt Kollega", organisation=other_provider)
    TeamAssignmentFactory(course=elsewhere, user=stranger, role=Role.BEHANDLER)

    def shown(user) -> str:
        client.force_login(user)
        return _section(client.get(_detail(family)).content.decode(), "courses")

    assert shown(radgiver).count('data-testid="course"') == 2  # the authority sees all
    for user in (leader, assigned_worker):  # the provider side: its own courses only
        courses = shown(user)
        assert courses.count('data-testid="course"') == 1
        assert other_provider.name not in courses and "Ukendt Kollega" not in courses
    courses = shown(other_provider_leader)
    assert courses.count('data-testid="course"') == 1 and "Ukendt Kollega" in courses
    assert assigned_worker.full_name not in courses


def _seed_courses(family, provider, leader, n_courses: int, per_course: int) -> None:
    roles = [Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG]
    for i in range(n_courses):
        team = [
            (UserFactory(organisation=provider, roles=[role]), role, "5")
            for role in roles[:per_course]
        ]
        course = _started_course(family, provider, leader, *team)
        if i:  # an older, closed course too
            Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_family_page_query_count_does_not_grow_with_courses_and_team(
    client, radgiver, leader, provider, ishoj, django_assert_max_num_queries
) -> None:
    small, large = (
        FamilyFactory(municipality=ishoj, caseworker=radgiver, created_by=radgiver)
        for _ in range(2)
    )
    _seed_courses(small, provider, leader, n_courses=1, per_course=2)  # 1 course, 2 members
    _seed_courses(large, provider, leader, n_courses=3, per_course=2)  # 3 courses, 6 members
    client.force_login(radgiver)

    baseline = _queries(client, _detail(small))
    with django_assert_max_num_queries(14):
        response = client.get(_detail(large))

    assert _queries(client, _detail(large)) == baseline
    assert response.content.decode().count('data-testid="team-member"') == 6


def test_start_page_panel_shows_status_start_and_team_mates(
    client, assigned_worker, team_colleague, family, outsider
) -> None:
    course = family.courses.get()
    TeamAssignmentFactory(
        course=course,
        user=outsider,
        role=Role.PSYKOLOG,
        starts_on=timezone.localdate() - dt.timedelta(days=60),
        ends_on=timezone.localdate() - dt.timedelta(days=1),  # left the team yesterday
    )
    client.force_login(assigned_worker)

    html = client.get(reverse("home")).content.decode()

    panel = _section(html, "my-course")
    assert family.name in panel and "Aktivt" in panel
    assert f"start {course.start_date:%d.%m.%Y}" in panel
    assert "Familiebehandler · 12,0 t/uge" in panel  # the user's own role and hours
    mates = panel[panel.index('data-testid="team-mates"') :]
    assert f"{team_colleague.full_name} (Pædagog, 12,0 t/uge)" in mates
    assert assigned_worker.full_name not in mates and outsider.full_name not in mates


def test_start_page_panel_query_count_does_not_grow_with_courses(
    client, provider, leader, ishoj, radgiver, assigned_worker, family
) -> None:
    client.force_login(assigned_worker)
    # As course start does: then the baseline shows a meeting in the meetings panel too.
    meetings_schedule_initial(by=None, course=family.courses.get())
    baseline = _queries(client, reverse("home"))
    for _ in range(3):
        other = FamilyFactory(municipality=ishoj, caseworker=radgiver, created_by=radgiver)
        _started_course(
            other,
            provider,
            leader,
            (assigned_worker, Role.BEHANDLER, "4"),
            (UserFactory(organisation=provider, roles=[Role.PAEDAGOG]), Role.PAEDAGOG, "4"),
            (UserFactory(organisation=provider, roles=[Role.PSYKOLOG]), Role.PSYKOLOG, "1"),
        )

    html = client.get(reverse("home")).content.decode()

    assert html.count('data-testid="my-course"') == 4
    assert _queries(client, reverse("home")) == baseline
