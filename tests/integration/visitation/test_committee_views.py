"""The visitation committee's screens: meetings and agendas, the decision form for every kind
of decision, corrections, the acute route's two approvals, concurrent deciding, the acute
overview and scoping. The rules themselves are tested service by service in test_services.py;
here they are driven through the views."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from familieberedskab.models import Notification
from staffing.models import Role
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from visitation import services
from visitation.forms.committee import add_months
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    Decision,
    DecisionKind,
    DecisionRoute,
    Referral,
    ReferralStatus,
    TargetGroup,
    VisitationMeeting,
)

START = timezone.localdate() + dt.timedelta(days=14)


# Arrange helpers ---------------------------------------------------------------------------


def _referral(family, provider, *, acute: bool = False, hours_ago: float = 1) -> Referral:
    return Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=family.caseworker,
        status=ReferralStatus.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(hours=hours_ago),
        target_group=TargetGroup.ACUTE if acute else TargetGroup.MASSIVE,
        concern="Bekymring for barnets trivsel.",
        is_acute=acute,
    )


def _families(municipality, n: int) -> list:
    families = []
    for _ in range(n):
        family = FamilyFactory(municipality=municipality)
        FamilyMemberFactory(family=family)
        families.append(family)
    return families


def _decide_url(referral: Referral, **query: object) -> str:
    url = reverse("visitation:decision_create", args=[referral.pk])
    names = {"meeting": "moede", "replaces": "erstatter"}
    params = "&".join(f"{names[k]}={v.pk}" for k, v in query.items())
    return f"{url}?{params}" if params else url


def _grant(**overrides: object) -> dict:
    data = {
        "kind": DecisionKind.FAMILIEBEREDSKAB,
        "granted_hours": "25",
        "start_date": START.isoformat(),
        "first_follow_up": (START + dt.timedelta(days=80)).isoformat(),
        "priority": "",
        "reason": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting(provider, leader) -> VisitationMeeting:
    return services.meeting_create(
        by=leader, date=timezone.localdate() + dt.timedelta(days=2), members=[leader]
    )


@pytest.fixture
def referral(family, provider) -> Referral:
    return _referral(family, provider)


@pytest.fixture
def acute_referral(family, provider) -> Referral:
    return _referral(family, provider, acute=True)


@pytest.fixture
def authority_leader(ishoj):
    """The socialfaglig leder of the family's municipality."""
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


@pytest.fixture
def second_leader(provider):
    return UserFactory(username="viceleder", organisation=provider, roles=[Role.LEDER])


# Meetings ---------------------------------------------------------------------------------


def test_meeting_list_shows_upcoming_first_then_past_with_agenda_size(
    client, leader, provider, family
) -> None:
    today = timezone.localdate()
    past = VisitationMeeting.objects.create(
        provider=provider, date=today - dt.timedelta(days=30), created_by=leader
    )
    later = VisitationMeeting.objects.create(
        provider=provider, date=today + dt.timedelta(days=20), created_by=leader
    )
    soon = VisitationMeeting.objects.create(
        provider=provider, date=today + dt.timedelta(days=3), created_by=leader
    )
    _referral(family, provider)
    client.force_login(leader)

    response = client.get(reverse("visitation:meeting_list"))

    assert response.status_code == 200
    meetings = list(response.context["page"].object_list)
    assert meetings == [soon, later, past]
    assert [m.agenda_size for m in meetings] == [1, 1, 0]
    assert "Opret møde" in response.content.decode()


def test_meeting_list_query_count_does_not_grow(
    client, leader, provider, ishoj, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    for family in _families(ishoj, 4):
        _referral(family, provider)
    for days in range(-6, 6):
        VisitationMeeting.objects.create(
            provider=provider, date=today + dt.timedelta(days=days), created_by=leader
        )
    client.force_login(leader)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("visitation:meeting_list"))

    assert len(response.context["page"].object_list) == 12


def test_meeting_create_records_date_and_members(
    client, leader, provider, authority_leader, outsider
) -> None:
    client.force_login(leader)
    day = timezone.localdate() + dt.timedelta(days=5)

    response = client.post(
        reverse("visitation:meeting_create"),
        {"date": day.isoformat(), "members": [leader.pk, authority_leader.pk, outsider.pk]},
    )

    meeting = VisitationMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visitation:meeting_detail", args=[meeting.pk])
    assert meeting.provider == provider
    assert meeting.date == day
    assert set(meeting.members.all()) == {leader, authority_leader, outsider}


