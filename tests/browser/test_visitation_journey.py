"""Issue 3 in the browser: a referral's way from the rådgiver's form through the visitation
committee and matching to a started course — and the acute route, which needs the approval
of a leader on each side before its decision is in force."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cases.models import Course, CourseStatus, Family, FamilyMember, TeamAssignment
from staffing.models import CompetenceKind, Role, User
from tests.browser.conftest import UI
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from tests.factories.visitation import (
    CompetenceFactory,
    StaffCompetenceFactory,
    StaffProfileFactory,
)
from visitation import services
from visitation.forms.committee import FOLLOW_UP_MONTHS, add_months
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    Decision,
    DecisionKind,
    DecisionRoute,
    LegalBasis,
    Referral,
    ReferralStatus,
)

pytestmark = pytest.mark.browser

CHALLENGE = "Skolefravær"
LEGAL_BASIS = "Barnets Lov § 32, stk. 1, nr. 5 – Familiebehandling (tidl. SEL § 52, stk. 3, nr. 3)"
# "d.m.Y H:i" as the templates show an approval's time.
STAMP = r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"


def dmy(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def legal_basis() -> LegalBasis:
    """The seeded paragraph (migration 0002); a live-server test flushes the tables after
    itself, so a later one cannot count on the migration's rows."""
    basis, _created = LegalBasis.objects.get_or_create(
        code="barnets-lov-32-1-5",
        defaults={
            "paragraph": "Barnets Lov § 32, stk. 1, nr. 5",
            "old_reference": "SEL § 52, stk. 3, nr. 3",
            "title": "Familiebehandling",
        },
    )
    return basis


def family_with_child(radgiver: User, name: str, child: str) -> tuple[Family, FamilyMember]:
    family = FamilyFactory(
        name=name, municipality=radgiver.organisation, caseworker=radgiver, created_by=radgiver
    )
    FamilyMemberFactory(
        family=family,
        kind="caregiver",
        first_name="Sanne",
        last_name=name.split()[-1],
        birth_date=dt.date(1985, 1, 17),
    )
    member = FamilyMemberFactory(
        family=family, first_name=child, last_name=name.split()[-1], birth_date=dt.date(2014, 4, 9)
    )
    return family, member


def practitioner(provider: Any, username: str, name: str, role: str, hours: str) -> User:
    user = UserFactory(username=username, full_name=name, organisation=provider, roles=[role])
    StaffProfileFactory(user=user, contracted_hours=Decimal(hours))
    return user


def fill_decision(scope: Locator, *, hours: str, start: dt.date) -> None:
    """Choose 'Familieberedskab' (htmx re-renders the fields that kind uses), then the grant."""
    scope.get_by_label("Familieberedskab", exact=True).check()
    # The hint shown while no kind is chosen goes when the fields have been swapped in.
    expect(scope.get_by_text("Timer bruges kun ved Familieberedskab")).to_have_count(0)
    expect(scope.get_by_label("Prioritet på ventelisten")).to_be_hidden()
    scope.get_by_label("Bevilgede timer pr. uge").fill(hours)
    scope.get_by_label("Startdato").fill(start.isoformat())
    expect(scope.get_by_label("Første opfølgning")).to_have_value("")  # the form fills it in


def open_tab(ui: UI) -> Page:
    """A second tab of the same browser session, watched like the first."""
    tab = ui.page.context.new_page()
    watch = ui.watch
    tab.on("console", watch.on_console)
    tab.on("pageerror", watch.on_pageerror)
    tab.on("response", watch.on_response)
    tab.on("requestfailed", watch.on_requestfailed)
    return tab


@pytest.fixture
def authority_leader(ishoj) -> User:
    """The socialfaglig leder on the authority side (Ishøj), who sits on the committee."""
    return UserFactory(
        username="myndighedsleder",
        full_name="Anne Myndighed",
        organisation=ishoj,
        roles=[Role.LEDER],
    )


@pytest.fixture
def provider_leader(leader) -> User:
    leader.full_name = "Lone Leder"
    leader.save(update_fields=["full_name"])
    return leader


