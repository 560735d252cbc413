"""Closing a course through its screens (issue 6, items 5 and 6): the closure form with the
app's evidence beside each criterion, refusals per field with nothing typed lost, final
measurements done or waived, the closure page with its checks after closure, reopening by a
leader, the closing summary as PDF (read back with pdftotext), a closed course that the other
screens refuse to change, the 3/6/12-month reminders and the rådgiver's start-page panel."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import closure_services as closing
from cases import outcome_services as outcomes
from cases import safety_services as safety
from cases.meeting_schedule import add_months
from cases.meeting_services import meetings_schedule_initial
from cases.models import (
    AttendancePeriod,
    ChangeStory,
    Closure,
    CourseStatus,
    Criterion,
    FitScore,
    Goal,
    GoalReview,
    Institution,
    Instrument,
    Measurement,
    NetworkMember,
    Occasion,
    PlanMeeting,
    PostClosureCheck,
    ScalingRespondent,
    Visit,
)
from cases.panels_closure import post_closure_checks
from familieberedskab.models import AuditAction, AuditEvent, Notification
from tests.factories.cases import CourseFactory, FamilyFactory, FamilyMemberFactory
from tests.pdftext import pdf_text as read_pdf

pytestmark = pytest.mark.django_db

SUMMARY = "Familien har fået ro på morgenerne og bruger netværket."
FAMILY_WORDS = "Vi klarer det selv nu, og mormor er der, når det brænder på."
COMMENT = "Mette og Noah kommer ud ad døren uden råb."


@pytest.fixture
def course(family):
    course = family.courses.get()
    course.start_date = timezone.localdate() - dt.timedelta(days=120)
    course.granted_hours = Decimal("10.0")
    course.save()
    return course


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text in reading layout (table rows stay on one line)."""
    return read_pdf(content, tmp_path / "closing.pdf", layout=True)


def url(name, course, *args) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def who5(by, course, member, occasion, days_ago, value=3):
    return outcomes.measurement_record(
        by=by,
        course=course,
        instrument=Instrument.objects.get(code="who5"),
        subject=member,
        occasion=occasion,
        measured_on=timezone.localdate() - dt.timedelta(days=days_ago),
        answers={str(i): value for i in range(1, 6)},
    )


def form_data(noah, **over) -> dict:
    data = {
        "closed_on": timezone.localdate().isoformat(),
        "reason": "goals_reached",
        "destination": "ordinary_treatment",
        "summary": SUMMARY,
        "family_perspective": FAMILY_WORDS,
        f"child_{noah.pk}": "yes",
    }
    for c in Criterion:
        data[f"criterion_{c.value}"] = "met"
        data[f"comment_{c.value}"] = f"Kommentar om {c.value}"
    data["comment_children_thrive"] = COMMENT
    return {k: v for k, v in (data | over).items() if v is not None}


def service_data(noah, **over) -> dict:
    data = {
        "closed_on": timezone.localdate(),
        "reason": "goals_reached",
        "destination": "ordinary_treatment",
        "criteria": {c.value: ("met", "") for c in Criterion},
        "children": {noah.pk: True} if noah else {},
        "summary": SUMMARY,
        "family_perspective": FAMILY_WORDS,
    }
    return data | over


# The closure form ----------------------------------------------------------------------------


