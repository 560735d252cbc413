"""FIT alerts on screen (issue 5, item 5): the course's alert list (open first, red before
good news, every reason in plain Danish with its numbers), acknowledging with a note (plain
and inline with htmx; a clear Danish error keeps the text), who may do what, the audit trail,
and the start-page panel (contents, audit, constant queries)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import panels_fit
from cases import visit_services as visits
from cases.models import (
    ActivityType,
    AlertKind,
    AlertLevel,
    Course,
    CourseStatus,
    FitAlert,
    FitRater,
    FitScale,
    Visit,
)
from familieberedskab.models import AuditAction, AuditEvent
from staffing.models import Role, User
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
)
from tests.factories.staffing import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Vi talte med Mette om sessionen og begynder næste gang med hendes mål."


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


@pytest.fixture
def authority_leader(ishoj) -> User:
    """The socialfaglig leder of Ishøj: reads the municipality's courses, does not run them."""
    return UserFactory(username="socialleder", organisation=ishoj, roles=[Role.LEDER])


def local(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def record(by: User, course: Course, members, days_ago: int, fit) -> Visit:
    return visits.visit_record(
        by=by,
        course=course,
        data=visits.VisitInput(
            starts_at=local(days_ago),
            ends_at=local(days_ago) + dt.timedelta(hours=1),
            place="home",
            staff_ids=[by.pk],
            family_ids=[m.pk for m in members],
            activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
            fit=[
                visits.FitEntry(client_id=m.pk, scale=scale, items=items) for m, scale, items in fit
            ],
        ),
    )


@pytest.fixture
def alliance(course, assigned_worker, mette) -> FitAlert:
    """An SRS of 34 (9, 9, 8, 8): below 36, items 3 and 4 below 9."""
    record(assigned_worker, course, [mette], 2, [(mette, FitScale.SRS, ["9", "9", "8", "8"])])
    return FitAlert.objects.get()


@pytest.fixture
def three(course, assigned_worker, mette) -> dict[str, FitAlert]:
    """Session 1: ORS 20, SRS 38. Session 2: ORS 26 (+6 across 25: improvement and
    recovery, good news) and SRS 34 (alliance: total, items 3 and 4, a drop of 4)."""
    record(
        assigned_worker,
        course,
        [mette],
        5,
        [(mette, FitScale.ORS, ["5"] * 4), (mette, FitScale.SRS, ["9.5"] * 4)],
    )
    record(
        assigned_worker,
        course,
        [mette],
        2,
        [(mette, FitScale.ORS, ["6.5"] * 4), (mette, FitScale.SRS, ["9", "9", "8", "8"])],
    )
    return {a.kind: a for a in FitAlert.objects.all()}


def list_url(course: Course) -> str:
    return reverse("cases:fit_alert_list", args=[course.pk])


def ack_url(alert: FitAlert) -> str:
    return reverse("cases:fit_alert_acknowledge", args=[alert.course_id, alert.pk])


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]


# The list ------------------------------------------------------------------------------------


def test_list_shows_open_alerts_red_first_in_plain_danish(
    client, course, assigned_worker, three
) -> None:
    client.force_login(assigned_worker)
    html = client.get(list_url(course)).content.decode()

    opened = section(html, "fit-alerts-open")
    cards = opened.split('data-testid="fit-alert"')[1:]
    # Red first; the two pieces of good news (same visit) newest-raised first.
    assert [c.split('data-kind="', 1)[1].split('"', 1)[0] for c in cards] == [
        "alliance",
        "recovery",
        "improvement",
    ]
    alliance = cards[0]
    assert "Alliance" in alliance and "Mette, session 2" in alliance
    assert "SRS 34,0 er under 36" in alliance
    assert "punkt 3 (Måden vi arbejdede på): 8,0 er under 9" in alliance
    assert "punkt 4 (Alt i alt): 8,0 er under 9" in alliance
    assert "faldet 4,0 point siden sidst (fra 38,0 til 34,0)" in alliance
    assert "Spørg Mette" in alliance
    good = "".join(cards[1:])
    assert good.count('data-level="good"') == 2 and "Godt nyt" in good
    assert "Pålidelig fremgang" in good and "Over den kliniske grænse" in good
    assert "ORS fra 20,0 i første session til 26,0 nu (+6,0 point)" in good
    assert "under grænsen på 25" in good
    assert "text-bg-success" in good and "text-bg-danger" not in good
    note = html.split('data-testid="fit-alert-rules-note"', 1)[1].split("</p>", 1)[0]
    assert "tilnærmelse" in note and "3 og 6 sessioner" in note and "mindst 5 point" in note
    assert "Ingen kvitterede alarmer endnu." in section(html, "fit-alerts-acknowledged")


