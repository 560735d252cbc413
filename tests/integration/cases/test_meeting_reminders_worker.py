"""The meeting reminders as the beat sends them: the task cases.tasks.meeting_reminders_send
goes through the Redis broker to a real Celery worker (embedded, in a thread of this process,
with its own database connection), which writes the notifications to PostgreSQL."""

import datetime as dt

import pytest
from celery.result import AsyncResult, EagerResult
from django.urls import reverse
from django.utils import timezone

from cases.models import MeetingKind, PlanMeeting
from cases.tasks import meeting_reminders_send
from familieberedskab.models import Notification
from tests.celery_worker import REDIS_SETEX_DEPRECATED, purge_queue
from tests.factories.cases import TeamAssignmentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

TIMEOUT_S = 30


# transaction=True: the worker reads what the test wrote through its own connection, and its
# Django fix-up closes this thread's connection when it starts.
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings(REDIS_SETEX_DEPRECATED)
def test_beat_task_reminds_through_redis_and_a_real_worker(
    settings, celery_mode, embedded_worker, family, radgiver, assigned_worker, team_colleague,
    outsider,
) -> None:  # fmt: skip
    today = timezone.localdate()
    course = family.courses.get()
    TeamAssignmentFactory(  # left the team last week: not reminded
        course=course,
        user=outsider,
        role="psykolog",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=7),
    )
    PlanMeeting.objects.create(
        course=course,
        kind=MeetingKind.START,
        due_on=course.start_date,
        held_on=course.start_date,
        recorded_at=timezone.now(),
    )
    due = today + dt.timedelta(days=14)
    meeting = PlanMeeting.objects.create(course=course, kind=MeetingKind.FOLLOW_UP, due_on=due)
    celery_mode(eager=False, broker=settings.REDIS_URL)
    purge_queue()  # tasks that other tests queued without a worker would otherwise go first

    with embedded_worker():
        first = meeting_reminders_send.delay()
        sent = first.get(timeout=TIMEOUT_S)
        again = meeting_reminders_send.delay().get(timeout=TIMEOUT_S)

    assert isinstance(first, AsyncResult) and not isinstance(first, EagerResult)
    assert (sent, again) == (3, 0)
    key = f"meeting-{meeting.pk}-ahead-{due:%Y%m%d}"
    rows = Notification.objects.filter(key=key)
    assert set(rows.values_list("recipient", flat=True)) == {
        radgiver.pk,
        assigned_worker.pk,
        team_colleague.pk,
    }
    assert Notification.objects.count() == 3
    assert {n.url for n in rows} == {reverse("cases:meeting_list", args=[course.pk])}
    assert all(f"senest {due:%d.%m.%Y}" in n.text for n in rows)
