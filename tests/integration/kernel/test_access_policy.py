"""The access policy, rule by rule: who sees which family, who changes it."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CourseStatus, Family
from familieberedskab.permissions import ROLE_PERMISSIONS, Perm, has_permission, permissions_of
from staffing.models import Role
from tests.factories.cases import CourseFactory, FamilyFactory, TeamAssignmentFactory
from tests.factories.staffing import UserFactory


def _visible(user) -> set[str]:
    return set(Family.objects.visible_to(user).values_list("name", flat=True))


def test_radgiver_sees_own_families_only(
    family, other_family, radgiver, same_municipality_radgiver, other_municipality_radgiver
) -> None:
    assert _visible(radgiver) == {"Familien Holmgård"}
    assert _visible(same_municipality_radgiver) == set()
    assert _visible(other_municipality_radgiver) == {"Familien Fjordvang"}


def test_radgiver_moved_to_another_municipality_loses_the_old_families(
    family, radgiver, vallensbaek
) -> None:
    radgiver.organisation = vallensbaek
    radgiver.save()
    assert _visible(radgiver) == set()


def test_practitioners_see_families_they_are_assigned_to_now(
    family, assigned_worker, team_colleague, outsider
) -> None:
    assert _visible(assigned_worker) == {"Familien Holmgård"}
    assert _visible(team_colleague) == {"Familien Holmgård"}
    assert _visible(outsider) == set()


def test_ended_assignment_and_closed_course_end_access(
    family, assigned_worker, team_colleague
) -> None:
    course = family.courses.get()
    course.team.filter(user=assigned_worker).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _visible(assigned_worker) == set()

    # A closed course stays readable by the team it had at closure for a grace period (to
    # read it and fetch the closing summary), then access ends.
    course.status = CourseStatus.CLOSED
    course.end_date = timezone.localdate()
    course.save()
    assert _visible(team_colleague) == {"Familien Holmgård"}
    assert _visible(assigned_worker) == set()  # left the team before the closure

    course.end_date = timezone.localdate() - dt.timedelta(days=31)
    course.start_date = course.end_date - dt.timedelta(days=30)
    course.save()
    course.team.update(starts_on=course.start_date)
    assert _visible(team_colleague) == set()


def test_future_assignment_gives_no_access_yet(family, provider) -> None:
    newcomer = UserFactory(organisation=provider, roles=[Role.PAEDAGOG])
    TeamAssignmentFactory(
        course=family.courses.get(),
        user=newcomer,
        role=Role.PAEDAGOG,
        starts_on=timezone.localdate() + dt.timedelta(days=7),
    )
    assert _visible(newcomer) == set()


def test_leader_sees_families_with_a_course_at_their_provider(
    family, other_family, leader, other_provider_leader
) -> None:
    assert _visible(leader) == {"Familien Holmgård"}
    assert _visible(other_provider_leader) == set()


def test_authority_leader_sees_families_of_their_municipality(family, other_family, ishoj) -> None:
    socialleder = UserFactory(organisation=ishoj, roles=[Role.LEDER])
    assert _visible(socialleder) == {"Familien Holmgård"}


@pytest.mark.parametrize("role", [Role.PROJEKTLEDER, Role.ADMINISTRATOR])
def test_projektleder_and_administrator_see_no_case_files(family, provider, role) -> None:
    user = UserFactory(organisation=provider, roles=[role])
    assert _visible(user) == set()
    assert not has_permission(user, Perm.FAMILY_VIEW)


def test_only_the_radgiver_changes_a_family(family, radgiver, assigned_worker, leader) -> None:
    assert list(Family.objects.changeable_by(radgiver)) == [family]
    assert not Family.objects.changeable_by(assigned_worker).exists()
    assert not Family.objects.changeable_by(leader).exists()
    assert has_permission(radgiver, Perm.FAMILY_CHANGE, obj=family)
    assert not has_permission(leader, Perm.FAMILY_CHANGE, obj=family)


def test_roles_combine(family, provider) -> None:
    both = UserFactory(organisation=provider, roles=[Role.PROJEKTLEDER, Role.BEHANDLER])
    TeamAssignmentFactory(course=family.courses.get(), user=both)
    assert _visible(both) == {"Familien Holmgård"}
    assert (
        permissions_of(both)
        == ROLE_PERMISSIONS[Role.PROJEKTLEDER] | ROLE_PERMISSIONS[Role.BEHANDLER]
    )


def test_inactive_and_anonymous_users_see_nothing(family, radgiver) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _visible(AnonymousUser()) == set()
    radgiver.is_active = False
    assert _visible(radgiver) == set()


def test_a_user_without_roles_sees_nothing(family, ishoj) -> None:
    assert _visible(UserFactory(organisation=ishoj)) == set()


def test_visible_to_is_one_query_without_duplicates(
    family, leader, provider, django_assert_num_queries
) -> None:
    CourseFactory(
        family=family,
        provider=provider,
        status=CourseStatus.CLOSED,
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2023, 6, 1),
    )
    FamilyFactory(municipality=family.municipality)
    leader.roles  # noqa: B018 – load roles before counting
    with django_assert_num_queries(1):
        names = list(Family.objects.visible_to(leader).values_list("name", flat=True))
    assert names == ["Familien Holmgård"]


def test_course_scope_keeps_two_providers_courses_apart(
    family, provider, other_provider, assigned_worker, leader, other_provider_leader, radgiver
) -> None:
    from cases.models import Course
    from familieberedskab.permissions import course_scope

    second = CourseFactory(family=family, provider=other_provider)
    elsewhere = UserFactory(organisation=other_provider, roles=[Role.BEHANDLER])
    TeamAssignmentFactory(course=second, user=elsewhere)

    def courses(user) -> set[int]:
        return set(Course.objects.filter(course_scope(user)).values_list("pk", flat=True))

    first = family.courses.get(provider=provider).pk
    assert courses(radgiver) == {first, second.pk}  # the family's own rådgiver: every course
    assert courses(assigned_worker) == {first}
    assert courses(elsewhere) == {second.pk}
    assert courses(leader) == {first}
    assert courses(other_provider_leader) == {second.pk}