def test_meeting_create_refuses_a_member_from_outside_and_keeps_the_input(
    client, leader, other_provider_leader
) -> None:
    client.force_login(leader)

    response = client.post(
        reverse("visitation:meeting_create"),
        {"date": "2030-01-15", "members": [other_provider_leader.pk]},
    )

    assert response.status_code == 400
    assert not VisitationMeeting.objects.exists()
    assert 'value="2030-01-15"' in response.content.decode()


def test_meeting_create_is_for_provider_leaders(client, authority_leader) -> None:
    client.force_login(authority_leader)

    response = client.post(reverse("visitation:meeting_create"), {"date": "2030-01-15"})

    assert response.status_code == 403


def test_agenda_lists_referrals_with_facts_and_a_form_each(
    client, leader, meeting, referral, acute_referral
) -> None:
    client.force_login(leader)

    response = client.get(reverse("visitation:meeting_detail", args=[meeting.pk]))

    assert response.status_code == 200
    items = response.context["items"]
    assert [i.referral for i in items] == [acute_referral, referral]  # acute first
    assert all(i.form is not None for i in items)
    html = response.content.decode()
    assert "Familien Holmgård" in html
    assert "Ishøj Kommune" in html
    assert str(TargetGroup.MASSIVE.label) in html
    assert "Akut" in html
    assert referral.submitted_at.astimezone().strftime("%d.%m.%Y") in html
    assert reverse("visitation:referral_detail", args=[referral.pk]) in html
    assert f'action="{_decide_url(referral, meeting=meeting)}"' in html.replace("&amp;", "&")
    assert f'id="id_r{referral.pk}_kind_0"' in html  # ids unique per referral


def test_agenda_shows_the_decision_taken_at_the_meeting(client, leader, meeting, referral) -> None:
    client.force_login(leader)
    client.post(_decide_url(referral, meeting=meeting), _grant())

    response = client.get(reverse("visitation:meeting_detail", args=[meeting.pk]))

    (item,) = response.context["items"]
    assert item.decided_here and item.form is None
    html = response.content.decode()
    assert "I kraft" in html
    assert START.strftime("%d.%m.%Y") in html


def test_agenda_query_count_does_not_grow_with_referrals(
    client, leader, meeting, provider, ishoj, django_assert_max_num_queries
) -> None:
    client.force_login(leader)
    families = _families(ishoj, 8)

    def seed(families: list, *, decide: int) -> None:
        for i, family in enumerate(families):
            referral = _referral(family, provider, acute=i % 2 == 0)
            if i < decide:
                services.decision_record(
                    by=leader,
                    referral=referral,
                    meeting=meeting if i % 2 else None,
                    data=services.DecisionInput(kind=DecisionKind.WAITING_LIST, priority=2),
                )

    seed(families[:2], decide=1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("visitation:meeting_detail", args=[meeting.pk]))
    seed(families[2:], decide=3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("visitation:meeting_detail", args=[meeting.pk]))

    assert len(response.context["items"]) == 8


def test_agenda_of_an_authority_leader_shows_only_their_municipality(
    client, authority_leader, meeting, referral, provider, other_family
) -> None:
    _referral(other_family, provider)  # Vallensbæk: not the Ishøj leader's
    client.force_login(authority_leader)

    response = client.get(reverse("visitation:meeting_detail", args=[meeting.pk]))

    assert response.status_code == 200
    assert [i.referral for i in response.context["items"]] == [referral]


# Decisions, kind by kind ------------------------------------------------------------------


def test_familieberedskab_records_hours_start_and_follow_up(
    client, leader, meeting, referral, radgiver
) -> None:
    client.force_login(leader)

    response = client.post(_decide_url(referral, meeting=meeting), _grant())

    assert response.status_code == 302
    assert response["Location"].endswith(f"#henvisning-{referral.pk}")
    decision = Decision.objects.get()
    assert decision.kind == DecisionKind.FAMILIEBEREDSKAB
    assert decision.route == DecisionRoute.COMMITTEE
    assert decision.meeting == meeting
    assert decision.granted_hours == Decimal(25)
    assert decision.start_date == START
    assert decision.first_follow_up == START + dt.timedelta(days=80)
    assert decision.signed_by == leader
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    assert Notification.objects.filter(recipient=radgiver).exists()


