import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from familieberedskab.models import AuditAction, AuditEvent, Notification
from staffing.models import Competence
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.visitation import DecisionFactory
from visitation import services
from visitation.models import (
    DecisionKind,
    LegalBasis,
    Matching,
    Referral,
    ReferralChild,
    ReferralStatus,
    TargetGroup,
)


def _create_url(family) -> str:
    return reverse("visitation:referral_create", args=[family.pk])


def _detail_url(referral: Referral) -> str:
    return reverse("visitation:referral_detail", args=[referral.pk])


def _child(family):
    return family.members.get(kind="child")


def _payload(family, provider, *, action: str = "save", **fields: object) -> dict:
    """A form post with only the given fields filled in."""
    return {"provider": provider.pk, "action": action, **fields}


def _complete_payload(family, provider, *, action: str = "submit", **fields: object) -> dict:
    """Everything ``referral_missing`` asks for; ``fields`` override single entries."""
    child = _child(family)
    complete = {
        "concern": "Mor magter ikke morgenerne; Noah kommer ikke i skole.",
        "target_group": TargetGroup.MASSIVE,
        "challenges": [Competence.objects.get(name="Skolefravær").pk],
        "tried_before": "Almindelig familiebehandling i 2023 uden varig effekt.",
        "investigation_date": "2024-02-01",
        "investigation_done": "on",
        "child_plan_date": "2024-03-01",
        "legal_bases": [LegalBasis.objects.get(code="barnets-lov-32-1-5").pk],
        "concern_source": "adult",
        "concern_source_note": "Center for Voksne og Velfærd",
        "consent_given": "on",
        "child_views_heard": "on",
        "requested_start": "2024-05-01",
        f"child_{child.pk}": "on",
        f"level_{child.pk}": "4",
    }
    return _payload(family, provider, action=action, **{**complete, **fields})


def _draft(family, provider, radgiver, **fields: object) -> Referral:
    return Referral.objects.create(family=family, provider=provider, referred_by=radgiver, **fields)


def _submitted(family, provider, radgiver, **fields: object) -> Referral:
    referral = _draft(
        family,
        provider,
        radgiver,
        status=ReferralStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **fields,
    )
    ReferralChild.objects.create(referral=referral, member=_child(family), level=3)
    return referral


def test_referral_create_form_preselects_the_only_provider_and_lists_children(
    client, radgiver, family, provider
) -> None:
    client.force_login(radgiver)

    response = client.get(_create_url(family))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{provider.pk}" selected>' in html
    child = _child(family)
    assert f'name="child_{child.pk}"' in html and f'name="level_{child.pk}"' in html
    assert "Noah Holmgård (f. 30.09.2016)" in html
    assert "Mette" not in html  # a caregiver is not a child the referral can concern
    assert "Skolefravær" in html  # an expertise tag
    assert "Signs of Safety" not in html  # a method is not a challenge


def test_referral_legal_bases_show_barnets_lov_and_old_sel_alias(client, radgiver, family) -> None:
    client.force_login(radgiver)

    html = client.get(_create_url(family)).content.decode()

    assert 'name="legal_bases"' in html and 'type="checkbox"' in html
    assert (
        "Barnets Lov § 32, stk. 1, nr. 5 – Familiebehandling (tidl. SEL § 52, stk. 3, nr. 3)"
        in (html)
    )


def test_referral_create_draft_saves_what_was_typed(client, radgiver, family, provider) -> None:
    client.force_login(radgiver)

    response = client.post(
        _create_url(family), _payload(family, provider, concern="Uro i hjemmet.", is_acute="on")
    )

    referral = Referral.objects.get(family=family)
    assert response.status_code == 302 and response["Location"] == _detail_url(referral)
    assert referral.status == ReferralStatus.DRAFT and referral.submitted_at is None
    assert referral.concern == "Uro i hjemmet." and referral.is_acute
    assert referral.referred_by == radgiver and referral.provider == provider
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="visitation.referral")
    assert event.actor == radgiver and event.family_id == family.pk
    assert "Uro" not in str(event.values)  # the concern is personal: its name only
    assert not Notification.objects.exists()  # a draft tells nobody


