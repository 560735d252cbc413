"""Notifications: the page, marking read, the bell, the content-free e-mail, and the beat
reminders that create them (acute referrals waiting, tomorrow's agenda, courses starting)."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Course, CourseStatus
from familieberedskab.celery import app as celery_app
from familieberedskab.models import Notification
from familieberedskab.notifications import notify
from staffing.models import Role, User
from tests.factories.staffing import UserFactory
from visitation import services
from visitation.models import Matching, Referral, ReferralStatus, VisitationMeeting


@pytest.fixture
def authority_leader(ishoj) -> User:
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


def _notes(user: User, n: int, *, read: bool = False, text: str = "Besked") -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            text=f"{text} {i}",
            url="/familier/",
            read_at=timezone.now() if read else None,
            created_at=timezone.now() - dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


def _rows(response) -> list[Notification]:
    return list(response.context["page"].object_list)


# The page --------------------------------------------------------------------------------


def test_notification_list_shows_own_notifications_unread_first(client, radgiver, leader) -> None:
    (old_unread,) = _notes(radgiver, 1, text="Ulæst")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    (newer_read,) = _notes(radgiver, 1, read=True, text="Læst")
    _notes(leader, 2, text="Lederens")
    client.force_login(radgiver)

    response = client.get(reverse("notification_list"))

    assert [n.pk for n in _rows(response)] == [old_unread.pk, newer_read.pk]
    html = response.content.decode()
    assert "Lederens" not in html
    assert 'data-unread="true"' in html and "fw-bold" in html


def test_notification_list_is_paginated_and_query_count_is_flat(
    client, radgiver, settings, django_assert_max_num_queries
) -> None:
    settings.PAGE_SIZE = 5
    _notes(radgiver, 12)
    client.force_login(radgiver)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("notification_list"))
    with django_assert_max_num_queries(10):
        last = client.get(reverse("notification_list"), {"page": 3})

    assert response.context["page"].paginator.num_pages == 3
    assert len(_rows(response)) == 5
    assert len(_rows(last)) == 2


def test_notification_read_marks_one_and_goes_back(client, radgiver) -> None:
    first, second = _notes(radgiver, 2)
    client.force_login(radgiver)

    response = client.post(
        reverse("notification_read"), {"notification": first.pk, "next": "/notifikationer/?page=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifikationer/?page=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_notification_read_by_htmx_returns_the_row_and_the_bell(client, radgiver) -> None:
    first, _second = _notes(radgiver, 2)
    client.force_login(radgiver)

    response = client.post(
        reverse("notification_read"), {"notification": first.pk}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html
    assert 'data-unread="false"' in html
    assert 'id="notification-count"' in html and 'hx-swap-oob="true"' in html
    assert ">1<" in html  # one left unread


def test_notification_of_another_user_is_404_and_stays_unread(client, radgiver, leader) -> None:
    (theirs,) = _notes(leader, 1)
    client.force_login(radgiver)

    marked = client.post(reverse("notification_read"), {"notification": theirs.pk})
    opened = client.post(reverse("notification_read"), {"notification": theirs.pk, "open": "1"})

    assert marked.status_code == 404
    assert opened.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_read_all_marks_only_own(client, radgiver, leader) -> None:
    _notes(radgiver, 3)
    _notes(leader, 2)
    client.force_login(radgiver)

    response = client.post(reverse("notification_read"), {"all": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")
    assert not Notification.objects.filter(recipient=radgiver, read_at=None).exists()
    assert Notification.objects.filter(recipient=leader, read_at=None).count() == 2


def test_notification_open_marks_read_and_goes_to_its_url(client, radgiver) -> None:
    (note,) = _notes(radgiver, 1)
    client.force_login(radgiver)

    response = client.post(reverse("notification_read"), {"notification": note.pk, "open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/familier/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_notification_open_never_leaves_the_site(client, radgiver) -> None:
    (note,) = _notes(radgiver, 1)
    Notification.objects.filter(pk=note.pk).update(url="https://evil.example/")
    client.force_login(radgiver)

    response = client.post(
        reverse("notification_read"),
        {"notification": note.pk, "open": "1", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("notification_list")


def test_notification_read_without_a_target_is_400(client, radgiver) -> None:
    client.force_login(radgiver)

    response = client.post(reverse("notification_read"), {"notification": "abc"})

    assert response.status_code == 400


def test_bell_shows_the_unread_count_in_one_query(client, radgiver) -> None:
    _notes(radgiver, 3)
    _notes(radgiver, 2, read=True)
    client.force_login(radgiver)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()

    table = Notification._meta.db_table
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
    assert 'data-testid="notification-bell"' in html
    assert '<span id="notification-count" class="badge rounded-pill text-bg-danger ms-1">3' in html


def test_bell_is_hidden_without_unread_notifications(client, radgiver) -> None:
    client.force_login(radgiver)

    html = client.get(reverse("home")).content.decode()

    assert "text-bg-danger ms-1 is-hidden" in html


# E-mail ----------------------------------------------------------------------------------


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run the e-mail task in-process even where a broker is configured."""
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


