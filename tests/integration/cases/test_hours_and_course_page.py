"""The course overview, the hours page and the intensity change (cases/views_course.py,
cases/hours_services.py): the hours shown match the visits recorded through
``visit_services.visit_record`` (also visits crossing a week boundary); the intensity form with
its Danish errors; who may see what; the audit trail; and query counts that do not grow with
the number of visits."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import hours_services as hours
from cases import visit_services as visits
from cases.models import ActivityType, Course, CourseStatus, IntensityChange
from familieberedskab.models import AuditEvent
from staffing.models import Role
from tests.factories.cases import CourseFactory, FamilyFactory, TeamAssignmentFactory
from tests.factories.staffing import UserFactory

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


def today() -> dt.date:
    return timezone.localdate()


def this_monday() -> dt.date:
    return hours.monday_of(timezone.localdate())


@pytest.fixture
def course(family, assigned_worker, team_colleague):
    """The family's course, started ten weeks ago with 10 hours a week; the team (12 h each)
    has been on it since the start."""
    course = family.courses.get()
    course.start_date = this_monday() - 10 * WEEK
    course.granted_hours = D("10.0")
    course.save(update_fields=["start_date", "granted_hours"])
    course.team.update(starts_on=course.start_date)
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    team_colleague.full_name = "Pia Pædagog"
    team_colleague.save(update_fields=["full_name"])
    return course


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def record(course, by, staff, start: dt.datetime, end: dt.datetime, members=()):
    return visits.visit_record(
        by=by,
        course=course,
        data=visits.VisitInput(
            starts_at=start,
            ends_at=end,
            place="home",
            staff_ids=[u.pk for u in staff],
            family_ids=[m.pk for m in members],
            activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
        ),
    )


@pytest.fixture
def recorded(course, assigned_worker, team_colleague):
    """Two weeks ago and last week, as recorded on the tablet:

    * Sunday 23:00 – Monday 01:00 across the weeks, both on the visit (1 h + 1 h);
    * last Tuesday 09:00–12:00, Bo;
    * last Saturday 10:00–12:00, Pia.
    """
    last_monday = this_monday() - WEEK
    sunday = last_monday - dt.timedelta(days=1)
    both = [assigned_worker, team_colleague]
    record(course, assigned_worker, both, local(sunday, 23), local(last_monday, 1))
    tuesday = last_monday + dt.timedelta(days=1)
    record(course, assigned_worker, [assigned_worker], local(tuesday, 9), local(tuesday, 12))
    saturday = last_monday + dt.timedelta(days=5)
    record(course, team_colleague, [team_colleague], local(saturday, 10), local(saturday, 12))
    return last_monday


def week_row(weeks, monday):
    return next(w for w in weeks if w.monday == monday)


# The figures match the visits --------------------------------------------------------------


def test_hours_page_figures_match_the_recorded_visits(
    client, course, recorded, assigned_worker, team_colleague
) -> None:
    last_monday = recorded
    client.force_login(assigned_worker)
    response = client.get(reverse("cases:course_hours", args=[course.pk]))
    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert weeks[0].monday == this_monday() and weeks[0].is_current
    assert len(weeks) == 11  # the course's weeks so far: fewer than the default 12

    last, before = week_row(weeks, last_monday), week_row(weeks, last_monday - WEEK)
    assert last.hours == pytest.approx(6)  # Monday 00–01, Tuesday 3 h, Saturday 2 h
    assert before.hours == pytest.approx(1)  # Sunday 23–24
    assert {m.user.full_name: m.hours for m in last.members} == pytest.approx(
        {"Bo Behandler": 4, "Pia Pædagog": 3}
    )
    assert {m.user.full_name: m.hours for m in before.members} == pytest.approx(
        {"Bo Behandler": 1, "Pia Pædagog": 1}
    )
    assert last.weekend_share == pytest.approx(100 / 3)
    assert last.early_share == pytest.approx(100 / 6)
    assert before.evening_share == pytest.approx(100) and before.weekend_share == pytest.approx(100)
    # 10 h granted: 6 h is under, 1 h is under; the team had 12 h each agreed.
    assert last.granted == D(10) and last.status == hours.Delivery.UNDER
    assert {m.status for m in last.members} == {hours.Delivery.UNDER}

    html = response.content.decode()
    iso = last_monday.isocalendar()
    assert f'data-week="{iso.year}-W{iso.week:02d}" data-status="under"' in html
    assert "For få timer" in html  # the flag in words, not only in colour
    assert "6,0" in html and "4,0 af 12,0 t" in html and "3,0 af 12,0 t" in html


def test_the_figures_equal_the_sum_of_the_visits_minutes(course, recorded) -> None:
    weeks = hours.course_weeks(course, hours.weeks_shown(course, [], today=today(), count=12))
    delivered_minutes = sum(w.seconds for w in weeks) / 60
    assert delivered_minutes == sum(v.minutes for v in course.visits.all()) == 7 * 60


def test_over_delivery_is_flagged_in_colour_and_words(client, course, recorded, leader) -> None:
    course.granted_hours = D("3.0")
    course.save(update_fields=["granted_hours"])
    client.force_login(leader)
    response = client.get(reverse("cases:course_hours", args=[course.pk]))
    row = week_row(response.context["weeks"], recorded)
    assert row.status == hours.Delivery.OVER
    assert 'class="table-warning"' in response.content.decode()
    assert "For mange timer" in response.content.decode()


def test_tolerance_comes_from_settings(client, course, recorded, leader, settings) -> None:
    settings.HOURS_TOLERANCE_PERCENT = 45  # 6 h against 10 h is within 45 %
    client.force_login(leader)
    response = client.get(reverse("cases:course_hours", args=[course.pk]))
    assert week_row(response.context["weeks"], recorded).status == hours.Delivery.OK
    assert "45 %" in response.content.decode()


def test_more_weeks_on_request(client, course, assigned_worker) -> None:
    course.start_date = this_monday() - 30 * WEEK
    course.save(update_fields=["start_date"])
    client.force_login(assigned_worker)
    url = reverse("cases:course_hours", args=[course.pk])
    response = client.get(url)
    assert len(response.context["weeks"]) == 12
    assert 'href="?uger=24"' in response.content.decode()
    assert len(client.get(url + "?uger=24").context["weeks"]) == 24
    assert len(client.get(url + "?uger=abc").context["weeks"]) == 12


def test_course_page_shows_this_weeks_hours_and_the_grant(
    client, course, assigned_worker, team_colleague
) -> None:
    now = timezone.now()
    start, end = max(local(this_monday(), 0), now - dt.timedelta(hours=2)), now
    record(course, assigned_worker, [assigned_worker, team_colleague], start, end)
    client.force_login(assigned_worker)
    response = client.get(reverse("cases:course_detail", args=[course.pk]))
    assert response.status_code == 200
    week = response.context["week"]
    assert week.is_current and week.hours == pytest.approx((end - start).total_seconds() / 3600)
    html = response.content.decode()
    assert "Familien Holmgård" in html
    assert "Mette Holmgård" in html and "Noah Holmgård" in html
    assert "Bo Behandler" in html and "Pia Pædagog" in html
    assert "Bevilget nu: 10 timer pr. uge" in html
    assert "af 10,0 timer" in html
    for name in (
        "plan_detail",
        "safety_list",
        "safety_plan_list",
        "network_detail",
        "meeting_list",
        "visit_list",
        "fit_charts",
        "course_hours",
    ):
        assert reverse(f"cases:{name}", args=[course.pk]) in html, name


def test_course_page_shows_the_next_meeting_alerts_and_latest_visits(
    client, course, recorded, assigned_worker
) -> None:
    from cases import meeting_services

    meeting_services.meetings_schedule_initial(by=None, course=course)
    client.force_login(assigned_worker)
    response = client.get(reverse("cases:course_detail", args=[course.pk]))
    meeting = meeting_services.next_open_meeting(course)
    assert response.context["next_meeting"] == meeting
    assert meeting.get_kind_display() in response.content.decode()
    assert len(response.context["recent_visits"]) == 3
    assert response.context["alerts"] == []
    assert 'data-testid="course-alerts"' in response.content.decode()


def test_course_card_links_to_the_course_page(client, course, assigned_worker) -> None:
    client.force_login(assigned_worker)
    html = client.get(reverse("cases:family_detail", args=[course.family_id])).content.decode()
    assert reverse("cases:course_detail", args=[course.pk]) in html
    assert "Åbn forløb" in html


# Intensity -----------------------------------------------------------------------------------


def test_intensity_form_defaults_to_tomorrow(client, course, radgiver) -> None:
    client.force_login(radgiver)
    response = client.get(reverse("cases:intensity_change", args=[course.pk]))
    assert response.status_code == 200
    tomorrow = today() + dt.timedelta(days=1)
    assert f'value="{tomorrow:%Y-%m-%d}"' in response.content.decode()
    assert "Bevilget nu: 10 timer pr. uge" in response.content.decode()


def test_radgiver_turns_the_intensity_up(client, course, radgiver) -> None:
    client.force_login(radgiver)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post(
        reverse("cases:intensity_change", args=[course.pk]),
        {"effective_on": tomorrow.isoformat(), "hours_per_week": "22,5", "reason": "Skolestart"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:course_hours", args=[course.pk])
    change = IntensityChange.objects.get(course=course)
    assert (change.effective_on, change.hours_per_week, change.previous_hours) == (
        tomorrow,
        D("22.5"),
        D("10.0"),
    )
    assert change.reason == "Skolestart" and change.created_by == radgiver
    event = AuditEvent.objects.get(action="create", object_type="cases.intensitychange")
    assert event.actor == radgiver and event.course_id == course.pk
    page = client.get(response["Location"]).content.decode()
    assert "Intensiteten er ændret til 22,5 timer pr. uge" in page
    assert "10 → 22,5 timer pr. uge" in page and "Skolestart" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours_per_week": "25", "reason": ""}, "reason", "Skriv hvorfor intensiteten ændres."),
        (
            {"hours_per_week": "45", "reason": "Krise"},
            "hours_per_week",
            "Skriv timer pr. uge mellem 0,5 og 40.",
        ),
        (
            {"hours_per_week": "mange", "reason": "Krise"},
            "hours_per_week",
            "Skriv timer pr. uge mellem 0,5 og 40.",
        ),
        (
            {"hours_per_week": "12,25", "reason": "Krise"},
            "hours_per_week",
            "Skriv timer pr. uge med højst én decimal.",
        ),
        (
            {"hours_per_week": "25", "reason": "Krise", "effective_on": ""},
            "effective_on",
            "Skriv datoen, hvor den nye intensitet gælder fra.",
        ),
    ],
)
def test_intensity_errors_are_danish_and_keep_the_input(
    client, course, leader, data, field, message
) -> None:
    client.force_login(leader)
    body = {"effective_on": (today() + dt.timedelta(days=1)).isoformat(), **data}
    response = client.post(reverse("cases:intensity_change", args=[course.pk]), body)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert message in html
    for value in data.values():
        if value:
            assert value in html  # what was typed is still there
    assert not IntensityChange.objects.exists()


def test_intensity_before_the_course_start_is_refused_on_the_date(client, course, leader) -> None:
    client.force_login(leader)
    too_early = course.start_date - dt.timedelta(days=1)
    response = client.post(
        reverse("cases:intensity_change", args=[course.pk]),
        {"effective_on": too_early.isoformat(), "hours_per_week": "25", "reason": "Krise"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["effective_on"] == ["Datoen ligger før forløbets start."]
    assert "Krise" in response.content.decode()


def test_service_refuses_hours_the_column_cannot_hold(course, leader) -> None:
    from django.core.exceptions import ValidationError

    for bad in (D("0.04"), D("0.4"), D("12.25")):
        with pytest.raises(ValidationError):
            visits.intensity_change(
                by=leader, course=course, effective_on=today(), hours=bad, reason="x"
            )
    assert not IntensityChange.objects.exists()


def test_closed_course_intensity_cannot_change(client, course, radgiver) -> None:
    course.status = CourseStatus.CLOSED
    course.end_date = today()
    course.save(update_fields=["status", "end_date"])
    client.force_login(radgiver)
    url = reverse("cases:intensity_change", args=[course.pk])
    assert 'data-testid="intensity-closed"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"effective_on": today().isoformat(), "hours_per_week": "25", "reason": "Krise"},
    )
    assert response.status_code == 400
    assert not IntensityChange.objects.exists()
    hours_page = client.get(reverse("cases:course_hours", args=[course.pk])).content.decode()
    assert 'data-testid="intensity-change-link"' not in hours_page


def test_intensity_change_shows_in_the_week_it_takes_effect(client, course, leader) -> None:
    start = this_monday() - WEEK
    visits.intensity_change(
        by=leader,
        course=course,
        effective_on=start + dt.timedelta(days=3),
        hours=D("24"),
        reason="x",
    )
    client.force_login(leader)
    weeks = client.get(reverse("cases:course_hours", args=[course.pk])).context["weeks"]
    # Last week: Monday–Wednesday 10 h, Thursday–Sunday 24 h a week: 30/7 + 96/7 = 18.
    assert week_row(weeks, start).granted == D(18)
    assert [c.hours_per_week for c in week_row(weeks, start).changes] == [D("24.0")]
    # This week is all 24 h.
    assert week_row(weeks, this_monday()).granted == D(24)


# Access and audit --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:course_detail", "cases:course_hours"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("assigned_worker", 200),
        ("team_colleague", 200),
        ("radgiver", 200),
        ("leader", 200),
        ("outsider", 404),
        ("same_municipality_radgiver", 404),
        ("other_municipality_radgiver", 404),
        ("other_provider_leader", 404),
        ("projektleder", 403),
        ("administrator", 403),
    ],
)
def test_access(client, request, course, name, who, status) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name, args=[course.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("radgiver", 302),
        ("leader", 302),
        ("assigned_worker", 403),
        ("team_colleague", 403),
        ("projektleder", 403),
        ("same_municipality_radgiver", 404),
        ("other_provider_leader", 404),
    ],
)
def test_intensity_access(client, request, course, who, status) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("cases:intensity_change", args=[course.pk]),
        {"effective_on": today().isoformat(), "hours_per_week": "25", "reason": "Krise"},
    )
    assert response.status_code == status
    assert IntensityChange.objects.exists() == (status == 302)


@pytest.mark.parametrize("name", ["cases:course_detail", "cases:course_hours"])
def test_reads_are_audited(client, course, assigned_worker, name) -> None:
    client.force_login(assigned_worker)
    client.get(reverse(name, args=[course.pk]))
    event = AuditEvent.objects.get(action="view", object_type="cases.course")
    assert (event.actor, event.course_id, event.family_id) == (
        assigned_worker,
        course.pk,
        course.family_id,
    )
    assert event.detail == "visits"


def test_anonymous_goes_to_login(client, course) -> None:
    response = client.get(reverse("cases:course_detail", args=[course.pk]))
    assert response.status_code == 302 and "/konto/log-ind/" in response["Location"]


# Queries do not grow with the visits ------------------------------------------------------


def _spread_visits(course, worker, mate, n: int) -> None:
    """``n`` visits over the last ten weeks (two staff on every other one), recorded as on
    the tablet."""
    first = course.start_date
    for i in range(n):
        day = first + dt.timedelta(days=(i * 67) % 70)
        if day >= today():
            day = today() - dt.timedelta(days=1 + i % 5)
        staff = [worker, mate] if i % 2 else [worker]
        record(course, worker, staff, local(day, 8 + i % 10), local(day, 9 + i % 10))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["cases:course_detail", "cases:course_hours"])
def test_query_count_does_not_grow_with_visits(
    client, course, assigned_worker, team_colleague, name, django_assert_max_num_queries
) -> None:
    url = reverse(name, args=[course.pk])
    client.force_login(assigned_worker)
    # One visit this week, so the baseline reads this week's staff too (an empty week skips
    # that query). Monday just after midnight there is no past time this week to record.
    now = timezone.now()
    start = max(local(this_monday(), 0), now - dt.timedelta(hours=1))
    has_this_week = now - start >= dt.timedelta(minutes=5)
    if has_this_week:
        record(course, assigned_worker, [assigned_worker], start, now)
    _spread_visits(course, assigned_worker, team_colleague, 3 - has_this_week)
    client.get(url)  # warm the session
    few = _queries(client, url)
    _spread_visits(course, assigned_worker, team_colleague, 27)
    assert course.visits.count() == 30
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
    assert few <= 25


def test_leader_panel_last_week(client, course, recorded, leader) -> None:
    client.force_login(leader)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Timer sidste uge" in html
    assert f'data-course="{course.pk}"' in html
    assert "For få timer" in html  # 6 of 10 hours
    assert "1 forløb skal ses på." in html
    assert "Familien Holmgård" in html


def test_panel_sums_in_the_database_what_the_hours_page_sums_in_python(course, recorded) -> None:
    """The panel clips visits to the week in SQL; the crossing visit counts as on the page."""
    for monday in (recorded, recorded - WEEK):
        [row] = hours.courses_week(Course.objects.filter(pk=course.pk), monday)
        [week] = hours.course_weeks(course, [monday])
        assert row.week.seconds == pytest.approx(week.seconds)
        assert row.week.granted == week.granted and row.week.status == week.status
    assert week.seconds == 3600  # the Sunday hour before midnight only


def test_leader_panel_queries_do_not_grow_with_courses(
    client, course, recorded, leader, provider, assigned_worker, django_assert_max_num_queries
) -> None:
    client.force_login(leader)
    client.get(reverse("home"))
    few = _queries(client, reverse("home"))
    for i in range(4):
        other = CourseFactory(
            family=FamilyFactory(name=f"Familien Ekstra{i}"),
            provider=provider,
            granted_hours=D("15"),
        )
        TeamAssignmentFactory(course=other, user=assigned_worker)
        day = this_monday() - WEEK + dt.timedelta(days=2)
        record(other, assigned_worker, [assigned_worker], local(day, 9), local(day, 11))
    with django_assert_max_num_queries(few):
        html = client.get(reverse("home")).content.decode()
    assert html.count('data-testid="panel-hours-row"') == 5


def test_panel_is_for_provider_leaders_only(client, course, assigned_worker, ishoj) -> None:
    for user in (assigned_worker, UserFactory(organisation=ishoj, roles=[Role.LEDER])):
        client.force_login(user)
        assert "Timer sidste uge" not in client.get(reverse("home")).content.decode()


def test_closed_course_shows_its_last_week(client, course, recorded, leader) -> None:
    course.status = CourseStatus.CLOSED
    course.end_date = recorded + dt.timedelta(days=6)
    course.save(update_fields=["status", "end_date"])
    client.force_login(leader)
    response = client.get(reverse("cases:course_detail", args=[course.pk]))
    assert response.context["week"].monday == recorded
    assert "Timer i forløbets sidste uge" in response.content.decode()
    assert response.context["can_change_intensity"] is False
    weeks = client.get(reverse("cases:course_hours", args=[course.pk])).context["weeks"]
    assert weeks[0].monday == recorded