def test_referral_edit_resumes_draft_and_keeps_editing(client, radgiver, family, provider) -> None:
    referral = _draft(family, provider, radgiver, concern="Første udkast.")
    child = _child(family)
    client.force_login(radgiver)
    url = reverse("visitation:referral_edit", args=[referral.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        _payload(
            family,
            provider,
            concern="Andet udkast.",
            target_group=TargetGroup.UNCLEAR,
            **{f"child_{child.pk}": "on", f"level_{child.pk}": "2"},
        ),
    )

    assert "Første udkast." in page
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.concern == "Andet udkast." and referral.target_group == TargetGroup.UNCLEAR
    assert list(referral.children.values_list("member_id", "level")) == [(child.pk, 2)]
    assert Referral.objects.count() == 1  # resumed, not duplicated
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(referral.pk))
    assert {"concern", "target_group"} <= set(update.fields)


def test_referral_edit_form_preselects_saved_child_level(
    client, radgiver, family, provider
) -> None:
    referral = _draft(family, provider, radgiver)
    child = _child(family)
    ReferralChild.objects.create(referral=referral, member=child, level=5)
    client.force_login(radgiver)

    html = client.get(reverse("visitation:referral_edit", args=[referral.pk])).content.decode()

    checkbox = html[html.index(f'id="id_child_{child.pk}"') :].split(">", 1)[0]
    assert "checked" in checkbox
    assert '<option value="5" selected>Truede børn</option>' in html


def test_referral_create_offers_to_resume_an_existing_draft(
    client, radgiver, family, provider
) -> None:
    referral = _draft(family, provider, radgiver)
    client.force_login(radgiver)

    html = client.get(_create_url(family)).content.decode()

    assert reverse("visitation:referral_edit", args=[referral.pk]) in html