def test_closure_form_shows_what_the_app_knows_beside_each_criterion(
    client, course, assigned_worker, radgiver, mette, noah
) -> None:
    plan = course.plan
    reached = Goal.objects.create(
        plan=plan, owner="family", text="Rolige morgener", life_area="parenting", status="reached"
    )
    Goal.objects.create(plan=plan, owner="family", text="Job", life_area="work")
    GoalReview.objects.create(
        goal=reached, reviewed_on=timezone.localdate(), score=8, created_by=assigned_worker
    )
    school = Institution.objects.create(child=noah, kind="school", name="Ishøj Skole")
    start = timezone.localdate() - dt.timedelta(days=40)
    AttendancePeriod.objects.create(
        institution=school,
        period_start=start,
        period_end=start + dt.timedelta(days=27),
        unit="days",
        possible=20,
        absent=3,
        unlawful=1,
        created_by=assigned_worker,
    )
    safety.safety_mapping_save(
        by=radgiver,
        course=course,
        data={"mapped_on": timezone.localdate() - dt.timedelta(days=2), "working_well": "x"},
        danger_statements=[],
        scores=[safety.Score(ScalingRespondent.PARENT, 7, member=mette)],
    )
    NetworkMember.objects.create(family=course.family, name="Mormor", kind="relative", closeness=5)
    NetworkMember.objects.create(family=course.family, name="Lærer", kind="school", closeness=2)
    who5(assigned_worker, course, mette, Occasion.BASELINE, 30)
    client.force_login(assigned_worker)

    response = client.get(url("closure_create", course))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="closure-criterion"') == 6
    assert "1 af 2 mål i planen er nået." in html
    assert "Noah, Ishøj Skole" in html and "1 af 20 dage ulovligt fravær." in html
    assert "Skalering, Mette Holmgård: 7 af 10" in html
    assert "WHO-5 Trivselsindeks om Mette" in html and "trivselsindeks 60" in html.lower()
    assert "2 personer i netværket: 1 private og 1 fagpersoner." in html
    # The final measurement: not done yet, with a link to record it (in a new tab).
    assert 'data-testid="closure-final" data-done="false"' in html
    record = reverse("cases:measurement_create", args=[course.pk])
    assert f'href="{record}?occasion=closure&amp;instrument=who5&amp;subject={mette.pk}"' in html
    assert 'target="_blank"' in html


def test_closing_through_the_form(client, course, assigned_worker, noah) -> None:
    client.force_login(assigned_worker)

    response = client.post(url("closure_create", course), form_data(noah))

    assert response.status_code == 302
    assert response["Location"] == url("closure_detail", course)
    course.refresh_from_db()
    assert course.status == CourseStatus.CLOSED
    closure = Closure.objects.get(course=course)
    assert closure.criteria.get(criterion="children_thrive").comment == COMMENT
    assert closure.children.get().lives_at_home is True
    page = client.get(url("closure_detail", course)).content.decode()
    assert "Forløbet er afsluttet." in page  # the message
    assert "Hent afslutningsrapport (PDF)" in page
    assert page.count('data-testid="closure-criterion"') == 6
    assert COMMENT in page and SUMMARY in page and FAMILY_WORDS in page
    assert [m for m in (3, 6, 12) if f'data-state="later" data-months="{m}"' in page] == [3, 6, 12]
    assert 'data-testid="closure-check-form"' not in page  # the team does not answer them