def test_referral_to_started_course_journey(
    ui: UI, radgiver, provider_leader, authority_leader, provider
) -> None:
    page = ui.page
    today = timezone.localdate()
    basis = legal_basis()
    challenge = CompetenceFactory(name=CHALLENGE, kind=CompetenceKind.EXPERTISE)
    family, alfred = family_with_child(radgiver, "Familien Krogh", "Alfred")
    # The roster matching reads: whoever covers the family's challenge ranks first, even
    # with fewer free hours (Pia 30 h against Palle's 37 h).
    bo = practitioner(provider, "bo", "Bo Behandler", Role.BEHANDLER, "37.0")
    StaffCompetenceFactory(user=bo, competence=challenge)
    practitioner(provider, "birk", "Birk Behandler", Role.BEHANDLER, "37.0")
    pia = practitioner(provider, "pia", "Pia Pædagog", Role.PAEDAGOG, "30.0")
    StaffCompetenceFactory(user=pia, competence=challenge)
    practitioner(provider, "palle", "Palle Pædagog", Role.PAEDAGOG, "37.0")

    # 1. The rådgiver refers the family from its page.
    ui.login("radgiver")
    ui.nav("Familier")
    page.get_by_role("link", name="Familien Krogh").click()
    expect(page.get_by_role("heading", name="Familien Krogh")).to_be_visible()
    page.get_by_role("link", name="Henvis til Familieberedskab").click()
    expect(page.get_by_role("heading", name="Ny henvisning")).to_be_visible()
    expect(page.get_by_label("Udfører")).to_have_value(str(provider.pk))  # the only one
    page.get_by_label("Bekymringen med almindelige ord").fill(
        "Alfred kommer sjældent i skole, og morgenerne ender i konflikt."
    )
    page.get_by_label("Massive udfordringer – anbringelse skal undgås").check()
    page.get_by_label("Hvem rejste bekymringen").select_option(label="Andet")
    page.get_by_label("Uddyb kilde").fill("Skolens AKT-lærer")
    page.get_by_label(f"Henvisningen gælder Alfred Krogh (f. {dmy(alfred.birth_date)})").check()
    page.get_by_label("Børnelinealen for Alfred").select_option(label="Udsatte børn")
    page.get_by_label(CHALLENGE).check()
    page.get_by_label("Hvad er prøvet før").fill("Skolens trivselsforløb og en mentorordning.")
    page.get_by_label("Børnefaglig undersøgelse (dato)").fill(
        (today - dt.timedelta(days=20)).isoformat()
    )
    page.get_by_label("Undersøgelsen er gennemført").check()
    page.get_by_label(LEGAL_BASIS).check()
    page.get_by_label("Forældrene har givet samtykke").check()
    page.get_by_label("Barnets synspunkter er hørt").check()
    ui.shot("01-henvisning-udfyldt")
    page.get_by_role("button", name="Gem kladde").click()

    expect(page.get_by_text("Kladden er gemt. Du kan fortsætte senere.")).to_be_visible()
    expect(page.get_by_role("heading", name="Henvisning: Familien Krogh")).to_be_visible()
    expect(page.get_by_test_id("referral-status")).to_have_text("Kladde")
    expect(page.get_by_test_id("draft-missing")).to_have_count(0)  # complete
    expect(page.get_by_test_id("referral-children")).to_contain_text("Udsatte børn")
    expect(page.get_by_test_id("referral-legal-bases")).to_contain_text("Familiebehandling")
    page.get_by_test_id("referral-actions").get_by_role("button", name="Indsend").click()

    expect(page.get_by_text("Henvisningen er sendt til visitationsudvalget.")).to_be_visible()
    expect(page.get_by_test_id("referral-status")).to_have_text("Indsendt")
    expect(page.get_by_text("Der er endnu ikke truffet afgørelse.")).to_be_visible()
    ui.shot("02-henvisning-indsendt")
    referral = Referral.objects.get(family=family)
    assert referral.status == ReferralStatus.SUBMITTED
    assert list(referral.legal_bases.all()) == [basis]
    assert referral.children.get().level == 4
    ui.logout()

    # 2. The provider's leader: the start page counts it; a meeting is scheduled and decides.
    ui.login("leder")
    panel = page.get_by_role("region", name="Til visitation")
    expect(panel.get_by_test_id("to-visitation-count")).to_have_text("1")
    expect(panel).to_contain_text("henvisning afventer afgørelse")
    expect(panel).to_contain_text("Der er ikke planlagt noget visitationsmøde.")
    ui.shot("03-leder-forside")
    ui.nav("Visitation")
    expect(page.get_by_role("heading", name="Visitationsmøder")).to_be_visible()
    new_meeting = page.get_by_role("region", name="Nyt møde")
    new_meeting.get_by_label("Dato").fill(today.isoformat())
    expect(new_meeting.get_by_label("Lone Leder (Familieværkstedet)")).to_be_checked()
    new_meeting.get_by_label("Anne Myndighed (Ishøj Kommune)").check()
    new_meeting.get_by_role("button", name="Opret møde").click()

    expect(page.get_by_text("Mødet er oprettet.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Visitationsmøde {dmy(today)}")).to_be_visible()
    expect(page.get_by_text("1 henvisning på dagsordenen")).to_be_visible()
    item = page.get_by_test_id("agenda-item").filter(has_text="Familien Krogh")
    expect(item).to_contain_text("Massive udfordringer")
    expect(item).to_contain_text("Rikke Rådgiver")
    fill_decision(item, hours="20", start=today)
    ui.shot("04-dagsorden-afgoerelse")
    item.get_by_role("button", name="Underskriv afgørelse").click()

    expect(page.get_by_text("Afgørelsen er registreret og underskrevet.")).to_be_visible()
    item = page.get_by_test_id("agenda-item").filter(has_text="Familien Krogh")
    expect(item.get_by_test_id("decision-state")).to_contain_text("I kraft")
    summary = item.get_by_test_id("decision-summary")
    expect(summary).to_contain_text("Familieberedskab")
    expect(summary).to_contain_text(f"møde {dmy(today)}")
    expect(summary).to_contain_text(f"Startdato{dmy(today)}")
    follow_up = add_months(today, FOLLOW_UP_MONTHS)
    expect(summary).to_contain_text(f"Første opfølgning{dmy(follow_up)}")
    expect(summary).to_contain_text("Lone Leder")
    ui.shot("05-afgoerelse-underskrevet")

    # 3. Matching: the granted family waits for a team.
    ui.nav("Venteliste")
    awaiting = page.get_by_role("region", name="Bevilget – afventer team")
    row = awaiting.get_by_test_id("awaiting-row").filter(has_text="Familien Krogh")
    expect(row).to_contain_text("20,0 t/uge")
    expect(row).to_contain_text(dmy(today))
    row.get_by_role("link", name="Match team").click()

    expect(page.get_by_role("heading", name="Match team – Familien Krogh")).to_be_visible()
    expect(page.get_by_test_id("challenges")).to_have_text(CHALLENGE)
    expect(page.get_by_test_id("grant")).to_contain_text("20,0 timer pr. uge")
    for role, expected, runner_up, hours in (
        ("behandler", "Bo Behandler", "Birk Behandler", "12"),
        ("paedagog", "Pia Pædagog", "Palle Pædagog", "8"),
    ):
        section = page.get_by_test_id(f"role-{role}")
        suggestions = section.get_by_test_id("suggestion")
        expect(suggestions).to_have_count(2)
        first = suggestions.first
        expect(first).to_contain_text(expected)
        expect(first.get_by_test_id("matched-count")).to_have_text("Dækker 1 udfordring:")
        expect(first.get_by_test_id("matched")).to_have_text(f"✓ {CHALLENGE}")
        expect(suggestions.nth(1)).to_contain_text(runner_up)
        expect(suggestions.nth(1)).to_contain_text("Ingen kompetencer registreret")
        first.get_by_role("radio").check()
        section.get_by_label("Timer pr. uge").fill(hours)
    expect(page.get_by_test_id("role-psykolog")).to_contain_text(
        "Ingen medarbejdere med denne rolle hos udføreren."
    )
    page.get_by_label("Opstartsmøde").fill((today + dt.timedelta(days=2)).isoformat())
    page.get_by_label("Begrundelse for matchningen").fill(
        "Bo og Pia har begge erfaring med skolefravær."
    )
    ui.shot("06-match-team")
    page.get_by_role("button", name="Tilknyt team og start forløb").click()

    expect(page.get_by_text("Teamet er tilknyttet, og forløbet er oprettet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Familien Krogh")).to_be_visible()
    course = Course.objects.get(family=family)
    assert course.status == CourseStatus.ACTIVE
    assert course.first_follow_up == follow_up
    team = {a.user.username: (a.role, a.hours_per_week) for a in TeamAssignment.objects.all()}
    assert team == {
        "bo": (Role.BEHANDLER, Decimal("12.0")),
        "pia": (Role.PAEDAGOG, Decimal("8.0")),
    }
    ui.nav("Venteliste")
    expect(page.get_by_text("Ingen bevilgede familier venter på et team.")).to_be_visible()
    ui.logout()

    # 4. The pædagog: the new course on the start page, and a notification.
    ui.login("pia")
    courses = page.get_by_role("region", name="Mine forløb")
    expect(courses.get_by_role("link", name="Familien Krogh")).to_be_visible()
    expect(courses).to_contain_text("Pædagog · 8,0 t/uge")
    ui.open_menu()
    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_contain_text("1 ulæste")
    ui.shot("07-paedagog-forside")
    bell.click()
    expect(page.get_by_role("heading", name="Notifikationer")).to_be_visible()
    page.get_by_role("button", name="Du er tilknyttet et nyt forløb: Familien Krogh").click()
    expect(page.get_by_role("heading", name="Familien Krogh")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Alfred Krogh")).to_contain_text("Barn")
    ui.open_menu()
    expect(page.locator("#notification-count")).to_be_hidden()  # read now
    ui.shot("08-paedagog-familie")
    ui.assert_clean()


def test_acute_referral_needs_two_approvers(
    ui: UI, radgiver, provider_leader, authority_leader, provider
) -> None:
    page = ui.page
    today = timezone.localdate()
    family, ella = family_with_child(radgiver, "Familien Berg", "Ella")
    # Submitted through the services, as the form would (journey 1 drives the form).
    referral = services.referral_save(
        by=radgiver,
        family=family,
        provider=provider,
        data={
            "concern": "Vold i hjemmet; Ella er bange for at komme hjem.",
            "target_group": "acute",
            "tried_before": "Underretning og samtaler med skolen.",
            "investigation_date": today,
            "investigation_done": False,
            "concern_source": "radgiver",
            "consent_given": True,
            "child_views_heard": True,
            "is_acute": True,
        },
        children=[services.ChildInput(member=ella, level=5)],
        legal_bases=[legal_basis()],
        challenges=[CompetenceFactory(name="Vold i familien", kind=CompetenceKind.EXPERTISE)],
    )
    services.referral_submit(by=radgiver, referral=referral)
    detail_path = f"/visitation/henvisninger/{referral.pk}/"

    # 1. The provider's leader decides on the acute route, without a meeting.
    ui.login("leder")
    acute = page.get_by_role("region", name="Akutte henvisninger")
    row = acute.get_by_test_id("acute-row").filter(has_text="Familien Berg")
    expect(row).to_contain_text("Afventer afgørelse")
    expect(page.get_by_role("region", name="Til visitation")).to_contain_text("heraf 1 akutte")
    row.get_by_role("link", name="Familien Berg").click()
    expect(page.get_by_role("heading", name="Henvisning: Familien Berg")).to_be_visible()
    assert ui.path() == detail_path
    page.get_by_role("link", name="Afgør (akut eller på møde)").click()

    expect(page.get_by_role("heading", name="Afgørelse", exact=True)).to_be_visible()
    form = page.get_by_test_id("decision-form")
    meeting = form.get_by_label("Visitationsmøde")
    expect(meeting.locator("option:checked")).to_have_text(
        "Akut – uden møde (to ledere skal godkende)"
    )
    # Before the htmx swap too: ui.shot() must leave nothing behind that the swap would copy.
    ui.shot("01-akut-afgoerelse-tom")
    fill_decision(form, hours="15", start=today)
    expect(meeting).to_have_value("")  # kept through the htmx swap
    ui.shot("02-akut-afgoerelse")
    form.get_by_role("button", name="Underskriv afgørelse").click()

    expect(page.get_by_text("Afgørelsen er registreret og underskrevet.")).to_be_visible()
    state = page.get_by_test_id("head-state")
    expect(state).to_contain_text(
        "Afventer godkendelse fra myndighedens leder og Familieværkstedet"
    )
    expect(page.get_by_test_id("decision")).to_contain_text("Afventer godkendelse")
    expect(page.get_by_test_id("acute-approvals")).to_have_text(
        "Ingen godkendelser endnu – begge ledere skal godkende."
    )
    expect(page.get_by_test_id("referral-status")).to_have_text("Indsendt")

    # A second tab on the same referral still offers the button it had when it loaded.
    stale = open_tab(ui)
    stale.goto(ui.url(detail_path))
    expect(stale.get_by_test_id("approve")).to_be_visible()

    page.get_by_role("button", name="Godkend den akutte afgørelse").click()
    expect(page.get_by_text("Din godkendelse er registreret.")).to_be_visible()
    expect(state).to_contain_text("Afventer godkendelse fra myndighedens leder")
    expect(state).not_to_contain_text("Familieværkstedet")
    expect(page.get_by_test_id("approved-by-me")).to_have_text(
        "Du har godkendt. Afventer den anden side."
    )
    expect(page.get_by_test_id("approve")).to_have_count(0)  # no second approval offered
    expect(page.get_by_test_id("acute-approvals")).to_contain_text(
        "Leder hos udføreren: Lone Leder"
    )
    # Not in force: still submitted, no decision date, not on the team list.
    expect(page.get_by_text("I kraft", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("referral-status")).to_have_text("Indsendt")
    timeline = page.get_by_test_id("referral-timeline")
    expect(timeline.get_by_role("listitem").filter(has_text="Afgjort")).to_contain_text("–")
    ui.shot("03-leder-har-godkendt")

    # The stale tab's button: refused, and still only one approval.
    ui.allow_console(r"status of 400")
    stale.get_by_test_id("approve").click()
    expect(stale.get_by_role("heading", name="Godkendelsen er ikke registreret")).to_be_visible()
    expect(stale.get_by_test_id("form-errors")).to_have_text(
        "Du har allerede godkendt afgørelsen. Den anden leder skal godkende."
    )
    stale.close()
    decision = Decision.objects.get(referral=referral)
    assert decision.route == DecisionRoute.ACUTE
    assert decision.kind == DecisionKind.FAMILIEBEREDSKAB
    assert [a.side for a in decision.approvals.all()] == [ApproverSide.PROVIDER]

    ui.nav("Forside")
    row = page.get_by_role("region", name="Akutte henvisninger").get_by_test_id("acute-row")
    expect(row).to_contain_text("Afventer den anden leders godkendelse")
    ui.nav("Venteliste")
    expect(page.get_by_text("Ingen bevilgede familier venter på et team.")).to_be_visible()
    ui.logout()

    # 2. The authority's leader approves; now the decision is in force.
    ui.login("myndighedsleder")
    row = page.get_by_role("region", name="Akutte henvisninger").get_by_test_id("acute-row")
    expect(row).to_contain_text("Familien Berg")
    expect(row.locator("strong")).to_have_text("Afventer din godkendelse")
    ui.shot("04-myndighedsleder-forside")
    row.get_by_role("link", name="Familien Berg").click()
    expect(page.get_by_test_id("head-state")).to_contain_text(
        "Afventer godkendelse fra myndighedens leder"
    )
    page.get_by_role("button", name="Godkend den akutte afgørelse").click()

    expect(page.get_by_text("Din godkendelse er registreret.")).to_be_visible()
    expect(page.get_by_test_id("head-state")).to_contain_text("I kraft")
    expect(page.get_by_test_id("referral-status")).to_have_text("Afgjort")
    expect(page.get_by_test_id("decision")).to_contain_text("Gældende")
    approvals = page.get_by_test_id("acute-approvals").get_by_role("listitem")
    expect(approvals).to_have_count(2)
    expect(approvals.nth(0)).to_have_text(
        re.compile(rf"^Leder hos udføreren: Lone Leder, {STAMP}$")
    )
    expect(approvals.nth(1)).to_have_text(
        re.compile(rf"^Myndighedens socialfaglige leder: Anne Myndighed, {STAMP}$")
    )
    expect(approvals.nth(1)).to_contain_text(dmy(today))
    expect(page.get_by_test_id("acute-wait")).to_contain_text("Akut henvisning: afgjort")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    ui.shot("05-i-kraft")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED and referral.decided_at is not None
    assert AcuteApproval.objects.filter(decision=decision).count() == 2
    ui.logout()

    # 3. The rådgiver hears of the decision.
    ui.login("radgiver")
    mine = page.get_by_role("region", name="Mine henvisninger")
    expect(mine.get_by_test_id("my-referral")).to_contain_text("Familieberedskab – afventer team")
    ui.open_menu()
    expect(page.get_by_test_id("notification-bell")).to_contain_text("1 ulæste")
    page.get_by_test_id("notification-bell").click()
    note = page.get_by_role(
        "button", name="Afgørelse på henvisningen for Familien Berg: Familieberedskab"
    )
    expect(note).to_be_visible()
    ui.shot("06-raadgiver-notifikation")
    note.click()
    expect(page.get_by_role("heading", name="Henvisning: Familien Berg")).to_be_visible()
    assert ui.path() == detail_path
    expect(page.get_by_test_id("head-state")).to_contain_text("I kraft")
    expect(page.get_by_test_id("acute-approvals")).to_contain_text("Anne Myndighed")
    # The rådgiver sees the decision but has no committee buttons.
    expect(page.get_by_test_id("approve")).to_have_count(0)
    expect(page.get_by_test_id("correct")).to_have_count(0)
    ui.assert_clean()
