"""The visitation start-page panels (per role, constant query counts) and the demo data."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Course, CourseStatus, Family
from staffing.models import Role, StaffCompetence, StaffProfile, User
from tests.factories.cases import FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from visitation import services
from visitation.models import (
    AcuteApproval,
    ApproverSide,
    Decision,
    DecisionKind,
    DecisionRoute,
    Matching,
    ProgrammeCapacity,
    Referral,
    ReferralChild,
    ReferralStatus,
    VisitationMeeting,
)


@pytest.fixture
def authority_leader(ishoj) -> User:
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


@pytest.fixture
def meeting(provider, leader, authority_leader) -> VisitationMeeting:
    meeting = VisitationMeeting.objects.create(
        provider=provider, date=timezone.localdate() + dt.timedelta(days=5), created_by=leader
    )
    meeting.members.set([leader, authority_leader])
    return meeting


def _referral(family: Family, provider, by: User, *, status: str = ReferralStatus.SUBMITTED,
              ago: dt.timedelta = dt.timedelta(days=3), **fields: object) -> Referral:  # fmt: skip
    submitted = None if status == ReferralStatus.DRAFT else timezone.now() - ago
    return Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=by,
        status=status,
        submitted_at=submitted,
        withdrawn_at=timezone.now() if status == ReferralStatus.WITHDRAWN else None,
        **fields,
    )


def _decide(referral: Referral, kind: str, by: User, *, meeting=None, **fields: object) -> Decision:
    if kind == DecisionKind.FAMILIEBEREDSKAB:
        start = timezone.localdate() + dt.timedelta(days=10)
        fields = {"granted_hours": Decimal("20"), "start_date": start,
                  "first_follow_up": start + dt.timedelta(days=90), **fields}  # fmt: skip
    if kind == DecisionKind.REJECTED:
        fields.setdefault("reason", "Målgruppen er ikke opfyldt.")
    decision = Decision.objects.create(
        referral=referral,
        route=DecisionRoute.COMMITTEE if meeting else DecisionRoute.ACUTE,
        meeting=meeting,
        kind=kind,
        signed_by=by,
        **fields,
    )
    if meeting is not None and kind != DecisionKind.POSTPONED:
        Referral.objects.filter(pk=referral.pk).update(
            status=ReferralStatus.DECIDED, decided_at=timezone.now()
        )
    return decision


def _home(client, user: User) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


# Rådgiver ---------------------------------------------------------------------------------


def test_my_referrals_lists_own_referrals_with_their_state_drafts_first(
    client, radgiver, family, provider, leader, meeting, other_family, other_municipality_radgiver
) -> None:
    granted = _referral(family, provider, radgiver)
    _decide(granted, DecisionKind.FAMILIEBEREDSKAB, leader, meeting=meeting)
    waiting = _referral(FamilyFactory(caseworker=radgiver, municipality=family.municipality,
                                      name="Familien Venter"), provider, radgiver)  # fmt: skip
    draft = _referral(
        FamilyFactory(
            caseworker=radgiver, municipality=family.municipality, name="Familien Kladde"
        ),
        provider,
        radgiver,
        status=ReferralStatus.DRAFT,
    )
    _referral(other_family, provider, other_municipality_radgiver)

    html = _home(client, radgiver)

    assert 'data-testid="panel-my-referrals"' in html
    assert "1 kladde mangler at blive indsendt" in html
    assert html.index(reverse("visitation:referral_detail", args=[draft.pk])) < html.index(
        reverse("visitation:referral_detail", args=[waiting.pk])
    )
    assert "Familieberedskab – afventer team" in html
    assert "Afventer visitation" in html
    assert other_family.name not in html


def test_my_referrals_is_not_shown_to_roles_without_referrals(
    client, assigned_worker, projektleder, family
) -> None:
    for user in (assigned_worker, projektleder):
        html = _home(client, user)
        assert "panel-my-referrals" not in html
        assert "panel-to-visitation" not in html
        assert "panel-acute" not in html
        assert "panel-waiting" not in html


# Leaders ----------------------------------------------------------------------------------


def test_to_visitation_counts_submitted_referrals_and_names_the_next_meeting(
    client, leader, radgiver, family, provider, meeting
) -> None:
    _referral(family, provider, radgiver, ago=dt.timedelta(days=9))
    _referral(family, provider, radgiver, is_acute=True, ago=dt.timedelta(hours=2))
    _referral(family, provider, radgiver, status=ReferralStatus.DRAFT)
    VisitationMeeting.objects.create(
        provider=provider, date=timezone.localdate() - dt.timedelta(days=3), created_by=leader
    )

    html = _home(client, leader)

    assert 'data-testid="to-visitation-count">2<' in html
    assert "heraf 1 akutte" in html
    assert "Den ældste har ventet 9 dage." in html
    assert reverse("visitation:meeting_detail", args=[meeting.pk]) in html
    assert meeting.date.strftime("%d.%m.%Y") in html


def test_acute_panel_flags_red_after_24_hours_and_asks_this_leaders_side(
    client, leader, authority_leader, radgiver, family, provider
) -> None:
    old = _referral(family, provider, radgiver, is_acute=True, ago=dt.timedelta(hours=30))
    decision = _decide(old, DecisionKind.FAMILIEBEREDSKAB, leader)
    AcuteApproval.objects.create(decision=decision, side=ApproverSide.PROVIDER, approver=leader)
    fresh_family = FamilyFactory(
        caseworker=radgiver, municipality=family.municipality, name="Familien Frisk"
    )
    _referral(fresh_family, provider, radgiver, is_acute=True, ago=dt.timedelta(hours=5))

    provider_side = _home(client, leader)
    authority_side = _home(client, authority_leader)

    for html in (provider_side, authority_side):
        assert html.count('data-testid="acute-row"') == 2
        assert html.count('data-overdue="true"') == 1
        assert "30 timer siden indsendelse" in html
        assert "5 timer siden indsendelse" in html
        assert "over 24 timer" in html
        assert "Afventer afgørelse" in html
    assert "Afventer den anden leders godkendelse" in provider_side
    assert "Afventer din godkendelse" not in provider_side
    assert "<strong>Afventer din godkendelse</strong>" in authority_side


def test_waiting_panel_shows_count_waits_and_capacity(
    client, leader, radgiver, family, provider, meeting
) -> None:
    ProgrammeCapacity.objects.create(provider=provider, families=1)
    for days in (90, 30):
        referral = _referral(family, provider, radgiver, ago=dt.timedelta(days=days))
        _decide(referral, DecisionKind.WAITING_LIST, leader, meeting=meeting, priority=1)

    html = _home(client, leader)

    assert 'data-testid="waiting-count">2<' in html
    assert "60.0 dage" in html or "60,0 dage" in html
    assert "90 dage" in html
    assert "1 af 1 pladser i brug" in html  # the family's active course
    assert "fuldt – overbelægning" in html


def test_waiting_panel_is_for_the_providers_leaders_only(client, authority_leader, family) -> None:
    html = _home(client, authority_leader)

    assert "panel-waiting" not in html
    assert "panel-to-visitation" in html


def _seed_many(
    family: Family, provider, radgiver: User, leader: User, meeting, start: int, stop: int
) -> None:
    """Referrals in every state the panels show: drafts, submitted (some acute), granted,
    rejected and on the waiting list (some with pregnancy or an infant)."""
    kinds = [None, DecisionKind.FAMILIEBEREDSKAB, DecisionKind.REJECTED, None,
             DecisionKind.WAITING_LIST]  # fmt: skip
    for i in range(start, stop):
        other = FamilyFactory(
            caseworker=radgiver, municipality=family.municipality, name=f"Familien M{i}"
        )
        child = FamilyMemberFactory(
            family=other, birth_date=timezone.localdate() - dt.timedelta(days=200)
        )
        status = ReferralStatus.DRAFT if i % 5 == 0 else ReferralStatus.SUBMITTED
        referral = _referral(
            other, provider, radgiver, status=status, is_acute=i % 3 == 0,
            ago=dt.timedelta(hours=10 + 7 * i), pregnancy=i % 4 == 0,
        )  # fmt: skip
        ReferralChild.objects.create(referral=referral, member=child, level=4)
        kind = kinds[i % len(kinds)]
        if status == ReferralStatus.SUBMITTED and kind:
            _decide(referral, kind, leader, meeting=meeting)


def _start_page_queries(client, users: list[User], django_assert_max_num_queries) -> list[int]:
    counts = []
    for user in users:
        client.force_login(user)
        # A fixed budget for the whole start page: each app's panels add a few queries (issue
        # 5 added FIT alerts and last week's hours for leaders), none grows with the data.
        with django_assert_max_num_queries(28), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
    return counts


def test_start_page_query_count_is_flat_with_many_referrals(
    client, radgiver, leader, authority_leader, family, provider, meeting,
    django_assert_max_num_queries,
) -> None:  # fmt: skip
    users = [radgiver, leader, authority_leader]
    _seed_many(family, provider, radgiver, leader, meeting, 0, 5)
    few = _start_page_queries(client, users, django_assert_max_num_queries)

    _seed_many(family, provider, radgiver, leader, meeting, 5, 40)
    many = _start_page_queries(client, users, django_assert_max_num_queries)

    assert many == few


# Demo data --------------------------------------------------------------------------------


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo_load", *args, stdout=out)
    return out.getvalue()


def _totals() -> dict[str, int]:
    return {
        "referrals": Referral.objects.count(),
        "decisions": Decision.objects.count(),
        "approvals": AcuteApproval.objects.count(),
        "meetings": VisitationMeeting.objects.count(),
        "matchings": Matching.objects.count(),
        "users": User.objects.count(),
        "profiles": StaffProfile.objects.count(),
        "competences": StaffCompetence.objects.count(),
        "capacity": ProgrammeCapacity.objects.count(),
    }


def test_demo_load_builds_referrals_in_every_state_and_does_not_duplicate(db, settings) -> None:
    settings.DEMO_MODE = True

    output = _demo()

    assert "Henvisninger i alt: 15" in output
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert set(Decision.objects.values_list("kind", flat=True)) == set(DecisionKind.values)
    rejected = Decision.objects.get(kind=DecisionKind.REJECTED)
    assert rejected.reason

    # The acute one waits for Ishøj's socialfaglig leder, over 24 hours after submission.
    acute = Referral.objects.get(is_acute=True, decisions__approvals__isnull=False,
                                 status=ReferralStatus.SUBMITTED)  # fmt: skip
    assert services.acute_wait_hours(acute) > services.ACUTE_FLAG_HOURS
    assert list(AcuteApproval.objects.filter(decision__referral=acute).values_list("side",
                flat=True)) == [ApproverSide.PROVIDER]  # fmt: skip

    # Waiting list: different priorities, one pregnancy, one child under 2.
    provider = Referral.objects.first().provider
    entries = services.waiting_list(provider)
    assert len(entries) == 3
    assert len({e.decision.priority for e in entries}) == 3
    flags = [flag for e in entries for flag in e.flags]
    assert "Graviditet" in flags and "Barn under 2 år" in flags

    # Granted: one waits for a team, one is matched with an active course.
    granted = Referral.objects.filter(
        status=ReferralStatus.DECIDED, decisions__kind=DecisionKind.FAMILIEBEREDSKAB
    )
    assert granted.filter(matching__isnull=True).count() == 1
    matched = granted.get(matching__isnull=False)
    assert matched.matching.course.status == CourseStatus.ACTIVE
    assert matched.course_started_at is not None
    assert matched.decisions.get().approvals.count() == 2

    # Roster, capacity and meetings.
    assert ProgrammeCapacity.objects.get(provider=provider).families == 8
    practitioners = User.objects.filter(
        role_assignments__role__in=[Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG]
    )
    assert practitioners.count() == 6
    assert StaffProfile.objects.filter(user__in=practitioners).count() == 6
    assert (
        StaffCompetence.objects.filter(user__in=practitioners, certified_on__isnull=False).count()
        >= 6
    )
    today = timezone.localdate()
    assert VisitationMeeting.objects.filter(date__lt=today).exists()
    upcoming = VisitationMeeting.objects.get(date__gt=today)
    assert upcoming.members.count() == 2

    before = _totals()
    _demo("--if-empty")
    assert _totals() == before
    families = Family.objects.count()
    _demo()
    assert Family.objects.count() > families  # more families, but no more referrals
    assert _totals() == before


def test_demo_start_pages_show_the_panels(db, client, settings) -> None:
    settings.DEMO_MODE = True
    _demo()

    socialleder = _home(client, User.objects.get(username="socialleder"))
    leder = _home(client, User.objects.get(username="leder"))
    radgiver = _home(client, User.objects.get(username="radgiver"))

    assert "<strong>Afventer din godkendelse</strong>" in socialleder
    assert 'data-overdue="true"' in socialleder
    assert 'data-testid="waiting-count">3<' in leder
    assert "8 pladser i brug" in leder
    assert 'data-testid="next-meeting"' in leder
    assert 'data-testid="panel-my-referrals"' in radgiver


def test_demo_load_without_families_still_loads_the_roster(db, settings) -> None:
    settings.DEMO_MODE = True

    output = _demo("--families", "0")

    assert "Henvisninger i alt: 0" in output
    assert ProgrammeCapacity.objects.count() == 1
    assert Course.objects.count() == 0
