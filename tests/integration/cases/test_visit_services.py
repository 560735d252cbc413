"""Recording and correcting visits with FIT (cases/visit_services.py): the rules, the alerts
they raise, the errors a practitioner sees, and that nothing is silent."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import visit_services as visits
from cases.models import (
    ActivityType,
    AlertKind,
    FitAlert,
    FitRater,
    FitScale,
    FitVersion,
    Visit,
    VisitDraft,
    VisitRevision,
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
    return family.members.get(first_name="Noah")


def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def entry(member, scale, items, **kw) -> visits.FitEntry:
    return visits.FitEntry(client_id=member.pk, scale=scale, items=items, **kw)


def data(worker, members, *, start, hours=2, fit=(), **kw) -> visits.VisitInput:
    return visits.VisitInput(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        place="home",
        staff_ids=[worker.pk],
        family_ids=[m.pk for m in members],
        activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
        fit=list(fit),
        **kw,
    )


def test_record_derives_time_and_versions_by_age(course, assigned_worker, mette, noah) -> None:
    visit = visits.visit_record(
        by=assigned_worker,
        course=course,
        data=data(
            assigned_worker,
            [mette, noah],
            start=local(3, 6, 30),
            fit=[
                entry(mette, FitScale.ORS, ["5", "6,5", "7", "4"]),
                entry(noah, FitScale.ORS, ["6", "6", "6", "6"]),
                entry(mette, FitScale.SRS, ["9.5", "9.5", "9.5", "9.5"]),
            ],
        ),
    )
    assert visit.minutes == 120
    assert visit.early_minutes == 90
    scores = {(s.client.first_name, s.scale): s for s in visit.fit_scores.all()}
    assert scores[("Mette", "ors")].version == FitVersion.ADULT
    assert scores[("Mette", "ors")].total == D("22.5")
    assert scores[("Noah", "ors")].version == FitVersion.CHILD  # born 2016: 10 years old
    event = AuditEvent.objects.get(action="create", object_type="cases.visit")
    assert "note" in event.fields and "Mette" not in str(event.values)


def test_bad_input_is_refused_with_danish_messages(course, assigned_worker, mette, other_family):
    outsider_member = other_family.members.get()
    bad = visits.VisitInput(
        starts_at=local(0, 10),
        ends_at=local(0, 9),
        place="home",
        staff_ids=[assigned_worker.pk],
        family_ids=[outsider_member.pk],
        activity_ids=[],
        fit=[entry(mette, FitScale.ORS, ["11", "5", "5", "5"])],
    )
    with pytest.raises(ValidationError) as caught:
        visits.visit_record(by=assigned_worker, course=course, data=bad)
    errors = caught.value.message_dict
    assert errors["ends_at"] == ["Slut skal ligge efter start."]
    assert errors["family_participants"] == ["Vælg kun medlemmer af denne familie."]
    assert "activities" in errors
    assert Visit.objects.count() == 0


def test_a_visit_in_the_future_is_refused(course, assigned_worker, mette) -> None:
    future = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as caught:
        visits.visit_record(
            by=assigned_worker, course=course, data=data(assigned_worker, [mette], start=future)
        )
    assert caught.value.message_dict["ends_at"] == ["Besøget kan ikke registreres i fremtiden."]


def test_out_of_range_score_names_the_person(course, assigned_worker, mette) -> None:
    with pytest.raises(ValidationError) as caught:
        visits.visit_record(
            by=assigned_worker,
            course=course,
            data=data(
                assigned_worker,
                [mette],
                start=local(1, 10),
                fit=[entry(mette, FitScale.SRS, ["10.5", "9", "9", "9"])],
            ),
        )
    (message,) = caught.value.message_dict[f"fit-{mette.pk}-srs"]
    assert message.startswith("Mette: hvert punkt skal være et tal fra 0,0 til 10,0")


def test_srs_of_34_raises_an_alliance_alert(course, assigned_worker, mette) -> None:
    visits.visit_record(
        by=assigned_worker,
        course=course,
        data=data(
            assigned_worker,
            [mette],
            start=local(1, 10),
            fit=[entry(mette, FitScale.SRS, ["9", "9", "8", "8"])],
        ),
    )
    alert = FitAlert.objects.get()
    assert (alert.kind, alert.level, alert.client_id) == (AlertKind.ALLIANCE, "red", mette.pk)
    assert alert.reasons == ["total", "item3", "item4"]


def test_progress_alert_at_session_3_and_good_news_later(course, assigned_worker, mette) -> None:
    for n, total_item in enumerate(["5", "5.2", "5.3", "6.5"]):
        visits.visit_record(
            by=assigned_worker,
            course=course,
            data=data(
                assigned_worker,
                [mette],
                start=local(10 - n, 10),
                fit=[entry(mette, FitScale.ORS, [total_item] * 4)],
            ),
        )
    kinds = list(
        FitAlert.objects.order_by("session_number", "kind").values_list(
            "session_number", "kind", "level"
        )
    )
    # 20.0, 20.8, 21.2 → no reliable improvement by session 3; 26.0 is +6 and crosses 25.
    assert kinds == [
        (3, "no_progress", "amber"),
        (4, "improvement", "good"),
        (4, "recovery", "good"),
    ]


def test_self_rating_needs_the_person_present_collateral_does_not(
    course, assigned_worker, mette, noah
):
    with pytest.raises(ValidationError):
        visits.visit_record(
            by=assigned_worker,
            course=course,
            data=data(
                assigned_worker,
                [mette],
                start=local(1, 10),
                fit=[entry(noah, FitScale.ORS, ["5"] * 4)],
            ),
        )
    visit = visits.visit_record(
        by=assigned_worker,
        course=course,
        data=data(
            assigned_worker,
            [mette],
            start=local(1, 10),
            fit=[
                entry(
                    noah,
                    FitScale.ORS,
                    ["5"] * 4,
                    rater=FitRater.COLLATERAL,
                    rater_member_id=mette.pk,
                )
            ],
        ),
    )
    score = visit.fit_scores.get()
    assert (score.rater, score.rater_member_id) == (FitRater.COLLATERAL, mette.pk)
    assert not FitAlert.objects.exists()  # collateral ratings are reported apart, no alerts


def test_unborn_child_gets_no_fit(course, assigned_worker, family) -> None:
    unborn = FamilyMemberFactory(
        family=family,
        first_name="Baby",
        birth_date=timezone.localdate() + dt.timedelta(days=60),
        cpr=None,
    )
    with pytest.raises(ValidationError):
        visits.visit_record(
            by=assigned_worker,
            course=course,
            data=data(
                assigned_worker,
                [unborn],
                start=local(1, 10),
                fit=[entry(unborn, FitScale.ORS, ["5"] * 4)],
            ),
        )


def test_correction_is_versioned_and_reevaluates_alerts(course, assigned_worker, mette) -> None:
    visit = visits.visit_record(
        by=assigned_worker,
        course=course,
        data=data(
            assigned_worker,
            [mette],
            start=local(1, 10),
            fit=[entry(mette, FitScale.SRS, ["9", "9", "8", "8"])],
        ),
    )
    assert FitAlert.objects.count() == 1
    fixed = visits.visit_correct(
        by=assigned_worker,
        visit=visit,
        data=data(
            assigned_worker,
            [mette],
            start=local(1, 10),
            fit=[entry(mette, FitScale.SRS, ["9.5"] * 4)],
        ),
        reason="Tastefejl i SRS",
        expected_version=1,
    )
    assert fixed.version == 2
    revision = VisitRevision.objects.get()
    assert revision.reason == "Tastefejl i SRS"
    assert revision.changed_fields == ["fit_scores"]
    assert revision.snapshot["fit_scores"][0]["items"] == ["9.0", "9.0", "8.0", "8.0"]
    assert not FitAlert.objects.exists()
    with pytest.raises(ValidationError):
        visits.visit_correct(
            by=assigned_worker,
            visit=visit,
            data=data(assigned_worker, [mette], start=local(1, 10)),
            reason="igen",
            expected_version=1,
        )


def test_correction_window_then_only_a_leader(
    course, assigned_worker, team_colleague, leader, mette, settings
):
    visit = visits.visit_record(
        by=assigned_worker, course=course, data=data(assigned_worker, [mette], start=local(1, 10))
    )
    assert visits.may_correct(assigned_worker, visit)
    assert not visits.may_correct(team_colleague, visit)
    later = timezone.now() + dt.timedelta(hours=settings.VISIT_CORRECTION_HOURS + 1)
    assert not visits.may_correct(assigned_worker, visit, now=later)
    assert visits.may_correct(leader, visit, now=later)
    with pytest.raises(PermissionDenied):
        visits.visit_correct(
            by=team_colleague,
            visit=visit,
            data=data(assigned_worker, [mette], start=local(1, 10)),
            reason="x",
            expected_version=1,
        )


def test_recording_discards_the_authors_draft(course, assigned_worker, mette) -> None:
    visits.visit_draft_save(
        by=assigned_worker, course=course, data={"note": "halvt skrevet", "family": ["1"]}
    )
    assert VisitDraft.objects.get().data == {"note": "halvt skrevet", "family": ["1"]}
    visits.visit_record(
        by=assigned_worker, course=course, data=data(assigned_worker, [mette], start=local(1, 10))
    )
    assert not VisitDraft.objects.exists()


def test_radgiver_reads_but_cannot_record(course, radgiver, mette) -> None:
    with pytest.raises(PermissionDenied):
        visits.visit_record(
            by=radgiver, course=course, data=data(radgiver, [mette], start=local(1, 10))
        )


def test_intensity_change_keeps_the_hours_before(course, radgiver) -> None:
    course.granted_hours = D("20.0")
    course.save()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    change = visits.intensity_change(
        by=radgiver, course=course, effective_on=tomorrow, hours=D("30"), reason="Krise i familien"
    )
    assert change.previous_hours == D("20.0")
    changes = list(course.intensity_changes.all())
    assert visits.hours_in_force(course, timezone.localdate(), changes) == D("20.0")
    assert visits.hours_in_force(course, tomorrow, changes) == D("30")
    with pytest.raises(ValidationError) as caught:
        visits.intensity_change(
            by=radgiver, course=course, effective_on=None, hours=D("50"), reason=""
        )
    assert set(caught.value.message_dict) == {"effective_on", "hours_per_week", "reason"}