def test_bad_input_is_refused_per_field_and_nothing_typed_is_lost(
    client, course, assigned_worker, noah
) -> None:
    client.force_login(assigned_worker)
    data = form_data(
        noah,
        reason="other",
        reason_note="",
        destination=None,
        criterion_parenting=None,
        **{f"child_{noah.pk}": None},
    )

    response = client.post(url("closure_create", course), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Forløbet er ikke afsluttet. Ret de markerede felter" in html
    assert "Uddyb årsagen, når du vælger &#x27;Andet&#x27;." in html
    assert "Vælg hvad familien går videre til." in html
    assert "Vurder kriteriet: Forældrekompetencen er tilstrækkelig." in html
    assert "Angiv om Noah bor hjemme." in html
    # Everything typed is still there: texts, and the criteria already judged.
    assert COMMENT in html and SUMMARY in html and FAMILY_WORDS in html
    assert 'value="met" class="btn-check" autocomplete="off" id="id_criterion_goals_0" checked' in (
        html
    )
    course.refresh_from_db()
    assert course.status == CourseStatus.ACTIVE


def test_final_measures_must_be_recorded_or_waived(
    client, course, assigned_worker, mette, noah
) -> None:
    who5(assigned_worker, course, mette, Occasion.BASELINE, 30)
    (final,) = closing.final_measures(course)
    client.force_login(assigned_worker)

    refused = client.post(url("closure_create", course), form_data(noah))

    assert refused.status_code == 400
    assert "Slutmåling mangler for WHO-5 Trivselsindeks (Mette)." in refused.content.decode()
    waived = client.post(
        url("closure_create", course),
        form_data(noah, **{f"waiver_{final.key}": "Mette ønskede ikke at svare."}),
    )
    assert waived.status_code == 302
    page = client.get(url("closure_detail", course)).content.decode()
    assert "undladt" in page and "Mette ønskede ikke at svare." in page


def test_a_recorded_final_measure_needs_no_waiver(
    client, course, assigned_worker, mette, noah
) -> None:
    who5(assigned_worker, course, mette, Occasion.BASELINE, 30)
    who5(assigned_worker, course, mette, Occasion.CLOSURE, 0, value=4)
    client.force_login(assigned_worker)

    form = client.get(url("closure_create", course)).content.decode()
    assert 'data-testid="closure-final" data-done="true"' in form
    assert client.post(url("closure_create", course), form_data(noah)).status_code == 302
    assert "udført" in client.get(url("closure_detail", course)).content.decode()


def test_closure_form_of_a_closed_course_sends_back(client, course, assigned_worker, noah):
    closing.course_close(by=assigned_worker, course=course, data=service_data(noah))
    client.force_login(assigned_worker)

    for response in (
        client.get(url("closure_create", course)),
        client.post(url("closure_create", course), form_data(noah)),
    ):
        assert response.status_code == 302
        assert response["Location"] == url("closure_detail", course)
    assert Closure.objects.count() == 1
    page = client.get(url("closure_detail", course)).content.decode()
    assert "Forløbet er allerede afsluttet." in page


def test_active_course_page_offers_the_closure_form(client, course, assigned_worker, leader):
    client.force_login(assigned_worker)
    page = client.get(url("closure_detail", course)).content.decode()
    assert "Forløbet er ikke afsluttet." in page
    assert url("closure_create", course) in page
    client.force_login(leader)  # reads, but does not close
    page = client.get(url("closure_detail", course)).content.decode()
    assert url("closure_create", course) not in page
    assert client.get(url("closure_create", course)).status_code == 403


# Reopening -----------------------------------------------------------------------------------


def test_leader_reopens_with_a_reason(
    client, course, assigned_worker, leader, noah, other_provider_leader
) -> None:
    closing.course_close(by=assigned_worker, course=course, data=service_data(noah))
    client.force_login(assigned_worker)
    assert (
        'data-testid="closure-reopen"'
        not in client.get(url("closure_detail", course)).content.decode()
    )
    assert client.post(url("closure_reopen", course), {"reopen-reason": "x"}).status_code == 403
    client.force_login(other_provider_leader)
    assert client.post(url("closure_reopen", course), {"reopen-reason": "x"}).status_code == 404
    client.force_login(leader)
    assert (
        'data-testid="closure-reopen"' in client.get(url("closure_detail", course)).content.decode()
    )

    empty = client.post(url("closure_reopen", course), {"reopen-reason": ""})
    assert empty.status_code == 400
    assert "Skriv hvorfor forløbet genåbnes." in empty.content.decode()
    done = client.post(url("closure_reopen", course), {"reopen-reason": "Ny bekymring fra skolen"})

    assert done.status_code == 302
    course.refresh_from_db()
    assert course.status == CourseStatus.ACTIVE
    page = client.get(url("closure_detail", course)).content.decode()
    assert "Forløbet er ikke afsluttet." in page
    assert 'data-testid="closure-earlier-item"' in page and "Ny bekymring fra skolen" in page
    assert not PostClosureCheck.objects.exists()


# After closure -------------------------------------------------------------------------------


def _closed_long_ago(course, by, noah, days: int) -> Closure:
    course.start_date = timezone.localdate() - dt.timedelta(days=days + 200)
    course.save(update_fields=["start_date"])
    closed_on = timezone.localdate() - dt.timedelta(days=days)
    return closing.course_close(by=by, course=course, data=service_data(noah, closed_on=closed_on))


def test_radgiver_answers_a_due_check(
    client, course, assigned_worker, radgiver, noah, same_municipality_radgiver
) -> None:
    _closed_long_ago(course, assigned_worker, noah, 95)  # the 3-month check is overdue
    check = PostClosureCheck.objects.get(months_after=3)
    client.force_login(radgiver)
    page = client.get(url("closure_detail", course)).content.decode()
    assert page.count('data-testid="closure-check-form"') == 1
    assert 'data-state="overdue" data-months="3"' in page and "Bor Noah stadig hjemme?" in page

    unanswered = client.post(url("closure_check_record", course, check.pk), {})
    assert unanswered.status_code == 400
    assert "Angiv om barnet bor hjemme." in unanswered.content.decode()
    answered = client.post(
        url("closure_check_record", course, check.pk),
        {f"check-{check.pk}-lives_at_home": "yes", f"check-{check.pk}-note": "Går godt"},
    )

    assert answered.status_code == 302
    check.refresh_from_db()
    assert (check.lives_at_home, check.note, check.checked_by) == (True, "Går godt", radgiver)
    page = client.get(url("closure_detail", course)).content.decode()
    assert 'data-state="answered" data-months="3"' in page and "Bor hjemme" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="cases.postclosurecheck"
    ).exists()
    # Not a rådgiver: no function; a check of another course: not found.
    client.force_login(assigned_worker)
    data = {f"check-{check.pk}-lives_at_home": "no"}
    assert client.post(url("closure_check_record", course, check.pk), data).status_code == 403
    other = CourseFactory(family=course.family, provider=course.provider)
    client.force_login(radgiver)
    assert client.post(url("closure_check_record", other, check.pk), data).status_code == 404