def test_follow_up_defaults_to_three_months_after_start(client, leader, meeting, referral) -> None:
    client.force_login(leader)

    client.post(
        _decide_url(referral, meeting=meeting),
        _grant(start_date="2031-01-31", first_follow_up=""),
    )

    assert Decision.objects.get().first_follow_up == dt.date(2031, 4, 30)


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month() -> None:
    assert add_months(dt.date(2030, 5, 15), 3) == dt.date(2030, 8, 15)
    assert add_months(dt.date(2030, 11, 30), 3) == dt.date(2031, 2, 28)
    assert add_months(dt.date(2031, 11, 30), 3) == dt.date(2032, 2, 29)


@pytest.mark.parametrize(
    ("hours", "message"),
    [("41", "40"), ("", "Angiv bevilgede timer pr. uge"), ("0", "Angiv bevilgede timer pr. uge")],
)
def test_familieberedskab_hours_must_be_over_0_and_at_most_40(
    client, leader, meeting, referral, hours, message
) -> None:
    client.force_login(leader)

    response = client.post(_decide_url(referral, meeting=meeting), _grant(granted_hours=hours))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["granted_hours"])
    assert not Decision.objects.exists()


@pytest.mark.parametrize("kind", [DecisionKind.ORDINARY, DecisionKind.EXTERNAL])
def test_ordinary_and_external_decisions_are_recorded_without_hours(
    client, leader, meeting, referral, kind
) -> None:
    client.force_login(leader)

    response = client.post(
        _decide_url(referral, meeting=meeting),
        _grant(kind=kind, granted_hours="12", first_follow_up=""),
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.kind == kind
    assert decision.granted_hours is None  # only a Familieberedskab grants hours
    assert decision.start_date == START
    assert decision.first_follow_up == add_months(START, 3)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED


def test_waiting_list_records_the_priority(client, leader, meeting, referral) -> None:
    client.force_login(leader)

    response = client.post(
        _decide_url(referral, meeting=meeting),
        _grant(kind=DecisionKind.WAITING_LIST, priority="2"),
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.priority, decision.start_date) == ("waiting_list", 2, None)
    assert [e.referral for e in services.waiting_list(referral.provider)] == [referral]


def test_postponed_referral_comes_back_on_the_next_agenda(
    client, leader, meeting, referral, provider
) -> None:
    client.force_login(leader)
    client.post(_decide_url(referral, meeting=meeting), {"kind": DecisionKind.POSTPONED})
    postponed = Decision.objects.get()
    next_meeting = services.meeting_create(
        by=leader, date=meeting.date + dt.timedelta(days=14), members=[leader]
    )

    agenda = client.get(reverse("visitation:meeting_detail", args=[next_meeting.pk]))
    (item,) = agenda.context["items"]
    response = client.post(item.action, _grant())

    referral.refresh_from_db()
    assert item.form is not None
    assert item.action == _decide_url(referral, meeting=next_meeting, replaces=postponed)
    assert response.status_code == 302
    new = Decision.objects.get(replaces=postponed)
    assert new.meeting == next_meeting
    assert referral.status == ReferralStatus.DECIDED


def test_rejection_without_reason_is_refused_with_the_message_on_the_field(
    client, leader, meeting, referral
) -> None:
    client.force_login(leader)

    refused = client.post(
        _decide_url(referral, meeting=meeting), {"kind": DecisionKind.REJECTED, "reason": " "}
    )
    accepted = client.post(
        _decide_url(referral, meeting=meeting),
        {"kind": DecisionKind.REJECTED, "reason": "Familien er i et andet tilbud."},
    )

    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["Et afslag skal begrundes."]
    assert "Et afslag skal begrundes." in refused.content.decode()
    assert accepted.status_code == 302
    assert Decision.objects.get().reason == "Familien er i et andet tilbud."


def test_choosing_a_kind_re_renders_only_the_fields_it_uses(
    client, leader, meeting, referral
) -> None:
    client.force_login(leader)
    url = _decide_url(referral, meeting=meeting)

    rejected = client.get(f"{url}&kind=rejected&reason=Tekst", HTTP_HX_REQUEST="true")
    grant = client.get(f"{url}&kind=familieberedskab", HTTP_HX_REQUEST="true")

    html = rejected.content.decode()
    assert 'type="hidden" name="granted_hours"' in html
    assert "Tekst" in html  # what was typed is kept
    assert 'type="number" name="granted_hours"' in grant.content.decode()
    assert f'hx-get="{url}"' in html.replace("&amp;", "&")


def test_non_acute_referral_needs_a_meeting(client, leader, meeting, referral) -> None:
    client.force_login(leader)

    form_page = client.get(_decide_url(referral))
    refused = client.post(_decide_url(referral), _grant())
    chosen = client.post(_decide_url(referral), _grant(meeting=meeting.pk))

    assert form_page.context["form"].initial["meeting"] == meeting.pk
    assert refused.status_code == 400
    assert "meeting" in refused.context["form"].errors
    assert chosen.status_code == 302
    assert Decision.objects.get().meeting == meeting


def test_acute_referral_without_a_meeting_takes_the_acute_route(
    client, leader, acute_referral
) -> None:
    client.force_login(leader)

    page = client.get(_decide_url(acute_referral))
    response = client.post(_decide_url(acute_referral), _grant())

    assert "begge har godkendt" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("visitation:referral_detail", args=[acute_referral.pk])
    decision = Decision.objects.get()
    assert (decision.route, decision.meeting) == (DecisionRoute.ACUTE, None)
    acute_referral.refresh_from_db()
    assert acute_referral.status == ReferralStatus.SUBMITTED  # not in force yet


# Immutability and corrections -------------------------------------------------------------


def test_signed_decision_cannot_be_saved_again(leader, meeting, referral) -> None:
    decision = services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    decision.kind = DecisionKind.REJECTED

    with pytest.raises(PermissionError):
        decision.save()


def test_correction_records_a_new_decision_and_keeps_the_old(
    client, leader, meeting, referral
) -> None:
    client.force_login(leader)
    client.post(_decide_url(referral, meeting=meeting), _grant())
    old = Decision.objects.get()
    url = _decide_url(referral, meeting=meeting, replaces=old)

    page = client.get(url)
    response = client.post(url, _grant(granted_hours="30"))

    assert "aldrig rettes" in page.content.decode()
    assert response.status_code == 302
    new = Decision.objects.exclude(pk=old.pk).get()
    assert new.replaces == old
    assert new.granted_hours == Decimal(30)
    old.refresh_from_db()
    assert old.granted_hours == Decimal(25)
    assert services.head_decision(referral) == new


def test_correcting_a_decision_that_is_no_longer_the_head_is_refused(
    client, leader, meeting, referral
) -> None:
    client.force_login(leader)
    client.post(_decide_url(referral, meeting=meeting), _grant())
    first = Decision.objects.get()
    client.post(_decide_url(referral, meeting=meeting, replaces=first), _grant(granted_hours="30"))

    response = client.post(
        _decide_url(referral, meeting=meeting, replaces=first), _grant(granted_hours="35")
    )

    assert response.status_code == 409
    assert "allerede erstattet af en nyere" in response.content.decode()
    assert Decision.objects.count() == 2
    assert not Decision.objects.filter(granted_hours=35).exists()


def test_a_decision_of_another_referral_cannot_be_corrected_here(
    client, leader, meeting, referral, provider, ishoj
) -> None:
    (family,) = _families(ishoj, 1)
    other = _referral(family, provider)
    decision = services.decision_record(
        by=leader,
        referral=other,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    client.force_login(leader)

    response = client.get(_decide_url(referral, replaces=decision))

    assert response.status_code == 404


# Two leaders at once ----------------------------------------------------------------------


def test_second_leader_deciding_after_the_first_is_refused_and_nothing_is_overwritten(
    client, leader, second_leader, meeting, referral
) -> None:
    url = _decide_url(referral, meeting=meeting)
    client.force_login(leader)
    first = client.post(url, _grant())
    client.force_login(second_leader)

    second = client.post(url, {"kind": DecisionKind.REJECTED, "reason": "Nej."})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "allerede afgjort" in second.content.decode()
    assert "Nej." in second.content.decode()  # what the second leader typed is kept
    decision = Decision.objects.get()
    assert (decision.kind, decision.signed_by) == (DecisionKind.FAMILIEBEREDSKAB, leader)


def test_second_leader_losing_the_race_gets_the_conflict_message(
    client, second_leader, leader, meeting, referral, monkeypatch
) -> None:
    # Both read "no decision yet"; the first commits just before the second saves.
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    monkeypatch.setattr(services, "head_decision", lambda referral: None)
    client.force_login(second_leader)

    response = client.post(_decide_url(referral, meeting=meeting), _grant())

    assert response.status_code == 409
    assert "En anden leder har netop afgjort" in response.content.decode()
    assert Decision.objects.get().kind == DecisionKind.ORDINARY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_deciding_at_the_same_moment_one_wins(family, provider, leader) -> None:
    second = UserFactory(username="viceleder", organisation=provider, roles=[Role.LEDER])
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[leader])
    referral = _referral(family, provider)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(by, kind: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.decision_record(
                by=by,
                referral=referral,
                meeting=meeting,
                data=services.DecisionInput(kind=kind, reason="Begrundelse."),
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.error_list[0].code or "")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(leader, DecisionKind.ORDINARY)),
        threading.Thread(target=decide, args=(second, DecisionKind.REJECTED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "ok"]
    assert Decision.objects.filter(referral=referral).count() == 1


# The acute route: two approvals ------------------------------------------------------------


@pytest.fixture
def acute_decision(leader, acute_referral) -> Decision:
    return services.decision_record(
        by=leader,
        referral=acute_referral,
        data=services.DecisionInput(
            kind=DecisionKind.FAMILIEBEREDSKAB,
            granted_hours=Decimal(30),
            start_date=START,
            first_follow_up=add_months(START, 3),
        ),
    )


def _approve(client, user, decision: Decision):
    client.force_login(user)
    return client.post(reverse("visitation:decision_approve", args=[decision.pk]))


def test_one_approval_is_not_enough(client, leader, acute_decision, acute_referral) -> None:
    response = _approve(client, leader, acute_decision)

    assert response.status_code == 302
    acute_referral.refresh_from_db()
    assert acute_referral.status == ReferralStatus.SUBMITTED
    assert not services.decision_in_force(acute_decision)
    detail = client.get(reverse("visitation:referral_detail", args=[acute_referral.pk]))
    html = detail.content.decode()
    assert "Afventer godkendelse fra myndighedens leder" in html
    assert 'data-testid="approved-by-me"' in html


def test_the_same_leader_cannot_approve_twice(client, leader, acute_decision) -> None:
    _approve(client, leader, acute_decision)

    response = _approve(client, leader, acute_decision)

    assert response.status_code == 400
    assert "Du har allerede godkendt" in response.content.decode()
    assert AcuteApproval.objects.count() == 1


def test_two_leaders_of_the_same_side_cannot_both_approve(
    client, leader, second_leader, acute_decision
) -> None:
    _approve(client, leader, acute_decision)

    response = _approve(client, second_leader, acute_decision)

    assert response.status_code == 400
    assert "Der er allerede en godkendelse fra" in response.content.decode()
    assert AcuteApproval.objects.get().approver == leader


def test_authority_and_provider_approval_put_the_decision_in_force(
    client, leader, authority_leader, acute_decision, acute_referral, radgiver
) -> None:
    _approve(client, authority_leader, acute_decision)
    waiting = client.get(reverse("visitation:referral_detail", args=[acute_referral.pk]))

    response = _approve(client, leader, acute_decision)

    acute_referral.refresh_from_db()
    assert response.status_code == 302
    assert acute_referral.status == ReferralStatus.DECIDED
    assert acute_referral.decided_at is not None
    sides = set(AcuteApproval.objects.values_list("side", flat=True))
    assert sides == {ApproverSide.AUTHORITY, ApproverSide.PROVIDER}
    assert Notification.objects.filter(
        recipient=radgiver, text__contains="Familieberedskab"
    ).exists()
    assert "Afventer godkendelse fra Familieværkstedet" in waiting.content.decode()
    detail = client.get(reverse("visitation:referral_detail", args=[acute_referral.pk]))
    html = detail.content.decode()
    assert "I kraft" in html
    assert authority_leader.full_name in html and leader.full_name in html
    assert 'data-testid="approve"' not in html


def test_approve_returns_to_a_local_next_page_only(client, authority_leader, acute_decision):
    client.force_login(authority_leader)
    url = reverse("visitation:decision_approve", args=[acute_decision.pk])

    response = client.post(url, {"next": "https://example.org/"})

    assert response["Location"] == reverse(
        "visitation:referral_detail", args=[acute_decision.referral_id]
    )


def test_referral_detail_offers_the_leader_the_decide_button(
    client, leader, acute_referral, radgiver
) -> None:
    client.force_login(leader)
    leader_html = client.get(
        reverse("visitation:referral_detail", args=[acute_referral.pk])
    ).content.decode()
    client.force_login(radgiver)
    radgiver_html = client.get(
        reverse("visitation:referral_detail", args=[acute_referral.pk])
    ).content.decode()

    assert 'data-testid="decide"' in leader_html
    assert 'data-testid="decide"' not in radgiver_html


# The acute overview ------------------------------------------------------------------------


def test_acute_overview_flags_referrals_waiting_over_24_hours(
    client, leader, family, provider, ishoj
) -> None:
    (other_family,) = _families(ishoj, 1)
    fresh = _referral(family, provider, acute=True, hours_ago=2)
    stale = _referral(other_family, provider, acute=True, hours_ago=30)
    _referral(family, provider, acute=False, hours_ago=50)  # not acute: not listed
    client.force_login(leader)

    response = client.get(reverse("visitation:acute_list"))

    rows = {row.referral: row for row in response.context["rows"]}
    assert set(rows) == {fresh, stale}
    assert rows[stale].overdue and 29.9 < rows[stale].hours < 30.1
    assert not rows[fresh].overdue
    assert response.content.decode().count('data-testid="overdue"') == 1


def test_acute_overview_shows_pending_approvals(
    client, leader, authority_leader, acute_decision
) -> None:
    _approve(client, authority_leader, acute_decision)
    client.force_login(leader)

    response = client.get(reverse("visitation:acute_list"))

    html = response.content.decode()
    assert "Afventer godkendelse fra Familieværkstedet" in html
    assert authority_leader.full_name in html


def test_acute_overview_query_count_does_not_grow(
    client, leader, provider, ishoj, django_assert_max_num_queries
) -> None:
    families = _families(ishoj, 8)

    def seed(families: list, *, decide: int) -> None:
        for i, family in enumerate(families):
            referral = _referral(family, provider, acute=True, hours_ago=10 * i)
            if i < decide:
                decision = services.decision_record(
                    by=leader,
                    referral=referral,
                    data=services.DecisionInput(kind=DecisionKind.ORDINARY),
                )
                services.acute_approve(by=leader, decision=decision)

    seed(families[:2], decide=1)
    client.force_login(leader)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("visitation:acute_list"))
    seed(families[2:], decide=4)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("visitation:acute_list"))

    assert len(response.context["rows"]) == 8