def test_progress_alerts_say_level_and_session(client, course, assigned_worker, mette) -> None:
    for days_ago, each in ((9, "5"), (6, "5.2"), (3, "5.3")):
        record(assigned_worker, course, [mette], days_ago, [(mette, FitScale.ORS, [each] * 4)])
    client.force_login(assigned_worker)
    html = client.get(list_url(course)).content.decode()
    assert "Ingen pålidelig fremgang efter 3 sessioner (gul)" in html
    assert "ORS fra 20,0 i første session til 21,2 nu (+1,2 point)" in html
    assert 'data-level="amber"' in html


def test_acknowledged_alerts_show_who_when_and_what_we_did(
    client, course, assigned_worker, team_colleague, alliance
) -> None:
    visits.alert_acknowledge(by=team_colleague, alert=alliance, note=NOTE)
    client.force_login(assigned_worker)
    html = client.get(list_url(course)).content.decode()

    assert "Ingen åbne alarmer." in section(html, "fit-alerts-open")
    done = section(html, "fit-alerts-acknowledged")
    assert 'data-open="false"' in done and "SRS 34,0 er under 36" in done
    when = timezone.localtime(FitAlert.objects.get().acknowledged_at).strftime("%d.%m.%Y %H:%M")
    assert f"Kvitteret af {team_colleague.full_name} {when}" in done
    assert NOTE in done
    assert "fit-alert-acknowledge-link" not in done


# Acknowledging -------------------------------------------------------------------------------


def test_acknowledge_with_a_note_moves_the_alert(client, course, assigned_worker, alliance) -> None:
    client.force_login(assigned_worker)
    form = client.get(ack_url(alliance)).content.decode()
    assert "SRS 34,0 er under 36" in form and 'name="acknowledgement"' in form

    response = client.post(ack_url(alliance), {"acknowledgement": f"  {NOTE}  "})

    assert response.status_code == 302 and response["Location"] == list_url(course)
    alliance.refresh_from_db()
    assert alliance.acknowledged_by == assigned_worker and alliance.acknowledgement == NOTE
    page = client.get(list_url(course)).content.decode()
    assert "Alarmen er kvitteret." in page
    assert NOTE in section(page, "fit-alerts-acknowledged")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cases.fitalert")
    assert event.object_id == str(alliance.pk) and event.actor == assigned_worker
    assert event.fields == ["acknowledged_at", "acknowledgement"]
    assert event.family_id == course.family_id and NOTE not in str(event.values)


@pytest.mark.parametrize("note", ["", "   "])
def test_a_note_is_required(client, assigned_worker, alliance, note) -> None:
    client.force_login(assigned_worker)
    response = client.post(ack_url(alliance), {"acknowledgement": note})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Alarmen er ikke kvitteret." in html
    assert "Skriv hvad I har gjort ved det." in html
    alliance.refresh_from_db()
    assert alliance.is_open


def test_a_too_long_note_is_refused_and_the_text_kept(client, assigned_worker, alliance) -> None:
    client.force_login(assigned_worker)
    long = "Vi talte længe. " * 130  # 2,080 characters
    response = client.post(ack_url(alliance), {"acknowledgement": long})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv højst 2000 tegn" in html
    assert long.strip() in html  # in the textarea, nothing lost
    alliance.refresh_from_db()
    assert alliance.is_open


def test_acknowledged_meanwhile_is_refused_and_the_text_kept(
    client, assigned_worker, team_colleague, alliance
) -> None:
    client.force_login(assigned_worker)
    client.get(ack_url(alliance))
    visits.alert_acknowledge(by=team_colleague, alert=alliance, note="Pædagogen tog den.")

    response = client.post(ack_url(alliance), {"acknowledgement": NOTE})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Alarmen er allerede kvitteret." in html and NOTE in html
    assert FitAlert.objects.get().acknowledgement == "Pædagogen tog den."