def test_referral_submit_incomplete_is_400_with_missing_list_and_draft_saved(
    client, radgiver, family, provider
) -> None:
    client.force_login(radgiver)

    response = client.post(
        _create_url(family),
        _payload(family, provider, action="submit", concern="Noah er bange om aftenen."),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Kladden er gemt, men henvisningen kan ikke indsendes endnu" in html
    assert "Vælg målgruppe." in html
    assert "Forældrenes samtykke skal foreligge (Barnets Lov § 32)." in html
    assert "Beskriv bekymringen." not in html  # that one is there
    assert "Noah er bange om aftenen." in html  # nothing typed is lost
    referral = Referral.objects.get(family=family)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.concern == "Noah er bange om aftenen."
    # The re-rendered form now saves into that draft rather than starting a second one.
    assert f'action="{reverse("visitation:referral_edit", args=[referral.pk])}"' in html
    assert not Notification.objects.exists()


def test_referral_submit_complete_notifies_committee_and_audits(
    client, radgiver, family, provider, leader, other_provider_leader
) -> None:
    client.force_login(radgiver)

    response = client.post(_create_url(family), _complete_payload(family, provider))

    referral = Referral.objects.get(family=family)
    assert response.status_code == 302 and response["Location"] == _detail_url(referral)
    assert referral.status == ReferralStatus.SUBMITTED and referral.submitted_at is not None
    assert list(referral.children.values_list("level", flat=True)) == [4]
    assert referral.legal_bases.get().code == "barnets-lov-32-1-5"
    assert referral.challenges.get().name == "Skolefravær"
    assert referral.investigation_date == dt.date(2024, 2, 1) and referral.investigation_done
    notes = Notification.objects.filter(url=_detail_url(referral))
    assert {n.recipient for n in notes} == {leader}  # not the other provider's leader
    assert "Familien Holmgård" in notes.get().text
    events = AuditEvent.objects.filter(object_type="visitation.referral", object_id=referral.pk)
    assert events.filter(action=AuditAction.CREATE).exists()
    submitted = events.get(action=AuditAction.UPDATE)
    assert submitted.values == {"status": "submitted"} and submitted.actor == radgiver


def test_referral_submit_from_detail_page(client, radgiver, family, provider, leader) -> None:
    client.force_login(radgiver)
    client.post(_create_url(family), _complete_payload(family, provider, action="save"))
    referral = Referral.objects.get(family=family)

    response = client.post(reverse("visitation:referral_submit", args=[referral.pk]))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_referral_submit_from_detail_page_incomplete_is_400(
    client, radgiver, family, provider
) -> None:
    referral = _draft(family, provider, radgiver, concern="Kun bekymringen.")
    client.force_login(radgiver)

    response = client.post(reverse("visitation:referral_submit", args=[referral.pk]))

    assert response.status_code == 400
    assert "Vælg mindst ét barn, henvisningen gælder." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("concern", "x" * 5001, "højst have 5000 tegn"),
        ("tried_before", "x" * 5001, "højst have 5000 tegn"),
        ("concern_source_note", "x" * 201, "højst have 200 tegn"),
        ("investigation_date", "2024-02-31", "gyldig dato"),
        ("requested_start", "i morgen", "gyldig dato"),
    ],
)
def test_referral_bad_input_refused_with_message_and_nothing_saved(
    client, radgiver, family, provider, field: str, value: str, message: str
) -> None:
    client.force_login(radgiver)

    response = client.post(
        _create_url(family), _complete_payload(family, provider, **{field: value})
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Henvisningen er ikke gemt" in html
    assert "Mor magter ikke morgenerne" in html or field == "concern"  # the rest is kept
    assert not Referral.objects.exists()


def test_referral_level_without_ticking_the_child_is_refused(
    client, radgiver, family, provider
) -> None:
    child = _child(family)
    client.force_login(radgiver)

    response = client.post(
        _create_url(family), _payload(family, provider, **{f"level_{child.pk}": "3"})
    )

    assert response.status_code == 400
    assert "Markér barnet" in response.content.decode()
    assert not Referral.objects.exists()


def test_referral_other_family_member_cannot_be_smuggled_in(
    client, radgiver, family, provider, other_family
) -> None:
    stranger = other_family.members.get()
    client.force_login(radgiver)

    client.post(
        _create_url(family),
        _payload(family, provider, **{f"child_{stranger.pk}": "on", f"level_{stranger.pk}": "3"}),
    )

    assert not ReferralChild.objects.filter(member=stranger).exists()


def test_referral_edit_of_submitted_referral_redirects_to_detail(
    client, radgiver, family, provider
) -> None:
    referral = _submitted(family, provider, radgiver, concern="Indsendt.")
    client.force_login(radgiver)

    response = client.post(
        reverse("visitation:referral_edit", args=[referral.pk]),
        _payload(family, provider, concern="Ændret bagefter."),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == _detail_url(referral)
    assert "kan ikke længere rettes" in response.content.decode()
    referral.refresh_from_db()
    assert referral.concern == "Indsendt."


def test_referral_withdraw_before_decision(client, radgiver, family, provider, leader) -> None:
    referral = _submitted(family, provider, radgiver)
    client.force_login(radgiver)

    response = client.post(reverse("visitation:referral_withdraw", args=[referral.pk]))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN and referral.withdrawn_at is not None
    assert Notification.objects.filter(recipient=leader, url=_detail_url(referral)).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(referral.pk), values={"status": "withdrawn"}
    ).exists()


def test_referral_withdraw_refused_after_decision(
    client, radgiver, family, provider, leader
) -> None:
    referral = _submitted(family, provider, radgiver)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[leader])
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.WAITING_LIST, priority=2),
    )
    client.force_login(radgiver)

    detail = client.get(_detail_url(referral)).content.decode()
    response = client.post(reverse("visitation:referral_withdraw", args=[referral.pk]))

    assert "Træk henvisningen tilbage" not in detail  # the button is not offered
    assert response.status_code == 400
    assert "kan ikke trækkes tilbage, når der er truffet afgørelse" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED


