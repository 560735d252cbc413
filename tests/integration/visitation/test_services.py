"""The visitation rules, service by service (the screens are tested beside their views)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import CourseStatus, Family, TeamAssignment
from cases.services import TeamMember
from familieberedskab.models import AuditEvent, Notification
from staffing.models import Competence, Role, StaffCompetence, StaffProfile
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from visitation import services
from visitation.models import (
    Decision,
    DecisionKind,
    LegalBasis,
    Referral,
    ReferralStatus,
)

TODAY = dt.date(2026, 11, 29)


def _complete_referral(radgiver, family, provider, *, acute=False, pregnancy=False, submit=True):
    child = family.members.filter(kind="child").first()
    referral = services.referral_save(
        by=radgiver,
        family=family,
        provider=provider,
        data={
            "concern": "Morgenerne bryder sammen.",
            "target_group": "massive",
            "tried_before": "Almindelig familiebehandling i 6 mdr.",
            "investigation_date": dt.date(2026, 10, 1),
            "investigation_done": True,
            "concern_source": "radgiver",
            "consent_given": True,
            "child_views_heard": True,
            "is_acute": acute,
            "pregnancy": pregnancy,
        },
        children=[services.ChildInput(member=child, level=4)],
        legal_bases=list(LegalBasis.objects.filter(code="barnets-lov-32-1-5")),
        challenges=list(Competence.objects.filter(name="Vold i familien")),
    )
    if submit:
        referral = services.referral_submit(by=radgiver, referral=referral)
    return referral


@pytest.fixture
def authority_leader(ishoj):
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


@pytest.fixture
def meeting(leader):
    return services.meeting_create(by=leader, date=timezone.localdate(), members=[leader])


@pytest.fixture
def referral(radgiver, family, provider):
    return _complete_referral(radgiver, family, provider)


GRANT = services.DecisionInput(
    kind=DecisionKind.FAMILIEBEREDSKAB,
    granted_hours=Decimal("25"),
    start_date=TODAY,
    first_follow_up=TODAY + dt.timedelta(days=91),
)


# Referral ----------------------------------------------------------------------------------


def test_incomplete_referral_cannot_be_submitted_and_says_what_is_missing(
    radgiver, family, provider
) -> None:
    draft = services.referral_save(
        by=radgiver,
        family=family,
        provider=provider,
        data={"concern": "x"},
        children=[],
        legal_bases=[],
        challenges=[],
    )

    with pytest.raises(ValidationError) as excinfo:
        services.referral_submit(by=radgiver, referral=draft)

    messages = excinfo.value.messages
    assert "Vælg målgruppe." in messages
    assert "Vælg mindst ét barn, henvisningen gælder." in messages
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT
    assert Referral.objects.get(pk=draft.pk).concern == "x"  # nothing lost


def test_submit_notifies_the_committee_and_audits(
    leader, authority_leader, other_provider_leader, radgiver, family, provider
) -> None:
    referral = _complete_referral(radgiver, family, provider)
    assert referral.status == ReferralStatus.SUBMITTED and referral.submitted_at
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"leder", "socialleder"}  # not the other provider's leader
    assert (
        AuditEvent.objects.filter(
            object_type="visitation.referral", object_id=str(referral.pk)
        ).count()
        == 2
    )


def test_radgiver_of_another_municipality_cannot_refer_or_see(
    referral, other_municipality_radgiver, family, provider
) -> None:
    assert not services.referrals_visible_to(other_municipality_radgiver).exists()
    with pytest.raises(PermissionDenied):
        _complete_referral(other_municipality_radgiver, family, provider, submit=False)


def test_referring_radgiver_sees_the_family(same_municipality_radgiver, ishoj, provider) -> None:
    family = FamilyFactory(
        municipality=ishoj,
        caseworker=same_municipality_radgiver,
        created_by=same_municipality_radgiver,
    )
    FamilyMemberFactory(family=family)
    _complete_referral(same_municipality_radgiver, family, provider)
    assert Family.objects.visible_to(same_municipality_radgiver).filter(pk=family.pk).exists()


def test_withdraw_only_before_a_decision(referral, radgiver, leader, meeting) -> None:
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    with pytest.raises(ValidationError):
        services.referral_withdraw(by=radgiver, referral=referral)


# Decisions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [DecisionKind.ORDINARY, DecisionKind.EXTERNAL, DecisionKind.WAITING_LIST]
)
def test_committee_decision_is_in_force_at_once(referral, leader, meeting, radgiver, kind) -> None:
    decision = services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=kind, priority=2),
    )

    referral.refresh_from_db()
    assert services.decision_in_force(decision)
    assert referral.status == ReferralStatus.DECIDED and referral.decided_at
    assert Notification.objects.filter(
        recipient=radgiver, text__contains=decision.get_kind_display()
    ).exists()


def test_grant_needs_hours_start_and_follow_up(referral, leader, meeting) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(
            by=leader,
            referral=referral,
            meeting=meeting,
            data=services.DecisionInput(
                kind=DecisionKind.FAMILIEBEREDSKAB, granted_hours=Decimal("45")
            ),
        )
    assert set(excinfo.value.message_dict) == {"granted_hours", "start_date", "first_follow_up"}

    decision = services.decision_record(by=leader, referral=referral, meeting=meeting, data=GRANT)
    assert decision.granted_hours == Decimal("25")


def test_rejection_needs_a_reason(referral, leader, meeting) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(
            by=leader,
            referral=referral,
            meeting=meeting,
            data=services.DecisionInput(kind=DecisionKind.REJECTED),
        )
    assert excinfo.value.message_dict["reason"] == ["Et afslag skal begrundes."]
    assert not Decision.objects.exists()


def test_postponed_referral_returns_to_the_agenda(referral, leader, meeting) -> None:
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.POSTPONED),
    )
    referral.refresh_from_db()
    later = services.meeting_create(
        by=leader, date=timezone.localdate() + dt.timedelta(days=7), members=[]
    )

    assert referral.status == ReferralStatus.SUBMITTED
    assert referral in services.meeting_agenda(later)


def test_signed_decision_cannot_be_edited_and_a_correction_replaces_it(
    referral, leader, meeting
) -> None:
    first = services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    first.reason = "ændret"
    with pytest.raises(PermissionError):
        first.save()

    correction = services.decision_record(
        by=leader, referral=referral, meeting=meeting, data=GRANT, replaces=first
    )

    assert services.head_decision(referral) == correction
    assert Decision.objects.get(pk=first.pk).kind == DecisionKind.ORDINARY
    with pytest.raises(ValidationError, match="allerede erstattet"):
        services.decision_record(
            by=leader, referral=referral, meeting=meeting, data=GRANT, replaces=first
        )


def test_a_second_first_decision_loses_and_nothing_is_overwritten(
    referral, leader, provider, meeting
) -> None:
    colleague = UserFactory(organisation=provider, roles=[Role.LEDER])
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )

    with pytest.raises(ValidationError, match="allerede afgjort"):
        services.decision_record(by=colleague, referral=referral, meeting=meeting, data=GRANT)

    assert Decision.objects.get().kind == DecisionKind.ORDINARY


def test_only_acute_referrals_are_decided_outside_a_meeting(referral, leader) -> None:
    with pytest.raises(ValidationError, match="Kun en akut henvisning"):
        services.decision_record(by=leader, referral=referral, data=GRANT)


def test_acute_decision_needs_both_sides(
    radgiver, family, provider, leader, authority_leader
) -> None:
    acute = _complete_referral(radgiver, family, provider, acute=True)
    decision = services.decision_record(by=leader, referral=acute, data=GRANT)

    services.acute_approve(by=leader, decision=decision)
    acute.refresh_from_db()
    assert acute.status == ReferralStatus.SUBMITTED  # one approval is not enough
    with pytest.raises(ValidationError, match="allerede godkendt"):
        services.acute_approve(by=leader, decision=decision)
    second_provider_leader = UserFactory(organisation=provider, roles=[Role.LEDER])
    with pytest.raises(ValidationError, match="allerede en godkendelse"):
        services.acute_approve(by=second_provider_leader, decision=decision)

    services.acute_approve(by=authority_leader, decision=decision)

    acute.refresh_from_db()
    assert acute.status == ReferralStatus.DECIDED
    assert services.decision_in_force(decision)
    assert sorted(a.side for a in decision.approvals.all()) == ["authority", "provider"]


def test_acute_wait_is_measured_from_submission(radgiver, family, provider) -> None:
    acute = _complete_referral(radgiver, family, provider, acute=True)
    Referral.objects.filter(pk=acute.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=30)
    )
    acute.refresh_from_db()
    assert services.acute_wait_hours(acute) > services.ACUTE_FLAG_HOURS


def test_leader_of_another_provider_cannot_decide(referral, other_provider_leader, meeting) -> None:
    with pytest.raises(Exception) as excinfo:
        services.decision_record(
            by=other_provider_leader, referral=referral, meeting=meeting, data=GRANT
        )
    assert type(excinfo.value).__name__ == "Http404"


# Waiting list, capacity and matching --------------------------------------------------------


def _waiting(
    radgiver,
    ishoj,
    provider,
    leader,
    meeting,
    name,
    *,
    submitted_days_ago,
    acute=False,
    pregnancy=False,
    infant=False,
    priority=None,
):
    family = FamilyFactory(name=name, municipality=ishoj, caseworker=radgiver, created_by=radgiver)
    born = timezone.localdate() - dt.timedelta(days=200 if infant else 3000)
    FamilyMemberFactory(family=family, birth_date=born)
    referral = _complete_referral(radgiver, family, provider, acute=acute, pregnancy=pregnancy)
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=submitted_days_ago)
    )
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.WAITING_LIST, priority=priority),
    )
    return referral


def test_waiting_list_order_and_figures(radgiver, ishoj, provider, leader, meeting) -> None:
    old = _waiting(radgiver, ishoj, provider, leader, meeting, "Gammel", submitted_days_ago=90)
    newer = _waiting(radgiver, ishoj, provider, leader, meeting, "Nyere", submitted_days_ago=10)
    baby = _waiting(
        radgiver, ishoj, provider, leader, meeting, "Baby", submitted_days_ago=5, infant=True
    )
    pregnant = _waiting(
        radgiver, ishoj, provider, leader, meeting, "Gravid", submitted_days_ago=3, pregnancy=True
    )
    acute = _waiting(
        radgiver, ishoj, provider, leader, meeting, "Akut", submitted_days_ago=1, acute=True
    )
    prioritised = _waiting(
        radgiver, ishoj, provider, leader, meeting, "Prio", submitted_days_ago=2, priority=1
    )

    order = [e.referral.family.name for e in services.waiting_list(provider)]
    # pregnancy and a child under 2 share one tier, ordered by referral date within it
    assert order == ["Akut", "Baby", "Gravid", "Prio", "Gammel", "Nyere"]

    services.waiting_rank_set(by=leader, referral=newer, rank=1, reason="Skolestart om en uge")
    assert services.waiting_list(provider)[0].referral == newer
    with pytest.raises(ValidationError):
        services.waiting_rank_set(by=leader, referral=old, rank=2, reason="")

    figures = services.waiting_figures(services.waiting_list(provider))
    assert figures["count"] == 6 and figures["longest_days"] == 90
    assert {baby.pk, pregnant.pk, acute.pk, prioritised.pk} <= {
        e.referral.pk for e in services.waiting_list(provider)
    }


def test_matching_suggestions_rank_by_competence_then_free_hours(
    referral, provider, leader, meeting, assigned_worker
) -> None:
    violence = Competence.objects.get(name="Vold i familien")
    busy_expert = UserFactory(
        full_name="A Travl Ekspert", organisation=provider, roles=[Role.BEHANDLER]
    )
    free_novice = UserFactory(full_name="B Ledig", organisation=provider, roles=[Role.BEHANDLER])
    StaffProfile.objects.create(user=busy_expert, contracted_hours=Decimal("37"))
    StaffProfile.objects.create(user=free_novice, contracted_hours=Decimal("37"))
    StaffProfile.objects.create(user=assigned_worker, contracted_hours=Decimal("37"))
    StaffCompetence.objects.create(
        user=busy_expert, competence=violence, certified_on=dt.date(2024, 1, 1)
    )
    # assigned_worker already has 12 hours on the family's course (conftest).

    behandlere = services.matching_suggestions(referral)[Role.BEHANDLER]

    assert [s.user for s in behandlere][:1] == [busy_expert]
    assert behandlere[0].matched == [violence]
    free = {s.user.pk: s.free_hours for s in behandlere}
    assert free[assigned_worker.pk] == Decimal("25.0")
    assert free[free_novice.pk] == Decimal("37")
    assert [s.user for s in behandlere].index(free_novice) < [s.user for s in behandlere].index(
        assigned_worker
    )


def test_match_assign_starts_course_with_team_and_records_over_capacity(
    referral, provider, leader, meeting, assigned_worker, team_colleague, radgiver
) -> None:
    services.capacity_set(by=leader, families=1)  # the conftest family's course fills it
    services.decision_record(by=leader, referral=referral, meeting=meeting, data=GRANT)
    team = [
        TeamMember(assigned_worker, Role.BEHANDLER, Decimal("12")),
        TeamMember(team_colleague, Role.PAEDAGOG, Decimal("13")),
    ]

    with pytest.raises(ValidationError, match="Begrund"):
        services.match_assign(by=leader, referral=referral, team=team, reason="")
    matching = services.match_assign(
        by=leader, referral=referral, team=team, reason="Erfaring med vold"
    )

    referral.refresh_from_db()
    assert matching.over_capacity is True
    course = matching.course
    assert course.status == CourseStatus.ACTIVE and course.granted_hours == Decimal("25.0")
    assert set(TeamAssignment.objects.filter(course=course).values_list("role", flat=True)) == {
        "behandler",
        "paedagog",
    }
    assert referral.team_assigned_at and referral.course_started_at
    assert Notification.objects.filter(
        recipient=team_colleague, text__contains="nyt forløb"
    ).exists()
    with pytest.raises(ValidationError, match="allerede"):
        services.match_assign(by=leader, referral=referral, team=team, reason="igen")


def test_match_needs_a_grant_and_one_behandler_and_one_paedagog(
    referral, leader, meeting, assigned_worker
) -> None:
    team = [TeamMember(assigned_worker, Role.BEHANDLER, Decimal("12"))]
    with pytest.raises(ValidationError, match="bevilget"):
        services.match_assign(by=leader, referral=referral, team=team, reason="x")
    services.decision_record(by=leader, referral=referral, meeting=meeting, data=GRANT)
    with pytest.raises(ValidationError, match="én pædagog"):
        services.match_assign(by=leader, referral=referral, team=team, reason="x")


def test_planned_course_becomes_active_on_its_start_date(
    referral, leader, meeting, assigned_worker, team_colleague
) -> None:
    later = services.DecisionInput(
        kind=DecisionKind.FAMILIEBEREDSKAB,
        granted_hours=Decimal("20"),
        start_date=timezone.localdate() + dt.timedelta(days=3),
        first_follow_up=timezone.localdate() + dt.timedelta(days=95),
    )
    services.decision_record(by=leader, referral=referral, meeting=meeting, data=later)
    matching = services.match_assign(
        by=leader,
        referral=referral,
        reason="x",
        team=[
            TeamMember(assigned_worker, Role.BEHANDLER, Decimal("10")),
            TeamMember(team_colleague, Role.PAEDAGOG, Decimal("10")),
        ],
    )
    assert matching.course.status == CourseStatus.PLANNED

    assert services.courses_activate_due(on=timezone.localdate() + dt.timedelta(days=3)) >= 1

    matching.course.refresh_from_db()
    referral.refresh_from_db()
    assert matching.course.status == CourseStatus.ACTIVE
    assert referral.course_started_at is not None


def test_visitation_tick_command_runs_reminders_and_activation(
    radgiver, family, provider, leader
) -> None:
    from io import StringIO

    from django.core.management import call_command

    acute = _complete_referral(radgiver, family, provider, acute=True)
    Referral.objects.filter(pk=acute.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=13)
    )
    out = StringIO()

    call_command("visitation_tick", stdout=out)

    assert "Påmindelser sendt: 1" in out.getvalue()
    assert Notification.objects.filter(recipient=leader, key=f"acute-12h:{acute.pk}").exists()
