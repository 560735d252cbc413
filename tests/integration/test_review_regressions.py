"""Regression tests for the findings of the security and correctness review of issues 2–3."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Course, CourseStatus
from cases.services import TeamMember
from familieberedskab.models import AuditAction, AuditEvent
from staffing.models import Role
from tests.factories.staffing import UserFactory
from tests.integration.visitation.test_services import GRANT, _complete_referral
from visitation import services
from visitation.models import DecisionKind, Referral, ReferralStatus


def test_cpr_typed_with_spaces_is_searched_by_hash_and_never_stored(
    client, radgiver, family
) -> None:
    digits = family.members.get(kind="child").cpr_digits()
    client.force_login(radgiver)

    response = client.post(
        reverse("cases:family_list"), {"q": f"{digits[:6]} {digits[6:]}"}, follow=True
    )

    assert [f.pk for f in response.context["page"].object_list] == [family.pk]
    assert set(client.session["family_search"]) == {"cpr_hash"}  # the hash only, no text
    assert not AuditEvent.objects.filter(detail__contains=digits[6:]).exists()


def test_digits_that_are_no_cpr_number_are_refused_not_logged(client, radgiver, family) -> None:
    client.force_login(radgiver)

    response = client.post(reverse("cases:family_list"), {"q": "Hansen 320188 1234"}, follow=True)

    assert "gyldig fødselsdato" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_registering_a_known_cpr_elsewhere_is_audited(
    client, other_municipality_radgiver, family, vallensbaek
) -> None:
    digits = family.members.get(kind="child").cpr_digits()
    client.force_login(other_municipality_radgiver)
    payload = {
        "name": "Familien X",
        "municipality": vallensbaek.pk,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "members-0-kind": "child",
        "members-0-first_name": "A",
        "members-0-last_name": "B",
        "members-0-cpr_number": digits,
        "members-0-language": "dansk",
    }

    response = client.post(reverse("cases:family_create"), payload)

    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        actor=other_municipality_radgiver, detail="CPR-kollision"
    ).exists()


def test_opening_the_edit_form_and_the_start_page_are_audited(
    client, radgiver, assigned_worker, family
) -> None:
    client.force_login(radgiver)
    client.get(reverse("cases:family_edit", args=[family.pk]))
    client.get(reverse("home"))
    client.force_login(assigned_worker)
    client.get(reverse("home"))

    assert AuditEvent.objects.filter(
        actor=radgiver, action=AuditAction.VIEW, family_id=family.pk
    ).exists()
    assert AuditEvent.objects.filter(
        actor=radgiver, action=AuditAction.LIST, detail="forside"
    ).exists()
    assert AuditEvent.objects.filter(
        actor=assigned_worker, action=AuditAction.LIST, family_id=family.pk
    ).exists()


def test_full_cpr_follows_the_caseworker_scope_even_with_a_leader_role(
    client, family, ishoj
) -> None:
    both = UserFactory(
        organisation=ishoj, roles=[Role.RADGIVER, Role.LEDER]
    )  # sees Ishøj as leader
    child = family.members.get(kind="child")
    client.force_login(both)

    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 200
    assert (
        client.post(reverse("cases:member_cpr_reveal", args=[family.pk, child.pk])).status_code
        == 403
    )


def test_member_on_a_referral_cannot_be_deleted_and_the_user_is_told(
    radgiver, family, provider
) -> None:
    from cases.services import MemberInput, family_update

    _complete_referral(radgiver, family, provider, submit=False)
    child = family.members.get(kind="child")

    with pytest.raises(ValidationError, match="indgår i en henvisning"):
        family_update(
            by=radgiver,
            family=family,
            data={},
            members=[MemberInput(data={}, member=child, delete=True)],
        )


@pytest.fixture
def authority_leader(ishoj):
    return UserFactory(organisation=ishoj, roles=[Role.LEDER])


def test_only_the_provider_places_families_and_only_those_on_its_list(
    leader, authority_leader, radgiver, family, provider
) -> None:
    referral = _complete_referral(radgiver, family, provider)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    with pytest.raises(ValidationError, match="står ikke på ventelisten"):
        services.waiting_rank_set(by=leader, referral=referral, rank=1, reason="x")
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.WAITING_LIST),
    )

    with pytest.raises(PermissionDenied):
        services.waiting_rank_set(by=authority_leader, referral=referral, rank=1, reason="x")
    services.waiting_rank_set(by=leader, referral=referral, rank=1, reason="Skolestart")


def test_authority_leader_has_no_waiting_list_or_capacity_screen(client, authority_leader) -> None:
    client.force_login(authority_leader)
    assert client.get(reverse("visitation:waiting_list")).status_code == 403
    assert client.get(reverse("visitation:capacity_edit")).status_code == 403


def test_a_stale_copy_cannot_turn_a_submitted_referral_back_into_a_draft(
    radgiver, family, provider
) -> None:
    draft = _complete_referral(radgiver, family, provider, submit=False)
    stale = Referral.objects.get(pk=draft.pk)
    services.referral_submit(by=radgiver, referral=draft)

    with pytest.raises(ValidationError, match="Kun en kladde"):
        services.referral_save(
            by=radgiver,
            family=family,
            provider=provider,
            data={"concern": "ny"},
            children=[],
            legal_bases=[],
            challenges=[],
            referral=stale,
        )

    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SUBMITTED


def test_an_acute_decision_on_a_withdrawn_referral_cannot_be_approved(
    leader, authority_leader, radgiver, family, provider
) -> None:
    acute = _complete_referral(radgiver, family, provider, acute=True)
    decision = services.decision_record(
        by=leader, referral=acute, data=services.DecisionInput(kind=DecisionKind.POSTPONED)
    )
    services.referral_withdraw(by=radgiver, referral=acute)

    with pytest.raises(ValidationError, match="trukket tilbage"):
        services.acute_approve(by=leader, decision=decision)


def test_a_matched_grant_is_not_replaced_by_a_new_decision(
    leader, radgiver, family, provider, assigned_worker, team_colleague
) -> None:
    referral = _complete_referral(radgiver, family, provider)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    grant = services.decision_record(by=leader, referral=referral, meeting=meeting, data=GRANT)
    services.match_assign(
        by=leader,
        referral=referral,
        reason="x",
        team=[
            TeamMember(assigned_worker, Role.BEHANDLER, Decimal("10")),
            TeamMember(team_colleague, Role.PAEDAGOG, Decimal("10")),
        ],
    )

    with pytest.raises(ValidationError, match="forløb er startet"):
        services.decision_record(
            by=leader,
            referral=referral,
            meeting=meeting,
            replaces=grant,
            data=services.DecisionInput(kind=DecisionKind.REJECTED, reason="x"),
        )


def test_course_activation_never_reopens_a_closed_course(family, provider) -> None:
    course = Course.objects.create(
        family=family,
        provider=provider,
        status=CourseStatus.CLOSED,
        start_date=timezone.localdate(),
        end_date=timezone.localdate(),
    )
    assert services.courses_activate_due() == 0
    course.refresh_from_db()
    assert course.status == CourseStatus.CLOSED


def test_leader_loses_access_when_a_referral_is_withdrawn(
    radgiver, family, provider, ishoj
) -> None:
    from cases.models import Family
    from tests.factories.cases import FamilyFactory, FamilyMemberFactory

    other_leader = UserFactory(organisation=provider, roles=[Role.LEDER])
    fresh = FamilyFactory(municipality=ishoj, caseworker=radgiver, created_by=radgiver)
    FamilyMemberFactory(family=fresh)
    referral = _complete_referral(radgiver, fresh, provider)
    assert Family.objects.visible_to(other_leader).filter(pk=fresh.pk).exists()

    services.referral_withdraw(by=radgiver, referral=referral)

    assert not Family.objects.visible_to(other_leader).filter(pk=fresh.pk).exists()


def test_decision_reason_is_outside_the_htmx_refreshed_block(
    client, leader, radgiver, family, provider
) -> None:
    referral = _complete_referral(radgiver, family, provider)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    client.force_login(leader)

    html = client.get(
        reverse("visitation:decision_create", args=[referral.pk]) + f"?moede={meeting.pk}"
    ).content.decode()

    block_start = html.index(f'id="decision-fields-{referral.pk}"')
    reason_at = html.index('name="reason"')
    assert reason_at > block_start
    # the refreshed block closes before the reason field
    assert html.count("<div", block_start, reason_at) == html.count(
        "</div>", block_start, reason_at
    )


def test_healthz_answer_is_cached_briefly(client, settings, db) -> None:
    from familieberedskab import views

    settings.HEALTHZ_CACHE_SECONDS = 60
    views._last_health = None
    client.get(reverse("healthz"))  # computes and keeps the answer (ok or not: no matter here)
    views._last_health = (views._last_health[0], {"status": "cached"}, 200)

    assert client.get(reverse("healthz")).json() == {"status": "cached"}
    views._last_health = None


def test_an_unborn_child_is_registered_with_its_due_date_and_counts_as_under_two(
    client, radgiver, ishoj
) -> None:
    from cases.models import Family

    due = timezone.localdate() + timedelta(days=120)
    client.force_login(radgiver)
    payload = {
        "name": "Familien Gravid",
        "municipality": ishoj.pk,
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "members-0-kind": "caregiver",
        "members-0-first_name": "Maja",
        "members-0-last_name": "G",
        "members-0-birth_date": "1995-03-01",
        "members-0-language": "dansk",
        "members-1-kind": "child",
        "members-1-first_name": "Ufødt",
        "members-1-last_name": "G",
        "members-1-birth_date": due.isoformat(),
        "members-1-language": "dansk",
    }

    response = client.post(reverse("cases:family_create"), payload)

    assert response.status_code == 302
    assert Family.objects.get(name="Familien Gravid").members.get(kind="child").birth_date == due
    payload["members-0-birth_date"] = due.isoformat()  # a caregiver cannot be born in the future
    payload["name"] = "Familien Fejl"
    assert client.post(reverse("cases:family_create"), payload).status_code == 400


def test_waiting_list_placement_puts_a_family_at_that_place(
    leader, radgiver, provider, ishoj
) -> None:
    from tests.integration.visitation.test_services import _waiting

    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    acute = _waiting(
        radgiver, ishoj, provider, leader, meeting, "Akut", submitted_days_ago=1, acute=True
    )
    a = _waiting(radgiver, ishoj, provider, leader, meeting, "A", submitted_days_ago=30)
    b = _waiting(radgiver, ishoj, provider, leader, meeting, "B", submitted_days_ago=20)
    c = _waiting(radgiver, ishoj, provider, leader, meeting, "C", submitted_days_ago=10)

    services.waiting_rank_set(by=leader, referral=c, rank=3, reason="Skolestart")

    assert [e.referral for e in services.waiting_list(provider)] == [acute, a, c, b]


def test_a_sibling_under_two_gives_priority_even_if_not_named(
    leader, radgiver, provider, ishoj
) -> None:
    from tests.factories.cases import FamilyMemberFactory
    from tests.integration.visitation.test_services import _waiting

    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    older = _waiting(radgiver, ishoj, provider, leader, meeting, "Ældre", submitted_days_ago=30)
    sibling = _waiting(radgiver, ishoj, provider, leader, meeting, "Søskende", submitted_days_ago=5)
    FamilyMemberFactory(
        family=sibling.family, birth_date=timezone.localdate() - timedelta(days=100)
    )

    assert [e.referral for e in services.waiting_list(provider)] == [sibling, older]


def test_second_referral_in_play_for_the_same_family_is_refused(radgiver, family, provider) -> None:
    _complete_referral(radgiver, family, provider)
    with pytest.raises(ValidationError, match="allerede en henvisning"):
        _complete_referral(radgiver, family, provider)


def test_an_acute_decision_awaiting_approval_does_not_block_withdrawal(
    leader, radgiver, family, provider
) -> None:
    acute = _complete_referral(radgiver, family, provider, acute=True)
    services.decision_record(by=leader, referral=acute, data=GRANT)

    services.referral_withdraw(by=radgiver, referral=acute)

    acute.refresh_from_db()
    assert acute.status == ReferralStatus.WITHDRAWN


def test_a_wrong_follow_up_date_is_a_field_error_not_a_conflict(
    leader, radgiver, family, provider
) -> None:
    referral = _complete_referral(radgiver, family, provider)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[])
    start = timezone.localdate() + timedelta(days=10)
    data = services.DecisionInput(
        kind=DecisionKind.ORDINARY, start_date=start, first_follow_up=start - timedelta(days=3)
    )

    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(by=leader, referral=referral, meeting=meeting, data=data)

    assert "first_follow_up" in excinfo.value.message_dict