def test_referral_detail_shows_facts_timeline_and_decision_chain(
    client, radgiver, family, provider, leader
) -> None:
    referral = _submitted(
        family, provider, radgiver, concern="Vold i hjemmet.", target_group=TargetGroup.ACUTE
    )
    referral.legal_bases.set(LegalBasis.objects.filter(code="barnets-lov-20-23"))
    meeting = services.meeting_create(by=leader, date=dt.date(2024, 4, 2), members=[leader])
    first = services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.WAITING_LIST, priority=1),
    )
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        replaces=first,
        data=services.DecisionInput(
            kind=DecisionKind.FAMILIEBEREDSKAB,
            granted_hours=20,
            start_date=dt.date(2024, 5, 1),
            first_follow_up=dt.date(2024, 8, 1),
            reason="Plads er blevet ledig.",
        ),
    )
    client.force_login(radgiver)

    response = client.get(_detail_url(referral))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vold i hjemmet." in html and "Akutte udfordringer" in html
    assert "Noah Holmgård" in html and "Sårbare børn" in html
    assert "Barnets Lov §§ 20-23" in html and "tidl. SEL § 50" in html
    assert html.count('data-testid="decision"') == 2
    assert "Erstattet" in html and "Gældende" in html
    assert f'href="#decision-{first.pk}"' in html  # the "erstatter" link
    assert "02.04.2024" in html and "Plads er blevet ledig." in html
    assert str(leader) in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="visitation.referral", actor=radgiver
    ).exists()


def test_referral_detail_acute_shows_wait_and_flags_over_24_hours(
    client, radgiver, family, provider, leader
) -> None:
    referral = _submitted(family, provider, radgiver, is_acute=True)
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=30)
    )
    decision = services.decision_record(
        by=leader,
        referral=referral,
        data=services.DecisionInput(kind=DecisionKind.WAITING_LIST),
    )
    services.acute_approve(by=leader, decision=decision)
    client.force_login(radgiver)

    html = client.get(_detail_url(referral)).content.decode()

    assert 'data-testid="acute-wait"' in html and 'data-testid="acute-over"' in html
    assert "Over 24 timer" in html
    assert "Leder hos udføreren: " in html  # the approval, with approver and time
    assert "Afventer godkendelse" in html  # one of two sides has approved


def test_referral_detail_recent_acute_has_no_over_flag(client, radgiver, family, provider) -> None:
    referral = _submitted(family, provider, radgiver, is_acute=True)
    client.force_login(radgiver)

    html = client.get(_detail_url(referral)).content.decode()

    assert 'data-testid="acute-wait"' in html and 'data-testid="acute-over"' not in html


def test_referral_detail_leader_reads_without_radgiver_buttons(
    client, radgiver, family, provider, leader
) -> None:
    referral = _submitted(family, provider, radgiver)
    client.force_login(leader)

    response = client.get(_detail_url(referral))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Træk henvisningen tilbage" not in html and "Ret kladde" not in html
    assert (
        client.post(reverse("visitation:referral_withdraw", args=[referral.pk])).status_code == 403
    )


def test_referral_draft_hidden_from_leader(client, radgiver, family, provider, leader) -> None:
    referral = _draft(family, provider, radgiver)
    client.force_login(leader)

    assert client.get(_detail_url(referral)).status_code == 404
    assert "Holmgård" not in client.get(reverse("visitation:referral_list")).content.decode()


def test_referral_other_municipality_radgiver_never_sees_ishoj_referral(
    client, radgiver, family, provider, other_municipality_radgiver
) -> None:
    referral = _submitted(family, provider, radgiver)
    client.force_login(other_municipality_radgiver)

    listing = client.get(reverse("visitation:referral_list"))
    detail = client.get(_detail_url(referral))

    assert listing.status_code == 200 and "Holmgård" not in listing.content.decode()
    assert detail.status_code == 404
    assert client.get(_create_url(family)).status_code == 404


def test_referral_same_municipality_radgiver_not_caseworker_gets_404(
    client, radgiver, family, provider, same_municipality_radgiver
) -> None:
    referral = _submitted(family, provider, radgiver)
    client.force_login(same_municipality_radgiver)

    assert client.get(_detail_url(referral)).status_code == 404
    assert (
        client.post(reverse("visitation:referral_withdraw", args=[referral.pk])).status_code == 404
    )