def test_an_alert_replaced_by_a_correction_sends_back_to_the_list(
    client, course, assigned_worker, alliance
) -> None:
    visit = alliance.visit
    visits.visit_correct(
        by=assigned_worker,
        visit=visit,
        data=visits.VisitInput(
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            place="home",
            staff_ids=[assigned_worker.pk],
            family_ids=[alliance.client_id],
            activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
            fit=[visits.FitEntry(alliance.client_id, FitScale.SRS, ["9", "9", "8", "7.5"])],
        ),
        reason="Tastefejl",
        expected_version=1,
    )
    assert not FitAlert.objects.filter(pk=alliance.pk).exists()
    client.force_login(assigned_worker)

    response = client.post(ack_url(alliance), {"acknowledgement": NOTE})

    assert response.status_code == 302 and response["Location"] == list_url(course)
    page = client.get(list_url(course)).content.decode()
    assert "Alarmen findes ikke længere, fordi besøget er rettet." in page
    assert "SRS 33,5 er under 36" in page  # the new alert, still open


def test_inline_form_with_htmx(client, course, assigned_worker, alliance) -> None:
    client.force_login(assigned_worker)
    htmx = {"HTTP_HX_REQUEST": "true"}
    list_html = client.get(list_url(course)).content.decode()
    assert f'hx-get="{ack_url(alliance)}"' in list_html
    assert f'hx-target="#alert-{alliance.pk}-form"' in list_html

    form = client.get(ack_url(alliance), **htmx).content.decode()
    assert "<html" not in form and f'hx-post="{ack_url(alliance)}"' in form

    refused = client.post(ack_url(alliance), {"acknowledgement": " "}, **htmx)
    assert refused.status_code == 200  # htmx swaps only 2xx: the form comes back with its error
    assert "Skriv hvad I har gjort ved det." in refused.content.decode()
    assert "HX-Retarget" not in refused

    done = client.post(ack_url(alliance), {"acknowledgement": NOTE}, **htmx)

    assert done.status_code == 200
    assert done["HX-Retarget"] == "#fit-alert-lists" and done["HX-Reswap"] == "outerHTML"
    body = done.content.decode()
    assert 'id="fit-alert-lists"' in body and "<html" not in body
    assert "Alarmen er kvitteret." in body
    assert NOTE in section(body, "fit-alerts-acknowledged")
    assert "Ingen åbne alarmer." in section(body, "fit-alerts-open")


def test_the_providers_leader_acknowledges(client, course, leader, alliance) -> None:
    client.force_login(leader)
    assert client.post(ack_url(alliance), {"acknowledgement": NOTE}).status_code == 302
    assert FitAlert.objects.get().acknowledged_by == leader


# Who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "read", "acknowledge"),
    [
        ("assigned_worker", 200, 302),
        ("team_colleague", 200, 302),
        ("leader", 200, 302),
        ("radgiver", 200, 403),
        ("authority_leader", 200, 403),
        ("outsider", 404, 404),
        ("other_provider_leader", 404, 404),
        ("other_municipality_radgiver", 404, 404),
        ("projektleder", 403, 403),
        ("administrator", 403, 403),
    ],
)
def test_access(client, request, course, alliance, who, read, acknowledge) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(list_url(course)).status_code == read
    assert client.get(ack_url(alliance)).status_code == (200 if acknowledge == 302 else acknowledge)
    assert client.post(ack_url(alliance), {"acknowledgement": NOTE}).status_code == acknowledge
    alliance.refresh_from_db()
    assert alliance.is_open == (acknowledge != 302)


def test_read_only_users_see_no_acknowledge_button(client, course, radgiver, alliance) -> None:
    client.force_login(radgiver)
    html = client.get(list_url(course)).content.decode()
    assert "SRS 34,0 er under 36" in html and "fit-alert-acknowledge-link" not in html


def test_service_refuses_the_authority_leader_and_readers(
    alliance, authority_leader, radgiver, outsider
) -> None:
    for user in (authority_leader, radgiver):
        with pytest.raises(PermissionDenied):
            visits.alert_acknowledge(by=user, alert=alliance, note=NOTE)
    with pytest.raises(Http404):
        visits.alert_acknowledge(by=outsider, alert=alliance, note=NOTE)
    assert FitAlert.objects.get().is_open


def test_an_alert_is_not_acknowledged_under_another_course(
    client, course, assigned_worker, alliance, provider
) -> None:
    other = CourseFactory(family=course.family, provider=provider)
    TeamAssignmentFactory(course=other, user=assigned_worker)
    client.force_login(assigned_worker)
    url = reverse("cases:fit_alert_acknowledge", args=[other.pk, alliance.pk])
    response = client.post(url, {"acknowledgement": NOTE})
    # Not this course's alert: back to that course's list, as for an alert that is gone.
    assert response.status_code == 302
    assert response["Location"] == list_url(other)
    assert FitAlert.objects.get().is_open


