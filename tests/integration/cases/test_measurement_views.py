"""The measurement screens (cases/views_measurements.py): entering an instrument by item number
with missing answers scored by the instrument's rules, bad input refused in Danish with every
typed answer kept, the plan (due → done, waived), who may read and record, the audit trail, a
closed course read-only, the pre/post section, the start-page panel and query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import outcome_services as outcomes
from cases import panels_measurements
from cases.models import (
    Course,
    CourseStatus,
    Instrument,
    Measurement,
    MeasurementDue,
    Occasion,
)
from familieberedskab.models import AuditAction, AuditEvent
from staffing.models import Role, User
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def noah(family):
    return family.members.get(first_name="Noah")  # born 30.9.2016: under 11 until 2027


def today() -> dt.date:
    return timezone.localdate()


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def who5_post(subject, *, occasion="baseline", day=None, **items) -> dict:
    data = {
        "instrument": "who5",
        "subject": str(subject.pk),
        "occasion": occasion,
        "measured_on": (day or today()).isoformat(),
    }
    data |= {f"item_{i}": "3" for i in range(1, 6)}
    data |= {k: str(v) for k, v in items.items()}
    return data


def sdq_post(subject, informant, *, code="sdq_parent", **items) -> dict:
    data = {
        "instrument": code,
        "subject": str(subject.pk),
        "occasion": "baseline",
        "measured_on": today().isoformat(),
    }
    if informant is not None:
        data["informant_member"] = str(informant.pk)
    data |= {f"item_{i}": "1" for i in range(1, 26)}
    data["item_26"] = "0"
    data |= {k: str(v) for k, v in items.items()}
    return data


def checked(html: str, item: int, value: str) -> bool:
    """Whether item ``item`` has ``value`` checked in the rendered form."""
    pattern = rf'<input type="radio" name="item_{item}" value="{value}"[^>]*\bchecked\b'
    return re.search(pattern, html) is not None


def record(by, course, code, subject, *, occasion=Occasion.BASELINE, days_ago=10, **kw):
    return outcomes.measurement_record(
        by=by,
        course=course,
        instrument=Instrument.objects.get(code=code),
        subject=subject,
        occasion=occasion,
        measured_on=today() - dt.timedelta(days=days_ago),
        **kw,
    )


# Entry --------------------------------------------------------------------------------------


def test_sdq_with_missing_answers_is_scored_by_the_rules(
    client, course, assigned_worker, mette, noah
) -> None:
    # Emotional: 3 of 5 answered (scored); peer: 2 of 5 (missing, and so the total).
    skipped = {"item_3": "", "item_8": "", "item_6": "", "item_11": "", "item_14": ""}
    client.force_login(assigned_worker)

    response = client.post(
        url("measurement_create", course), sdq_post(noah, mette, **skipped), follow=True
    )

    measurement = Measurement.objects.get()
    scales = measurement.scores["scales"]
    assert scales["emotional"] == 5  # floor(0.5 + 5 × 1)
    assert scales["peer"] is None
    assert scales["total"] is None and scales["internalising"] is None
    assert scales["externalising"] == 10
    assert scales["impact"] == 0  # item 26 answered 0: no difficulties, no impact
    assert measurement.answers["3"] is None and measurement.answers["1"] == 1
    assert measurement.informant_member == mette
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url("measurement_detail", course, measurement.pk)
    assert "Målingen er gemt." in html
    assert "Ikke besvaret: punkt 3, 6, 8, 11, 14, 27, 28, 29, 30 og 31." in html
    peer = re.search(r'data-scale="peer">(.*?)</tr>', html, re.S).group(1)
    assert "Kunne ikke beregnes: færre end 3 af skalaens punkter er besvaret." in peer
    emotional = re.search(r'data-scale="emotional">(.*?)</tr>', html, re.S).group(1)
    assert ">5<" in emotional and "Afvigende" in emotional  # UK parent band 5–10
    assert "SDQ – britiske 3-båndsgrænser (original)" in html
    assert "Der bruges britiske bånd, medmindre en dansk normtabel er indlæst." in html


def test_who5_result_shows_percentage_band_and_flags(client, course, assigned_worker, mette):
    client.force_login(assigned_worker)
    items = {"item_1": 1, "item_2": 2, "item_3": 3, "item_4": 2, "item_5": 2}  # raw 10 → 40

    response = client.post(url("measurement_create", course), who5_post(mette, **items))

    measurement = Measurement.objects.get()
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    row = re.search(r'data-scale="percentage">(.*?)</tr>', html, re.S).group(1)
    assert ">40<" in row and "Lav trivsel" in row and "0–100" in row
    flags = re.search(r'data-testid="measurement-flags">(.*?)</div>', html, re.S).group(1)
    assert "≤ 50: lav trivsel – overvej screening for depression" in flags
    assert "Et punkt på 0–1" in flags
    assert "WHO-5 – screeningsgrænse" in html
    assert measurement.scores["flags"] == ["poor_wellbeing", "item_low"]


def test_forged_and_out_of_range_answers_are_refused_and_typed_answers_kept(
    client, course, assigned_worker, mette
) -> None:
    client.force_login(assigned_worker)
    data = who5_post(mette, item_1=4, item_2=7, item_3="x", item_4=0, item_5="")

    response = client.post(url("measurement_create", course), data)

    assert response.status_code == 400
    assert not Measurement.objects.exists()
    html = response.content.decode()
    assert "Målingen er ikke gemt. Ret fejlene nedenfor – dine svar er bevaret." in html
    assert "Ugyldige svar ved punkt 2, 3. Vælg et af de tilladte svar." in html
    item_2 = re.search(r'data-item="2"(.*?)</fieldset>', html, re.S).group(1)
    assert "Vælg 0, 1, 2, 3, 4 eller 5 – eller «Ikke besvaret»." in item_2
    assert checked(html, 1, "4") and checked(html, 4, "0") and checked(html, 5, "")
    assert re.search(rf'name="subject" value="{mette.pk}"[^>]*checked', html)


def test_impact_items_take_0_to_3_main_items_only_0_to_2(
    client, course, assigned_worker, mette, noah
):
    client.force_login(assigned_worker)
    data = sdq_post(noah, mette, item_26=2, item_27=3, item_28=2, item_29=0, item_30=1, item_31=3)

    refused = client.post(url("measurement_create", course), data | {"item_5": "3"})
    assert refused.status_code == 400
    assert "Ugyldige svar ved punkt 5." in refused.content.decode()
    assert checked(refused.content.decode(), 27, "3")  # the impact answer kept

    saved = client.post(url("measurement_create", course), data)
    assert saved.status_code == 302
    assert Measurement.objects.get().scores["scales"]["impact"] == 2 + 1 + 0 + 0 + 2


def test_self_report_for_a_child_under_11_is_refused_in_danish(
    client, course, assigned_worker, noah
) -> None:
    client.force_login(assigned_worker)
    data = sdq_post(noah, None, code="sdq_self", item_4=2)

    response = client.post(url("measurement_create", course), data)

    assert response.status_code == 400
    html = response.content.decode()
    age = noah.age_on(today())
    assert (
        f"SDQ – selvrapport (11–17 år) kan kun bruges om personer på 11–17 år (Noah er {age})."
        in html
    )
    subject = re.search(r'data-testid="field-subject"(.*?)</fieldset>', html, re.S).group(1)
    assert "kan kun bruges om personer på 11–17 år" in subject  # on the field it concerns
    assert checked(html, 4, "2")
    assert not Measurement.objects.exists()


def test_parent_version_needs_a_parent_and_teacher_version_a_description(
    client, course, assigned_worker, mette, noah
) -> None:
    client.force_login(assigned_worker)
    as_child = client.post(url("measurement_create", course), sdq_post(noah, noah))
    assert as_child.status_code == 400
    assert "Vælg en af familiens forældre." in as_child.content.decode()

    teacher = sdq_post(noah, None, code="sdq_teacher")
    nameless = client.post(url("measurement_create", course), teacher)
    assert nameless.status_code == 400
    assert "Skriv hvem der udfyldte skemaet (fx klasselærer)." in nameless.content.decode()

    named = client.post(
        url("measurement_create", course), teacher | {"informant_description": "Klasselærer"}
    )
    assert named.status_code == 302
    assert Measurement.objects.get().informant_description == "Klasselærer"


def test_form_shows_items_by_number_with_labels_and_a_count(
    client, course, assigned_worker
) -> None:
    Instrument.objects.filter(code="who5").update(item_labels={"2": "Rolig og afslappet"})
    client.force_login(assigned_worker)

    html = client.get(url("measurement_create", course) + "?instrument=who5").content.decode()

    assert len(re.findall(r'data-testid="measurement-item"', html)) == 5
    assert 'Punkt 2</span> <span class="text-muted small">Rolig og afslappet' in html
    assert checked(html, 1, "") and not checked(html, 1, "0")  # "ikke besvaret" until tapped
    assert "Besvaret: <span data-answered-count>0</span> af 5 punkter" in html
    assert "js/measurements.js" in html


def test_choose_page_offers_planned_measurements_and_instruments(
    client, course, assigned_worker
) -> None:
    outcomes.measurements_plan_initial(course=course)
    client.force_login(assigned_worker)

    html = client.get(url("measurement_create", course)).content.decode()

    assert html.count('data-testid="measurement-choose-due"') == 3
    assert html.count('data-testid="measurement-choose-instrument"') == 5
    unknown = client.post(url("measurement_create", course), {"instrument": "nope"})
    assert unknown.status_code == 400


# The plan -----------------------------------------------------------------------------------


def test_a_planned_measurement_is_preselected_and_done_when_recorded(
    client, course, assigned_worker, mette
) -> None:
    outcomes.measurements_plan_initial(course=course)
    due = MeasurementDue.objects.get(instrument__code="who5")
    client.force_login(assigned_worker)

    form = client.get(url("measurement_create", course) + f"?due={due.pk}").content.decode()
    assert re.search(rf'name="subject" value="{mette.pk}"[^>]*checked', form)
    assert re.search(r'name="occasion" value="baseline"[^>]*checked', form)
    assert "Planlagt måling: Start for Mette" in form

    data = who5_post(mette) | {"due": str(due.pk)}
    response = client.post(url("measurement_create", course) + f"?due={due.pk}", data)

    due.refresh_from_db()
    assert response.status_code == 302
    assert due.measurement == Measurement.objects.get()
    listing = client.get(url("measurement_list", course)).content.decode()
    row = re.search(r'data-state="done" data-instrument="who5"(.*?)</li>', listing, re.S)
    assert row and f"Udført {today():%d.%m.%Y}" in row.group(1)
    assert client.get(url("measurement_create", course) + f"?due={due.pk}").status_code == 302


def test_overdue_and_open_measurements_on_the_plan(client, course, assigned_worker) -> None:
    Course.objects.filter(pk=course.pk).update(start_date=today() - dt.timedelta(days=40))
    course.refresh_from_db()
    outcomes.measurements_plan_initial(course=course)  # due 19 days ago
    outcomes.measurements_plan(course=course, occasion=Occasion.FOLLOW_UP, due_on=today())
    client.force_login(assigned_worker)

    html = client.get(url("measurement_list", course)).content.decode()

    assert html.count('data-state="overdue"') == 3 * 2  # the row and its badge
    assert html.count('data-state="open"') == 3 * 2
    assert html.count('data-testid="measurement-due-record"') == 6


def test_waive_needs_a_reason_and_shows_it(client, course, assigned_worker) -> None:
    outcomes.measurements_plan_initial(course=course)
    due = MeasurementDue.objects.get(instrument__code="pss")
    client.force_login(assigned_worker)

    empty = client.post(url("measurement_waive", course, due.pk), {"waived_reason": "  "})
    assert empty.status_code == 400
    assert "Skriv hvorfor målingen ikke udføres." in empty.content.decode()

    response = client.post(
        url("measurement_waive", course, due.pk), {"waived_reason": "Mor ønskede ikke at svare"}
    )

    due.refresh_from_db()
    assert response.status_code == 302 and not due.is_open
    assert due.waived_by == assigned_worker
    html = client.get(url("measurement_list", course)).content.decode()
    row = re.search(r'data-state="waived" data-instrument="pss"(.*?)</li>', html, re.S).group(1)
    assert "Undladt" in row and "Mor ønskede ikke at svare" in row
    event = AuditEvent.objects.get(object_type="cases.measurementdue", action=AuditAction.UPDATE)
    assert event.fields == ["waived_reason"] and event.values == {}


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["assigned_worker", "team_colleague", "radgiver"])
def test_team_and_radgiver_record(request, client, course, mette, who) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.post(url("measurement_create", course), who5_post(mette))
    assert response.status_code == 302
    assert Measurement.objects.get().created_by.username == request.getfixturevalue(who).username


def test_leader_reads_but_does_not_record(client, course, leader, assigned_worker, mette) -> None:
    measurement = record(
        assigned_worker, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)}
    )
    outcomes.measurements_plan_initial(course=course)
    due = MeasurementDue.objects.filter(measurement__isnull=True).first()
    client.force_login(leader)

    listing = client.get(url("measurement_list", course))
    assert listing.status_code == 200
    assert 'data-testid="measurement-create-link"' not in listing.content.decode()
    assert 'data-testid="measurement-due-record"' not in listing.content.decode()
    assert client.get(url("measurement_detail", course, measurement.pk)).status_code == 200
    assert client.get(url("measurement_create", course)).status_code == 403
    assert client.post(url("measurement_create", course), who5_post(mette)).status_code == 403
    assert (
        client.post(url("measurement_waive", course, due.pk), {"waived_reason": "x"}).status_code
        == 403
    )
    assert Measurement.objects.count() == 1


def test_outsider_gets_404_and_projektleder_403(
    client, course, outsider, projektleder, assigned_worker, mette
) -> None:
    measurement = record(
        assigned_worker, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)}
    )
    client.force_login(outsider)  # same provider, not on the team
    for path in (
        url("measurement_list", course),
        url("measurement_detail", course, measurement.pk),
        url("measurement_create", course),
    ):
        assert client.get(path).status_code == 404, path
    client.force_login(projektleder)
    assert client.get(url("measurement_list", course)).status_code == 403
    assert client.get(url("measurement_detail", course, measurement.pk)).status_code == 403


def test_a_measurement_of_another_course_is_404(
    client, course, family, assigned_worker, mette, provider
) -> None:
    other = CourseFactory(family=family, provider=provider, status=CourseStatus.CLOSED)
    TeamAssignmentFactory(course=other, user=assigned_worker)
    measurement = record(
        assigned_worker, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)}
    )
    client.force_login(assigned_worker)
    assert client.get(url("measurement_detail", other, measurement.pk)).status_code == 404


# Audit --------------------------------------------------------------------------------------


def test_reads_and_writes_are_audited(client, course, assigned_worker, mette) -> None:
    client.force_login(assigned_worker)
    client.post(url("measurement_create", course), who5_post(mette))
    measurement = Measurement.objects.get()
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.measurement")
    assert created.actor == assigned_worker and created.course_id == course.pk
    assert "answers" in created.fields and set(created.values) == {"instrument", "occasion"}

    client.get(url("measurement_list", course))
    client.get(url("measurement_detail", course, measurement.pk))

    course_view = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.course", detail="outcomes"
    )
    assert course_view.count() >= 2  # the form and the list
    listed = AuditEvent.objects.get(action=AuditAction.LIST, object_type="cases.measurement")
    assert listed.object_id == str(measurement.pk) and listed.detail == "maalinger"
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.measurement", object_id=str(measurement.pk)
    ).exists()


# A closed course ------------------------------------------------------------------------------


def test_closed_course_is_read_only_through_the_views(
    client, course, assigned_worker, mette
) -> None:
    outcomes.measurements_plan_initial(course=course)
    due = MeasurementDue.objects.get(instrument__code="pss")
    record(assigned_worker, course, "who5", mette, answers={str(i): 3 for i in range(1, 6)})
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED, end_date=today())
    client.force_login(assigned_worker)

    posted = client.post(url("measurement_create", course), who5_post(mette), follow=True)
    waived = client.post(
        url("measurement_waive", course, due.pk), {"waived_reason": "For sent"}, follow=True
    )

    message = "Forløbet er afsluttet. Målingerne kan læses, men ikke ændres."
    for response in (posted, waived):
        assert response.redirect_chain[0] == (url("measurement_list", course), 302)
        assert message in response.content.decode()
    assert Measurement.objects.count() == 1
    due.refresh_from_db()
    assert due.is_open
    html = client.get(url("measurement_list", course)).content.decode()
    assert 'data-testid="measurement-create-link"' not in html
    assert 'data-testid="measurement-due-waive"' not in html
    assert 'data-testid="measurement-closed"' in html


def card(html: str, member_pk: int) -> str:
    return re.search(rf'id="prepost-{member_pk}-heading"(.*?)</article>', html, re.S).group(1)


# Pre/post -----------------------------------------------------------------------------------


def test_pre_post_shows_change_meaningfulness_and_a_chart(
    client, course, assigned_worker, mette, noah
) -> None:
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
    record(
        assigned_worker,
        course,
        "sdq_parent",
        noah,
        days_ago=20,
        informant_member=mette,
        answers={str(i): 1 for i in range(1, 26)} | {"26": 0},
    )
    client.force_login(assigned_worker)

    html = client.get(url("measurement_list", course)).content.decode()

    mette_card = card(html, mette.pk)
    percentage = re.search(r'data-scale="percentage">(.*?)</tr>', mette_card, re.S).group(1)
    assert ">40 <" in percentage and ">60 <" in percentage
    assert "+20" in percentage and "(bedre)" in percentage
    assert re.search(r'data-testid="prepost-meaningful"><span class="badge[^"]*">Ja<', percentage)
    assert f'<title id="prepost-{mette.pk}-title">Før og efter for Mette</title>' in mette_card
    assert (
        "WHO-5 Trivselsindeks: Trivselsindeks fra 40 (Lav trivsel) til 60 (Ingen tegn på lav "
        "trivsel), 20 højere (bedre) – en betydende ændring." in mette_card
    )
    assert f'data-testid="prepost-{mette.pk}-table"' in mette_card
    noah_card = card(html, noah.pk)
    assert "SDQ – forældreversion, udfyldt af Mette" in noah_card
    assert "SDQ – forældreversion, udfyldt af Mette, kun første måling:" in noah_card
    assert noah_card.count('class="prepost-before"') == 7  # total, five scales, impact


# Query counts ---------------------------------------------------------------------------------


def _seed(by, course, mette, noah, count: int) -> None:
    for i in range(count // 2):
        occasion = Occasion.BASELINE if i == 0 else Occasion.FOLLOW_UP
        record(
            by,
            course,
            "who5",
            mette,
            occasion=occasion,
            days_ago=25 - i,
            answers={str(n): (i % 5) + 1 for n in range(1, 6)},
        )
        record(
            by,
            course,
            "sdq_parent",
            noah,
            occasion=occasion,
            days_ago=25 - i,
            informant_member=mette,
            answers={str(n): i % 3 for n in range(1, 26)}
            | {"26": 1, "27": 1, "28": 2, "29": 0, "30": 3, "31": 1},
        )


def test_list_page_queries_do_not_grow_with_measurements(
    client, course, assigned_worker, mette, noah, django_assert_max_num_queries
) -> None:
    outcomes.measurements_plan_initial(course=course)
    client.force_login(assigned_worker)
    _seed(assigned_worker, course, mette, noah, 2)

    with CaptureQueriesContext(connection) as few:
        assert client.get(url("measurement_list", course)).status_code == 200
    _seed(assigned_worker, course, mette, noah, 20)
    assert Measurement.objects.count() == 22

    with django_assert_max_num_queries(len(few)):
        response = client.get(url("measurement_list", course))
    assert response.content.decode().count('data-testid="measurement-result"') == 22


def test_detail_and_form_take_few_queries(
    client, course, assigned_worker, mette, noah, django_assert_max_num_queries
) -> None:
    measurement = record(
        assigned_worker,
        course,
        "sdq_parent",
        noah,
        informant_member=mette,
        answers={str(i): 1 for i in range(1, 26)} | {"26": 0},
    )
    client.force_login(assigned_worker)
    with django_assert_max_num_queries(10):
        client.get(url("measurement_detail", course, measurement.pk))
    with django_assert_max_num_queries(13):
        client.get(url("measurement_create", course) + "?instrument=sdq_parent")


# The start-page panel -------------------------------------------------------------------------


def _panel(user: User):
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        panel = panels_measurements.measurements_due(request)
    return panel, len(captured)


def _another_course(radgiver, provider, worker, name: str, started_days_ago: int) -> Course:
    family = FamilyFactory(name=name, municipality=radgiver.organisation, caseworker=radgiver)
    FamilyMemberFactory(
        family=family, kind="caregiver", first_name="Far", birth_date=dt.date(1980, 1, 1)
    )
    FamilyMemberFactory(family=family, first_name="Ida", birth_date=dt.date(2014, 1, 1))
    course = CourseFactory(
        family=family, provider=provider, start_date=today() - dt.timedelta(days=started_days_ago)
    )
    TeamAssignmentFactory(course=course, user=worker, role=Role.BEHANDLER)
    outcomes.measurements_plan_initial(course=course)
    return course


def test_panel_lists_overdue_then_soon_due_on_my_courses(
    course, assigned_worker, team_colleague, radgiver, provider, family
) -> None:
    Course.objects.filter(pk=course.pk).update(start_date=today() - dt.timedelta(days=30))
    course.refresh_from_db()
    outcomes.measurements_plan_initial(course=course)  # due 9 days ago: overdue
    soon = _another_course(radgiver, provider, assigned_worker, "Familien Snart", 14)  # in 7 days
    _another_course(radgiver, provider, assigned_worker, "Familien Senere", 0)  # in 21 days
    _another_course(radgiver, provider, team_colleague, "Familien Ikke Min", 30)  # not my team

    panel, _ = _panel(assigned_worker)

    rows = panel.context["rows"]
    assert [r.course.family.name for r in rows] == ["Familien Holmgård", "Familien Snart"]
    assert rows[0].overdue == 3 and rows[0].soon == 0
    assert rows[1].course == soon and rows[1].overdue == 0
    assert rows[1].soon == 4  # Ida is 12: the parent SDQ and her own, WHO-5 and PSS for her father
    listed = AuditEvent.objects.filter(actor=assigned_worker, action=AuditAction.LIST)
    assert sorted(listed.values_list("object_id", flat=True)) == sorted(
        [str(family.pk), str(soon.family_id)]
    )
    assert set(listed.values_list("detail", flat=True)) == {"forside"}


def test_panel_takes_two_queries_however_many_courses(
    course, assigned_worker, radgiver, provider
) -> None:
    _another_course(radgiver, provider, assigned_worker, "Familien A", 25)
    _, few = _panel(assigned_worker)
    for i in range(4):
        _another_course(radgiver, provider, assigned_worker, f"Familien B{i}", 25)

    panel, many = _panel(assigned_worker)

    assert len(panel.context["rows"]) == 5
    assert many == few <= 3  # the user's roles, the planned measurements, the audit rows


def test_panel_is_for_the_team_only(course, leader, radgiver, projektleder) -> None:
    for user in (leader, radgiver, projektleder):
        panel, queries = _panel(user)
        assert panel is None and queries <= 1  # the roles only


def test_panel_leaves_out_closed_done_and_waived(course, assigned_worker) -> None:
    Course.objects.filter(pk=course.pk).update(start_date=today() - dt.timedelta(days=30))
    course.refresh_from_db()
    outcomes.measurements_plan_initial(course=course)
    pss = MeasurementDue.objects.get(instrument__code="pss")
    outcomes.measurement_due_waive(by=assigned_worker, due=pss, reason="Ikke relevant")

    panel, _ = _panel(assigned_worker)
    assert {d.instrument.code for d in panel.context["rows"][0].dues} == {"sdq_parent", "who5"}

    Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED, end_date=today())
    panel, _ = _panel(assigned_worker)
    assert panel.context["rows"] == []


def test_home_page_shows_the_panel(client, course, assigned_worker) -> None:
    Course.objects.filter(pk=course.pk).update(start_date=today() - dt.timedelta(days=30))
    course.refresh_from_db()
    outcomes.measurements_plan_initial(course=course)
    client.force_login(assigned_worker)

    html = client.get(reverse("home")).content.decode()

    panel = re.search(r'data-testid="panel-measurements">(.*?)</section>', html, re.S).group(1)
    assert "Familien Holmgård" in panel and "3 overskredet" in panel
    assert url("measurement_list", course) in panel


def test_course_page_links_to_the_measurements(client, course, assigned_worker) -> None:
    client.force_login(assigned_worker)
    html = client.get(reverse("cases:course_detail", args=[course.pk])).content.decode()
    assert (
        f'href="{url("measurement_list", course)}" data-testid="course-measurements-link"' in html
    )