def test_referral_list_shows_status_acute_date_and_decision(
    client, radgiver, family, provider, leader
) -> None:
    referral = _submitted(family, provider, radgiver, is_acute=True)
    meeting = services.meeting_create(by=leader, date=timezone.localdate(), members=[leader])
    services.decision_record(
        by=leader,
        referral=referral,
        meeting=meeting,
        data=services.DecisionInput(kind=DecisionKind.ORDINARY),
    )
    _draft(family, provider, radgiver)
    client.force_login(radgiver)

    html = client.get(reverse("visitation:referral_list")).content.decode()

    assert html.count('data-testid="referral-row"') == 2
    assert "Afgjort" in html and "Kladde" in html and "Akut" in html
    assert "Almindelig familiebehandling" in html
    assert timezone.localtime(referral.submitted_at).strftime("%d.%m.%Y") in html
    assert "Ny henvisning" in html
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="visitation.referral")
    assert listed.count() == 2


def test_referral_list_filters_by_status(client, radgiver, family, provider) -> None:
    _submitted(family, provider, radgiver)
    _draft(family, provider, radgiver)
    client.force_login(radgiver)

    html = client.get(reverse("visitation:referral_list"), {"status": "draft"}).content.decode()

    assert html.count('data-testid="referral-row"') == 1 and "Kladde" in html


def test_referral_list_leader_has_no_new_button(client, radgiver, family, provider, leader) -> None:
    _submitted(family, provider, radgiver)
    client.force_login(leader)

    html = client.get(reverse("visitation:referral_list")).content.decode()

    assert html.count('data-testid="referral-row"') == 1
    assert "Ny henvisning" not in html


def _seed_referrals(n: int, radgiver, provider, ishoj) -> None:
    for _ in range(n):
        family = FamilyFactory(municipality=ishoj, caseworker=radgiver, created_by=radgiver)
        FamilyMemberFactory(family=family)
        _submitted(family, provider, radgiver, is_acute=True)


@pytest.mark.parametrize("rows", [3, 20])
def test_referral_list_query_count_flat(
    client, radgiver, provider, ishoj, django_assert_max_num_queries, rows: int
) -> None:
    _seed_referrals(rows, radgiver, provider, ishoj)
    client.force_login(radgiver)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("visitation:referral_list"))

    assert response.content.decode().count('data-testid="referral-row"') == rows


def test_referral_start_lists_the_radgivers_families(
    client, radgiver, family, other_family
) -> None:
    client.force_login(radgiver)

    html = client.get(reverse("visitation:referral_start")).content.decode()

    assert _create_url(family) in html
    assert _create_url(other_family) not in html


def test_family_detail_offers_referral_to_radgiver_only(client, radgiver, leader, family) -> None:
    url = reverse("cases:family_detail", args=[family.pk])
    client.force_login(radgiver)
    as_radgiver = client.get(url).content.decode()
    client.force_login(leader)
    as_leader = client.get(url).content.decode()

    assert "Henvis til Familieberedskab" in as_radgiver and _create_url(family) in as_radgiver
    assert "Henvis til Familieberedskab" not in as_leader


def test_referral_detail_matched_shows_team_course_and_family_link(
    client, radgiver, family, provider, leader, assigned_worker, team_colleague
) -> None:
    referral = _submitted(family, provider, radgiver)
    unmatched = _submitted(family, provider, radgiver)
    DecisionFactory(referral=referral, signed_by=leader, granted=True)
    course = family.courses.get()  # active, with assigned_worker and team_colleague, 12 h each
    Matching.objects.create(
        referral=referral, course=course, reason="Bo kender skolefravær.", decided_by=leader
    )
    client.force_login(radgiver)

    html = client.get(_detail_url(referral)).content.decode()

    team = html[html.index('data-testid="referral-team"') :]
    assert assigned_worker.full_name in team and team_colleague.full_name in team
    assert "Familiebehandler" in team and "Pædagog" in team and "12,0" in team
    assert "Aktivt" in team and course.start_date.strftime("%d.%m.%Y") in team
    assert "Bo kender skolefravær." in team and leader.full_name in team
    family_url = reverse("cases:family_detail", args=[family.pk])
    assert f'href="{family_url}#course-{course.pk}"' in team
    assert 'data-testid="referral-team"' not in client.get(_detail_url(unmatched)).content.decode()
