"""The shared family plan's screens: who sees and edits it, goals/actions/professionals and
their order, versions and history, the concurrent-edit conflict (nothing lost), query counts
and the audit trail."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cases import plan_services as plans
from cases.models import (
    Action,
    ActionResponsible,
    FamilyPlan,
    Goal,
    GoalOwner,
    GoalStatus,
    LifeArea,
    PlanProfessional,
    PlanVersion,
)
from familieberedskab.models import AuditAction, AuditEvent
from staffing.models import Role
from tests.factories.cases import CourseFactory, TeamAssignmentFactory
from tests.factories.staffing import UserFactory


@pytest.fixture
def plan(family) -> FamilyPlan:
    return family.courses.get().plan


@pytest.fixture
def mother(family):
    return family.members.get(kind="caregiver")


@pytest.fixture
def child(family):
    return family.members.get(kind="child")


def url(name: str, plan: FamilyPlan, *args: object) -> str:
    return reverse(f"cases:{name}", args=[plan.course_id, *args])


def goal_data(version: int, **extra: object) -> dict:
    return {
        "version": version,
        "whose": "family",
        "text": "Vi vil have rolige morgener.",
        "life_area": LifeArea.PARENTING,
        "source": "family",
        **extra,
    }


def add_goal(by, plan: FamilyPlan, text: str = "Et mål", member=None) -> Goal:
    owner = GoalOwner.FAMILY
    if member is not None:
        owner = GoalOwner.CHILD if member.kind == "child" else GoalOwner.PARENT
    fresh = plans.goal_save(
        by=by,
        plan=plan,
        expected_version=FamilyPlan.objects.get(pk=plan.pk).version,
        data={"owner": owner, "member": member, "text": text, "life_area": LifeArea.HOUSING},
    )
    return Goal.objects.get(plan=fresh, text=text)  # without the plan's prefetched actions


def add_action(by, goal: Goal, what: str, **who: object) -> Action:
    plan = FamilyPlan.objects.get(pk=goal.plan_id)
    data = {"what": what, "responsible_kind": ActionResponsible.OTHER, "responsible_name": "Mormor"}
    fresh = plans.action_save(
        by=by, plan=plan, expected_version=plan.version, goal=goal, data={**data, **who}
    )
    return Action.objects.get(goal__plan=fresh, what=what)


def version_of(plan: FamilyPlan) -> int:
    return FamilyPlan.objects.get(pk=plan.pk).version


def hidden_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


# Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["assigned_worker", "team_colleague", "radgiver"])
def test_plan_page_lets_the_team_and_the_familys_radgiver_edit(client, request, plan, who) -> None:
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("plan_detail", plan))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Familiehandleplan" in html
    assert url("plan_goal_create", plan) in html  # the add buttons are there


def test_leader_reads_the_plan_but_cannot_change_it(client, plan, leader, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Vi vil have ro")
    client.force_login(leader)

    page = client.get(url("plan_detail", plan))
    form = client.get(url("plan_goal_create", plan))
    post = client.post(url("plan_goal_create", plan), goal_data(version_of(plan)))
    move = client.post(url("plan_goal_move", plan, goal.pk), {"version": 2, "step": "1"})

    assert page.status_code == 200
    assert "Vi vil have ro" in page.content.decode()
    assert url("plan_goal_create", plan) not in page.content.decode()
    assert (form.status_code, post.status_code, move.status_code) == (403, 403, 403)
    assert plan.goals.count() == 1


@pytest.mark.parametrize("who", ["outsider", "other_municipality_radgiver"])
def test_plan_is_not_found_outside_the_scope(client, request, plan, who) -> None:
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("plan_detail", plan)).status_code == 404
    assert client.get(url("plan_history", plan)).status_code == 404
    assert client.post(url("plan_goal_create", plan), goal_data(1)).status_code == 404
    assert plan.goals.count() == 0


@pytest.mark.parametrize("who", ["projektleder", "administrator"])
def test_plan_is_refused_to_roles_without_the_function(client, request, plan, who) -> None:
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("plan_detail", plan)).status_code == 403
    assert client.post(url("plan_goal_create", plan), goal_data(1)).status_code == 403


def test_a_course_at_another_provider_is_not_the_teams_plan(
    client, family, plan, assigned_worker, leader, radgiver, other_provider
) -> None:
    other_course = CourseFactory(family=family, provider=other_provider)
    stranger = UserFactory(organisation=other_provider, roles=[Role.BEHANDLER])
    TeamAssignmentFactory(course=other_course, user=stranger)

    def status(user, course) -> int:
        client.force_login(user)
        return client.get(reverse("cases:plan_detail", args=[course.pk])).status_code

    assert status(assigned_worker, other_course) == 404
    assert status(leader, other_course) == 404
    assert status(stranger, plan.course) == 404
    assert status(stranger, other_course) == 200
    assert status(radgiver, other_course) == 200
    assert status(radgiver, plan.course) == 200


def test_family_page_links_each_course_to_its_plan(client, family, plan, assigned_worker) -> None:
    client.force_login(assigned_worker)

    html = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()

    assert f'href="{url("plan_detail", plan)}"' in html
    assert "Familiehandleplan" in html


# Goals ---------------------------------------------------------------------------------------


def test_goal_for_a_parent_is_saved_in_the_familys_words_and_shown_under_them(
    client, plan, assigned_worker, mother
) -> None:
    client.force_login(assigned_worker)
    form = client.get(url("plan_goal_create", plan) + f"?for=member-{mother.pk}")
    assert f'<option value="member-{mother.pk}" selected>' in form.content.decode()

    response = client.post(
        url("plan_goal_create", plan),
        goal_data(
            1,
            whose=f"member-{mother.pk}",
            text="Jeg vil kunne sige nej uden at råbe.",
            source="child_plan",
            source_note="barnets plan af 3.2.2026",
        ),
    )

    goal = plan.goals.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan) + f"#goal-{goal.pk}"
    assert (goal.owner, goal.member, goal.source) == (GoalOwner.PARENT, mother, "child_plan")
    page = client.get(url("plan_detail", plan)).content.decode()
    parents = page.split('id="parents"')[1].split('id="children"')[0]
    assert "Jeg vil kunne sige nej uden at råbe." in parents
    assert "Familiens egne ord" in parents
    assert "fra barnets plan: barnets plan af 3.2.2026" in parents
    assert "Version 2" in page


def test_goals_for_a_child_and_for_the_whole_family(client, plan, radgiver, child) -> None:
    client.force_login(radgiver)

    client.post(url("plan_goal_create", plan), goal_data(1, whose=f"member-{child.pk}", text="A"))
    client.post(url("plan_goal_create", plan), goal_data(2, whose="family", text="B"))

    goals = {g.text: (g.owner, g.member) for g in plan.goals.all()}
    assert goals == {"A": (GoalOwner.CHILD, child), "B": (GoalOwner.FAMILY, None)}
    page = client.get(url("plan_detail", plan)).content.decode()
    assert "Børnenes mål" in page and "Familiens fælles mål" in page


def test_goal_form_offers_only_this_familys_members(
    client, plan, assigned_worker, other_family
) -> None:
    client.force_login(assigned_worker)
    stranger = other_family.members.first()

    form = client.get(url("plan_goal_create", plan)).content.decode()
    response = client.post(
        url("plan_goal_create", plan), goal_data(1, whose=f"member-{stranger.pk}")
    )

    assert "Mette Holmgård" in form and "Noah Holmgård" in form
    assert str(stranger) not in form
    assert response.status_code == 400
    assert plan.goals.count() == 0


def test_goal_with_bad_input_is_400_in_danish_and_keeps_what_was_typed(
    client, plan, assigned_worker
) -> None:
    client.force_login(assigned_worker)

    response = client.post(
        url("plan_goal_create", plan), goal_data(1, life_area="", text="Vi vil spise sammen.")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Det er ikke gemt" in html
    assert "Dette felt er påkrævet." in html
    assert "Vi vil spise sammen." in html
    assert version_of(plan) == 1


def test_goal_edit_changes_status_and_the_familys_comment(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Vi vil have ro")
    client.force_login(assigned_worker)
    form = client.get(url("plan_goal_edit", plan, goal.pk)).content.decode()
    assert "Vi vil have ro" in form and 'name="status"' in form

    response = client.post(
        url("plan_goal_edit", plan, goal.pk),
        goal_data(
            2,
            text="Vi vil have mere ro",
            life_area=LifeArea.HOUSING,
            status=GoalStatus.REACHED,
            family_comment="Det går meget bedre nu.",
        ),
    )

    goal.refresh_from_db()
    assert response.status_code == 302
    assert (goal.text, goal.status) == ("Vi vil have mere ro", GoalStatus.REACHED)
    page = client.get(url("plan_detail", plan)).content.decode()
    assert "Det går meget bedre nu." in page and "Nået" in page


def test_goal_delete_asks_first_then_deletes_it_with_its_actions(
    client, plan, assigned_worker
) -> None:
    goal = add_goal(assigned_worker, plan, "Vi vil flytte")
    add_action(assigned_worker, goal, "Søge bolig")
    client.force_login(assigned_worker)

    confirm = client.get(url("plan_goal_delete", plan, goal.pk))
    response = client.post(url("plan_goal_delete", plan, goal.pk), {"version": version_of(plan)})

    assert confirm.status_code == 200
    assert "Vil du slette dette mål" in confirm.content.decode()
    assert response.status_code == 302
    assert not plan.goals.exists() and not Action.objects.exists()
    assert plan.versions.first().summary == "Mål slettet: Vi vil flytte"


def test_goals_move_up_and_down_among_the_same_persons_goals(
    client, plan, assigned_worker, mother, child
) -> None:
    first = add_goal(assigned_worker, plan, "M1", mother)
    add_goal(assigned_worker, plan, "B1", child)
    second = add_goal(assigned_worker, plan, "M2", mother)
    client.force_login(assigned_worker)

    response = client.post(
        url("plan_goal_move", plan, second.pk), {"version": version_of(plan), "step": "-1"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#goal-{second.pk}")
    mothers = [g.text for g in plan.goals.filter(member=mother).order_by("order", "pk")]
    assert mothers == ["M2", "M1"]
    page = client.get(url("plan_detail", plan)).content.decode()
    assert page.index("M2") < page.index("M1")
    client.post(url("plan_goal_move", plan, second.pk), {"version": version_of(plan), "step": "1"})
    mothers = [g.text for g in plan.goals.filter(member=mother).order_by("order", "pk")]
    assert mothers == ["M1", "M2"]
    assert first.pk != second.pk


def test_moving_the_first_goal_up_is_400_with_the_plan_shown(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Eneste mål")
    client.force_login(assigned_worker)

    response = client.post(
        url("plan_goal_move", plan, goal.pk), {"version": version_of(plan), "step": "-1"}
    )
    nonsense = client.post(
        url("plan_goal_move", plan, goal.pk), {"version": version_of(plan), "step": "7"}
    )

    assert response.status_code == 400
    assert "Målet står allerede yderst." in response.content.decode()
    assert nonsense.status_code == 400


# Actions -------------------------------------------------------------------------------------


def test_actions_by_a_team_mate_and_by_a_parent_are_listed_in_order(
    client, plan, assigned_worker, team_colleague, mother
) -> None:
    goal = add_goal(assigned_worker, plan, "Rolige morgener", mother)
    client.force_login(assigned_worker)

    first = client.post(
        url("plan_action_create", plan, goal.pk),
        {
            "version": 2,
            "what": "Lave billedskema",
            "who": f"user-{team_colleague.pk}",
            "due_on": "2026-12-15",
        },
    )
    second = client.post(
        url("plan_action_create", plan, goal.pk),
        {"version": 3, "what": "Vække børnene kl. 6.45", "who": f"member-{mother.pk}"},
    )

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"].endswith(f"#goal-{goal.pk}")
    actions = list(goal.actions.order_by("order"))
    assert [(a.what, a.responsible_kind) for a in actions] == [
        ("Lave billedskema", ActionResponsible.PROFESSIONAL),
        ("Vække børnene kl. 6.45", ActionResponsible.FAMILY),
    ]
    assert actions[0].responsible_user == team_colleague
    assert actions[0].due_on == dt.date(2026, 12, 15)
    page = client.get(url("plan_detail", plan)).content.decode()
    assert page.index("Lave billedskema") < page.index("Vække børnene")
    assert f"Hvem: {team_colleague}" in page and "senest 15.12.2026" in page


def test_action_can_be_held_by_the_team_the_radgiver_the_family_or_someone_named(
    client, plan, assigned_worker, team_colleague, radgiver, outsider, mother, child
) -> None:
    goal = add_goal(assigned_worker, plan, "Mål")
    client.force_login(assigned_worker)

    form = client.get(url("plan_action_create", plan, goal.pk)).content.decode()
    by_outsider = client.post(
        url("plan_action_create", plan, goal.pk),
        {"version": 2, "what": "x", "who": f"user-{outsider.pk}"},
    )
    unnamed = client.post(
        url("plan_action_create", plan, goal.pk), {"version": 2, "what": "Hente", "who": "other"}
    )
    named = client.post(
        url("plan_action_create", plan, goal.pk),
        {"version": 2, "what": "Hente", "who": "other", "responsible_name": "Mormor"},
    )

    for person in (assigned_worker, team_colleague, radgiver):
        assert f'value="user-{person.pk}"' in form
    for member in (mother, child):
        assert f'value="member-{member.pk}"' in form
    assert f'value="user-{outsider.pk}"' not in form
    assert by_outsider.status_code == 400
    assert unnamed.status_code == 400
    assert "Skriv hvem der gør det." in unnamed.content.decode()
    assert "Hente" in unnamed.content.decode()
    assert named.status_code == 302
    assert goal.actions.get().responsible_label == "Mormor"


def test_action_edit_marks_it_done(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Mål")
    action = add_action(assigned_worker, goal, "Ringe til skolen")
    client.force_login(assigned_worker)

    response = client.post(
        url("plan_action_edit", plan, goal.pk, action.pk),
        {
            "version": 3,
            "what": "Ringe til skolen",
            "who": "other",
            "responsible_name": "Mormor",
            "done_on": "2026-11-20",
        },
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert action.done_on == dt.date(2026, 11, 20)
    assert "gjort 20.11.2026" in client.get(url("plan_detail", plan)).content.decode()


def test_actions_move_up_and_down_within_their_goal(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Mål")
    for what in ("A", "B", "C"):
        add_action(assigned_worker, goal, what)
    c = goal.actions.get(what="C")
    a = goal.actions.get(what="A")
    client.force_login(assigned_worker)

    up = client.post(
        url("plan_action_move", plan, goal.pk, c.pk), {"version": version_of(plan), "step": "-1"}
    )
    down = client.post(
        url("plan_action_move", plan, goal.pk, a.pk), {"version": version_of(plan), "step": "1"}
    )

    assert (up.status_code, down.status_code) == (302, 302)
    assert up["Location"].endswith(f"#action-{c.pk}")
    assert [x.what for x in goal.actions.order_by("order")] == ["C", "A", "B"]


def test_action_delete_removes_only_that_action(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Mål")
    keep = add_action(assigned_worker, goal, "Bliver")
    gone = add_action(assigned_worker, goal, "Går")
    client.force_login(assigned_worker)

    response = client.post(
        url("plan_action_delete", plan, goal.pk, gone.pk), {"version": version_of(plan)}
    )

    assert response.status_code == 302
    assert list(goal.actions.all()) == [keep]


# Professionals and the family's words ------------------------------------------------------


def test_professionals_in_the_home_are_added_changed_and_removed(
    client, plan, assigned_worker
) -> None:
    client.force_login(assigned_worker)
    data = {"version": 1, "name": "Jo", "role": "Sundhedsplejerske", "why": "Vejer Noah"}

    added = client.post(url("plan_professional_create", plan), data)
    professional = plan.professionals.get()
    changed = client.post(
        url("plan_professional_edit", plan, professional.pk),
        {**data, "version": 2, "why": "Følger Noahs trivsel"},
    )
    page = client.get(url("plan_detail", plan)).content.decode()
    removed = client.post(url("plan_professional_delete", plan, professional.pk), {"version": 3})

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert "Fagpersoner i hjemmet" in page and "Følger Noahs trivsel" in page
    assert not PlanProfessional.objects.exists()


def test_familys_own_words_about_the_plan(client, plan, team_colleague) -> None:
    client.force_login(team_colleague)

    response = client.post(
        url("plan_perspective_edit", plan),
        {"version": 1, "family_perspective": "Vi vil gerne have færre møder."},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#family-words")
    page = client.get(url("plan_detail", plan)).content.decode()
    words = page.split('data-testid="family-words"')[1].split("</section>")[0]
    assert "Vi vil gerne have færre møder." in words and "Familiens egne ord" in words


# Versions and history ------------------------------------------------------------------------


def test_every_save_is_a_version_that_the_history_shows(client, plan, assigned_worker) -> None:
    client.force_login(assigned_worker)
    client.post(url("plan_goal_create", plan), goal_data(1, text="Før"))
    goal = plan.goals.get()
    client.post(url("plan_goal_edit", plan, goal.pk), goal_data(2, text="Efter", status="active"))
    client.post(url("plan_perspective_edit", plan), {"version": 3, "family_perspective": "Ord"})

    history = client.get(url("plan_history", plan)).content.decode()
    second = client.get(url("plan_version_detail", plan, 2))
    missing = client.get(url("plan_version_detail", plan, 99))

    assert list(plan.versions.values_list("number", flat=True)) == [4, 3, 2]
    assert plan.versions.get(number=2).snapshot["goals"][0]["text"] == "Før"
    for summary in ("Mål tilføjet: Før", "Mål ændret: Efter", "Familiens egne ord er ændret"):
        assert summary in history
    assert str(assigned_worker) in history
    assert url("plan_version_detail", plan, 2) in history
    html = second.content.decode()
    assert second.status_code == 200
    assert "Før" in html and "Efter" not in html
    assert "En tidligere version kan kun læses." in html
    assert '<form method="post" action="/familier/forloeb' not in html  # read-only
    assert missing.status_code == 404


def test_plan_page_shows_version_and_who_changed_it_last(client, plan, team_colleague) -> None:
    add_goal(team_colleague, plan, "Mål")
    client.force_login(team_colleague)

    html = client.get(url("plan_detail", plan)).content.decode()

    assert "Version 2" in html
    assert f"senest ændret af {team_colleague} den" in html


# Conflicts -----------------------------------------------------------------------------------


def test_second_save_on_an_old_version_is_told_what_changed_and_keeps_its_text(
    client, plan, assigned_worker, team_colleague
) -> None:
    # Both open the plan at version 1.
    client.force_login(assigned_worker)
    opened_a = hidden_version(client.get(url("plan_goal_create", plan)).content.decode())
    client.force_login(team_colleague)
    opened_b = hidden_version(client.get(url("plan_goal_create", plan)).content.decode())
    assert opened_a == opened_b == 1
    # The first saves.
    client.force_login(assigned_worker)
    client.post(url("plan_goal_create", plan), goal_data(opened_a, text="Færre skænderier"))

    # The second saves on version 1.
    client.force_login(team_colleague)
    refused = client.post(
        url("plan_goal_create", plan), goal_data(opened_b, text="Mere tid sammen")
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Planen er blevet ændret, mens du skrev." in html
    assert "Mere tid sammen" in html  # their own text is still there
    changes = html.split('data-testid="plan-changes"')[1].split("</ul>")[0]
    assert str(assigned_worker) in changes and "Mål tilføjet: Færre skænderier" in changes
    assert hidden_version(html) == 2  # saving again applies on top
    assert list(plan.goals.values_list("text", flat=True)) == ["Færre skænderier"]

    again = client.post(
        url("plan_goal_create", plan), goal_data(hidden_version(html), text="Mere tid sammen")
    )

    assert again.status_code == 302
    assert sorted(plan.goals.values_list("text", flat=True)) == [
        "Færre skænderier",
        "Mere tid sammen",
    ]


def test_two_edits_of_the_same_goal_keep_both_texts_to_merge(
    client, plan, assigned_worker, team_colleague
) -> None:
    goal = add_goal(assigned_worker, plan, "Rolige morgener")
    opened = version_of(plan)
    client.force_login(assigned_worker)
    client.post(
        url("plan_goal_edit", plan, goal.pk),
        goal_data(opened, text="Rolige aftener", status="active"),
    )

    client.force_login(team_colleague)
    refused = client.post(
        url("plan_goal_edit", plan, goal.pk),
        goal_data(opened, text="Rolige weekender", status="active"),
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    current = html.split('data-testid="plan-current"')[1].split("</dl>")[0]
    assert "Rolige aftener" in current  # what the other saved
    assert "Rolige weekender" in html  # what they typed
    goal.refresh_from_db()
    assert goal.text == "Rolige aftener"  # not overwritten
    again = client.post(
        url("plan_goal_edit", plan, goal.pk),
        goal_data(hidden_version(html), text="Rolige aftener og weekender", status="active"),
    )
    goal.refresh_from_db()
    assert again.status_code == 302
    assert goal.text == "Rolige aftener og weekender"


def test_editing_a_goal_someone_deleted_keeps_the_text_and_can_add_it_anew(
    client, plan, assigned_worker, team_colleague
) -> None:
    goal = add_goal(assigned_worker, plan, "Skolen")
    edit_url, opened = url("plan_goal_edit", plan, goal.pk), version_of(plan)
    plans.goal_delete(by=assigned_worker, plan=plan, expected_version=opened, goal=goal)
    client.force_login(team_colleague)

    refused = client.post(edit_url, goal_data(opened, text="Noah kommer i skole"))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Målet er slettet af en anden, mens du skrev." in html
    assert "Noah kommer i skole" in html
    assert f'action="{url("plan_goal_create", plan)}"' in html
    again = client.post(
        url("plan_goal_create", plan), goal_data(hidden_version(html), text="Noah kommer i skole")
    )
    assert again.status_code == 302
    assert plan.goals.get().text == "Noah kommer i skole"
    assert client.get(edit_url).status_code == 404


def test_move_and_delete_on_an_old_version_change_nothing(
    client, plan, assigned_worker, team_colleague
) -> None:
    goal = add_goal(assigned_worker, plan, "A")
    add_goal(assigned_worker, plan, "B")
    opened = version_of(plan)
    add_goal(team_colleague, plan, "C")
    client.force_login(assigned_worker)

    move = client.post(url("plan_goal_move", plan, goal.pk), {"version": opened, "step": "1"})
    delete = client.post(url("plan_goal_delete", plan, goal.pk), {"version": opened})

    assert move.status_code == 409
    assert "flytningen er ikke gemt" in move.content.decode()
    assert "Mål tilføjet: C" in move.content.decode()
    assert delete.status_code == 409
    assert "intet er slettet" in delete.content.decode()
    assert hidden_version(delete.content.decode()) == version_of(plan)
    assert [g.text for g in plan.goals.order_by("order")] == ["A", "B", "C"]


def test_conflicting_familys_words_show_what_the_other_wrote(
    client, plan, assigned_worker, team_colleague
) -> None:
    plans.plan_perspective_save(
        by=assigned_worker, plan=plan, expected_version=1, text="Vi er trætte."
    )
    client.force_login(team_colleague)

    refused = client.post(
        url("plan_perspective_edit", plan), {"version": 1, "family_perspective": "Vi har håb."}
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Vi er trætte." in html and "Vi har håb." in html
    assert FamilyPlan.objects.get(pk=plan.pk).family_perspective == "Vi er trætte."


# Query counts and audit ----------------------------------------------------------------------


def _seed(by, plan: FamilyPlan, mother, goals: int) -> None:
    for n in range(goals):
        goal = add_goal(by, plan, f"Mål {n}", mother if n % 2 else None)
        for m in range(3):
            add_action(by, goal, f"Handling {n}.{m}")
        plans.professional_save(
            by=by,
            plan=FamilyPlan.objects.get(pk=plan.pk),
            expected_version=version_of(plan),
            data={"name": f"Fagperson {n}", "role": "Rolle", "why": "Hvorfor"},
        )


@pytest.mark.parametrize("goals", [2, 8])
def test_plan_page_query_count_does_not_grow_with_the_plan(
    client, plan, assigned_worker, mother, goals, django_assert_max_num_queries
) -> None:
    _seed(assigned_worker, plan, mother, goals)
    client.force_login(assigned_worker)

    with django_assert_max_num_queries(15):
        response = client.get(url("plan_detail", plan))

    assert response.content.decode().count('data-testid="action"') == goals * 3


@pytest.mark.parametrize("goals", [2, 8])
def test_history_and_version_query_counts_do_not_grow_with_the_plan(
    client, plan, assigned_worker, mother, goals, django_assert_max_num_queries
) -> None:
    _seed(assigned_worker, plan, mother, goals)
    client.force_login(assigned_worker)

    with django_assert_max_num_queries(15):
        history = client.get(url("plan_history", plan))
    with django_assert_max_num_queries(15):
        latest = client.get(url("plan_version_detail", plan, version_of(plan)))

    assert history.status_code == 200
    assert latest.content.decode().count('data-testid="action"') == goals * 3


def test_views_and_writes_are_audited(client, plan, assigned_worker) -> None:
    client.force_login(assigned_worker)

    client.get(url("plan_detail", plan))
    client.post(url("plan_goal_create", plan), goal_data(1))
    client.get(url("plan_history", plan))

    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.familyplan", actor=assigned_worker
    )
    assert views.count() == 3  # the page, the form (checked on POST) and the history
    assert set(views.values_list("course_id", flat=True)) == {plan.course_id}
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.goal")
    assert created.actor == assigned_worker
    assert created.values == {"plan_version": 2}
    assert created.family_id == plan.course.family_id


def test_forms_are_loaded_inline_and_post_to_their_own_page(client, plan, assigned_worker) -> None:
    goal = add_goal(assigned_worker, plan, "Mål")
    client.force_login(assigned_worker)

    page = client.get(url("plan_detail", plan)).content.decode()
    inline = client.get(url("plan_action_create", plan, goal.pk), HTTP_HX_REQUEST="true")

    add = url("plan_action_create", plan, goal.pk)
    assert f'hx-get="{add}" hx-target="#goal-{goal.pk}-form" hx-select="#plan-form"' in page
    html = inline.content.decode()
    assert 'id="plan-form"' in html
    assert f'action="{add}"' in html
    assert 'name="version" value="2"' in html
    assert PlanVersion.objects.filter(plan=plan).count() == 1