def test_a_later_check_cannot_be_answered_yet(client, course, assigned_worker, radgiver, noah):
    _closed_long_ago(course, assigned_worker, noah, 95)
    later = PostClosureCheck.objects.get(months_after=12)
    client.force_login(radgiver)

    response = client.post(
        url("closure_check_record", course, later.pk),
        {f"check-{later.pk}-lives_at_home": "yes"},
    )

    assert response.status_code == 400
    assert "Opfølgningen kan registreres fra to uger før datoen" in response.content.decode()
    later.refresh_from_db()
    assert later.lives_at_home is None


def test_reminders_at_3_6_and_12_months(course, assigned_worker, radgiver, noah) -> None:
    closure = _closed_long_ago(course, assigned_worker, noah, 400)
    closed_on = closure.closed_on
    due = {m: add_months(closed_on, m) for m in (3, 6, 12)}
    assert {c.months_after: c.due_on for c in PostClosureCheck.objects.all()} == due

    assert closing.post_closure_reminders_send(today=due[3] - dt.timedelta(days=1)) == 0
    assert closing.post_closure_reminders_send(today=due[3]) == 1
    assert closing.post_closure_reminders_send(today=due[3] + dt.timedelta(days=5)) == 0
    assert closing.post_closure_reminders_send(today=due[6]) == 1
    assert closing.post_closure_reminders_send(today=due[12]) == 1
    assert closing.post_closure_reminders_send(today=due[12]) == 0

    notes = list(Notification.objects.order_by("pk"))
    assert [n.recipient for n in notes] == [radgiver] * 3
    assert [n.text.split(" ")[0] for n in notes] == ["3", "6", "12"]
    assert all("bor Noah i Familien Holmgård stadig hjemme?" in n.text for n in notes)
    assert {n.url for n in notes} == {url("closure_detail", course)}


def test_the_beat_task_sends_the_reminders(course, assigned_worker, radgiver, noah) -> None:
    from cases.tasks import post_closure_reminders_send

    _closed_long_ago(course, assigned_worker, noah, 95)

    assert post_closure_reminders_send() == 1
    assert Notification.objects.get().recipient == radgiver


def test_radgiver_start_page_panel_lists_due_checks(
    client, course, assigned_worker, radgiver, noah
) -> None:
    _closed_long_ago(course, assigned_worker, noah, 95)
    client.force_login(radgiver)

    home = client.get(reverse("home")).content.decode()

    assert 'data-testid="panel-post-closure"' in home
    assert 'data-testid="post-closure-check" data-overdue="true"' in home
    assert "Noah, 3 måneder efter" in home and url("closure_detail", course) in home
    assert AuditEvent.objects.filter(
        action=AuditAction.LIST, family_id=course.family_id, detail="forside"
    ).exists()
    client.force_login(assigned_worker)
    assert 'data-testid="panel-post-closure"' not in client.get(reverse("home")).content.decode()


