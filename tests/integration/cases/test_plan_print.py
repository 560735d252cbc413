"""The printed plan (issue 4, item 7): one PDF for the family with their goals in their own
words, actions, professionals, the latest Signs of Safety mapping with the scaling trend, the
safety plan, the network and the meetings — read back with pdftotext. No CPR number in it, a
filename without personal data, the plan's access rules, a read and an export in the audit
trail, and a query count that does not grow with the plan."""

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import network_services as network
from cases import safety_plan_services as safety_plans
from cases import safety_services as safety
from cases.models import (
    Action,
    ActionResponsible,
    Course,
    Goal,
    GoalOwner,
    GoalReview,
    LifeArea,
    MeetingKind,
    NetworkKind,
    PlanMeeting,
    PlanProfessional,
    ScalingRespondent,
)
from cases.views_plan.print import print_context
from familieberedskab.models import AuditAction, AuditEvent
from tests.pdftext import pdf_text as read_pdf

GOAL = "Jeg vil have rolige morgener, hvor vi ikke råber."
ACTION = "Vække børnene kl. 6.45"
SECOND_ACTION = "Lave et billedskema til morgenen"
PROFESSIONAL = "Jo Hansen"
NETWORK_PERSON = "Mormor Grethe"
RULE = "Der er altid en voksen hjemme om aftenen."
FAMILY_WORDS = "Vi vil gerne have færre møder og mere ro derhjemme."
AGREED = "Mette og Bo mødes hver tirsdag kl. 9."
NEXT_MEETING = dt.date(2026, 6, 12)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text with whitespace collapsed (a sentence may wrap across lines)."""
    return read_pdf(content, tmp_path / "plan.pdf")


@pytest.fixture
def course(family) -> Course:
    return family.courses.get()


def url(course: Course) -> str:
    return reverse("cases:plan_print", args=[course.pk])


def add_goal(course: Course, n: int, *, text: str = "", reviews: int = 2, actions: int = 2):
    mette = course.family.members.get(first_name="Mette")
    goal = Goal.objects.create(
        plan=course.plan,
        owner=GoalOwner.PARENT,
        member=mette,
        text=text or f"Mål nummer {n}",
        life_area=LifeArea.PARENTING,
        family_comment="Det er svært om mandagen." if n == 0 else "",
        order=n,
    )
    worker = course.team.get(role="behandler").user
    for k in range(actions):
        Action.objects.create(
            goal=goal,
            what=[ACTION, SECOND_ACTION][k] if n == 0 and k < 2 else f"Handling {n}.{k}",
            responsible_kind=ActionResponsible.PROFESSIONAL,
            responsible_user=worker,
            due_on=dt.date(2026, 3, 1) + dt.timedelta(days=k),
            order=k,
        )
    for k in range(reviews):
        GoalReview.objects.create(
            goal=goal,
            reviewed_on=dt.date(2026, 1, 5) + dt.timedelta(days=14 * k),
            score=3 + k,
            comment="Bedre" if k else "",
            created_by=worker,
        )
    return goal


def add_mapping(course: Course, day: dt.date, score: int) -> None:
    mette = course.family.members.get(first_name="Mette")
    noah = course.family.members.get(first_name="Noah")
    safety.safety_mapping_save(
        by=course.family.caseworker,
        course=course,
        data={
            "mapped_on": day,
            "harm": "Der har været råb og skub om morgenen.",
            "complicating_factors": "Mor sover dårligt.",
            "working_well": "Mormor henter Noah om tirsdagen.",
            "next_steps": "Netværksmøde i marts.",
            "family_perspective": "Vi er trætte, men vi vil gerne.",
        },
        danger_statements=[
            ("Noah kan blive bange, hvis der råbes.", "Morgenerne er rolige i tre måneder.")
        ],
        scores=[
            safety.Score(ScalingRespondent.PARENT, score, member=mette),
            safety.Score(ScalingRespondent.CHILD, min(score + 1, 10), member=noah),
            safety.Score(ScalingRespondent.RADGIVER, score, user=course.family.caseworker),
        ],
    )


def add_network_person(course: Course, name: str, closeness: int = 5) -> None:
    noah = course.family.members.get(first_name="Noah")
    network.network_member_save(
        by=course.family.caseworker,
        course=course,
        data={
            "name": name,
            "kind": NetworkKind.RELATIVE,
            "closeness": closeness,
            "support_given": "Henter Noah i skole om tirsdagen.",
            "support_possible": "Kan have Noah en weekend.",
        },
        relations={noah.pk: "mormor"},
    )


@pytest.fixture
def furnished(course: Course) -> Course:
    """A plan with every part the paper shows."""
    plan = course.plan
    plan.family_perspective = FAMILY_WORDS
    plan.save(update_fields=["family_perspective"])
    add_goal(course, 0, text=GOAL)
    PlanProfessional.objects.create(
        plan=plan, name=PROFESSIONAL, role="Sundhedsplejerske", why="Følger Noahs trivsel."
    )
    add_mapping(course, dt.date(2026, 1, 10), 3)
    add_mapping(course, dt.date(2026, 2, 10), 5)
    safety_plans.safety_plan_save(
        by=course.family.caseworker,
        course=course,
        data={
            "adopted_on": dt.date(2026, 2, 1),
            "review_on": dt.date(2026, 3, 1),
            "everyday_rules": RULE,
            "network_roles": "Mormor henter i skolen.",
            "professional_checks": "Familiebehandleren kommer hver tirsdag.",
            "if_broken": "Mormor ringer til rådgiveren.",
        },
    )
    add_network_person(course, NETWORK_PERSON)
    PlanMeeting.objects.create(
        course=course,
        kind=MeetingKind.START,
        due_on=dt.date(2026, 1, 8),
        held_on=dt.date(2026, 1, 8),
        agreed=AGREED,
        family_perspective="Godt at vi blev hørt.",
        recorded_by=course.family.caseworker,
        recorded_at=timezone.now(),
    )
    PlanMeeting.objects.create(course=course, kind=MeetingKind.FOLLOW_UP, due_on=NEXT_MEETING)
    return course


# The content --------------------------------------------------------------------------------


def test_pdf_holds_the_whole_plan_in_plain_danish(
    client, furnished, radgiver, tmp_path, caplog
) -> None:
    client.force_login(radgiver)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client.get(url(furnished))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Familiehandleplan for Familien Holmgård" in text
    assert GOAL in text
    assert "Familiens egne ord" in text
    assert FAMILY_WORDS in text
    assert "Livsområde: Forældreskab" in text
    assert "Status: I gang" in text
    assert "4 af 10" in text  # the latest of the goal's two reviews
    assert text.index(ACTION) < text.index(SECOND_ACTION)  # actions in their order
    assert "senest 01.03.2026" in text
    assert PROFESSIONAL in text and "Følger Noahs trivsel." in text
    assert "Signs of Safety: kortlægning 10.02.2026" in text  # the latest mapping
    assert "Morgenerne er rolige i tre måneder." in text
    assert "Netværksmøde i marts." in text
    assert "Seneste: 5 af 10" in text  # Mette's scaling, latest
    assert RULE in text
    assert "gennemgås igen senest 01.03.2026" in text
    assert NETWORK_PERSON in text and "Henter Noah i skole om tirsdagen." in text
    assert "mormor – Noah Holmgård" in text
    assert AGREED in text
    assert f"Næste møde: Opfølgningsmøde, senest {NEXT_MEETING:%d.%m.%Y}" in text
    assert re.search(r"Side 1 af \d+", text)
    # WeasyPrint warns of CSS or SVG it cannot use (and of anything it was refused to fetch).
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]


def test_pdf_marks_every_text_of_the_family_as_their_own_words(
    client, furnished, radgiver, tmp_path
) -> None:
    client.force_login(radgiver)

    text = pdf_text(client.get(url(furnished)).content, tmp_path)

    for words in (
        FAMILY_WORDS,
        GOAL,
        "Vi er trætte, men vi vil gerne.",  # the mapping
        "Godt at vi blev hørt.",  # the start meeting
    ):
        before = text[: text.index(words)]
        assert before.rstrip().endswith("Familiens egne ord"), words
    assert "Familiens egne ord: Familiens kommentar Det er svært om mandagen." in text


def test_pdf_draws_the_charts_and_the_map(client, furnished, radgiver) -> None:
    client.force_login(radgiver)
    context = print_context(furnished.plan)

    assert len(context["scaling_charts"]) == 3  # Mette, Noah, the rådgiver
    assert "<polyline" in context["scaling_charts"][0].svg
    assert NETWORK_PERSON in context["network_map"]
    # WeasyPrint draws inline SVG as vector paths: no images are embedded.
    content = client.get(url(furnished)).content
    assert b"/Subtype /Image" not in content


def test_pdf_holds_no_cpr_number(client, furnished, radgiver, tmp_path) -> None:
    client.force_login(radgiver)

    text = pdf_text(client.get(url(furnished)).content, tmp_path)

    members = list(furnished.family.members.all())
    assert all(m.has_cpr for m in members)
    for member in members:
        digits = member.cpr_digits()
        assert digits not in text.replace("-", "")
        assert f"{digits[:6]}-{digits[6:]}" not in text
        assert digits[6:] not in text


def test_filename_has_no_personal_data(client, furnished, radgiver) -> None:
    client.force_login(radgiver)

    response = client.get(url(furnished))

    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'inline; filename="familiehandleplan-{furnished.pk}-{today:%Y-%m-%d}.pdf"'
    )
    assert response["Cache-Control"] == "no-store, private"


def test_an_empty_plan_prints_without_safety_sections(client, course, radgiver, tmp_path) -> None:
    client.force_login(radgiver)

    text = pdf_text(client.get(url(course)).content, tmp_path)

    assert "Familiens egne ord om planen er ikke skrevet endnu." in text
    assert "Ingen mål endnu." in text
    assert "Der er ingen personer i netværket endnu." in text
    assert "Der er ikke planlagt flere møder." in text
    assert "Signs of Safety" not in text
    assert "Sikkerhedsplan" not in text


def test_plan_page_links_to_the_pdf(client, course, radgiver, leader) -> None:
    for user in (radgiver, leader):
        client.force_login(user)

        page = client.get(reverse("cases:plan_detail", args=[course.pk])).content.decode()

        assert f'href="{url(course)}"' in page
        assert "Udskriv / gem som PDF" in page


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["radgiver", "assigned_worker", "team_colleague", "leader"])
def test_team_radgiver_and_leader_get_the_pdf(client, request, furnished, who) -> None:
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(furnished))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "who", ["outsider", "other_municipality_radgiver", "other_provider_leader"]
)
def test_others_get_404(client, request, furnished, who) -> None:
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(furnished)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_projektleder_gets_403(client, furnished, projektleder) -> None:
    client.force_login(projektleder)

    assert client.get(url(furnished)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_login(client, furnished) -> None:
    response = client.get(url(furnished))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staffing:login"))


def test_post_is_refused(client, furnished, radgiver) -> None:
    client.force_login(radgiver)

    assert client.post(url(furnished)).status_code == 405


# Audit --------------------------------------------------------------------------------------


def test_the_read_and_the_export_are_audited(client, furnished, assigned_worker) -> None:
    client.force_login(assigned_worker)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    plan = furnished.plan
    mapping = safety.latest_mapping(furnished)
    safety_plan = safety_plans.current_safety_plan(furnished)

    client.get(url(furnished))

    rows = AuditEvent.objects.filter(pk__gt=before, object_type="cases.familyplan")
    view = rows.get(action=AuditAction.VIEW)
    export = rows.get(action=AuditAction.EXPORT)
    assert view.actor == export.actor == assigned_worker
    assert export.object_id == str(plan.pk)
    assert export.detail == "plan_pdf"
    assert (export.family_id, export.course_id) == (furnished.family_id, furnished.pk)
    assert export.values == {
        "plan_version": plan.version,
        "safety_mapping": mapping.pk,
        "safety_plan": safety_plan.pk,
    }


# Query counts -------------------------------------------------------------------------------


def _grow(course: Course, start: int, count: int) -> None:
    """More of everything the paper lists: goals with actions and reviews, mappings with
    scores, network people with relations, professionals and meetings."""
    for n in range(start, start + count):
        add_goal(course, n, reviews=3, actions=3)
        PlanProfessional.objects.create(plan=course.plan, name=f"Fagperson {n}", role="R", why="W")
        add_mapping(course, dt.date(2026, 3, 1) + dt.timedelta(days=n), n % 10)
        add_network_person(course, f"Person {n}", closeness=1 + n % 5)
        PlanMeeting.objects.create(
            course=course,
            kind=MeetingKind.FOLLOW_UP,
            due_on=dt.date(2025, 6, 1) + dt.timedelta(days=n),
            held_on=dt.date(2025, 6, 1) + dt.timedelta(days=n),
            agreed=f"Aftale {n}",
            recorded_at=timezone.now(),
        )


def test_query_count_does_not_grow_with_the_plan(
    client, furnished, radgiver, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client.force_login(radgiver)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url(furnished)).status_code == 200
    _grow(furnished, 1, 6)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(furnished))

    assert response.status_code == 200
    assert furnished.plan.goals.count() == 7
