"""Start and follow-up meetings of a course (issue 4): the schedule that course start sets
and recording keeps going, moving a meeting and changing the cadence, validation in Danish
with nothing lost, who reads and writes, the audit trail, the reminders the beat task sends,
and the start-page panel (contents, audit, constant queries)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import meeting_services as meetings
from cases import panels
from cases.meeting_schedule import add_months
from cases.models import (
    Course,
    CourseStatus,
    Goal,
    GoalOwner,
    LifeArea,
    MeetingKind,
    PlanMeeting,
)
from cases.services import TeamMember, course_start
from familieberedskab.models import AuditAction, AuditEvent, Notification
from staffing.models import Role, User
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
)


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


def schedule(course: Course) -> tuple[PlanMeeting, PlanMeeting]:
    start, follow_up = meetings.meetings_schedule_initial(by=None, course=course)
    return start, follow_up


def record(by: User, meeting: PlanMeeting, **data: object) -> PlanMeeting:
    defaults = {"held_on": today(), "staff_participants": [by.pk], "agreed": "Vi fortsætter."}
    return meetings.meeting_record(by=by, meeting=meeting, data={**defaults, **data})


def open_follow_up(course: Course, due_on: dt.date) -> PlanMeeting:
    """A course whose start meeting is held, with its follow-up open and due on ``due_on``."""
    held = course.start_date or today()
    PlanMeeting.objects.create(
        course=course,
        kind=MeetingKind.START,
        due_on=held,
        held_on=held,
        recorded_at=timezone.now(),
    )
    return PlanMeeting.objects.create(course=course, kind=MeetingKind.FOLLOW_UP, due_on=due_on)


def goal(course: Course, text: str = "Vi vil have rolige morgener.") -> Goal:
    return Goal.objects.create(
        plan=course.plan, owner=GoalOwner.FAMILY, text=text, life_area=LifeArea.PARENTING
    )


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def follow_ups(course: Course) -> list[PlanMeeting]:
    return list(PlanMeeting.objects.filter(course=course, kind=MeetingKind.FOLLOW_UP))


# Course start -------------------------------------------------------------------------------


def test_course_start_schedules_start_meeting_and_the_committees_first_follow_up(
    family, provider, leader, assigned_worker
) -> None:
    start = today() + dt.timedelta(days=10)
    committee_date = start + dt.timedelta(days=75)  # the committee chose a date, not 3 months

    course = course_start(
        by=leader,
        family=family,
        provider=provider,
        start_date=start,
        granted_hours=Decimal("20"),
        first_follow_up=committee_date,
        start_meeting_date=start + dt.timedelta(days=3),
        team=[TeamMember(assigned_worker, Role.BEHANDLER, Decimal("12"))],
    )

    rows = list(PlanMeeting.objects.filter(course=course).values_list("kind", "due_on", "held_on"))
    assert rows == [
        (MeetingKind.START, start + dt.timedelta(days=3), None),
        (MeetingKind.FOLLOW_UP, committee_date, None),
    ]
    assert course.follow_up_months == 6
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.planmeeting")
    assert created.count() == 2
    assert set(created.values_list("actor", flat=True)) == {leader.pk}


def test_without_dates_the_start_meeting_is_on_the_start_day_and_follow_up_3_months_on(
    course,
) -> None:
    Course.objects.filter(pk=course.pk).update(start_date=dt.date(2026, 11, 30))
    course.refresh_from_db()

    start, follow_up = schedule(course)
    again = meetings.meetings_schedule_initial(by=None, course=course)

    assert start.due_on == dt.date(2026, 11, 30)
    assert follow_up.due_on == dt.date(2027, 2, 28)  # 3 calendar months, clipped
    assert again == []  # idempotent
    assert PlanMeeting.objects.filter(course=course).count() == 2


def test_course_start_takes_the_cadence_from_settings(
    family, provider, leader, assigned_worker, settings
) -> None:
    settings.FOLLOW_UP_CADENCE_MONTHS = 4

    course = course_start(
        by=leader,
        family=family,
        provider=provider,
        start_date=today(),
        granted_hours=Decimal("20"),
        first_follow_up=add_months(today(), 3),
        team=[TeamMember(assigned_worker, Role.BEHANDLER, Decimal("12"))],
    )

    assert course.follow_up_months == 4


# Recording ----------------------------------------------------------------------------------


def test_recording_a_follow_up_schedules_the_next_at_the_default_cadence(course, radgiver) -> None:
    _, follow_up = schedule(course)
    held_on = today() - dt.timedelta(days=5)

    record(radgiver, follow_up, held_on=held_on)

    held, upcoming = follow_ups(course)
    assert held.pk == follow_up.pk and held.held_on == held_on
    assert upcoming.held_on is None
    assert upcoming.due_on == add_months(held_on, 6)  # from the day it was held
    assert meetings.next_open_meeting(course).kind == MeetingKind.START


def test_recording_a_follow_up_uses_a_changed_cadence(course, radgiver) -> None:
    _, follow_up = schedule(course)
    meetings.course_cadence_set(by=radgiver, course=course, months=3)

    record(radgiver, follow_up)

    assert follow_ups(course)[-1].due_on == add_months(today(), 3)


def test_recording_the_start_meeting_schedules_nothing_new(course, radgiver) -> None:
    start, follow_up = schedule(course)

    record(radgiver, start)

    assert PlanMeeting.objects.filter(course=course).count() == 2
    follow_up.refresh_from_db()
    assert follow_up.held_on is None


def test_recording_keeps_participants_goals_words_and_the_plan_version(
    course, family, radgiver, assigned_worker
) -> None:
    _, follow_up = schedule(course)
    mette = family.members.get(first_name="Mette")
    revised = goal(course)
    course.plan.version = 4
    course.plan.save(update_fields=["version"])

    meeting = record(
        assigned_worker,
        follow_up,
        staff_participants=[radgiver.pk, assigned_worker.pk],
        family_participants=[mette.pk],
        other_participants="  Klasselærer Mette  ",
        agreed="Morgenerne går bedre.",
        revised_goals=[revised.pk],
        revision_note="Målet fik en ny dato.",
        family_perspective="Vi har det bedre nu.",
    )

    meeting.refresh_from_db()
    assert set(meeting.staff_participants.all()) == {radgiver, assigned_worker}
    assert list(meeting.family_participants.all()) == [mette]
    assert list(meeting.revised_goals.all()) == [revised]
    assert meeting.other_participants == "Klasselærer Mette"
    assert meeting.family_perspective == "Vi har det bedre nu."
    assert meeting.plan_version == 4
    assert meeting.recorded_by == assigned_worker and meeting.recorded_at is not None
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(meeting.pk))
    assert event.detail == "held"
    assert "family_perspective" in event.fields and event.values == {}  # no words in the log


def test_correcting_a_held_meeting_creates_no_other(course, radgiver) -> None:
    _, follow_up = schedule(course)
    record(radgiver, follow_up, agreed="Første udgave.")
    before = PlanMeeting.objects.filter(course=course).count()

    record(radgiver, follow_up, agreed="Rettet udgave.")

    follow_up.refresh_from_db()
    assert follow_up.agreed == "Rettet udgave."
    assert PlanMeeting.objects.filter(course=course).count() == before == 3
    details = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(follow_up.pk)
    ).values_list("detail", flat=True)
    assert sorted(details) == ["corrected", "held"]


def test_correcting_the_held_date_moves_the_next_follow_up_with_it(course, radgiver) -> None:
    _, follow_up = schedule(course)
    record(radgiver, follow_up)  # by mistake: today
    held_really = today() - dt.timedelta(days=10)

    record(radgiver, follow_up, held_on=held_really)

    assert follow_ups(course)[-1].due_on == add_months(held_really, 6)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"held_on": None}, "held_on", "Skriv datoen, hvor mødet blev holdt."),
        (
            {"held_on": "in two days"},
            "held_on",
            "Et møde kan ikke registreres som holdt i fremtiden.",
        ),
        (
            {"staff_participants": [], "agreed": "Intet"},
            "staff_participants",
            "Angiv hvem der deltog i mødet.",
        ),
    ],
)
def test_recording_refuses_bad_input(course, radgiver, data, field, message) -> None:
    _, follow_up = schedule(course)
    if data.get("held_on") == "in two days":
        data = {"held_on": today() + dt.timedelta(days=2)}

    with pytest.raises(ValidationError) as exc:
        record(radgiver, follow_up, **data)

    assert message in exc.value.message_dict[field]
    follow_up.refresh_from_db()
    assert follow_up.held_on is None
    assert len(follow_ups(course)) == 1


def test_recording_refuses_a_member_of_another_family(course, radgiver, other_family) -> None:
    _, follow_up = schedule(course)
    stranger = other_family.members.get()

    with pytest.raises(ValidationError) as exc:
        record(radgiver, follow_up, family_participants=[stranger.pk])

    assert exc.value.message_dict["family_participants"] == ["Vælg kun medlemmer af denne familie."]


def test_recording_refuses_a_family_member_that_does_not_exist(course, radgiver) -> None:
    _, follow_up = schedule(course)

    with pytest.raises(ValidationError) as exc:
        record(radgiver, follow_up, family_participants=[987654])

    assert "family_participants" in exc.value.message_dict


def test_recording_refuses_a_goal_from_another_plan(course, radgiver, provider) -> None:
    _, follow_up = schedule(course)
    elsewhere = goal(CourseFactory(family=FamilyFactory(), provider=provider))

    with pytest.raises(ValidationError) as exc:
        record(radgiver, follow_up, revised_goals=[elsewhere.pk])

    assert exc.value.message_dict["revised_goals"] == ["Vælg kun mål fra denne families plan."]


def test_a_closed_course_is_read_only(client, course, radgiver) -> None:
    start, follow_up = schedule(course)
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED)

    with pytest.raises(ValidationError, match="afsluttet"):
        record(radgiver, follow_up)
    with pytest.raises(ValidationError, match="afsluttet"):
        meetings.meeting_reschedule(by=radgiver, meeting=follow_up, due_on=today(), reason="Ferie")
    with pytest.raises(ValidationError, match="afsluttet"):
        meetings.course_cadence_set(by=radgiver, course=course, months=3)
    client.force_login(radgiver)
    response = client.post(
        url("meeting_record", course, follow_up.pk),
        {"held_on": today().isoformat(), "staff_participants": [radgiver.pk],
         "agreed": "Det her må ikke gå tabt."},
    )  # fmt: skip
    page = response.content.decode()
    listing = client.get(url("meeting_list", course)).content.decode()
    form_page = client.get(url("meeting_record", course, follow_up.pk))
    cadence = client.post(url("meeting_cadence", course), {"follow_up_months": "3"}, follow=True)

    assert response.status_code == 400
    assert "Forløbet er afsluttet. Møderne kan ikke ændres." in page
    assert "Det her må ikke gå tabt." in page
    assert 'data-testid="meeting-closed"' in listing
    assert url("meeting_record", course, start.pk) not in listing
    assert 'data-testid="meeting-cadence-form"' not in listing
    assert form_page.status_code == 302
    assert "Forløbet er afsluttet. Møderne kan ikke ændres." in cadence.content.decode()
    assert Course.objects.get(pk=course.pk).follow_up_months == 6
    assert PlanMeeting.objects.filter(course=course, held_on__isnull=False).count() == 0


# Moving a meeting and the cadence -----------------------------------------------------------


def test_reschedule_needs_a_new_date_and_a_reason(course, radgiver) -> None:
    _, follow_up = schedule(course)

    with pytest.raises(ValidationError) as exc:
        meetings.meeting_reschedule(by=radgiver, meeting=follow_up, due_on=None, reason="  ")

    assert exc.value.message_dict == {
        "due_on": ["Skriv den nye dato."],
        "reschedule_reason": ["Skriv hvorfor mødet flyttes."],
    }


def test_a_meeting_cannot_be_moved_into_the_past(course, radgiver) -> None:
    _, follow_up = schedule(course)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        meetings.meeting_reschedule(by=radgiver, meeting=follow_up, due_on=yesterday, reason="x")

    assert exc.value.message_dict == {
        "due_on": ["Et møde kan ikke flyttes til en dato, der er gået."]
    }


def test_reschedule_moves_the_meeting_and_is_audited(course, radgiver) -> None:
    _, follow_up = schedule(course)
    old = follow_up.due_on
    new = old + dt.timedelta(days=21)

    meetings.meeting_reschedule(by=radgiver, meeting=follow_up, due_on=new, reason="Ferie")

    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.reschedule_reason) == (new, "Ferie")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(follow_up.pk))
    assert event.values == {"from": str(old), "to": str(new)}


def test_a_held_meeting_cannot_be_moved(course, radgiver) -> None:
    start, _ = schedule(course)
    record(radgiver, start)

    with pytest.raises(ValidationError, match="Ret registreringen"):
        meetings.meeting_reschedule(by=radgiver, meeting=start, due_on=today(), reason="Fejl")


def test_cadence_change_redates_the_follow_up_after_a_held_one(course, radgiver) -> None:
    _, first = schedule(course)
    held_on = today() - dt.timedelta(days=3)
    record(radgiver, first, held_on=held_on)

    meetings.course_cadence_set(by=radgiver, course=course, months=3)

    course.refresh_from_db()
    assert course.follow_up_months == 3
    assert follow_ups(course)[-1].due_on == add_months(held_on, 3)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cases.course")
    assert event.values == {"from": 6, "to": 3}


def test_cadence_change_keeps_the_first_follow_up_date(course, radgiver) -> None:
    _, first = schedule(course)

    meetings.course_cadence_set(by=radgiver, course=course, months=2)

    first.refresh_from_db()
    assert first.due_on == add_months(course.start_date, 3)


def test_cadence_change_keeps_a_follow_up_moved_by_hand(course, radgiver) -> None:
    _, first = schedule(course)
    record(radgiver, first)
    upcoming = follow_ups(course)[-1]
    moved_to = upcoming.due_on + dt.timedelta(days=10)
    meetings.meeting_reschedule(by=radgiver, meeting=upcoming, due_on=moved_to, reason="Ferie")

    meetings.course_cadence_set(by=radgiver, course=course, months=3)

    upcoming.refresh_from_db()
    assert upcoming.due_on == moved_to


@pytest.mark.parametrize("months", [0, 13, None])
def test_cadence_outside_1_to_12_is_refused(course, radgiver, months) -> None:
    with pytest.raises(ValidationError) as exc:
        meetings.course_cadence_set(by=radgiver, course=course, months=months)

    assert exc.value.message_dict == {"follow_up_months": ["Vælg mellem 1 og 12 måneder."]}


# Who reads and writes -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague", "leader"])
def test_rådgiver_team_and_leader_read_the_meetings(client, request, course, who) -> None:
    start, _ = schedule(course)
    client.force_login(request.getfixturevalue(who))

    listing = client.get(url("meeting_list", course))
    detail = client.get(url("meeting_detail", course, start.pk))

    assert listing.status_code == 200 and detail.status_code == 200
    assert "Opstartsmøde" in listing.content.decode()
    assert "Mødet er ikke holdt endnu." in detail.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("other_municipality_radgiver", 404), ("projektleder", 403)],
)
def test_others_get_404_or_403(client, request, course, who, status) -> None:
    start, follow_up = schedule(course)
    client.force_login(request.getfixturevalue(who))

    for response in (
        client.get(url("meeting_list", course)),
        client.get(url("meeting_detail", course, start.pk)),
        client.post(url("meeting_record", course, follow_up.pk), {"held_on": "2026-01-01"}),
        client.post(url("meeting_cadence", course), {"follow_up_months": "3"}),
    ):
        assert response.status_code == status
    assert not PlanMeeting.objects.filter(held_on__isnull=False).exists()


def test_services_refuse_outsiders(course, outsider, leader, projektleder) -> None:
    _, follow_up = schedule(course)

    with pytest.raises(Http404):
        record(outsider, follow_up)
    with pytest.raises(PermissionDenied):
        record(leader, follow_up)  # the leader reads, but does not write
    with pytest.raises(PermissionDenied):
        meetings.get_meeting_for_user(projektleder, course.pk, follow_up.pk)
    with pytest.raises(Http404):
        meetings.get_meeting_for_user(outsider, course.pk, follow_up.pk)


def test_a_meeting_of_another_course_is_404_under_this_course(course, radgiver, family) -> None:
    second = CourseFactory(family=family, provider=course.provider)
    _, elsewhere = schedule(second)

    with pytest.raises(Http404):
        meetings.get_meeting_for_user(radgiver, course.pk, elsewhere.pk)


def test_leader_reads_without_buttons(client, course, leader) -> None:
    schedule(course)
    client.force_login(leader)

    page = client.get(url("meeting_list", course)).content.decode()

    assert 'data-testid="meeting-next"' in page
    assert 'data-testid="meeting-record-link"' not in page
    assert 'data-testid="meeting-cadence-form"' not in page


# Audit --------------------------------------------------------------------------------------


def test_reading_is_audited(client, course, radgiver) -> None:
    start, follow_up = schedule(course)
    client.force_login(radgiver)

    client.get(url("meeting_list", course))
    client.get(url("meeting_detail", course, start.pk))

    mine = AuditEvent.objects.filter(actor=radgiver)
    assert mine.filter(
        action=AuditAction.VIEW, object_type="cases.course", detail="meetings"
    ).exists()
    listed = mine.filter(action=AuditAction.LIST, object_type="cases.planmeeting")
    assert sorted(listed.values_list("object_id", flat=True)) == sorted(
        [str(start.pk), str(follow_up.pk)]
    )
    assert set(listed.values_list("family_id", flat=True)) == {course.family_id}
    assert mine.filter(
        action=AuditAction.VIEW, object_type="cases.planmeeting", object_id=str(start.pk)
    ).exists()


def test_writes_are_audited(client, course, radgiver) -> None:
    _, follow_up = schedule(course)
    client.force_login(radgiver)

    client.post(
        url("meeting_record", course, follow_up.pk),
        {"held_on": today().isoformat(), "staff_participants": [radgiver.pk]},
    )
    upcoming = follow_ups(course)[-1]
    client.post(
        url("meeting_reschedule", course, upcoming.pk),
        {"due_on": (upcoming.due_on + dt.timedelta(days=7)).isoformat(),
         "reschedule_reason": "Ferie"},
    )  # fmt: skip
    client.post(url("meeting_cadence", course), {"follow_up_months": "4"})

    writes = AuditEvent.objects.filter(actor=radgiver).exclude(
        action__in=[AuditAction.VIEW, AuditAction.LIST]
    )
    assert list(writes.order_by("pk").values_list("action", "object_type", "object_id")) == [
        (AuditAction.UPDATE, "cases.planmeeting", str(follow_up.pk)),  # held
        (AuditAction.CREATE, "cases.planmeeting", str(upcoming.pk)),  # the next one
        (AuditAction.UPDATE, "cases.planmeeting", str(upcoming.pk)),  # moved
        (AuditAction.UPDATE, "cases.course", str(course.pk)),  # cadence (moved one kept)
    ]


# Screens ------------------------------------------------------------------------------------


def test_list_highlights_the_next_meeting_and_summarises_the_held_ones(
    client, course, radgiver, family
) -> None:
    start, follow_up = schedule(course)  # the start meeting was due 30 days ago
    record(
        radgiver,
        follow_up,
        held_on=today() - dt.timedelta(days=1),
        family_participants=[family.members.get(first_name="Mette").pk],
        agreed="Mormor henter om onsdagen.",
        family_perspective="Vi er glade for hjælpen.",
    )
    client.force_login(radgiver)

    page = client.get(url("meeting_list", course)).content.decode()

    next_card = page.split('data-testid="meeting-next"', 1)[1].split("</article>")[0]
    assert "Opstartsmøde" in next_card and 'data-state="overdue"' in next_card
    assert "Overskredet" in next_card
    assert f"Skulle have været holdt senest {start.due_on:%d.%m.%Y}" in next_card
    later = page.split('data-testid="meeting-later"', 1)[1].split("</ul>")[0]
    next_due = add_months(today() - dt.timedelta(days=1), 6)
    assert f"senest {next_due:%d.%m.%Y}" in later and "Planlagt" in later
    held = page.split('data-testid="meeting-held"', 1)[1].split("</article>")[0]
    assert "Mormor henter om onsdagen." in held
    assert "Mette Holmgård" in held and radgiver.full_name in held
    assert "Familiens egne ord" in held and "Vi er glade for hjælpen." in held
    assert "hver 6. måned" in page
    assert 'name="follow_up_months"' in page


def test_due_soon_state_is_shown(client, course, radgiver) -> None:
    open_follow_up(course, today() + dt.timedelta(days=14))
    client.force_login(radgiver)

    page = client.get(url("meeting_list", course)).content.decode()

    next_card = page.split('data-testid="meeting-next"', 1)[1].split("</article>")[0]
    assert 'data-state="due_soon"' in next_card and "Snart" in next_card


def test_detail_shows_a_held_meeting_with_goal_links_and_the_familys_words(
    client, course, radgiver
) -> None:
    _, follow_up = schedule(course)
    revised = goal(course, "Vi vil spise aftensmad sammen.")
    record(
        radgiver,
        follow_up,
        revised_goals=[revised.pk],
        revision_note="Målet er gjort mindre.",
        family_perspective="Det er svært, men vi prøver.",
        other_participants="Sundhedsplejerske Lone",
    )
    client.force_login(radgiver)

    page = client.get(url("meeting_detail", course, follow_up.pk)).content.decode()

    goal_link = reverse("cases:plan_detail", args=[course.pk]) + f"#goal-{revised.pk}"
    assert goal_link in page and "Vi vil spise aftensmad sammen." in page
    assert "Målet er gjort mindre." in page
    words = page.split('data-testid="meeting-family-words"', 1)[1].split("</blockquote>")[0]
    assert "Det er svært, men vi prøver." in words
    assert "Sundhedsplejerske Lone" in page
    assert f"Registreret af {radgiver.full_name}" in page
    assert 'data-testid="meeting-correct-link"' in page


def test_record_form_offers_team_caseworker_family_and_plan_goals(
    client, course, radgiver, assigned_worker, team_colleague, outsider, family, provider
) -> None:
    _, follow_up = schedule(course)
    TeamAssignmentFactory(
        course=course,
        user=outsider,
        role=Role.PSYKOLOG,
        starts_on=today() - dt.timedelta(days=60),
        ends_on=today() - dt.timedelta(days=1),  # left the team yesterday
    )
    ours = goal(course, "Vores mål")
    goal(CourseFactory(family=FamilyFactory(), provider=provider), "Andres mål")
    client.force_login(assigned_worker)

    page = client.get(url("meeting_record", course, follow_up.pk)).content.decode()

    assert f'value="{today():%Y-%m-%d}"' in page  # the date defaults to today
    assert f"{assigned_worker} (Familiebehandler)" in page
    assert f"{team_colleague} (Pædagog)" in page
    assert f"{radgiver} (Familierådgiver)" in page
    assert str(outsider) not in page
    for member in family.members.all():
        assert f'value="{member.pk}"' in page and member.full_name in page
    assert f'value="{ours.pk}"' in page and "Hele familien: Vores mål" in page
    assert "Andres mål" not in page
    assert reverse("cases:plan_detail", args=[course.pk]) in page
    assert "Familiens egne ord" in page


def test_record_form_bad_input_is_answered_in_danish_and_nothing_is_lost(
    client, course, radgiver
) -> None:
    _, follow_up = schedule(course)
    client.force_login(radgiver)
    typed = {
        "held_on": (today() + dt.timedelta(days=3)).isoformat(),
        "agreed": "Vi aftalte en ny morgenrutine.",
        "revision_note": "Ingen ændringer.",
        "family_perspective": "Mor: det går bedre.",
        "other_participants": "",
    }

    future = client.post(url("meeting_record", course, follow_up.pk), typed)
    nobody = client.post(
        url("meeting_record", course, follow_up.pk), {**typed, "held_on": today().isoformat()}
    )

    for response in (future, nobody):
        page = response.content.decode()
        assert response.status_code == 400
        assert "Det er ikke gemt." in page
        assert "Vi aftalte en ny morgenrutine." in page
        assert "Mor: det går bedre." in page
        assert "Ingen ændringer." in page
    assert "Et møde kan ikke registreres som holdt i fremtiden." in future.content.decode()
    assert "Angiv hvem der deltog i mødet." in nobody.content.decode()
    assert follow_ups(course) == [follow_up]


@pytest.mark.parametrize("with_goals", [True, False])
def test_record_form_refuses_an_unknown_choice_in_danish(
    client, course, radgiver, with_goals
) -> None:
    _, follow_up = schedule(course)
    if with_goals:
        goal(course)
    client.force_login(radgiver)

    response = client.post(
        url("meeting_record", course, follow_up.pk),
        {"held_on": today().isoformat(), "staff_participants": [radgiver.pk],
         "revised_goals": ["999999"], "agreed": "Bevaret tekst"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 400
    assert "Vælg kun blandt dem, der står på listen." in page
    assert "Bevaret tekst" in page


def test_recording_a_follow_up_on_the_form_shows_the_next_one(
    client, course, radgiver, family
) -> None:
    _, follow_up = schedule(course)
    revised = goal(course)
    client.force_login(radgiver)

    response = client.post(
        url("meeting_record", course, follow_up.pk),
        {
            "held_on": today().isoformat(),
            "staff_participants": [radgiver.pk],
            "family_participants": [m.pk for m in family.members.all()],
            "agreed": "Vi fortsætter.",
            "revised_goals": [revised.pk],
            "family_perspective": "Godt møde.",
        },
        follow=True,
    )

    page = response.content.decode()
    next_due = add_months(today(), 6)
    assert response.redirect_chain[-1][0] == url("meeting_list", course)
    start_due = course.start_date  # the start meeting is still open: it is next
    assert f"Mødet er registreret. Næste møde skal holdes senest {start_due:%d.%m.%Y}." in page
    assert f"senest {next_due:%d.%m.%Y}" in page
    follow_up.refresh_from_db()
    assert follow_up.held_on == today()
    assert list(follow_up.revised_goals.all()) == [revised]


def test_correcting_shows_the_recorded_values(client, course, radgiver, family) -> None:
    _, follow_up = schedule(course)
    mette = family.members.get(first_name="Mette")
    record(radgiver, follow_up, family_participants=[mette.pk], agreed="Gammel aftale")
    client.force_login(radgiver)

    page = client.get(url("meeting_record", course, follow_up.pk)).content.decode()

    assert "Ret registreringen af opfølgningsmøde" in page
    assert "Gammel aftale" in page
    assert re.search(rf'value="{mette.pk}"[^>]*checked', page)


def test_reschedule_form(client, course, radgiver) -> None:
    _, follow_up = schedule(course)
    client.force_login(radgiver)
    new = follow_up.due_on + dt.timedelta(days=9)

    get = client.get(url("meeting_reschedule", course, follow_up.pk))
    missing = client.post(
        url("meeting_reschedule", course, follow_up.pk), {"due_on": new.isoformat()}
    )
    moved = client.post(
        url("meeting_reschedule", course, follow_up.pk),
        {"due_on": new.isoformat(), "reschedule_reason": "Familien er på ferie"},
        follow=True,
    )

    assert f'value="{follow_up.due_on:%Y-%m-%d}"' in get.content.decode()
    assert missing.status_code == 400
    assert "Skriv hvorfor mødet flyttes." in missing.content.decode()
    assert f'value="{new:%Y-%m-%d}"' in missing.content.decode()  # kept
    assert f"Mødet er flyttet til {new:%d.%m.%Y}." in moved.content.decode()
    assert "Flyttet: Familien er på ferie" in moved.content.decode()


def test_reschedule_of_a_held_meeting_goes_back_to_it(client, course, radgiver) -> None:
    start, _ = schedule(course)
    record(radgiver, start)
    client.force_login(radgiver)

    response = client.get(url("meeting_reschedule", course, start.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("meeting_detail", course, start.pk)
    assert "Mødet er holdt. Ret registreringen i stedet." in response.content.decode()


def test_cadence_form(client, course, radgiver) -> None:
    schedule(course)
    client.force_login(radgiver)

    bad = client.post(url("meeting_cadence", course), {"follow_up_months": "13"})
    good = client.post(url("meeting_cadence", course), {"follow_up_months": "3"}, follow=True)

    assert bad.status_code == 400
    assert "Vælg mellem 1 og 12 måneder." in bad.content.decode()
    assert "Opfølgningsmøderne holdes nu hver 3. måned." in good.content.decode()
    course.refresh_from_db()
    assert course.follow_up_months == 3


def test_family_page_shows_the_next_meeting_and_the_meetings_button(
    client, course, radgiver, family
) -> None:
    open_follow_up(course, today() - dt.timedelta(days=2))
    client.force_login(radgiver)

    page = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()

    card = page.split('data-testid="course-next-meeting"', 1)[1].split("</dd>")[0]
    assert "Opfølgningsmøde" in card and "Overskredet" in card
    assert f"senest {today() - dt.timedelta(days=2):%d.%m.%Y}" in card
    assert url("meeting_list", course) in page


def test_meeting_list_query_count_does_not_grow_with_meetings(
    client, course, radgiver, family, django_assert_max_num_queries
) -> None:
    schedule(course)
    client.force_login(radgiver)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("meeting_list", course)).status_code == 200
        return len(captured)

    baseline = queries()
    members = [m.pk for m in family.members.all()]
    for months_ago in (9, 3):
        meeting = follow_ups(course)[-1]
        record(
            radgiver,
            meeting,
            held_on=today() - dt.timedelta(days=months_ago),
            family_participants=members,
            revised_goals=[goal(course).pk],
        )

    with django_assert_max_num_queries(baseline):
        response = client.get(url("meeting_list", course))
    assert response.content.decode().count('data-testid="meeting-held"') == 2


# Reminders ----------------------------------------------------------------------------------


def reminded(key_part: str = "") -> set[tuple[int, str]]:
    return set(
        Notification.objects.filter(key__contains=key_part).values_list("recipient_id", "key")
    )


@pytest.fixture
def former_member(course, outsider) -> User:
    """A psychologist who left the team a week ago."""
    TeamAssignmentFactory(
        course=course,
        user=outsider,
        role=Role.PSYKOLOG,
        starts_on=today() - dt.timedelta(days=60),
        ends_on=today() - dt.timedelta(days=7),
    )
    return outsider


def test_reminders_14_days_ahead_and_on_the_day_it_becomes_overdue(
    course, radgiver, assigned_worker, team_colleague, former_member
) -> None:
    due = today() + dt.timedelta(days=14)
    meeting = open_follow_up(course, due)
    people = {radgiver.pk, assigned_worker.pk, team_colleague.pk}

    early = meetings.meeting_reminders_send(today() - dt.timedelta(days=1))  # 15 days ahead
    ahead = meetings.meeting_reminders_send(today())
    again = meetings.meeting_reminders_send(today())
    due_day = meetings.meeting_reminders_send(due)
    overdue = meetings.meeting_reminders_send(due + dt.timedelta(days=1))
    overdue_again = meetings.meeting_reminders_send(due + dt.timedelta(days=2))

    assert (early, ahead, again, due_day, overdue, overdue_again) == (0, 3, 0, 0, 3, 0)
    ahead_key = f"meeting-{meeting.pk}-ahead-{due:%Y%m%d}"
    overdue_key = f"meeting-{meeting.pk}-overdue-{due:%Y%m%d}"
    assert reminded() == {(p, ahead_key) for p in people} | {(p, overdue_key) for p in people}
    assert not Notification.objects.filter(recipient=former_member).exists()
    first = Notification.objects.get(key=ahead_key, recipient=radgiver)
    assert first.text == (
        f"Opfølgningsmøde for Familien Holmgård skal holdes senest {due:%d.%m.%Y}."
    )
    assert first.url == url("meeting_list", course)
    late = Notification.objects.get(key=overdue_key, recipient=radgiver)
    assert "skulle have været holdt senest" in late.text


def test_a_meeting_scheduled_inside_the_window_is_reminded_at_once(course, radgiver) -> None:
    open_follow_up(course, today() + dt.timedelta(days=3))

    assert meetings.meeting_reminders_send(today()) == 3


def test_a_moved_meeting_is_reminded_afresh(course, radgiver) -> None:
    due = today() + dt.timedelta(days=14)
    meeting = open_follow_up(course, due)
    meetings.meeting_reminders_send(today())
    new_due = due + dt.timedelta(days=30)

    meetings.meeting_reschedule(by=radgiver, meeting=meeting, due_on=new_due, reason="Ferie")

    assert meetings.meeting_reminders_send(due + dt.timedelta(days=1)) == 0  # not overdue now
    assert meetings.meeting_reminders_send(new_due - dt.timedelta(days=14)) == 3
    assert reminded(f"ahead-{new_due:%Y%m%d}")
    assert meetings.meeting_reminders_send(new_due + dt.timedelta(days=1)) == 3


def test_held_and_closed_course_meetings_are_not_reminded(course, radgiver, family) -> None:
    due = today() + dt.timedelta(days=5)
    meeting = open_follow_up(course, due)
    record(radgiver, meeting)
    second = CourseFactory(family=family, provider=course.provider)
    open_follow_up(second, due)
    Course.objects.filter(pk=second.pk).update(status=CourseStatus.CLOSED)

    assert meetings.meeting_reminders_send(today()) == 0
    assert meetings.meeting_reminders_send(due + dt.timedelta(days=1)) == 0
    assert not Notification.objects.exists()


def test_the_beat_task_runs_the_reminders(course, radgiver, settings) -> None:
    from cases.tasks import meeting_reminders_send

    open_follow_up(course, today() + dt.timedelta(days=14))

    # Run here, whatever the broker: the round trip through Redis to a real worker is
    # test_meeting_reminders_worker.py.
    assert meeting_reminders_send.apply().get() == 3
    assert "cases.tasks.meeting_reminders_send" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


# Start-page panel ---------------------------------------------------------------------------


def panel_html(client, user: User) -> str:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    if 'data-testid="panel-meetings"' not in html:
        return ""
    return html.split('data-testid="panel-meetings"', 1)[1].split("</section>")[0]


def another_family(caseworker: User, provider, team: list[User], name: str) -> Course:
    family = FamilyFactory(
        name=name, municipality=caseworker.organisation, caseworker=caseworker,
        created_by=caseworker,
    )  # fmt: skip
    FamilyMemberFactory(family=family)
    course = CourseFactory(family=family, provider=provider)
    for user in team:
        TeamAssignmentFactory(course=course, user=user, role=next(iter(user.roles)))
    return course


def test_panel_lists_overdue_first_then_due_within_30_days(
    client, course, radgiver, assigned_worker, provider
) -> None:
    open_follow_up(course, today() + dt.timedelta(days=20))
    late = another_family(radgiver, provider, [assigned_worker], "Familien Sen")
    open_follow_up(late, today() - dt.timedelta(days=1))
    far = another_family(radgiver, provider, [assigned_worker], "Familien Langt")
    open_follow_up(far, today() + dt.timedelta(days=31))
    closed = another_family(radgiver, provider, [assigned_worker], "Familien Lukket")
    open_follow_up(closed, today() - dt.timedelta(days=3))
    Course.objects.filter(pk=closed.pk).update(status=CourseStatus.CLOSED)

    for user in (radgiver, assigned_worker):
        panel = panel_html(client, user)
        rows = panel.split('data-testid="upcoming-meeting"')[1:]
        assert len(rows) == 2, user
        assert "Familien Sen" in rows[0] and 'data-overdue="true"' in rows[0]
        assert "Overskredet" in rows[0]
        assert "Familien Holmgård" in rows[1] and 'data-overdue="false"' in rows[1]
        assert "Overskredet" not in rows[1]
        assert url("meeting_list", late) in rows[0]
        assert "Familien Langt" not in panel and "Familien Lukket" not in panel


def test_panel_for_leader_and_others(
    client, course, leader, outsider, other_provider_leader, projektleder, administrator
) -> None:
    open_follow_up(course, today() - dt.timedelta(days=1))

    assert "Familien Holmgård" in panel_html(client, leader)
    assert 'data-testid="upcoming-meeting-none"' in panel_html(client, outsider)
    assert 'data-testid="upcoming-meeting-none"' in panel_html(client, other_provider_leader)
    assert panel_html(client, projektleder) == ""
    assert panel_html(client, administrator) == ""


def _panel(user: User) -> tuple[object, int]:
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=user.pk)  # fresh: no cached roles
    with CaptureQueriesContext(connection) as captured:
        panel = panels.upcoming_meetings(request)
    return panel, len(captured)


def test_panel_is_audited_per_family(course, assigned_worker, radgiver, provider) -> None:
    open_follow_up(course, today() + dt.timedelta(days=2))
    second = another_family(radgiver, provider, [assigned_worker], "Familien To")
    Course.objects.filter(pk=second.pk).update(start_date=today() - dt.timedelta(days=80))
    second.refresh_from_db()
    schedule(second)  # start meeting overdue, follow-up within 30 days: the family listed once

    panel, _ = _panel(assigned_worker)

    assert len(panel.context["rows"]) == 3
    listed = AuditEvent.objects.filter(
        actor=assigned_worker, action=AuditAction.LIST, object_type="cases.family"
    )
    assert sorted(listed.values_list("object_id", flat=True)) == sorted(
        [str(course.family_id), str(second.family_id)]
    )
    assert set(listed.values_list("detail", flat=True)) == {"forside"}


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "leader"])
def test_panel_takes_a_constant_number_of_queries(
    request, who, course, radgiver, assigned_worker, team_colleague, provider
) -> None:
    user = request.getfixturevalue(who)
    open_follow_up(course, today() - dt.timedelta(days=1))
    _, few = _panel(user)
    for i in range(4):
        other = another_family(radgiver, provider, [assigned_worker, team_colleague], f"F{i}")
        schedule(other)

    panel, many = _panel(user)

    assert len(panel.context["rows"]) == 5  # each new course: its start meeting is overdue
    assert many == few <= 4


def test_panel_does_not_show_for_users_without_cases(rf, projektleder, administrator) -> None:
    for user in (projektleder, administrator):
        request = rf.get("/")
        request.user = user
        assert panels.upcoming_meetings(request) is None


def test_home_page_query_count_does_not_grow_with_meetings(
    client, course, radgiver, assigned_worker, provider
) -> None:
    open_follow_up(course, today() + dt.timedelta(days=3))
    client.force_login(assigned_worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    baseline = queries()
    for i in range(3):
        schedule(another_family(radgiver, provider, [assigned_worker], f"Familien Q{i}"))

    assert queries() == baseline