def test_panel_queries_do_not_grow_with_the_checks(radgiver, ishoj, provider) -> None:
    def closed_family(n: int) -> None:
        family = FamilyFactory(municipality=ishoj, caseworker=radgiver, created_by=radgiver)
        for _ in range(n):
            FamilyMemberFactory(family=family, birth_date=dt.date(2015, 1, 1))
        course = CourseFactory(
            family=family,
            provider=provider,
            start_date=timezone.localdate() - dt.timedelta(days=400),
        )
        by = radgiver
        children = {m.pk: True for m in family.members.all()}
        closing.course_close(
            by=by,
            course=course,
            data=service_data(
                None,
                closed_on=timezone.localdate() - dt.timedelta(days=100),
                children=children,
            ),
        )

    request = RequestFactory().get("/")
    request.user = radgiver

    closed_family(1)
    with CaptureQueriesContext(connection) as few:
        panel = post_closure_checks(request)
    assert len(panel.context["rows"]) == 1
    closed_family(3)
    closed_family(2)
    with CaptureQueriesContext(connection) as many:
        panel = post_closure_checks(request)
    assert len(panel.context["rows"]) == 6
    assert len(many) == len(few)


# The closing summary -------------------------------------------------------------------------


def _visit(course, by, days_ago: int, ors: str, client_member) -> Visit:
    start = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    visit = Visit.objects.create(
        course=course,
        author=by,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="home",
        minutes=120,
    )
    visit.staff_participants.add(by)
    item = Decimal(ors)
    FitScore.objects.create(
        visit=visit,
        client=client_member,
        scale="ors",
        version="adult",
        age_years=37,
        item1=item,
        item2=item,
        item3=item,
        item4=item,
        total=item * 4,
    )
    return visit


@pytest.fixture
def rich_closed_course(course, assigned_worker, mette, noah):
    """A course with goals, measurements at start and end, FIT, a story, then closed."""
    goal = Goal.objects.create(
        plan=course.plan,
        owner="family",
        text="Vi vil have rolige morgener",
        life_area="parenting",
        status="reached",
    )
    GoalReview.objects.create(
        goal=goal, reviewed_on=timezone.localdate(), score=9, created_by=assigned_worker
    )
    who5(assigned_worker, course, mette, Occasion.BASELINE, 100, value=2)  # 40 %
    who5(assigned_worker, course, mette, Occasion.CLOSURE, 0, value=4)  # 80 %
    outcomes.measurement_record(
        by=assigned_worker,
        course=course,
        instrument=Instrument.objects.get(code="sdq_parent"),
        subject=noah,
        occasion=Occasion.BASELINE,
        measured_on=timezone.localdate() - dt.timedelta(days=100),
        answers={str(i): 1 for i in range(1, 26)} | {"26": 0},
        informant_member=mette,
    )
    outcomes.measurement_record(
        by=assigned_worker,
        course=course,
        instrument=Instrument.objects.get(code="sdq_parent"),
        subject=noah,
        occasion=Occasion.CLOSURE,
        measured_on=timezone.localdate(),
        answers={str(i): 0 for i in range(1, 26)} | {"26": 0},
        informant_member=mette,
    )
    _visit(course, assigned_worker, 90, "5", mette)  # ORS 20
    _visit(course, assigned_worker, 10, "8", mette)  # ORS 32
    outcomes.change_story_save(
        by=assigned_worker,
        course=course,
        data={
            "teller_member": mette,
            "told_on": timezone.localdate(),
            "domain": "daily_life",
            "title": "Morgenerne",
            "story": "Vi spiser morgenmad sammen nu.",
            "why_significant": "Noah kommer glad i skole.",
            "consent_to_use": True,
        },
    )
    criteria = {c.value: ("met", "") for c in Criterion} | {
        "network": ("partly", "Mormor er der, men er syg.")
    }
    closing.course_close(
        by=assigned_worker, course=course, data=service_data(noah, criteria=criteria)
    )
    return course


