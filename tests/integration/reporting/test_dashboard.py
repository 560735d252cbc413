"""The leader's management dashboard (issue 7, item 5): every figure against a hand-counted
world, who may open it, one provider never seeing another's courses, one audit row, and a
query count that does not grow with the data.

The world (``today`` is the real date; this week starts on its Monday):

* the provider (capacity 3) has course A (the ``family`` fixture's, Ishøj, 10 h/week),
  course B (Vallensbæk, 20 h/week), course C (planned) and course D (closed);
* overdue meetings: A's follow-up due yesterday, B's start meeting due 5 days ago — 2; not
  counted: A's start meeting due today, B's follow-up next month, D's start meeting (closed);
* overdue measurements: A's WHO-5 baseline for Mette and for Noah — 2; not counted: A's
  waived one, A's one due tomorrow;
* open FIT alerts: red on A, amber and good news on B — 3; not counted: an acknowledged
  amber alert on A, a red one on D (closed);
* hours last week: A 2 × 2 h = 4 of 10 (under), B 3 × 7 h = 21 of 20 (within 10 %) — 25 of
  30; this week: A 1.5 h, B 2 h — 3.5 of 30;
* waiting list: two families, one acute; one granted family awaiting a team;
* another provider, with its own leader, has course E with an overdue meeting and a red
  alert and one family on its waiting list.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import hours_services
from cases.models import (
    AlertKind,
    AlertLevel,
    Course,
    CourseStatus,
    FitAlert,
    Instrument,
    MeasurementDue,
    MeetingKind,
    PlanMeeting,
    Visit,
)
from familieberedskab.models import AuditEvent
from reporting import dashboard
from staffing.models import Role
from tests.factories.cases import CourseFactory, FamilyFactory, FamilyMemberFactory
from tests.factories.staffing import UserFactory
from tests.factories.visitation import DecisionFactory, ProgrammeCapacityFactory, ReferralFactory

URL = "reporting:dashboard"


def _today() -> dt.date:
    return timezone.localdate()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _visit(course: Course, author, day: dt.date, hour: int, minutes: int) -> Visit:
    start = _at(day, hour)
    return Visit.objects.create(
        course=course,
        author=author,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        place="home",
        minutes=minutes,
    )


def _alert(course: Course, author, level: str, kind: str, *, acknowledged_by=None) -> FitAlert:
    visit = _visit(course, author, _today() - dt.timedelta(days=20), 9, 60)
    return FitAlert.objects.create(
        course=course,
        client=course.family.members.first(),
        visit=visit,
        kind=kind,
        level=level,
        reasons=["total"],
        session_number=1,
        acknowledged_at=timezone.now() if acknowledged_by else None,
        acknowledged_by=acknowledged_by,
        acknowledgement="Talt med familien." if acknowledged_by else "",
    )


def _due(course: Course, member, occasion: str, days: int, **extra) -> MeasurementDue:
    return MeasurementDue.objects.create(
        course=course,
        instrument=Instrument.objects.get(code="who5"),
        subject=member,
        occasion=occasion,
        due_on=_today() + dt.timedelta(days=days),
        **extra,
    )


def _course(provider, municipality, *, status=CourseStatus.ACTIVE, hours=None, days=60):
    family = FamilyFactory(municipality=municipality)
    FamilyMemberFactory(family=family, kind="caregiver", first_name="Forælder")
    return CourseFactory(
        family=family,
        provider=provider,
        status=status,
        start_date=_today() - dt.timedelta(days=days) if status != "planned" else None,
        granted_hours=hours,
    )


def _waiting(provider, municipality, leader, **referral):
    family = FamilyFactory(municipality=municipality)
    return DecisionFactory(
        referral=ReferralFactory(family=family, provider=provider, **referral), signed_by=leader
    )


@pytest.fixture
def world(family, provider, other_provider, leader, other_provider_leader, assigned_worker,
          ishoj, vallensbaek):  # fmt: skip
    today = _today()
    monday = hours_services.monday_of(today)
    last_monday = monday - dt.timedelta(days=7)
    ProgrammeCapacityFactory(provider=provider, families=3)

    a = family.courses.get()
    Course.objects.filter(pk=a.pk).update(
        granted_hours=Decimal("10.0"), start_date=today - dt.timedelta(days=60)
    )
    a.refresh_from_db()
    b = _course(provider, vallensbaek, hours=Decimal("20.0"))
    c = _course(provider, ishoj, status=CourseStatus.PLANNED)
    d = _course(provider, ishoj, status=CourseStatus.CLOSED, hours=Decimal("10.0"), days=200)
    Course.objects.filter(pk=d.pk).update(end_date=today - dt.timedelta(days=30))

    # Meetings.
    PlanMeeting.objects.create(course=a, kind=MeetingKind.START, due_on=today)
    PlanMeeting.objects.create(
        course=a, kind=MeetingKind.FOLLOW_UP, due_on=today - dt.timedelta(days=1)
    )
    PlanMeeting.objects.create(
        course=b, kind=MeetingKind.START, due_on=today - dt.timedelta(days=5)
    )
    PlanMeeting.objects.create(
        course=b, kind=MeetingKind.FOLLOW_UP, due_on=today + dt.timedelta(days=30)
    )
    PlanMeeting.objects.create(
        course=d, kind=MeetingKind.START, due_on=today - dt.timedelta(days=100)
    )

    # Measurements.
    mette = family.members.get(first_name="Mette")
    noah = family.members.get(first_name="Noah")
    _due(a, mette, "baseline", -3)
    _due(a, noah, "baseline", -1)
    _due(a, mette, "follow_up", -2, waived_reason="Mor var syg", waived_by=leader)
    _due(a, noah, "follow_up", 1)

    # FIT alerts.
    _alert(a, assigned_worker, AlertLevel.RED, AlertKind.ALLIANCE)
    _alert(a, assigned_worker, AlertLevel.AMBER, AlertKind.NO_PROGRESS, acknowledged_by=leader)
    _alert(b, assigned_worker, AlertLevel.AMBER, AlertKind.NO_PROGRESS)
    _alert(b, assigned_worker, AlertLevel.GOOD, AlertKind.IMPROVEMENT)
    _alert(d, assigned_worker, AlertLevel.RED, AlertKind.DETERIORATION)

    # Hours: last week (Tuesday, Wednesday) and this week (Monday).
    _visit(a, assigned_worker, last_monday + dt.timedelta(days=1), 9, 120)
    _visit(a, assigned_worker, last_monday + dt.timedelta(days=2), 9, 120)
    for offset in (0, 2, 4):
        _visit(b, assigned_worker, last_monday + dt.timedelta(days=offset), 8, 7 * 60)
    _visit(a, assigned_worker, monday, 9, 90)
    _visit(b, assigned_worker, monday, 12, 120)

    # Waiting list and awaiting a team.
    _waiting(provider, ishoj, leader)
    _waiting(provider, vallensbaek, leader, is_acute=True)
    DecisionFactory(
        referral=ReferralFactory(family=FamilyFactory(municipality=ishoj), provider=provider),
        signed_by=leader,
        granted=True,
    )

    # The other provider.
    e = _course(other_provider, ishoj, hours=Decimal("15.0"))
    PlanMeeting.objects.create(
        course=e, kind=MeetingKind.START, due_on=today - dt.timedelta(days=2)
    )
    _alert(e, assigned_worker, AlertLevel.RED, AlertKind.ALLIANCE)
    _waiting(other_provider, ishoj, other_provider_leader)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_dashboard_figures_match_the_hand_count(world, leader) -> None:
    board = dashboard.dashboard_for(leader)

    assert (board.capacity.capacity, board.capacity.active) == (3, 3)  # A, B and planned C
    assert (board.active, board.planned, board.over_capacity) == (2, 1, 0)
    assert board.capacity.full
    assert board.waiting["count"] == 2
    assert board.waiting_acute == 1
    assert board.awaiting_team == 1
    assert board.meetings_overdue == 2
    assert board.measurements_overdue == 2
    assert (board.alerts_red, board.alerts_amber, board.alerts_good) == (1, 1, 1)
    assert board.alerts_open == 3
    assert board.last_week.granted == Decimal("30")
    assert board.last_week.hours == pytest.approx(25.0)
    assert (board.last_week.under, board.last_week.over) == (1, 0)
    assert board.this_week.granted == Decimal("30")
    assert board.this_week.hours == pytest.approx(3.5)
    rows = {row.course.pk: row for row in board.rows}
    assert set(rows) == {world["a"].pk, world["b"].pk, world["c"].pk}  # not closed D, not E
    a, b = rows[world["a"].pk], rows[world["b"].pk]
    assert (a.meetings_overdue, a.measurements_overdue, a.alerts_red, a.alerts_amber) == (
        1,
        2,
        1,
        0,
    )
    assert a.last_week.status == hours_services.Delivery.UNDER
    assert (b.meetings_overdue, b.measurements_overdue, b.alerts_amber, b.alerts_good) == (
        1,
        0,
        1,
        1,
    )
    assert b.last_week.status == hours_services.Delivery.OK
    assert [row.course.pk for row in board.attention] == [world["a"].pk, world["b"].pk]


def test_dashboard_page_shows_the_figures_with_links_to_act(client, world, leader) -> None:
    client.force_login(leader)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    html = response.content.decode()
    a, b = world["a"], world["b"]
    assert 'data-testid="dash-capacity-figure">3 af 3<' in html
    assert 'data-testid="dash-waiting-figure">2<' in html
    assert 'data-testid="dash-meetings-figure">2<' in html
    assert 'data-testid="dash-measurements-figure">2<' in html
    assert 'data-testid="dash-alerts-figure">3<' in html
    assert 'data-testid="dash-hours-figure">3,5 af 30,0<' in html
    assert "25,0 af 30,0 timer" in html
    assert "1 forløb fik for få timer." in html
    assert "Mere end 10 % under eller over" in html
    assert html.count('data-testid="dash-row"') == 2
    for url in (
        reverse("visitation:waiting_list"),
        reverse("visitation:capacity_edit"),
        reverse("cases:meeting_list", args=[a.pk]),
        reverse("cases:meeting_list", args=[b.pk]),
        reverse("cases:measurement_list", args=[a.pk]),
        reverse("cases:fit_alert_list", args=[a.pk]),
        reverse("cases:fit_alert_list", args=[b.pk]),
        reverse("cases:course_hours", args=[a.pk]),
        reverse("cases:course_detail", args=[a.pk]),
    ):
        assert f'href="{url}"' in html, url
    assert reverse("cases:course_detail", args=[world["e"].pk]) not in html
    # Figures, not case files: no family or person is named.
    for name in ("Holmgård", "Mette", "Noah", "Familien"):
        assert name not in html


def test_dashboard_of_another_provider_shows_only_its_own_courses(
    client, world, other_provider_leader
) -> None:
    client.force_login(other_provider_leader)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    board = response.context["board"]
    assert [row.course.pk for row in board.rows] == [world["e"].pk]
    assert (board.meetings_overdue, board.alerts_red, board.measurements_overdue) == (1, 1, 0)
    assert board.waiting["count"] == 1
    assert board.capacity.capacity is None
    html = response.content.decode()
    assert reverse("cases:course_detail", args=[world["a"].pk]) not in html
    assert reverse("cases:course_detail", args=[world["e"].pk]) in html


@pytest.mark.parametrize("who", ["assigned_worker", "radgiver", "projektleder", "evaluator"])
def test_dashboard_is_refused_without_the_function(client, world, request, who) -> None:
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(URL)).status_code == 403


def test_dashboard_is_refused_to_a_leader_on_the_authority_side(client, world, ishoj) -> None:
    socialleder = UserFactory(organisation=ishoj, roles=[Role.LEDER])
    client.force_login(socialleder)

    assert client.get(reverse(URL)).status_code == 403


def test_dashboard_view_writes_one_audit_row_naming_no_family(client, world, leader) -> None:
    client.force_login(leader)
    before = AuditEvent.objects.count()

    client.get(reverse(URL))

    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.action, event.detail) == (leader, "view", "dashboard")
    assert event.family_id is None and event.course_id is None


def test_dashboard_query_count_does_not_grow_with_the_data(
    client, world, leader, provider, ishoj, assigned_worker, django_assert_max_num_queries
) -> None:
    client.force_login(leader)
    client.get(reverse(URL))  # warm up the session
    with CaptureQueriesContext(connection) as first:
        client.get(reverse(URL))
    today = _today()
    for _ in range(4):
        course = _course(provider, ishoj, hours=Decimal("12.0"))
        PlanMeeting.objects.create(
            course=course, kind=MeetingKind.START, due_on=today - dt.timedelta(days=3)
        )
        _alert(course, assigned_worker, AlertLevel.RED, AlertKind.ALLIANCE)
        _visit(course, assigned_worker, hours_services.monday_of(today), 10, 60)

    with django_assert_max_num_queries(len(first)):
        response = client.get(reverse(URL))

    assert response.context["board"].meetings_overdue == 6
    assert len(first) <= 20


def test_leader_start_page_links_to_the_dashboard(client, world, leader, assigned_worker) -> None:
    client.force_login(leader)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="panel-dashboard"' in home
    assert f'href="{reverse(URL)}"' in home

    client.force_login(assigned_worker)
    assert 'data-testid="panel-dashboard"' not in client.get(reverse("home")).content.decode()
