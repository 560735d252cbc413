"""The safety plan (sikkerhedsplan) of a course: revisions that keep the earlier plans
readable, the review date, who reads and writes, the audit trail, query counts, and bad input
answered 400 in Danish with nothing lost."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases import safety_plan_services as plans
from cases.models import Course, CourseStatus, SafetyPlan
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import CourseFactory


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


def save(by, course, adopted=dt.date(2026, 1, 10), review=dt.date(2026, 2, 10), **text):
    data = {
        "adopted_on": adopted,
        "review_on": review,
        "everyday_rules": "Der er altid en voksen hjemme om aftenen.",
        "network_roles": "Mormor henter i skolen.",
        "professional_checks": "Familiebehandleren kommer hver tirsdag.",
        "if_broken": "Mormor ringer til rådgiveren.",
        "family_perspective": "Vi vil gerne have ro.",
        **text,
    }
    return plans.safety_plan_save(by=by, course=course, data=data)


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def form_data(**extra: object) -> dict:
    return {
        "adopted_on": "2026-02-01",
        "review_on": "2026-03-01",
        "everyday_rules": "Far drikker ikke, når børnene er hjemme.",
        "network_roles": "Mormor sover hos familien fredag og lørdag.",
        "professional_checks": "Familiebehandleren kommer uanmeldt en gang om ugen.",
        "if_broken": "Mormor tager børnene med hjem og ringer til rådgiveren.",
        "family_perspective": "Vi vil gerne være en familie, hvor alle er trygge.",
        **extra,
    }


# The rules ----------------------------------------------------------------------------------


def test_a_new_revision_keeps_the_old_one_readable(client, course, radgiver) -> None:
    old = save(radgiver, course, everyday_rules="Gammel regel")
    new = save(
        radgiver,
        course,
        adopted=dt.date(2026, 2, 10),
        review=dt.date(2026, 3, 10),
        everyday_rules="Ny regel",
    )
    client.force_login(radgiver)

    old_page = client.get(url("safety_plan_detail", course, old.pk)).content.decode()
    list_page = client.get(url("safety_plan_list", course)).content.decode()

    assert SafetyPlan.objects.count() == 2
    assert plans.current_safety_plan(course) == new
    assert "Gammel regel" in old_page
    assert 'data-testid="safety-plan-old"' in old_page
    current = list_page.split('data-testid="safety-plan-current"', 1)[1].split("</article>")[0]
    assert "Ny regel" in current and "Gammel regel" not in current
    assert url("safety_plan_detail", course, old.pk) in list_page


def test_review_before_adoption_is_refused(course, radgiver) -> None:
    with pytest.raises(ValidationError) as exc:
        save(radgiver, course, adopted=dt.date(2026, 2, 1), review=dt.date(2026, 1, 31))

    assert "review_on" in exc.value.message_dict
    assert not SafetyPlan.objects.exists()


def test_review_on_the_adoption_day_is_allowed(course, radgiver) -> None:
    plan = save(radgiver, course, adopted=dt.date(2026, 2, 1), review=dt.date(2026, 2, 1))

    assert plan.review_on == plan.adopted_on


def test_closed_course_is_refused(client, course, radgiver) -> None:
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.CLOSED)

    with pytest.raises(ValidationError, match="afsluttet"):
        save(radgiver, course)
    client.force_login(radgiver)
    response = client.post(url("safety_plan_create", course), form_data())

    page = response.content.decode()
    assert response.status_code == 400
    assert "Forløbet er afsluttet. Sikkerhedsplanen kan ikke ændres." in page
    assert "Mormor sover hos familien" in page
    assert not SafetyPlan.objects.exists()


def test_review_date_shown_and_overdue_badge(client, course, radgiver) -> None:
    today = timezone.localdate()
    client.force_login(radgiver)
    save(radgiver, course, adopted=today, review=today + dt.timedelta(days=3))

    page = client.get(url("safety_plan_list", course)).content.decode()

    review = (today + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"Gennemgås senest {review}" in page
    assert "Skal gennemgås" not in page

    save(
        radgiver,
        course,
        adopted=today - dt.timedelta(days=1),
        review=today - dt.timedelta(days=1),
    )
    SafetyPlan.objects.filter(review_on__gt=today).delete()

    page = client.get(url("safety_plan_list", course)).content.decode()

    assert 'data-testid="safety-plan-overdue"' in page
    assert "Skal gennemgås" in page


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague"])
def test_team_and_radgiver_create_a_plan(client, request, course, who) -> None:
    client.force_login(request.getfixturevalue(who))

    response = client.post(url("safety_plan_create", course), form_data())

    plan = SafetyPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("safety_plan_detail", course, plan.pk)
    assert plan.everyday_rules.startswith("Far drikker ikke")
    assert plan.review_on == dt.date(2026, 3, 1)


def test_leader_reads_but_cannot_write(client, course, radgiver, leader) -> None:
    plan = save(radgiver, course)
    client.force_login(leader)

    assert client.get(url("safety_plan_list", course)).status_code == 200
    assert client.get(url("safety_plan_detail", course, plan.pk)).status_code == 200
    assert client.get(url("safety_plan_create", course)).status_code == 403
    assert client.post(url("safety_plan_create", course), form_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        save(leader, course)
    assert SafetyPlan.objects.count() == 1


def test_outsider_gets_404_and_projektleder_403(
    client, course, radgiver, outsider, projektleder
) -> None:
    plan = save(radgiver, course)

    client.force_login(outsider)
    assert client.get(url("safety_plan_list", course)).status_code == 404
    assert client.get(url("safety_plan_detail", course, plan.pk)).status_code == 404
    assert client.post(url("safety_plan_create", course), form_data()).status_code == 404
    with pytest.raises(Http404):
        save(outsider, course)
    client.force_login(projektleder)
    assert client.get(url("safety_plan_list", course)).status_code == 403
    assert client.get(url("safety_plan_detail", course, plan.pk)).status_code == 403
    assert SafetyPlan.objects.count() == 1


def test_a_plan_of_another_course_is_404_under_this_course(
    client, course, radgiver, other_family
) -> None:
    other = CourseFactory(family=other_family)
    plan = SafetyPlan.objects.create(
        course=other,
        adopted_on=dt.date(2026, 1, 1),
        review_on=dt.date(2026, 2, 1),
        everyday_rules="Regel",
        network_roles="Netværk",
        professional_checks="Tjek",
        if_broken="Hvis",
        created_by=radgiver,
    )
    client.force_login(radgiver)

    assert client.get(url("safety_plan_detail", course, plan.pk)).status_code == 404


def test_family_page_links_to_the_safety_plan(client, family, course, radgiver) -> None:
    client.force_login(radgiver)

    page = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()

    assert url("safety_plan_list", course) in page


# Audit --------------------------------------------------------------------------------------


def test_reads_and_writes_are_audited(client, course, radgiver) -> None:
    client.force_login(radgiver)
    client.post(url("safety_plan_create", course), form_data())
    plan = SafetyPlan.objects.get()
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.get(url("safety_plan_list", course))
    client.get(url("safety_plan_detail", course, plan.pk))

    rows = set(AuditEvent.objects.filter(course_id=course.pk).values_list("action", "object_type"))
    assert (AuditAction.CREATE, "cases.safetyplan") in rows
    assert (AuditAction.VIEW, "cases.safetyplan") in rows
    assert (AuditAction.VIEW, "cases.course") in rows
    assert AuditEvent.objects.filter(
        pk__gt=before,
        action=AuditAction.LIST,
        object_type="cases.safetyplan",
        object_id=str(plan.pk),
    ).exists()


# Query counts -------------------------------------------------------------------------------


def _seed(radgiver, course, count: int) -> None:
    for n in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=7 * n)
        save(radgiver, course, adopted=day, review=day + dt.timedelta(days=28))


@pytest.mark.parametrize("name", ["safety_plan_list", "safety_plan_create"])
def test_query_count_does_not_grow_with_revisions(
    client, course, radgiver, name, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client.force_login(radgiver)
    _seed(radgiver, course, 2)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url(name, course)).status_code == 200
    _seed(radgiver, course, 4)

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(name, course)).status_code == 200


# Bad input ----------------------------------------------------------------------------------


def test_review_before_adoption_is_400_in_danish_and_nothing_lost(client, course, radgiver) -> None:
    client.force_login(radgiver)

    response = client.post(
        url("safety_plan_create", course),
        form_data(adopted_on="2026-03-01", review_on="2026-02-01"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Planen kan ikke gennemgås før den dato, hvor den blev aftalt." in page
    assert "Far drikker ikke, når børnene er hjemme." in page
    assert "Vi vil gerne være en familie, hvor alle er trygge." in page
    assert 'value="2026-02-01"' in page
    assert not SafetyPlan.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"adopted_on": ""}, "Skriv datoen, hvor planen blev aftalt."),
        ({"review_on": ""}, "Skriv datoen, hvor planen skal gennemgås."),
        ({"everyday_rules": ""}, "Skriv reglerne i hverdagen."),
        ({"if_broken": ""}, "Skriv, hvad der sker, hvis planen ikke holdes."),
    ],
)
def test_bad_input_is_400_in_danish_and_nothing_lost(
    client, course, radgiver, extra, message
) -> None:
    client.force_login(radgiver)

    response = client.post(url("safety_plan_create", course), form_data(**extra))

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Vi vil gerne være en familie, hvor alle er trygge." in page
    assert not SafetyPlan.objects.exists()


def test_new_revision_form_is_prefilled_from_the_current_plan(client, course, radgiver) -> None:
    save(radgiver, course, adopted=dt.date(2026, 1, 1), everyday_rules="Gammel regel")
    save(radgiver, course, adopted=dt.date(2026, 2, 1), everyday_rules="Seneste regel")
    client.force_login(radgiver)

    page = client.get(url("safety_plan_create", course)).content.decode()

    assert "Seneste regel" in page
    assert "Gammel regel" not in page
    assert 'data-testid="safety-plan-prefilled"' in page
