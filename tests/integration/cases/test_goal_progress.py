"""Goal progress (issue 4, item 5): each goal scaled 0–10 at a review with a short comment —
the service's rules, versions and conflicts, who may do it, and the trend on the plan page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases import plan_services as plans
from cases.models import CourseStatus, FamilyPlan, Goal, GoalReview, PlanVersion
from familieberedskab.models import AuditAction, AuditEvent
from tests.integration.cases.test_plan_views import add_action, add_goal, version_of

TODAY = timezone.localdate()


@pytest.fixture
def plan(family) -> FamilyPlan:
    return family.courses.get().plan


@pytest.fixture
def mother(family):
    return family.members.get(kind="caregiver")


@pytest.fixture
def goal(plan, assigned_worker) -> Goal:
    return add_goal(assigned_worker, plan, "Vi vil have rolige morgener")


def url(plan: FamilyPlan, goal: Goal) -> str:
    return reverse("cases:plan_goal_review", args=[plan.course_id, goal.pk])


def page(plan: FamilyPlan) -> str:
    return reverse("cases:plan_detail", args=[plan.course_id])


def review(by, plan: FamilyPlan, goal: Goal, score: int, day: dt.date = TODAY, comment: str = ""):
    return plans.goal_review_save(
        by=by,
        plan=FamilyPlan.objects.get(pk=plan.pk),
        expected_version=version_of(plan),
        goal=goal,
        reviewed_on=day,
        score=score,
        comment=comment,
    )


def form_data(version: int, **extra: object) -> dict:
    return {
        "version": version,
        "reviewed_on": TODAY.isoformat(),
        "score": "6",
        "score_slider": "6",
        "comment": "Morgenerne går bedre.",
        **extra,
    }


# The service ---------------------------------------------------------------------------------


def test_review_is_saved_as_a_new_version_with_the_reviews_in_the_snapshot(
    plan, goal, assigned_worker
) -> None:
    before = version_of(plan)

    fresh = review(assigned_worker, plan, goal, 4, comment="  Lidt bedre  ")

    saved = GoalReview.objects.get(goal=goal)
    assert (saved.score, saved.comment, saved.reviewed_on) == (4, "Lidt bedre", TODAY)
    assert saved.created_by == assigned_worker
    assert fresh.version == before + 1
    latest = PlanVersion.objects.get(plan=plan, number=fresh.version)
    assert "Mål vurderet til 4 af 10" in latest.summary
    snap_goal = next(g for g in latest.snapshot["goals"] if g["id"] == goal.pk)
    assert snap_goal["reviews"] == [
        {"reviewed_on": TODAY.isoformat(), "score": 4, "comment": "Lidt bedre"}
    ]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(saved.pk)).exists()


def test_second_review_the_same_day_updates_that_days_review(plan, goal, assigned_worker) -> None:
    review(assigned_worker, plan, goal, 3, comment="Svært")
    review(assigned_worker, plan, goal, 5, comment="Lidt bedre alligevel")

    assert list(GoalReview.objects.filter(goal=goal).values_list("score", "comment")) == [
        (5, "Lidt bedre alligevel")
    ]


def test_reviews_on_different_days_make_a_trend(plan, goal, assigned_worker) -> None:
    for days_ago, score in ((60, 2), (30, 5), (0, 7)):
        review(assigned_worker, plan, goal, score, TODAY - dt.timedelta(days=days_ago))

    assert list(goal.reviews.values_list("score", flat=True)) == [2, 5, 7]


@pytest.mark.parametrize("score", [-1, 11, None, True])
def test_score_outside_0_to_10_is_refused_in_danish(plan, goal, assigned_worker, score) -> None:
    with pytest.raises(ValidationError) as caught:
        review(assigned_worker, plan, goal, score)

    assert caught.value.message_dict["score"] == ["Vælg et tal fra 0 til 10."]
    assert not GoalReview.objects.exists()


def test_review_in_the_future_is_refused(plan, goal, assigned_worker) -> None:
    with pytest.raises(ValidationError) as caught:
        review(assigned_worker, plan, goal, 5, TODAY + dt.timedelta(days=1))

    assert caught.value.message_dict["reviewed_on"] == ["Datoen kan ikke ligge i fremtiden."]


def test_review_on_an_old_version_is_a_conflict(plan, goal, assigned_worker) -> None:
    old = version_of(plan)
    review(assigned_worker, plan, goal, 5)

    with pytest.raises(plans.PlanConflict) as caught:
        plans.goal_review_save(
            by=assigned_worker,
            plan=plan,
            expected_version=old,
            goal=goal,
            reviewed_on=TODAY,
            score=8,
            comment="",
        )

    assert [v.number for v in caught.value.changes] == [old + 1]
    assert GoalReview.objects.get(goal=goal).score == 5


def test_goal_of_another_plan_is_not_found(plan, goal, assigned_worker) -> None:
    stranger = Goal(pk=goal.pk + 1000, plan_id=plan.pk + 1000, text="Andet")

    with pytest.raises(Http404):
        review(assigned_worker, plan, stranger, 5)


def test_leader_and_outsider_cannot_review(plan, goal, leader, outsider) -> None:
    with pytest.raises(PermissionDenied):
        review(leader, plan, goal, 5)
    with pytest.raises((PermissionDenied, Http404)):
        review(outsider, plan, goal, 5)
    assert not GoalReview.objects.exists()


def test_closed_course_cannot_be_reviewed(plan, goal, radgiver) -> None:
    course = plan.course
    course.status = CourseStatus.CLOSED
    course.save(update_fields=["status"])

    with pytest.raises(ValidationError):
        review(radgiver, plan, goal, 5)


# The screens ---------------------------------------------------------------------------------


def test_review_form_defaults_to_today_with_a_number_and_a_slider(
    client, plan, goal, assigned_worker
) -> None:
    client.force_login(assigned_worker)

    response = client.get(url(plan, goal))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vurdér mål" in html
    assert f'value="{TODAY.isoformat()}"' in html
    assert 'type="number"' in html and 'type="range"' in html
    assert 'min="0"' in html and 'max="10"' in html


def test_review_form_saves_and_the_plan_shows_the_trend(
    client, plan, goal, assigned_worker
) -> None:
    review(assigned_worker, plan, goal, 3, TODAY - dt.timedelta(days=14), comment="Svært")
    client.force_login(assigned_worker)

    response = client.post(url(plan, goal), form_data(version_of(plan)))

    assert response.status_code == 302
    assert response.url.endswith(f"#goal-{goal.pk}")
    html = client.get(page(plan)).content.decode()
    assert html.count('data-testid="goal-trend"') == 1
    assert "<svg" in html and 'role="img"' in html and "6/10" in html
    assert "Morgenerne går bedre." in html
    assert " style=" not in html.split('data-testid="goal-trend"')[1].split("</svg>")[0]


def test_slider_alone_gives_the_score(client, plan, goal, assigned_worker) -> None:
    client.force_login(assigned_worker)

    response = client.post(url(plan, goal), form_data(version_of(plan), score="", score_slider="8"))

    assert response.status_code == 302
    assert GoalReview.objects.get(goal=goal).score == 8


def test_bad_review_is_400_in_danish_and_keeps_the_comment(
    client, plan, goal, assigned_worker
) -> None:
    client.force_login(assigned_worker)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    response = client.post(
        url(plan, goal), form_data(version_of(plan), reviewed_on=tomorrow, comment="Min tekst")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Datoen kan ikke ligge i fremtiden." in html
    assert "Min tekst" in html
    assert not GoalReview.objects.exists()


def test_review_on_an_old_version_is_409_and_keeps_what_was_typed(
    client, plan, goal, assigned_worker, team_colleague
) -> None:
    opened = version_of(plan)
    review(team_colleague, plan, goal, 2)
    client.force_login(assigned_worker)

    refused = client.post(url(plan, goal), form_data(opened, score="9", comment="Meget bedre"))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Planen er blevet ændret, mens du skrev." in html
    assert "Meget bedre" in html and 'value="9"' in html
    assert GoalReview.objects.get(goal=goal).score == 2

    again = client.post(url(plan, goal), form_data(opened + 1, score="9"))

    assert again.status_code == 302
    assert GoalReview.objects.get(goal=goal).score == 9


def test_leader_sees_the_trend_but_cannot_review(
    client, plan, goal, assigned_worker, leader
) -> None:
    review(assigned_worker, plan, goal, 4)
    client.force_login(leader)

    html = client.get(page(plan)).content.decode()

    assert 'data-testid="goal-trend"' in html
    assert url(plan, goal) not in html
    assert client.get(url(plan, goal)).status_code == 403
    assert client.post(url(plan, goal), form_data(version_of(plan))).status_code == 403


def test_outsider_gets_404(client, plan, goal, outsider) -> None:
    client.force_login(outsider)

    assert client.get(url(plan, goal)).status_code == 404
    assert client.post(url(plan, goal), form_data(version_of(plan))).status_code == 404
    assert not GoalReview.objects.exists()


def test_an_earlier_version_shows_its_trend(client, plan, goal, assigned_worker) -> None:
    review(assigned_worker, plan, goal, 4)
    client.force_login(assigned_worker)

    html = client.get(
        reverse("cases:plan_version_detail", args=[plan.course_id, version_of(plan)])
    ).content.decode()

    assert 'data-testid="goal-trend"' in html and "4/10" in html


@pytest.mark.parametrize("goals", [2, 8])
def test_plan_page_query_count_is_flat_with_reviews(
    client, plan, assigned_worker, mother, goals, django_assert_max_num_queries
) -> None:
    for n in range(goals):
        goal = add_goal(assigned_worker, plan, f"Mål {n}", mother if n % 2 else None)
        add_action(assigned_worker, goal, f"Handling {n}")
        for days_ago in range(5):
            review(assigned_worker, plan, goal, (n + days_ago) % 11, TODAY - dt.timedelta(days_ago))
    client.force_login(assigned_worker)

    with django_assert_max_num_queries(15):
        response = client.get(page(plan))

    html = response.content.decode()
    assert html.count('data-testid="goal-trend"') == goals
    assert html.count("<circle") == goals * 5