# Scoping ---------------------------------------------------------------------------------


def test_leader_of_another_provider_gets_404(
    client, other_provider_leader, meeting, acute_referral, acute_decision
) -> None:
    client.force_login(other_provider_leader)

    responses = [
        client.get(reverse("visitation:meeting_detail", args=[meeting.pk])),
        client.get(_decide_url(acute_referral)),
        client.post(_decide_url(acute_referral), _grant()),
        client.get(_decide_url(acute_referral, meeting=meeting)),
        client.post(reverse("visitation:decision_approve", args=[acute_decision.pk])),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert Decision.objects.count() == 1
    assert not AcuteApproval.objects.exists()


def test_leader_cannot_decide_at_a_meeting_of_another_provider(
    client, leader, other_provider_leader, referral
) -> None:
    foreign = VisitationMeeting.objects.create(
        provider=other_provider_leader.organisation,
        date=timezone.localdate(),
        created_by=other_provider_leader,
    )
    client.force_login(leader)

    response = client.post(_decide_url(referral, meeting=foreign), _grant())

    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_meeting_list_shows_only_meetings_in_scope(
    client, leader, other_provider_leader, meeting
) -> None:
    VisitationMeeting.objects.create(
        provider=other_provider_leader.organisation,
        date=timezone.localdate(),
        created_by=other_provider_leader,
    )
    client.force_login(leader)

    response = client.get(reverse("visitation:meeting_list"))

    assert list(response.context["page"].object_list) == [meeting]


@pytest.mark.parametrize("name", ["meeting_list", "acute_list"])
def test_practitioners_and_radgivere_get_403(client, radgiver, assigned_worker, name) -> None:
    for user in (radgiver, assigned_worker):
        client.force_login(user)
        assert client.get(reverse(f"visitation:{name}")).status_code == 403


def test_a_malformed_meeting_or_decision_id_is_404(client, leader, referral) -> None:
    client.force_login(leader)
    url = reverse("visitation:decision_create", args=[referral.pk])

    assert client.get(f"{url}?moede=abc").status_code == 404
    assert client.get(f"{url}?erstatter=1x").status_code == 404


def test_authority_leader_sees_the_committees_of_providers_serving_them(
    client, authority_leader, meeting
) -> None:
    client.force_login(authority_leader)

    response = client.get(reverse("visitation:meeting_list"))

    assert list(response.context["page"].object_list) == [meeting]
    assert response.context["form"] is None  # the provider schedules its meetings