def test_closing_summary_pdf_holds_criteria_scores_and_no_cpr(
    client, rich_closed_course, radgiver, mette, noah, tmp_path
) -> None:
    course = rich_closed_course
    client.force_login(radgiver)

    response = client.get(url("closure_summary_pdf", course))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    today = timezone.localdate()
    assert (
        disposition == f'attachment; filename="afslutningsrapport-{course.pk}-{today:%Y-%m-%d}.pdf"'
    )
    text = pdf_text(response.content, tmp_path)
    assert "Afslutningsrapport: Familien Holmgård" in text
    assert "Et netværk, der kan være sikkerhedsnet Delvist opfyldt Mormor er der, men er syg." in (
        text
    )
    assert "Målene i familiens plan er nået Opfyldt" in text
    assert "Målene er nået" in text and "Almindelig familiebehandling" in text
    assert "Noah Holmgård Bor hjemme ved afslutningen" in text
    assert "Vi vil have rolige morgener Nået 9 af 10" in text
    # Pre/post: WHO-5 40 → 80 (+40), the SDQ total 20 → 10, each with its band.
    assert "WHO-5 Trivselsindeks: Mette Holmgård Udfyldt af: Personen selv" in text
    assert "Trivselsindeks 40 (Lav trivsel) 80 (Ingen tegn på lav trivsel) +40" in text
    assert "SDQ – forældreversion: Noah Holmgård Udfyldt af: Mette" in text
    assert "Samlede vanskeligheder 20 (Afvigende) 10 (Normal) −10" in text
    # FIT: first and last ORS.
    assert "Mette Holmgård 20,0" in text and "32,0" in text and "pålidelig forbedring" in text
    assert "4,0 timer leveret af" in text
    assert "Morgenerne" in text and "Vi spiser morgenmad sammen nu." in text
    assert "Må bruges anonymiseret i rapporter: Ja" in text
    assert FAMILY_WORDS in text and SUMMARY in text
    for member in (mette, noah):
        digits = member.cpr_digits()
        assert digits and digits not in text and f"{digits[:6]}-{digits[6:]}" not in text
        assert member.cpr_masked not in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, detail="closure_pdf")
    assert event.course_id == course.pk and event.actor == radgiver


def test_closing_summary_access(
    client, rich_closed_course, assigned_worker, leader, outsider, other_municipality_radgiver
) -> None:
    course = rich_closed_course
    pdf = url("closure_summary_pdf", course)
    for who, status in (
        (assigned_worker, 200),
        (leader, 200),
        (outsider, 404),
        (other_municipality_radgiver, 404),
    ):
        client.force_login(who)
        assert client.get(pdf).status_code == status, who
    # After the team's read access ends, only the rådgiver and leaders keep it.
    ended = timezone.localdate() - dt.timedelta(days=31)
    type(course).objects.filter(pk=course.pk).update(end_date=ended)
    client.force_login(assigned_worker)
    assert client.get(pdf).status_code == 404
    assert client.get(url("closure_detail", course)).status_code == 404


def test_pdf_of_an_active_course_is_not_found(client, course, assigned_worker) -> None:
    client.force_login(assigned_worker)
    assert client.get(url("closure_summary_pdf", course)).status_code == 404


# Query counts --------------------------------------------------------------------------------


