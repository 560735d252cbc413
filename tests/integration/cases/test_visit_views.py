"""The visit screens (cases/views_visits.py): recording a visit with FIT through the tablet
form, errors that keep every typed value, the draft saved as the form is filled in, corrections
with a reason and a conflict on a stale version, who may do what, the audit trail, and query
counts that do not grow with the number of visits."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import visit_services as visits
from cases.models import (
    ActivityType,
    AlertKind,
    Course,
    FitAlert,
    FitRater,
    FitScale,
    FitScore,
    FitVersion,
    Visit,
    VisitDraft,
    VisitRevision,
)
from familieberedskab.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def activity(code: str = "morning_routine") -> ActivityType:
    return ActivityType.objects.get(code=code)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def last_saturday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)


def block(member, scale: str, *values: str, filled: bool = True) -> dict:
    key = f"fit-{member.pk}-{scale}"
    data = {f"{key}-{i}": v for i, v in enumerate(values, start=1)}
    if filled:
        data[f"{key}-filled"] = "1"
    return data


def form_data(worker, members, *, day=None, start="10:00", end="12:00", **extra) -> dict:
    data = {
        "day": (day or days_ago(2)).isoformat(),
        "start_time": start,
        "end_time": end,
        "place": "home",
        "staff": [str(worker.pk)],
        "family": [str(m.pk) for m in members],
        "activities": [str(activity().pk)],
        "note": "Vi øvede morgenen med billedskemaet.",
    }
    data.update(extra)
    return data


def record(worker, course, members, *, start: dt.datetime, fit=()) -> Visit:
    return visits.visit_record(
        by=worker,
        course=course,
        data=visits.VisitInput(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="home",
            staff_ids=[worker.pk],
            family_ids=[m.pk for m in members],
            activity_ids=[activity().pk],
            fit=list(fit),
        ),
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# Recording ---------------------------------------------------------------------------------


def test_the_form_opens_with_tablet_defaults_and_no_cpr(
    client, course, assigned_worker, team_colleague, mette, noah
) -> None:
    client.force_login(assigned_worker)
    response = client.get(url("visit_create", course))
    html = response.content.decode()
    assert response.status_code == 200
    # The practitioner and their team-mate are preselected, the place is home.
    assert re.search(rf'name="staff" id="staff-{assigned_worker.pk}" value="\d+"[^>]*checked', html)
    assert re.search(rf'name="staff" id="staff-{team_colleague.pk}" value="\d+"[^>]*checked', html)
    assert re.search(r'name="place" id="place-home" value="home"[^>]*checked', html)
    # Start an hour before the end, on five-minute marks.
    start = re.search(r'name="start_time" value="(\d\d):(\d\d)"', html)
    end = re.search(r'name="end_time" value="(\d\d):(\d\d)"', html)
    assert int(start.group(2)) % 5 == 0 and int(end.group(2)) % 5 == 0
    # The FIT version by age on the date; no CPR number in the page.
    assert 'data-testid="fit-version-Noah">CORS/CSRS (6–12 år)' in html
    assert 'data-testid="fit-version-Mette">ORS/SRS (13+ år)' in html
    for member in (mette, noah):
        assert member.cpr_digits() not in html
    assert "Mig selv" in html and "Relationen" in html  # configurable labels
    # Activities grouped by their group, each group once, in catalogue order.
    assert html.count(">Samtale</legend>") == 1 and html.count(">Metode</legend>") == 1
    assert (
        html.index('data-testid="activity-conversation"')
        < html.index('data-testid="activity-couple_session"')
        < html.index('data-testid="activity-morning_routine"')
    )
    assert "js/visits.js" in html


def test_a_new_visit_offers_the_current_team_a_correction_also_the_former(
    client, course, assigned_worker, provider, mette
) -> None:
    from staffing.models import Role
    from tests.factories.cases import TeamAssignmentFactory
    from tests.factories.staffing import UserFactory

    former = UserFactory(
        full_name="Tidligere Pædagog", organisation=provider, roles=[Role.PAEDAGOG]
    )
    TeamAssignmentFactory(
        course=course, user=former, role=Role.PAEDAGOG, ends_on=days_ago(1), starts_on=days_ago(20)
    )
    visit = record(assigned_worker, course, [mette], start=at(days_ago(2), 10))
    client.force_login(assigned_worker)
    assert "Tidligere Pædagog" not in client.get(url("visit_create", course)).content.decode()
    correct = client.get(url("visit_correct", course, visit.pk)).content.decode()
    assert "Tidligere Pædagog" in correct


def test_recording_a_visit_with_fit_through_the_form(
    client, course, team_colleague, mette, noah
) -> None:
    client.force_login(team_colleague)
    saturday = last_saturday()
    data = form_data(
        team_colleague,
        [mette, noah],
        day=saturday,
        start="07:30",
        end="09:30",
        **block(mette, "ors", "5", "6,5", "7", "4"),
        **block(mette, "srs", "9", "9", "8", "8"),
        **block(noah, "ors", "6", "6", "6", "6"),
        **block(noah, "srs", "9.5", "9.5", "9.5", "9.5"),
    )
    response = client.post(url("visit_create", course), data)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("visit_detail", course, visit.pk) + "?gemt=1"
    assert (visit.minutes, visit.early_minutes, visit.weekend_minutes) == (120, 30, 120)
    totals = {(s.client.first_name, s.scale): (s.total, s.version) for s in visit.fit_scores.all()}
    assert totals == {
        ("Mette", "ors"): (D("22.5"), FitVersion.ADULT),
        ("Mette", "srs"): (D("34.0"), FitVersion.ADULT),
        ("Noah", "ors"): (D("24.0"), FitVersion.CHILD),
        ("Noah", "srs"): (D("38.0"), FitVersion.CHILD),
    }
    alert = FitAlert.objects.get()
    assert (alert.kind, alert.client_id) == (AlertKind.ALLIANCE, mette.pk)
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="visit-marker-weekend"' in detail
    assert 'data-testid="visit-marker-early"' in detail
    assert "data-clear-draft" in detail  # the device's copy is forgotten
    assert "Alliance (SRS)" in detail
    assert "34,0" in detail


def test_an_untouched_fit_block_is_not_saved_as_zeros(client, course, assigned_worker, mette):
    client.force_login(assigned_worker)
    data = form_data(assigned_worker, [mette], **block(mette, "ors", "", "", "", "", filled=False))
    assert client.post(url("visit_create", course), data).status_code == 302
    assert not FitScore.objects.exists()


def test_a_half_filled_block_is_refused_and_keeps_what_was_typed(
    client, course, assigned_worker, mette
) -> None:
    client.force_login(assigned_worker)
    data = form_data(assigned_worker, [mette], **block(mette, "ors", "6,5", "7", "", "4"))
    response = client.post(url("visit_create", course), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Mette: hvert punkt skal være et tal fra 0,0 til 10,0" in html
    assert f'name="fit-{mette.pk}-ors-1" id="fit-{mette.pk}-ors-1" value="6,5"' in html
    assert "Vi øvede morgenen med billedskemaet." in html
    assert not Visit.objects.exists()


def test_bad_input_is_refused_in_danish_with_nothing_lost(
    client, course, assigned_worker, mette, other_family
) -> None:
    client.force_login(assigned_worker)
    stranger = other_family.members.get()
    data = form_data(
        assigned_worker,
        [mette, stranger],
        start="12:00",
        end="11:00",
        note="Et notat, der ikke må gå tabt.",
        **block(mette, "srs", "11", "9", "9", "9"),
    )
    response = client.post(url("visit_create", course), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Slut skal ligge efter start." in html
    assert "Vælg kun medlemmer af denne familie." in html
    assert "Mette: hvert punkt skal være et tal fra 0,0 til 10,0" in html
    assert "Et notat, der ikke må gå tabt." in html
    assert 'value="11"' in html
    assert "data-step-error" in html  # the steps with errors are marked
    future = form_data(
        assigned_worker, [mette], day=timezone.localdate() + dt.timedelta(days=1), note="Senere"
    )
    response = client.post(url("visit_create", course), future)
    assert response.status_code == 400
    assert "Besøget kan ikke registreres i fremtiden." in response.content.decode()
    no_activity = form_data(assigned_worker, [mette], activities=[])
    response = client.post(url("visit_create", course), no_activity)
    assert "Vælg mindst én aktivitet." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_across_midnight_uses_the_end_date(client, course, assigned_worker, mette):
    client.force_login(assigned_worker)
    day = days_ago(3)
    data = form_data(
        assigned_worker,
        [mette],
        day=day,
        start="22:30",
        end="01:00",
        end_day=(day + dt.timedelta(days=1)).isoformat(),
    )
    assert client.post(url("visit_create", course), data).status_code == 302
    visit = Visit.objects.get()
    assert visit.minutes == 150 and visit.evening_minutes == 90 and visit.early_minutes == 60


def test_a_collateral_rating_is_stored_as_such(client, course, assigned_worker, mette, noah):
    client.force_login(assigned_worker)
    data = form_data(
        assigned_worker,
        [mette],
        **{
            "col-0-client": str(noah.pk),
            "col-0-rater": f"member-{mette.pk}",
            "col-0-1": "4",
            "col-0-2": "5",
            "col-0-3": "5",
            "col-0-4": "4,5",
            "col-1-client": str(noah.pk),
            "col-1-rater": "other",
            "col-1-rater_description": "Klasselærer",
            "col-1-1": "3",
            "col-1-2": "3",
            "col-1-3": "3",
            "col-1-4": "3",
            # An empty spare block is ignored.
            "col-2-client": "",
            "col-2-rater": "",
        },
    )
    assert client.post(url("visit_create", course), data).status_code == 302
    scores = list(FitScore.objects.order_by("pk"))
    assert [
        (s.client_id, s.rater, s.rater_member_id, s.rater_description, s.total) for s in scores
    ] == [
        (noah.pk, FitRater.COLLATERAL, mette.pk, "", D("18.5")),
        (noah.pk, FitRater.COLLATERAL, None, "Klasselærer", D("12.0")),
    ]
    assert not FitAlert.objects.exists()


def test_a_collateral_rating_needs_its_rater(client, course, assigned_worker, mette, noah):
    client.force_login(assigned_worker)
    data = form_data(
        assigned_worker,
        [mette],
        **{"col-0-client": str(noah.pk), "col-0-rater": "other", "col-0-1": "4"},
    )
    response = client.post(url("visit_create", course), data)
    assert response.status_code == 400
    assert "Skriv hvem der udfyldte skemaet (fx lærer)." in response.content.decode()
    assert 'name="col-0-1" id="col-0-1" value="4"' in response.content.decode()


# The draft ---------------------------------------------------------------------------------


def test_the_draft_is_saved_restored_and_discarded(client, course, assigned_worker, mette):
    client.force_login(assigned_worker)
    typed = form_data(
        assigned_worker,
        [mette],
        note="Halvt skrevet notat",
        **block(mette, "ors", "7,5", "", "", ""),
    )
    saved = client.post(url("visit_draft", course), typed, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "Kladde gemt kl." in saved.content.decode()
    draft = VisitDraft.objects.get(user=assigned_worker, course=course)
    assert draft.data["note"] == "Halvt skrevet notat"
    assert draft.data["family"] == [str(mette.pk)]
    assert "csrfmiddlewaretoken" not in draft.data
    assert AuditEvent.objects.filter(object_type="cases.visitdraft", action=AuditAction.CREATE)

    reopened = client.get(url("visit_create", course)).content.decode()
    assert 'data-testid="visit-draft-restored"' in reopened
    assert "Halvt skrevet notat" in reopened
    assert f'name="fit-{mette.pk}-ors-1" id="fit-{mette.pk}-ors-1" value="7,5"' in reopened
    assert re.search(rf'name="family" id="family-{mette.pk}" value="\d+"[^>]*checked', reopened)
    assert "Kassér kladde" in reopened

    discarded = client.post(url("visit_draft", course), {"discard": "1"})
    assert discarded.status_code == 302
    assert discarded["Location"] == url("visit_create", course)
    assert not VisitDraft.objects.exists()
    fresh = client.get(url("visit_create", course)).content.decode()
    assert "Halvt skrevet notat" not in fresh and "visit-draft-restored" not in fresh


def test_recording_removes_the_draft(client, course, assigned_worker, mette) -> None:
    client.force_login(assigned_worker)
    client.post(url("visit_draft", course), {"note": "kladde"}, HTTP_HX_REQUEST="true")
    assert VisitDraft.objects.exists()
    assert (
        client.post(url("visit_create", course), form_data(assigned_worker, [mette])).status_code
        == 302
    )
    assert not VisitDraft.objects.exists()


def test_a_late_autosave_does_not_bring_back_the_draft(
    client, course, assigned_worker, mette
) -> None:
    client.force_login(assigned_worker)
    form = client.get(url("visit_create", course)).content.decode()
    opened_at = re.search(r'name="opened_at" value="(\d+)"', form).group(1)
    data = form_data(assigned_worker, [mette], opened_at=opened_at)
    assert client.post(url("visit_create", course), data).status_code == 302
    late = client.post(url("visit_draft", course), data, HTTP_HX_REQUEST="true")
    assert late.status_code == 409
    assert not VisitDraft.objects.exists()


def test_a_draft_is_the_authors_own(client, course, assigned_worker, team_colleague) -> None:
    client.force_login(assigned_worker)
    client.post(url("visit_draft", course), {"note": "Kun min"}, HTTP_HX_REQUEST="true")
    client.force_login(team_colleague)
    assert "Kun min" not in client.get(url("visit_create", course)).content.decode()


# Corrections -------------------------------------------------------------------------------


def test_correction_needs_a_reason_and_keeps_the_old_version(
    client, course, assigned_worker, mette
) -> None:
    visit = record(assigned_worker, course, [mette], start=at(days_ago(2), 10))
    client.force_login(assigned_worker)
    form = client.get(url("visit_correct", course, visit.pk)).content.decode()
    assert 'name="reason"' in form and 'name="version" value="1"' in form
    assert 'name="end_time" value="12:00"' in form
    data = form_data(assigned_worker, [mette], day=days_ago(2), end="11:30", version="1")
    refused = client.post(url("visit_correct", course, visit.pk), data)
    assert refused.status_code == 400
    assert "Skriv hvorfor besøget rettes." in refused.content.decode()
    done = client.post(
        url("visit_correct", course, visit.pk), data | {"reason": "Vi gik en halv time før"}
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert (visit.version, visit.minutes) == (2, 90)
    revision = VisitRevision.objects.get()
    assert revision.reason == "Vi gik en halv time før"
    assert "ends_at" in revision.changed_fields
    detail = client.get(url("visit_detail", course, visit.pk)).content.decode()
    assert "Vi gik en halv time før" in detail
    assert 'data-testid="visit-revision"' in detail
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cases.visit")
    assert event.detail == "correction" and "ends_at" in event.fields


def test_a_stale_correction_is_a_conflict_that_keeps_the_text(
    client, course, assigned_worker, leader, mette
) -> None:
    visit = record(assigned_worker, course, [mette], start=at(days_ago(2), 10))
    # The leader corrects it while the author has the form open.
    client.force_login(leader)
    leader_data = form_data(assigned_worker, [mette], day=days_ago(2), version="1")
    client.post(
        url("visit_correct", course, visit.pk),
        leader_data | {"reason": "Forkert sted", "place": "workshop"},
    )
    client.force_login(assigned_worker)
    mine = form_data(
        assigned_worker, [mette], day=days_ago(2), version="1", note="Min nye tekst til notatet"
    )
    response = client.post(url("visit_correct", course, visit.pk), mine | {"reason": "Notatet"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Besøget er rettet af en anden, mens du skrev." in html
    assert "Forkert sted" in html  # what the other person did
    assert "Min nye tekst til notatet" in html
    assert 'name="version" value="2"' in html  # saving again goes on top
    again = client.post(
        url("visit_correct", course, visit.pk), mine | {"reason": "Notatet", "version": "2"}
    )
    assert again.status_code == 302
    visit.refresh_from_db()
    assert (visit.version, visit.note) == (3, "Min nye tekst til notatet")


# Access ------------------------------------------------------------------------------------


@pytest.fixture
def a_visit(course, assigned_worker, mette) -> Visit:
    return record(
        assigned_worker,
        course,
        [mette],
        start=at(days_ago(2), 10),
        fit=[visits.FitEntry(client_id=mette.pk, scale=FitScale.ORS, items=["5"] * 4)],
    )


def test_the_team_records_and_others_read_only(
    client, course, a_visit, assigned_worker, team_colleague, radgiver, leader
) -> None:
    for user in (assigned_worker, team_colleague):
        client.force_login(user)
        assert client.get(url("visit_create", course)).status_code == 200
    for user in (radgiver, leader):
        client.force_login(user)
        assert client.get(url("visit_list", course)).status_code == 200
        assert client.get(url("visit_detail", course, a_visit.pk)).status_code == 200
        assert client.get(url("fit_charts", course)).status_code == 200
        assert client.get(url("visit_create", course)).status_code == 403
        assert client.post(url("visit_draft", course), {"note": "x"}).status_code == 403
        listing = client.get(url("visit_list", course)).content.decode()
        assert 'data-testid="visit-create-link"' not in listing
    client.force_login(radgiver)
    assert client.get(url("visit_correct", course, a_visit.pk)).status_code == 403
    client.force_login(team_colleague)  # not the author
    assert client.get(url("visit_correct", course, a_visit.pk)).status_code == 403
    detail = client.get(url("visit_detail", course, a_visit.pk)).content.decode()
    assert 'data-testid="visit-correct-link"' not in detail


def test_outsider_gets_404_and_projektleder_403(
    client, course, a_visit, outsider, projektleder
) -> None:
    pages = [
        url("visit_list", course),
        url("visit_create", course),
        url("visit_detail", course, a_visit.pk),
        url("visit_correct", course, a_visit.pk),
        url("fit_charts", course),
    ]
    client.force_login(outsider)
    assert [client.get(page).status_code for page in pages] == [404] * 5
    assert client.post(url("visit_draft", course), {"note": "x"}).status_code == 404
    client.force_login(projektleder)
    assert [client.get(page).status_code for page in pages] == [403] * 5


def test_a_visit_of_another_course_is_404(client, course, a_visit, assigned_worker, family):
    from tests.factories.cases import CourseFactory

    other = CourseFactory(family=family, provider=course.provider)
    client.force_login(assigned_worker)
    assert client.get(url("visit_detail", other, a_visit.pk)).status_code == 404


def test_a_closed_course_takes_no_new_visits(client, course, assigned_worker) -> None:
    course.status = "closed"
    course.save()
    client.force_login(assigned_worker)
    # The practitioner's scope is the current team of open courses: a closed course is gone.
    assert client.get(url("visit_create", course)).status_code == 404


# Audit ---------------------------------------------------------------------------------------


def test_reads_are_audited(client, course, a_visit, radgiver) -> None:
    client.force_login(radgiver)
    client.get(url("visit_list", course))
    assert AuditEvent.objects.filter(
        actor=radgiver,
        action=AuditAction.LIST,
        object_type="cases.visit",
        object_id=str(a_visit.pk),
    ).exists()
    client.get(url("visit_detail", course, a_visit.pk))
    assert AuditEvent.objects.filter(
        actor=radgiver,
        action=AuditAction.VIEW,
        object_type="cases.visit",
        object_id=str(a_visit.pk),
    ).exists()
    client.get(url("fit_charts", course))
    assert AuditEvent.objects.filter(
        actor=radgiver, action=AuditAction.VIEW, object_type="cases.course", detail="visits"
    ).exists()


def test_recording_is_audited_without_the_note(client, course, assigned_worker, mette) -> None:
    client.force_login(assigned_worker)
    client.post(url("visit_create", course), form_data(assigned_worker, [mette], note="Hemmeligt"))
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.visit")
    assert event.actor == assigned_worker and event.course_id == course.pk
    assert "Hemmeligt" not in str(event.values)


# The list and the graphs -------------------------------------------------------------------


def _seed(worker, course, members, count: int) -> None:
    start = Visit.objects.count()
    for n in range(start, start + count):
        day = days_ago(25 - (n % 25))
        entries = [
            visits.FitEntry(client_id=m.pk, scale=scale, items=[str(5 + (n % 5) / 2)] * 4)
            for m in members
            for scale in (FitScale.ORS, FitScale.SRS)
        ]
        record(
            worker,
            course,
            members,
            start=at(day, 6 + n % 12, 0) + dt.timedelta(seconds=n),
            fit=entries,
        )


def test_the_list_shows_newest_first_with_markers_and_fit(
    client, course, assigned_worker, mette
) -> None:
    record(assigned_worker, course, [mette], start=at(days_ago(10), 13))
    record(
        assigned_worker,
        course,
        [mette],
        start=at(last_saturday(), 7, 30),
        fit=[visits.FitEntry(client_id=mette.pk, scale=FitScale.SRS, items=["9", "9", "8", "8"])],
    )
    client.force_login(assigned_worker)
    html = client.get(url("visit_list", course)).content.decode()
    rows = html.split('data-testid="visit-row"')[1:]
    assert len(rows) == 2
    assert "visit-marker-weekend" in rows[0] and "visit-marker-early" in rows[0]
    assert "visit-marker-weekend" not in rows[1] and "visit-marker-evening" not in rows[1]
    assert "SRS 34,0" in rows[0]
    assert "2 t" in rows[0]


@pytest.mark.parametrize("name", ["visit_list", "fit_charts"])
def test_query_count_does_not_grow_with_visits(
    client,
    course,
    assigned_worker,
    mette,
    noah,
    name,
    django_assert_max_num_queries,
    django_assert_num_queries,
) -> None:
    _seed(assigned_worker, course, [mette, noah], 3)
    client.force_login(assigned_worker)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url(name, course)).status_code == 200
    _seed(assigned_worker, course, [mette, noah], 27)
    assert Visit.objects.count() == 30
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(name, course))
    assert response.status_code == 200
    if name == "fit_charts":
        html = response.content.decode()
        # Every session is drawn: 30 ORS + 30 SRS points for each of the two.
        assert html.count('data-series="ors"') == 60
        assert html.count('data-series="srs"') == 60


def test_the_fit_page_shows_family_and_member_charts(
    client, course, assigned_worker, mette, noah
) -> None:
    for n, value in enumerate(["4", "5", "7"]):
        record(
            assigned_worker,
            course,
            [mette, noah],
            start=at(days_ago(9 - n * 3), 10),
            fit=[
                visits.FitEntry(client_id=mette.pk, scale=FitScale.ORS, items=[value] * 4),
                visits.FitEntry(client_id=mette.pk, scale=FitScale.SRS, items=["9.5"] * 4),
                visits.FitEntry(
                    client_id=noah.pk,
                    scale=FitScale.ORS,
                    items=["6"] * 4,
                    rater=FitRater.COLLATERAL,
                    rater_description="Lærer",
                ),
            ],
        )
    client.force_login(assigned_worker)
    html = client.get(url("fit_charts", course)).content.decode()
    assert 'data-testid="fit-family"' in html
    assert f'data-testid="fit-member-{mette.pk}"' in html
    assert f'data-testid="fit-member-{noah.pk}"' in html
    assert "<title" in html and "<desc" in html
    assert 'data-value="25"' in html  # Mette's cut-off
    assert 'data-value="32"' in html  # Noah's (6–12 år), drawn under the collateral line
    assert "ORS om Noah, udfyldt af Lærer" in html
    assert "tilnærmelse" in html  # the approximation is said
    assert f'data-testid="fit-member-{mette.pk}-table"' in html
    assert "28,0" in html  # Mette's last ORS in the table


def test_the_course_partial_shows_the_latest_five(client, course, assigned_worker, mette, rf):
    from django.template.loader import render_to_string

    from cases.views_visits import recent_visits

    for n in range(7):
        record(assigned_worker, course, [mette], start=at(days_ago(20 - n), 10))
    request = rf.get("/")
    request.user = assigned_worker
    html = render_to_string(
        "cases/_partials/course_visits.html",
        {"course": course, "recent_visits": recent_visits(course)},
        request=request,
    )
    assert html.count('data-testid="course-visit"') == 5
    assert url("visit_create", course) in html
    assert url("fit_charts", course) in html