def test_reading_the_list_is_audited(client, course, radgiver, alliance) -> None:
    client.force_login(radgiver)
    client.get(list_url(course))
    event = AuditEvent.objects.get(actor=radgiver, action=AuditAction.VIEW)
    assert (event.object_type, event.object_id) == ("cases.course", str(course.pk))
    assert event.detail == "fit_alerts" and event.family_id == course.family_id


def _list_queries(client, course) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(list_url(course)).status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_alerts(
    client, course, assigned_worker, mette, django_assert_max_num_queries
) -> None:
    for days_ago in (20, 19):
        record(assigned_worker, course, [mette], days_ago, [(mette, FitScale.SRS, ["8"] * 4)])
    visits.alert_acknowledge(by=assigned_worker, alert=FitAlert.objects.first(), note="Talt.")
    client.force_login(assigned_worker)
    _list_queries(client, course)  # the session is loaded once
    few = _list_queries(client, course)  # one open, one acknowledged
    for days_ago in range(18, 8, -1):
        record(assigned_worker, course, [mette], days_ago, [(mette, FitScale.SRS, ["8"] * 4)])
    for alert in FitAlert.objects.filter(acknowledged_at=None)[:5]:
        visits.alert_acknowledge(by=assigned_worker, alert=alert, note="Talt om det.")

    with django_assert_max_num_queries(few):
        html = client.get(list_url(course)).content.decode()
    assert html.count('data-testid="fit-alert"') == 12
    assert section(html, "fit-alerts-acknowledged").count('data-testid="fit-alert"') == 6


# Start-page panel ----------------------------------------------------------------------------


def panel_html(client, user: User) -> str:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    if 'data-testid="panel-fit-alerts"' not in html:
        return ""
    return html.split('data-testid="panel-fit-alerts"', 1)[1].split("</section>")[0]


def another_course(radgiver: User, provider, team: list[User], name: str) -> Course:
    family = FamilyFactory(
        name=name, municipality=radgiver.organisation, caseworker=radgiver, created_by=radgiver
    )
    FamilyMemberFactory(family=family, first_name="Ida", birth_date=dt.date(1990, 1, 1))
    course = CourseFactory(family=family, provider=provider)
    for user in team:
        TeamAssignmentFactory(course=course, user=user, role=next(iter(user.roles)))
    return course


def add_alerts(course: Course, author: User, levels: list[str]) -> None:
    """Alerts made directly (the panel does not care how they were raised)."""
    member = course.family.members.first()
    for i, level in enumerate(levels):
        visit = Visit.objects.create(
            course=course,
            author=author,
            starts_at=local(20 - i),
            ends_at=local(20 - i) + dt.timedelta(hours=1),
            place="home",
            minutes=60,
        )
        kind = {"red": AlertKind.ALLIANCE, "amber": AlertKind.NO_PROGRESS}.get(
            level, AlertKind.IMPROVEMENT
        )
        FitAlert.objects.create(
            course=course,
            client=member,
            visit=visit,
            kind=kind,
            level=level,
            reasons=["total"] if level == "red" else ["session3"],
            session_number=i + 1,
        )


def test_panel_shows_open_alerts_red_first_linking_to_the_list(
    client, course, radgiver, provider, assigned_worker, alliance
) -> None:
    good = another_course(radgiver, provider, [assigned_worker], "Familien Godt")
    add_alerts(good, assigned_worker, [AlertLevel.GOOD])
    amber = another_course(radgiver, provider, [assigned_worker], "Familien Gul")
    add_alerts(amber, assigned_worker, [AlertLevel.AMBER])
    done = another_course(radgiver, provider, [assigned_worker], "Familien Kvitteret")
    add_alerts(done, assigned_worker, [AlertLevel.RED])
    FitAlert.objects.filter(course=done).update(
        acknowledged_at=timezone.now(), acknowledged_by=assigned_worker, acknowledgement="ok"
    )
    closed = another_course(radgiver, provider, [assigned_worker], "Familien Afsluttet")
    add_alerts(closed, assigned_worker, [AlertLevel.RED])
    Course.objects.filter(pk=closed.pk).update(status=CourseStatus.CLOSED)

    panel = panel_html(client, assigned_worker)

    rows = panel.split('data-testid="panel-fit-alert"')[1:]
    assert [r.split('data-level="', 1)[1][:3] for r in rows] == ["red", "amb", "goo"]
    assert "Familien Holmgård" in rows[0] and list_url(course) in rows[0]
    assert "Mette, session 1 · Alliance: SRS 34,0 er under 36" in rows[0]
    assert "1 rød" in rows[0]
    assert "Familien Gul" in rows[1] and "1 gul" in rows[1]
    assert "Familien Godt" in rows[2] and "1 godt nyt" in rows[2]
    assert "Familien Kvitteret" not in panel and "Familien Afsluttet" not in panel
    assert reverse("cases:fit_practitioner", args=[assigned_worker.pk]) in panel
    assert "Mine FIT-tal" in panel and "FIT-tal pr. medarbejder" not in panel


