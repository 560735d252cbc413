"""Signs of Safety mapping of a course: the one-to-one danger statement ↔ safety goal rule,
scaling per person and its trend over dated mappings, who reads and writes, the audit trail,
query counts, and bad input answered 400 in Danish with nothing lost."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from cases import safety_services as safety
from cases.models import (
    Course,
    DangerStatement,
    SafetyGoal,
    SafetyMapping,
    ScalingRespondent,
    ScalingScore,
)
from cases.safety_services import Score
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import FamilyMemberFactory


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


@pytest.fixture
def mother(family):
    return family.members.get(kind="caregiver")


@pytest.fixture
def child(family):
    return family.members.get(kind="child")


def save(by, course, day=dt.date(2026, 1, 10), pairs=(("Fare", "Mål"),), scores=(), mapping=None):
    return safety.safety_mapping_save(
        by=by,
        course=course,
        data={"mapped_on": day, "harm": "Uro", "working_well": "Mormor hjælper"},
        danger_statements=list(pairs),
        scores=list(scores),
        mapping=mapping,
    )


def url(name: str, course: Course, *args: object) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def form_data(**extra: object) -> dict:
    return {
        "mapped_on": "2026-02-01",
        "harm": "Der har været vold i hjemmet.",
        "working_well": "Mormor kommer hver dag.",
        "next_steps": "Netværksmøde",
        "family_perspective": "Vi vil gerne have ro.",
        "danger_0": "Vi er bekymrede for, at Noah bliver slået.",
        "goal_0": "Noah er tryg hjemme i seks måneder.",
        **extra,
    }


# The rules ----------------------------------------------------------------------------------


def test_save_creates_each_danger_statement_with_its_safety_goal(course, radgiver) -> None:
    mapping, warnings = save(radgiver, course, pairs=[("Fare 1", "Mål 1"), ("Fare 2", "Mål 2")])

    statements = list(mapping.danger_statements.select_related("safety_goal"))
    assert [(s.text, s.safety_goal.text, s.order) for s in statements] == [
        ("Fare 1", "Mål 1", 1),
        ("Fare 2", "Mål 2", 2),
    ]
    assert warnings == []


@pytest.mark.parametrize(
    ("pair", "message"),
    [(("Fare", ""), "mangler sit sikkerhedsmål"), (("", "Mål"), "mangler sin farevurdering")],
)
def test_save_refuses_a_danger_statement_without_its_goal_or_the_reverse(
    course, radgiver, pair, message
) -> None:
    with pytest.raises(ValidationError) as exc:
        save(radgiver, course, pairs=[("Fare 1", "Mål 1"), pair])

    assert message in exc.value.messages[0]
    assert not SafetyMapping.objects.exists()
    assert not DangerStatement.objects.exists()


def test_save_warns_but_keeps_more_than_three_danger_statements(course, radgiver) -> None:
    pairs = [(f"Fare {n}", f"Mål {n}") for n in range(4)]

    mapping, warnings = save(radgiver, course, pairs=pairs)

    assert mapping.danger_statements.count() == 4
    assert "højst 3" in warnings[0]


def test_save_replaces_a_mappings_content(course, radgiver, mother) -> None:
    mapping, _ = save(radgiver, course, scores=[Score(ScalingRespondent.PARENT, 3, member=mother)])

    save(
        radgiver,
        course,
        pairs=[("Ny fare", "Nyt mål")],
        scores=[Score(ScalingRespondent.PARENT, 6, member=mother)],
        mapping=mapping,
    )

    assert list(DangerStatement.objects.values_list("text", flat=True)) == ["Ny fare"]
    assert SafetyGoal.objects.count() == 1
    assert list(ScalingScore.objects.values_list("score", flat=True)) == [6]
    assert SafetyMapping.objects.count() == 1


@pytest.mark.parametrize("value", [-1, 11])
def test_save_refuses_a_score_outside_0_to_10(course, radgiver, mother, value) -> None:
    with pytest.raises(ValidationError, match="fra 0 til 10"):
        save(radgiver, course, scores=[Score(ScalingRespondent.PARENT, value, member=mother)])


def test_save_refuses_two_scores_for_one_person(course, radgiver, mother) -> None:
    twice = [Score(ScalingRespondent.PARENT, n, member=mother) for n in (3, 4)]

    with pytest.raises(ValidationError, match="mere end én skalering"):
        save(radgiver, course, scores=twice)
    assert not SafetyMapping.objects.exists()


def test_save_refuses_people_outside_the_family_and_team(
    course, radgiver, other_family, outsider, same_municipality_radgiver, child
) -> None:
    stranger = other_family.members.first()
    refused = [
        Score(ScalingRespondent.PARENT, 5, member=stranger),
        Score(ScalingRespondent.PARENT, 5, member=child),  # a child is not a parent
        Score(ScalingRespondent.PRACTITIONER, 5, user=outsider),
        Score(ScalingRespondent.RADGIVER, 5, user=same_municipality_radgiver),
        Score(ScalingRespondent.OTHER, 5, label=" "),
    ]
    for score in refused:
        with pytest.raises(ValidationError):
            save(radgiver, course, scores=[score])
    assert not ScalingScore.objects.exists()


def test_scaling_trend_per_person_across_three_dated_mappings(
    course, radgiver, assigned_worker, mother, child
) -> None:
    for day, scores in [
        (dt.date(2026, 3, 1), (5, 6, 4, 7)),
        (dt.date(2026, 1, 1), (2, 3, 2, 4)),
        (dt.date(2026, 2, 1), (3, 5, 3, 5)),
    ]:
        save(
            radgiver,
            course,
            day=day,
            scores=[
                Score(ScalingRespondent.PARENT, scores[0], member=mother),
                Score(ScalingRespondent.CHILD, scores[1], member=child),
                Score(ScalingRespondent.RADGIVER, scores[2], user=radgiver),
                Score(ScalingRespondent.PRACTITIONER, scores[3], user=assigned_worker),
            ],
        )

    trends = {t.key: t for t in safety.scaling_trend(course)}

    assert [(p.mapped_on.month, p.score) for p in trends[f"member-{mother.pk}"].points] == [
        (1, 2),
        (2, 3),
        (3, 5),
    ]
    assert [p.score for p in trends[f"member-{child.pk}"].points] == [3, 5, 6]
    assert [p.score for p in trends[f"user-{radgiver.pk}"].points] == [2, 3, 4]
    assert [p.score for p in trends[f"user-{assigned_worker.pk}"].points] == [4, 5, 7]


def test_trend_page_draws_one_chart_per_person(client, course, radgiver, mother) -> None:
    for month, value in [(1, 2), (2, 4), (3, 7)]:
        save(
            radgiver,
            course,
            day=dt.date(2026, month, 1),
            scores=[Score(ScalingRespondent.PARENT, value, member=mother)],
        )
    client.force_login(radgiver)

    page = client.get(url("safety_trend", course)).content.decode()

    assert page.count('class="safety-chart"') == 1
    assert f"Skalering over tid for {mother}" in page
    assert "<polyline" in page
    assert "style=" not in page.split('class="safety-chart"', 1)[1].split("</svg>", 1)[0]


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague"])
def test_team_and_radgiver_create_a_mapping(client, request, course, who) -> None:
    client.force_login(request.getfixturevalue(who))

    response = client.post(url("safety_create", course), form_data())

    mapping = SafetyMapping.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("safety_detail", course, mapping.pk)
    assert mapping.danger_statements.get().safety_goal.text.startswith("Noah er tryg")


def test_leader_reads_but_cannot_write(client, course, radgiver, leader) -> None:
    mapping, _ = save(radgiver, course)
    client.force_login(leader)

    assert client.get(url("safety_list", course)).status_code == 200
    assert client.get(url("safety_detail", course, mapping.pk)).status_code == 200
    assert client.get(url("safety_create", course)).status_code == 403
    assert client.post(url("safety_create", course), form_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        save(leader, course)
    assert SafetyMapping.objects.count() == 1


def test_outsider_gets_404_and_projektleder_403(
    client, course, radgiver, outsider, projektleder
) -> None:
    mapping, _ = save(radgiver, course)

    client.force_login(outsider)
    assert client.get(url("safety_list", course)).status_code == 404
    assert client.get(url("safety_detail", course, mapping.pk)).status_code == 404
    assert client.post(url("safety_create", course), form_data()).status_code == 404
    with pytest.raises(Http404):
        save(outsider, course)
    client.force_login(projektleder)
    assert client.get(url("safety_list", course)).status_code == 403
    assert client.get(url("safety_trend", course)).status_code == 403


def test_family_page_links_to_signs_of_safety(client, family, course, radgiver) -> None:
    client.force_login(radgiver)

    page = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()

    assert url("safety_list", course) in page


# Audit --------------------------------------------------------------------------------------


def test_reads_and_writes_are_audited(client, course, radgiver) -> None:
    client.force_login(radgiver)
    client.post(url("safety_create", course), form_data())
    mapping = SafetyMapping.objects.get()
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.get(url("safety_list", course))
    client.get(url("safety_detail", course, mapping.pk))
    client.post(url("safety_edit", course, mapping.pk), form_data(harm="Ny tekst"))

    rows = set(AuditEvent.objects.filter(course_id=course.pk).values_list("action", "object_type"))
    assert (AuditAction.UPDATE, "cases.safetymapping") in rows
    assert (AuditAction.VIEW, "cases.safetymapping") in rows
    assert (AuditAction.VIEW, "cases.course") in rows
    assert AuditEvent.objects.filter(
        pk__gt=before,
        action=AuditAction.LIST,
        object_type="cases.safetymapping",
        object_id=str(mapping.pk),
    ).exists()


# Query counts -------------------------------------------------------------------------------


def _seed(radgiver, assigned_worker, course, mother, child, count: int) -> None:
    for n in range(count):
        save(
            radgiver,
            course,
            day=dt.date(2026, 1, 1) + dt.timedelta(days=7 * n),
            pairs=[("Fare", "Mål"), ("Fare 2", "Mål 2")],
            scores=[
                Score(ScalingRespondent.PARENT, n % 11, member=mother),
                Score(ScalingRespondent.CHILD, 5, member=child),
                Score(ScalingRespondent.RADGIVER, 4, user=radgiver),
                Score(ScalingRespondent.PRACTITIONER, 6, user=assigned_worker),
            ],
        )


@pytest.mark.parametrize("name", ["safety_list", "safety_trend", "safety_create"])
def test_query_count_does_not_grow_with_mappings(
    client,
    course,
    radgiver,
    assigned_worker,
    mother,
    child,
    name,
    django_assert_max_num_queries,
    django_assert_num_queries,
) -> None:
    client.force_login(radgiver)
    _seed(radgiver, assigned_worker, course, mother, child, 2)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url(name, course)).status_code == 200
    _seed(radgiver, assigned_worker, course, mother, child, 4)

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(name, course)).status_code == 200


# Bad input ----------------------------------------------------------------------------------


def test_danger_statement_without_goal_is_400_in_danish_and_keeps_the_text(
    client, course, radgiver
) -> None:
    client.force_login(radgiver)

    response = client.post(url("safety_create", course), form_data(goal_0=""))

    page = response.content.decode()
    assert response.status_code == 400
    assert "mangler sit sikkerhedsmål" in page
    assert "Vi er bekymrede for, at Noah bliver slået." in page
    assert "Mormor kommer hver dag." in page
    assert not SafetyMapping.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"score_member_MOTHER": "12"}, "fra 0 til 10"),
        ({"mapped_on": ""}, "Skriv datoen for kortlægningen."),
        ({"other_label_0": "Mormor"}, "Skriv skaleringen for Mormor."),
        ({"other_score_0": "4"}, "Skriv navnet på den, der skalerer."),
    ],
)
def test_bad_input_is_400_in_danish_and_nothing_lost(
    client, course, radgiver, mother, extra, message
) -> None:
    client.force_login(radgiver)
    extra = {k.replace("MOTHER", str(mother.pk)): v for k, v in extra.items()}

    response = client.post(url("safety_create", course), form_data(**extra))

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Vi vil gerne have ro." in page
    assert not SafetyMapping.objects.exists()


def test_more_than_three_danger_statements_saves_with_a_warning(client, course, radgiver) -> None:
    client.force_login(radgiver)
    pairs = {}
    for n in range(4):
        pairs[f"danger_{n}"], pairs[f"goal_{n}"] = f"Fare {n}", f"Mål {n}"

    response = client.post(url("safety_create", course), form_data(**pairs), follow=True)

    assert response.status_code == 200
    assert "højst 3" in response.content.decode()
    assert SafetyMapping.objects.get().danger_statements.count() == 4


def test_new_mapping_form_is_prefilled_from_the_latest(client, course, radgiver, mother) -> None:
    save(radgiver, course, day=dt.date(2026, 1, 1), pairs=[("Gammel fare", "Gammelt mål")])
    save(
        radgiver,
        course,
        day=dt.date(2026, 2, 1),
        pairs=[("Seneste fare", "Seneste mål")],
        scores=[Score(ScalingRespondent.PARENT, 7, member=mother)],
    )
    client.force_login(radgiver)

    page = client.get(url("safety_create", course)).content.decode()

    assert "Seneste fare" in page and "Seneste mål" in page
    assert "Gammel fare" not in page
    assert 'value="7"' in page
    assert 'data-testid="safety-prefilled"' in page


def test_scores_from_the_form_are_saved_per_person(
    client, course, radgiver, assigned_worker, mother, child
) -> None:
    FamilyMemberFactory(family=course.family, kind="caregiver", first_name="Jens")
    client.force_login(assigned_worker)
    data = form_data(
        **{
            f"score_member_{mother.pk}": "3",
            f"score_member_{child.pk}": "4",
            f"score_user_{radgiver.pk}": "2",
            f"score_user_{assigned_worker.pk}": "5",
            "other_label_0": "Mormor",
            "other_score_0": "6",
        }
    )

    assert client.post(url("safety_create", course), data).status_code == 302

    scores = {(s.respondent, s.score) for s in ScalingScore.objects.all()}
    assert scores == {
        (ScalingRespondent.PARENT, 3),
        (ScalingRespondent.CHILD, 4),
        (ScalingRespondent.RADGIVER, 2),
        (ScalingRespondent.PRACTITIONER, 5),
        (ScalingRespondent.OTHER, 6),
    }