def _measurements(by, course, mette, count: int) -> None:
    for i in range(count):
        who5(by, course, mette, Occasion.BASELINE if i == 0 else Occasion.FOLLOW_UP, 60 - i)


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_closure_pages_do_not_grow_with_the_measurements(
    client, course, assigned_worker, mette, noah, family
) -> None:
    other = FamilyFactory(municipality=family.municipality, caseworker=family.caseworker)
    FamilyMemberFactory(family=other, kind="caregiver", birth_date=dt.date(1980, 1, 1))
    child = FamilyMemberFactory(family=other, birth_date=dt.date(2015, 1, 1))
    many = CourseFactory(family=other, provider=course.provider, start_date=course.start_date)
    many.team.create(
        user=assigned_worker, role="behandler", hours_per_week=10, starts_on=course.start_date
    )
    parent = other.members.get(kind="caregiver")
    _measurements(assigned_worker, course, mette, 2)
    _measurements(assigned_worker, many, parent, 20)
    client.force_login(assigned_worker)

    assert _count(client, url("closure_create", course)) == _count(
        client, url("closure_create", many)
    )
    for c, member, kid in ((course, mette, noah), (many, parent, child)):
        who5(assigned_worker, c, member, Occasion.CLOSURE, 0)
        closing.course_close(
            by=assigned_worker, course=c, data=service_data(kid, children={kid.pk: True})
        )
    assert _count(client, url("closure_detail", course)) == _count(
        client, url("closure_detail", many)
    )
    assert Measurement.objects.filter(course=many).count() == 21


# A closed course is read-only through every screen --------------------------------------------


@pytest.fixture
def closed(course, assigned_worker, noah):
    start, _follow_up = meetings_schedule_initial(by=None, course=course)
    closing.course_close(by=assigned_worker, course=course, data=service_data(noah))
    course.refresh_from_db()
    return course, start


def test_closed_course_refuses_a_new_goal(client, closed, assigned_worker) -> None:
    course, _meeting = closed
    client.force_login(assigned_worker)
    data = {"version": 1, "whose": "family", "text": "Nyt mål", "life_area": "housing"}
    data["source"] = "family"

    response = client.post(url("plan_goal_create", course), data)

    assert response.status_code == 400
    assert "Forløbet er afsluttet. Planen kan læses, men ikke ændres." in response.content.decode()
    assert not Goal.objects.filter(text="Nyt mål").exists()


def test_closed_course_refuses_a_visit(client, closed, assigned_worker) -> None:
    course, _meeting = closed
    client.force_login(assigned_worker)

    response = client.post(url("visit_create", course), {"day": "2026-01-01"}, follow=True)

    assert response.redirect_chain[0] == (url("visit_list", course), 302)
    assert "Forløbet er afsluttet. Besøg kan ikke registreres." in response.content.decode()
    assert not Visit.objects.exists()


def test_closed_course_refuses_a_meeting_record(client, closed, assigned_worker) -> None:
    course, meeting = closed
    client.force_login(assigned_worker)
    data = {"held_on": timezone.localdate().isoformat(), "agreed": "Vi ses igen."}

    response = client.post(url("meeting_record", course, meeting.pk), data)

    assert response.status_code == 400
    assert "Forløbet er afsluttet. Møderne kan ikke ændres." in response.content.decode()
    assert not PlanMeeting.objects.filter(held_on__isnull=False).exists()


def test_closed_course_refuses_a_measurement(client, closed, assigned_worker, mette) -> None:
    course, _meeting = closed
    client.force_login(assigned_worker)
    data = {
        "instrument": "who5",
        "subject": str(mette.pk),
        "occasion": "closure",
        "measured_on": timezone.localdate().isoformat(),
        **{f"item_{i}": "4" for i in range(1, 6)},
    }

    response = client.post(url("measurement_create", course), data, follow=True)

    assert response.redirect_chain[0] == (url("measurement_list", course), 302)
    assert "Forløbet er afsluttet. Målingerne kan læses, men ikke ændres." in (
        response.content.decode()
    )
    assert not Measurement.objects.exists()


def test_closed_course_refuses_a_story(client, closed, assigned_worker, mette) -> None:
    course, _meeting = closed
    client.force_login(assigned_worker)
    data = {
        "teller_member": str(mette.pk),
        "told_on": timezone.localdate().isoformat(),
        "domain": "other",
        "title": "x",
        "story": "y",
        "why_significant": "z",
        "consent_to_use": "no",
    }

    response = client.post(url("story_create", course), data, follow=True)

    assert response.redirect_chain[0] == (url("story_list", course), 302)
    assert "Forløbet er afsluttet. Målinger og registreringer kan ikke ændres." in (
        response.content.decode()
    )
    assert not ChangeStory.objects.exists()