def test_panel_for_leaders_and_others(
    client,
    course,
    alliance,
    leader,
    outsider,
    other_provider_leader,
    radgiver,
    authority_leader,
    projektleder,
    administrator,
) -> None:
    panel = panel_html(client, leader)
    assert "Familien Holmgård" in panel and "SRS 34,0 er under 36" in panel
    assert "FIT-tal pr. medarbejder" in panel and "Mine FIT-tal" not in panel
    assert 'data-testid="panel-fit-alert-none"' in panel_html(client, outsider)
    assert "Mine FIT-tal" in panel_html(client, outsider)
    assert 'data-testid="panel-fit-alert-none"' in panel_html(client, other_provider_leader)
    for user in (radgiver, authority_leader, projektleder, administrator):
        assert panel_html(client, user) == ""


def _panel(user: User) -> tuple[object, int]:
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=user.pk)  # fresh: no cached roles
    with CaptureQueriesContext(connection) as captured:
        panel = panels_fit.fit_alerts(request)
    return panel, len(captured)


def test_panel_is_audited_per_family(course, radgiver, provider, assigned_worker, alliance) -> None:
    second = another_course(radgiver, provider, [assigned_worker], "Familien To")
    add_alerts(second, assigned_worker, [AlertLevel.RED, AlertLevel.GOOD])

    panel, _ = _panel(assigned_worker)

    assert len(panel.context["rows"]) == 2
    listed = AuditEvent.objects.filter(
        actor=assigned_worker, action=AuditAction.LIST, object_type="cases.family"
    )
    assert sorted(listed.values_list("object_id", flat=True)) == sorted(
        [str(course.family_id), str(second.family_id)]
    )
    assert set(listed.values_list("detail", flat=True)) == {"forside"}


@pytest.mark.parametrize("who", ["assigned_worker", "leader"])
def test_panel_takes_a_constant_number_of_queries_2_vs_20_alerts(
    request, who, course, radgiver, provider, assigned_worker, team_colleague
) -> None:
    user = request.getfixturevalue(who)
    add_alerts(course, assigned_worker, [AlertLevel.RED, AlertLevel.GOOD])
    panel, few = _panel(user)
    assert sum(len(row.alerts) for row in panel.context["rows"]) == 2
    for i in range(6):
        other = another_course(radgiver, provider, [assigned_worker, team_colleague], f"F{i:02}")
        add_alerts(other, assigned_worker, [AlertLevel.RED, AlertLevel.AMBER, AlertLevel.GOOD])

    panel, many = _panel(user)

    assert sum(len(row.alerts) for row in panel.context["rows"]) == 20
    assert len(panel.context["rows"]) == 7
    assert many == few <= 6


def test_collateral_ratings_raise_no_alert_on_the_panel(
    client, course, assigned_worker, family, mette
) -> None:
    noah = family.members.get(first_name="Noah")
    visits.visit_record(
        by=assigned_worker,
        course=course,
        data=visits.VisitInput(
            starts_at=local(1),
            ends_at=local(1) + dt.timedelta(hours=1),
            place="home",
            staff_ids=[assigned_worker.pk],
            family_ids=[mette.pk],
            activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
            fit=[
                visits.FitEntry(
                    noah.pk,
                    FitScale.ORS,
                    ["1"] * 4,
                    rater=FitRater.COLLATERAL,
                    rater_member_id=mette.pk,
                )
            ],
        ),
    )
    assert 'data-testid="panel-fit-alert-none"' in panel_html(client, assigned_worker)
