"""Measurements (cases/outcome_services.py): the plan, recording with scoring and bands, the
refusals a practitioner sees, pre/post, stories of change and attendance."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import (
    AttendancePeriod,
    ChangeDomain,
    CourseStatus,
    Instrument,
    Measurement,
    MeasurementDue,
    Occasion,
)
from familieberedskab.models import AuditEvent
from tests.factories.cases import FamilyMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(family):
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")  # born 30.9.2016


def sdq_answers(value=1, **extra):
    return {str(i): value for i in range(1, 26)} | {"26": 0} | extra


def record(by, course, code, subject, *, occasion=Occasion.BASELINE, days_ago=10, **kw):
    return outcomes.measurement_record(
        by=by,
        course=course,
        instrument=Instrument.objects.get(code=code),
        subject=subject,
        occasion=occasion,
        measured_on=timezone.localdate() - dt.timedelta(days=days_ago),
        **kw,
    )


def test_plan_at_start_fits_instruments_to_members(course, mette, noah) -> None:
    created = outcomes.measurements_plan_initial(course=course)
    planned = {(d.instrument.code, d.subject.first_name) for d in created}
    # Noah is 10: the parent SDQ, not the self-report (11–17); Mette: WHO-5 and PSS.
    assert planned == {("sdq_parent", "Noah"), ("who5", "Mette"), ("pss", "Mette")}
    assert {d.due_on for d in created} == {course.start_date + dt.timedelta(days=21)}
    assert outcomes.measurements_plan_initial(course=course) == []  # idempotent


def test_parent_sdq_is_scored_banded_and_fulfils_the_plan(course, assigned_worker, mette, noah):
    outcomes.measurements_plan_initial(course=course)
    m = record(
        assigned_worker, course, "sdq_parent", noah, answers=sdq_answers(), informant_member=mette
    )
    assert m.scores["scales"]["total"] == 20
    assert m.scores["bands"]["total"] == {"label": "Afvigende", "rank": 2}  # parent 17–40
    assert m.scores["bands"]["prosocial"] == {"label": "Grænseområde", "rank": 1}  # 5
    assert m.age_years == noah.age_on(m.measured_on)
    assert MeasurementDue.objects.get(instrument__code="sdq_parent").measurement == m
    event = AuditEvent.objects.get(action="create", object_type="cases.measurement")
    assert "answers" in event.fields and "20" not in str(event.values)


def test_self_report_for_a_child_under_11_is_refused(course, assigned_worker, noah) -> None:
    with pytest.raises(ValidationError) as caught:
        record(assigned_worker, course, "sdq_self", noah, answers=sdq_answers())
    (message,) = caught.value.message_dict["subject"]
    assert message.startswith("SDQ – selvrapport (11–17 år) kan kun bruges om personer på 11–17 år")
    assert not Measurement.objects.exists()


def test_answers_out_of_range_are_named(course, assigned_worker, mette) -> None:
    with pytest.raises(ValidationError) as caught:
        record(
            assigned_worker,
            course,
            "who5",
            mette,
            answers={"1": 6, "2": 3, "3": "x", "4": 3, "5": 3},
        )
    assert caught.value.message_dict["answers"] == [
        "Ugyldige svar ved punkt 1, 3. Vælg et af de tilladte svar."
    ]


def test_parent_version_needs_the_parent_and_teacher_version_a_name(course, assigned_worker, noah):
    with pytest.raises(ValidationError) as caught:
        record(assigned_worker, course, "sdq_parent", noah, answers=sdq_answers())
    assert "informant_member" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record(assigned_worker, course, "sdq_teacher", noah, answers=sdq_answers())
    assert "informant_description" in caught.value.message_dict
    m = record(
        assigned_worker,
        course,
        "sdq_teacher",
        noah,
        answers=sdq_answers(**{"26": 1, "27": 2, "28": 2, "29": 3}),
        informant_description="klasselærer",
    )
    assert m.scores["scales"]["impact"] == 1 + 1 + 2


def test_future_date_refused(course, assigned_worker, mette) -> None:
    with pytest.raises(ValidationError) as caught:
        record(
            assigned_worker,
            course,
            "who5",
            mette,
            days_ago=-1,
            answers={str(i): 3 for i in range(1, 6)},
        )
    assert caught.value.message_dict["measured_on"] == ["En måling kan ikke ligge i fremtiden."]


def test_pre_post_pairs_baseline_and_closure(course, assigned_worker, mette) -> None:
    record(
        assigned_worker,
        course,
        "who5",
        mette,
        days_ago=20,
        answers={str(i): 2 for i in range(1, 6)},
    )
    record(
        assigned_worker,
        course,
        "who5",
        mette,
        occasion=Occasion.CLOSURE,
        days_ago=1,
        answers={str(i): 3 for i in range(1, 6)},
    )
    (row,) = outcomes.pre_post(list(outcomes.measurements_for_course(course)))
    assert row.change("percentage") == 20.0
    assert row.meaningful("percentage") is True
    assert row.first.scores["flags"] == ["poor_wellbeing"]


def test_closed_course_is_read_only(course, assigned_worker, mette) -> None:
    course.status = CourseStatus.CLOSED
    course.end_date = timezone.localdate()
    course.save()
    with pytest.raises(ValidationError) as caught:
        record(assigned_worker, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)})
    assert "afsluttet" in caught.value.messages[0]


def test_leader_reads_but_does_not_record(course, leader, mette) -> None:
    with pytest.raises(PermissionDenied):
        record(leader, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)})


def test_waive_needs_a_reason(course, assigned_worker) -> None:
    outcomes.measurements_plan_initial(course=course)
    due = MeasurementDue.objects.get(instrument__code="pss")
    with pytest.raises(ValidationError):
        outcomes.measurement_due_waive(by=assigned_worker, due=due, reason=" ")
    outcomes.measurement_due_waive(by=assigned_worker, due=due, reason="Mor ønskede ikke at svare")
    due.refresh_from_db()
    assert not due.is_open


def test_change_story_and_attendance(course, assigned_worker, mette, noah) -> None:
    story = outcomes.change_story_save(
        by=assigned_worker,
        course=course,
        data={
            "teller_member": mette,
            "told_on": timezone.localdate(),
            "domain": ChangeDomain.DAILY_LIFE,
            "title": "Morgenerne",
            "story": "Vi kommer ud ad døren uden råb.",
            "why_significant": "Noah kommer glad i skole.",
            "consent_to_use": True,
        },
    )
    assert story.consent_to_use
    school = outcomes.institution_save(
        by=assigned_worker,
        course=course,
        data={"child": noah, "kind": "school", "name": "Ishøj Skole"},
    )
    start = timezone.localdate() - dt.timedelta(days=60)
    outcomes.attendance_period_save(
        by=assigned_worker,
        course=course,
        institution=school,
        data={
            "period_start": start,
            "period_end": start + dt.timedelta(days=27),
            "unit": "days",
            "possible": 20,
            "absent": 6,
            "unlawful": 4,
        },
    )
    with pytest.raises(ValidationError) as caught:
        outcomes.attendance_period_save(
            by=assigned_worker,
            course=course,
            institution=school,
            data={
                "period_start": start + dt.timedelta(days=10),
                "period_end": start + dt.timedelta(days=40),
                "unit": "days",
                "possible": 5,
                "absent": 6,
                "unlawful": 7,
            },
        )
    assert set(caught.value.message_dict) == {"period_start", "absent", "unlawful"}
    periods = list(AttendancePeriod.objects.all())
    assert outcomes.attendance_trend(periods) == [(start, 30.0, 20.0)]


def test_institution_only_for_the_familys_children(course, assigned_worker, mette, other_family):
    with pytest.raises(ValidationError):
        outcomes.institution_save(
            by=assigned_worker, course=course, data={"child": mette, "kind": "school", "name": "X"}
        )
    stranger = other_family.members.get()
    with pytest.raises(ValidationError):
        outcomes.institution_save(
            by=assigned_worker,
            course=course,
            data={"child": stranger, "kind": "school", "name": "X"},
        )


def test_unborn_child_is_not_planned(course, family) -> None:
    FamilyMemberFactory(
        family=family,
        kind="child",
        first_name="Baby",
        birth_date=timezone.localdate() + dt.timedelta(days=30),
        cpr=None,
    )
    planned = {d.subject.first_name for d in outcomes.measurements_plan_initial(course=course)}
    assert "Baby" not in planned