def test_notification_email_carries_no_personal_data(
    settings, eager_tasks, django_capture_on_commit_callbacks, radgiver, family
) -> None:
    settings.NOTIFICATION_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    radgiver.email = "rikke@example.invalid"
    radgiver.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[radgiver],
            text=f"Afgørelse på henvisningen for {family.name}: Familieberedskab",
            url="/visitation/henvisninger/1/",
        )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rikke@example.invalid"]
    assert "/notifikationer/" in message.body
    for secret in ("Holmgård", family.name, "Noah", "Mette", "/henvisninger/"):
        assert secret not in message.subject
        assert secret not in message.body


def test_notification_email_is_not_sent_when_switched_off(
    settings, eager_tasks, django_capture_on_commit_callbacks, radgiver
) -> None:
    settings.NOTIFICATION_EMAIL = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    radgiver.email = "rikke@example.invalid"
    radgiver.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[radgiver], text="Ny besked")

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=radgiver).count() == 1


def test_reminder_email_names_no_family(
    settings,
    eager_tasks,
    django_capture_on_commit_callbacks,
    family,
    provider,
    radgiver,
    leader,
) -> None:
    settings.NOTIFICATION_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    leader.email = "leder@example.invalid"
    leader.save()
    now = timezone.now()
    _acute(family, provider, radgiver, submitted_at=now - dt.timedelta(hours=13))

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=now)

    assert [m.to for m in mail.outbox] == [["leder@example.invalid"]]
    assert family.name in Notification.objects.get(recipient=leader).text
    assert family.name not in mail.outbox[0].body


# Reminders (beat tasks) --------------------------------------------------------------------


def _acute(family, provider, radgiver, *, submitted_at: dt.datetime) -> Referral:
    return Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=radgiver,
        status=ReferralStatus.SUBMITTED,
        submitted_at=submitted_at,
        is_acute=True,
        concern="Vold i hjemmet.",
    )


def test_reminders_send_nudges_leaders_once_about_an_acute_referral_after_12_hours(
    family, provider, radgiver, leader, authority_leader, other_provider_leader
) -> None:
    now = timezone.now()
    waiting = _acute(family, provider, radgiver, submitted_at=now - dt.timedelta(hours=13))
    _acute(family, provider, radgiver, submitted_at=now - dt.timedelta(hours=6))

    first = services.reminders_send(now=now)
    second = services.reminders_send(now=now + dt.timedelta(hours=1))

    assert first == 2
    assert second == 0
    reminded = Notification.objects.filter(key=f"acute-12h:{waiting.pk}")
    assert sorted(reminded.values_list("recipient__username", flat=True)) == [
        "leder",
        "socialleder",
    ]
    assert all(family.name in n.text for n in reminded)
    assert not Notification.objects.filter(recipient=other_provider_leader).exists()
    assert not Notification.objects.filter(recipient=radgiver).exists()


def test_reminders_send_leaves_a_decided_acute_referral_alone(
    family, provider, radgiver, leader
) -> None:
    now = timezone.now()
    referral = _acute(family, provider, radgiver, submitted_at=now - dt.timedelta(hours=30))
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.DECIDED, decided_at=now)

    assert services.reminders_send(now=now) == 0


def test_reminders_send_tells_members_tomorrows_agenda_is_ready(
    family, provider, radgiver, leader, authority_leader
) -> None:
    now = timezone.now()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    meeting = VisitationMeeting.objects.create(provider=provider, date=tomorrow, created_by=leader)
    meeting.members.set([leader, authority_leader])
    later = VisitationMeeting.objects.create(
        provider=provider, date=tomorrow + dt.timedelta(days=7), created_by=leader
    )
    later.members.set([leader])
    Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=radgiver,
        status=ReferralStatus.SUBMITTED,
        submitted_at=now - dt.timedelta(days=2),
    )

    services.reminders_send(now=now)
    services.reminders_send(now=now)

    agenda = Notification.objects.filter(key=f"meeting-agenda:{meeting.pk}")
    assert sorted(agenda.values_list("recipient__username", flat=True)) == [
        "leder",
        "socialleder",
    ]
    assert all("Dagsordenen" in n.text and "er klar" in n.text for n in agenda)
    assert all("(1 henvisning)" in n.text for n in agenda)
    assert not Notification.objects.filter(key=f"meeting-agenda:{later.pk}").exists()


def test_courses_activate_due_starts_planned_courses_and_stamps_the_referral(
    family, provider, radgiver, leader
) -> None:
    today = timezone.localdate()
    course = Course.objects.create(
        family=family,
        provider=provider,
        status=CourseStatus.PLANNED,
        start_date=today,
        granted_hours=Decimal("20"),
    )
    future = Course.objects.create(
        family=family,
        provider=provider,
        status=CourseStatus.PLANNED,
        start_date=today + dt.timedelta(days=3),
    )
    referral = Referral.objects.create(
        family=family,
        provider=provider,
        referred_by=radgiver,
        status=ReferralStatus.DECIDED,
        submitted_at=timezone.now() - dt.timedelta(days=20),
        decided_at=timezone.now() - dt.timedelta(days=10),
        team_assigned_at=timezone.now() - dt.timedelta(days=5),
    )
    Matching.objects.create(referral=referral, course=course, reason="Erfaring.", decided_by=leader)

    activated = services.courses_activate_due()

    assert activated == 1
    course.refresh_from_db()
    future.refresh_from_db()
    referral.refresh_from_db()
    assert course.status == CourseStatus.ACTIVE
    assert future.status == CourseStatus.PLANNED
    assert referral.course_started_at is not None
    assert services.courses_activate_due() == 0
