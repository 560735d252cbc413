"""Closing a course (cases/closure_services.py): the six criteria, final measurements done or
waived, children at home, read-only afterwards, reopening by a leader, and the 3/6/12-month
checks with their reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import closure_services as closing
from cases import outcome_services as outcomes
from cases import visit_services
from cases.meeting_schedule import add_months
from cases.models import (
    Closure,
    CourseStatus,
    Criterion,
    Instrument,
    Occasion,
    PostClosureCheck,
)
from familieberedskab.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(family):
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")


def who5(by, course, member, occasion, days_ago):
    return outcomes.measurement_record(
        by=by,
        course=course,
        instrument=Instrument.objects.get(code="who5"),
        subject=member,
        occasion=occasion,
        measured_on=timezone.localdate() - dt.timedelta(days=days_ago),
        answers={str(i): 3 for i in range(1, 6)},
    )


def closure_data(noah, **over):
    data = {
        "closed_on": timezone.localdate(),
        "reason": "goals_reached",
        "destination": "ordinary_treatment",
        "criteria": {c.value: ("met", "Ja") for c in Criterion},
        "children": {noah.pk: True},
        "summary": "Familien har fået ro på hverdagen.",
    }
    return data | over


def test_close_creates_checks_and_makes_the_course_read_only(course, assigned_worker, mette, noah):
    closure = closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    course.refresh_from_db()
    assert course.status == CourseStatus.CLOSED
    assert course.end_date == timezone.localdate()
    assert closure.criteria.count() == 6
    assert list(closure.children.values_list("child_id", "lives_at_home")) == [(noah.pk, True)]
    checks = list(PostClosureCheck.objects.order_by("months_after"))
    assert [(c.months_after, c.due_on) for c in checks] == [
        (m, add_months(timezone.localdate(), m)) for m in (3, 6, 12)
    ]
    with pytest.raises(ValidationError):
        who5(assigned_worker, course, mette, Occasion.CLOSURE, 0)
    with pytest.raises(ValidationError):
        closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))


def test_every_criterion_and_child_must_be_answered(course, assigned_worker, noah) -> None:
    data = closure_data(noah, criteria={"goals": ("met", "")}, children={}, reason="other")
    with pytest.raises(ValidationError) as caught:
        closing.course_close(by=assigned_worker, course=course, data=data)
    errors = caught.value.message_dict
    assert errors["reason_note"] == ["Uddyb årsagen, når du vælger 'Andet'."]
    assert errors[f"child_{noah.pk}"] == ["Angiv om Noah bor hjemme."]
    assert len([k for k in errors if k.startswith("criterion_")]) == 5
    course.refresh_from_db()
    assert course.status == CourseStatus.ACTIVE


def test_closing_needs_final_measures_or_a_waiver(course, assigned_worker, mette, noah) -> None:
    who5(assigned_worker, course, mette, Occasion.BASELINE, 20)
    with pytest.raises(ValidationError) as caught:
        closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    (message,) = caught.value.message_dict["final_measures"]
    assert message.startswith("Slutmåling mangler for WHO-5 Trivselsindeks (Mette).")
    (final,) = closing.final_measures(course)
    closing.course_close(
        by=assigned_worker,
        course=course,
        data=closure_data(noah, waivers={final.key: "Mor er flyttet til krisecenter"}),
    )
    due = course.measurements_due.get(occasion=Occasion.CLOSURE)
    assert due.waived_reason == "Mor er flyttet til krisecenter"


def test_closing_with_final_measure_done(course, assigned_worker, mette, noah) -> None:
    who5(assigned_worker, course, mette, Occasion.BASELINE, 20)
    who5(assigned_worker, course, mette, Occasion.CLOSURE, 0)
    closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    assert Closure.objects.count() == 1


def test_visits_are_refused_on_a_closed_course(course, assigned_worker, mette, noah) -> None:
    closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    with pytest.raises(ValidationError):
        visit_services.visit_draft_save(by=assigned_worker, course=course, data={})


def test_leader_reopens_with_reason(course, assigned_worker, leader, other_provider_leader, noah):
    closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    with pytest.raises(PermissionDenied):
        closing.course_reopen(by=assigned_worker, course=course, reason="x")
    with pytest.raises(ValidationError):
        closing.course_reopen(by=leader, course=course, reason="")
    closing.course_reopen(by=leader, course=course, reason="Ny bekymring fra skolen")
    course.refresh_from_db()
    assert course.status == CourseStatus.ACTIVE
    closure = Closure.objects.get()
    assert closure.reopen_reason == "Ny bekymring fra skolen"
    assert not PostClosureCheck.objects.exists()
    closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    assert Closure.objects.count() == 2


def test_post_closure_check_and_reminder(course, assigned_worker, radgiver, noah) -> None:
    course.start_date = timezone.localdate() - dt.timedelta(days=300)
    course.save()
    closing.course_close(
        by=assigned_worker,
        course=course,
        data=closure_data(noah, closed_on=timezone.localdate() - dt.timedelta(days=100)),
    )
    assert closing.post_closure_reminders_send() == 1  # the 3-month check is due
    assert closing.post_closure_reminders_send() == 0  # once only
    note = Notification.objects.get()
    assert note.recipient == radgiver and "bor Noah" in note.text
    check = PostClosureCheck.objects.get(months_after=3)
    with pytest.raises(PermissionDenied):
        closing.post_closure_check_record(by=assigned_worker, check=check, lives_at_home=True)
    with pytest.raises(ValidationError):
        closing.post_closure_check_record(by=radgiver, check=check, lives_at_home=None)
    closing.post_closure_check_record(by=radgiver, check=check, lives_at_home=True, note="Går godt")
    check.refresh_from_db()
    assert check.lives_at_home is True
    later = PostClosureCheck.objects.get(months_after=12)
    with pytest.raises(ValidationError):
        closing.post_closure_check_record(by=radgiver, check=later, lives_at_home=True)


def test_team_reads_the_closed_course_for_a_while(course, assigned_worker, noah) -> None:
    from cases.course_access import get_course_for_user

    closing.course_close(by=assigned_worker, course=course, data=closure_data(noah))
    assert get_course_for_user(assigned_worker, course.pk) == course
