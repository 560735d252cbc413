"""Issue 4 in the browser, at the kitchen table (tablet, 820×1180): a familiebehandler opens
the family's plan from "Mine forløb", writes a goal in the family's words with two actions,
reorders them, adds a professional and the family's words about the plan, and reads the
history."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from cases import plan_services as plans
from cases.models import ActionResponsible, FamilyPlan, Goal
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
GOAL = "Jeg vil have rolige morgener, hvor vi ikke råber."


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


def settled(first_field: Locator) -> None:
    """An inline form is in place once htmx has moved the focus to its first field (typing
    before that could land in another field)."""
    expect(first_field).to_be_focused()


@pytest.fixture
def named_team(assigned_worker, team_colleague):
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    team_colleague.full_name = "Pia Pædagog"
    team_colleague.save(update_fields=["full_name"])
    return assigned_worker, team_colleague


def test_familiebehandler_writes_the_plan_with_the_family(ui: UI, family, named_team) -> None:
    page = ui.page
    plan = family.courses.get().plan
    due = timezone.localdate() + dt.timedelta(days=14)

    # 1. From the start page to the family and its plan.
    ui.login("behandler")
    courses = page.get_by_role("region", name="Mine forløb")
    courses.get_by_role("link", name="Familien Holmgård").click()
    expect(page.get_by_role("heading", name="Familien Holmgård")).to_be_visible()
    page.get_by_role("link", name="Familiehandleplan").click()
    expect(page.get_by_role("heading", name="Familiehandleplan", level=1)).to_be_visible()
    expect(page.get_by_test_id("plan-version")).to_contain_text("Version 1")
    parents = page.get_by_role("region", name="Forældrenes mål")
    expect(parents.get_by_role("heading", name="Mette Holmgård")).to_be_visible()
    ui.shot("01-plan-tom")

    # 2. A goal for Mette, in her words (the form opens inline).
    parents.get_by_role("link", name="Tilføj mål for Mette").click()
    form = page.get_by_test_id("plan-form")
    settled(form.get_by_label("Målet med familiens egne ord"))
    expect(form.get_by_label("Hvis mål er det?")).to_have_value(
        re.compile(r"member-\d+")
    )  # preselected: Mette
    assert_touch_size(form.get_by_label("Livsområde"), "select 'Livsområde'")
    form.get_by_label("Målet med familiens egne ord").fill(GOAL)
    form.get_by_label("Livsområde").select_option(label="Forældreskab")
    form.get_by_label("Kommer fra").select_option(label="Barnets plan")
    form.get_by_label("Henvisning til planen").fill("barnets plan af 3.2.2026")
    ui.shot("02-nyt-maal")
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Målet er gemt.")).to_be_visible()
    goal_card = page.get_by_test_id("goal").filter(has_text=GOAL)
    expect(goal_card.get_by_test_id("goal-text")).to_have_text(GOAL)
    expect(goal_card).to_contain_text("Familiens egne ord")
    expect(goal_card.get_by_test_id("goal-source")).to_have_text(
        "fra barnets plan: barnets plan af 3.2.2026"
    )

    # 3. Two actions: one by the team-mate, one by Mette herself.
    goal_card.get_by_role("link", name="Tilføj handling").click()
    form = page.get_by_test_id("plan-form")
    settled(form.get_by_label("Hvad skal der ske?"))
    form.get_by_label("Hvad skal der ske?").fill("Lave et billedskema til morgenen")
    form.get_by_label("Hvem gør det?").select_option(label="Pia Pædagog – Pædagog")
    form.get_by_label("Senest").fill(due.isoformat())
    ui.shot("03-ny-handling")
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Handlingen er gemt.")).to_be_visible()
    goal_card = page.get_by_test_id("goal").filter(has_text=GOAL)
    goal_card.get_by_role("link", name="Tilføj handling").click()
    form = page.get_by_test_id("plan-form")
    settled(form.get_by_label("Hvad skal der ske?"))
    form.get_by_label("Hvad skal der ske?").fill("Vække børnene kl. 6.45")
    form.get_by_label("Hvem gør det?").select_option(label="Mette Holmgård")
    form.get_by_role("button", name="Gem").click()
    actions = page.get_by_test_id("goal").filter(has_text=GOAL).get_by_test_id("action-what")
    expect(actions).to_have_text(["Lave et billedskema til morgenen", "Vække børnene kl. 6.45"])
    goal_card = page.get_by_test_id("goal").filter(has_text=GOAL)
    expect(goal_card.get_by_test_id("action").first).to_contain_text(
        f"Hvem: Pia Pædagog · senest {due:%d.%m.%Y}"
    )

    # 4. Waking the children comes first: move it up.
    up = goal_card.get_by_role("button", name="Flyt op: Vække børnene kl. 6.45")
    assert_touch_size(up, "button 'Flyt op'")
    up.click()
    expect(actions).to_have_text(["Vække børnene kl. 6.45", "Lave et billedskema til morgenen"])
    ui.shot("04-handlinger-flyttet")

    # 5. Who comes to the home, and why.
    professionals = page.get_by_role("region", name="Fagpersoner i hjemmet")
    professionals.get_by_role("link", name="Tilføj fagperson").click()
    form = page.get_by_test_id("plan-form")
    settled(form.get_by_label("Navn"))
    form.get_by_label("Navn").fill("Jo Hansen")
    form.get_by_label("Rolle og arbejdssted").fill("Sundhedsplejerske, Ishøj Kommune")
    form.get_by_label("Hvorfor kommer de").fill("Følger Noahs lillebrors trivsel hver 14. dag.")
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Fagpersonen er gemt.")).to_be_visible()
    expect(page.get_by_test_id("professional")).to_contain_text("Jo Hansen")

    # 6. The family's own words about the plan.
    words = page.get_by_role("region", name="Familiens egne ord om planen")
    words.get_by_role("link", name="Skriv familiens ord").click()
    form = page.get_by_test_id("plan-form")
    settled(form.get_by_label("Familiens egne ord om planen"))
    form.get_by_label("Familiens egne ord om planen").fill(
        "Vi vil gerne have færre møder og mere ro derhjemme."
    )
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_test_id("family-words-text")).to_have_text(
        "Vi vil gerne have færre møder og mere ro derhjemme."
    )
    expect(page.get_by_test_id("plan-version")).to_contain_text("Version 7")
    expect(page.get_by_test_id("plan-version")).to_contain_text("senest ændret af Bo Behandler")
    for name in ("Tilføj handling", "Ret mål", "Ret familiens ord", "Tilføj fagperson", "Historik"):
        assert_touch_size(page.get_by_role("link", name=name, exact=True).first, f"link {name!r}")
    ui.shot("05-plan-udfyldt")

    # 7. The history: every change a version, each one viewable as it was.
    page.get_by_role("link", name="Historik", exact=True).click()
    expect(page.get_by_role("heading", name="Planens historik")).to_be_visible()
    rows = page.get_by_test_id("plan-version-row")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Familiens egne ord er ændret")
    expect(rows.first).to_contain_text("Bo Behandler")
    expect(rows.last).to_contain_text(f"Mål tilføjet: {GOAL[:40]}")
    ui.shot("06-historik")
    page.get_by_role("link", name="Vis version 2").click()
    expect(page.get_by_test_id("plan-version-note")).to_contain_text("Mål tilføjet")
    expect(page.get_by_test_id("goal-text")).to_have_text(GOAL)
    expect(page.get_by_text("Ingen handlinger endnu.")).to_be_visible()
    expect(page.get_by_role("link", name="Tilføj handling")).to_have_count(0)  # read-only
    ui.shot("07-version-2")
    page.get_by_role("link", name="Planen nu").click()
    expect(page.get_by_test_id("plan-version")).to_contain_text("Version 7")

    fresh = FamilyPlan.objects.get(pk=plan.pk)
    goal = Goal.objects.get(plan=fresh)
    assert [a.responsible_kind for a in goal.actions.order_by("order")] == [
        ActionResponsible.FAMILY,
        ActionResponsible.PROFESSIONAL,
    ]
    assert fresh.family_perspective.startswith("Vi vil gerne have færre møder")
    ui.assert_clean()


def test_second_save_is_told_what_changed_and_keeps_its_words(ui: UI, family, named_team) -> None:
    page = ui.page
    _worker, colleague = named_team
    plan = family.courses.get().plan
    ui.allow_console(r"status of 409")  # the view answers a save on an old version with 409

    ui.login("behandler")
    ui.goto(f"/familier/forloeb/{plan.course_id}/plan/")
    page.get_by_role("link", name="Skriv familiens ord").click()
    form = page.get_by_test_id("plan-form")
    field = form.get_by_label("Familiens egne ord om planen")
    settled(field)
    field.fill("Vi har fået mere ro om aftenen.")
    # Meanwhile the pædagog, at the office, saves the family's words first.
    plans.plan_perspective_save(
        by=colleague, plan=plan, expected_version=1, text="Mette siger: vi er trætte."
    )
    form.get_by_role("button", name="Gem").click()

    conflict = page.get_by_test_id("plan-conflict")
    expect(conflict).to_contain_text("Planen er blevet ændret, mens du skrev.")
    expect(conflict.get_by_test_id("plan-changes")).to_contain_text("Pia Pædagog")
    expect(conflict.get_by_test_id("plan-current")).to_contain_text("Mette siger: vi er trætte.")
    field = page.get_by_label("Familiens egne ord om planen")
    expect(field).to_have_value("Vi har fået mere ro om aftenen.")  # nothing lost
    assert_touch_size(page.get_by_role("button", name="Gem"), "button 'Gem'")
    ui.shot("01-konflikt")
    field.fill("Mette siger: vi er trætte. Men vi har fået mere ro om aftenen.")
    page.get_by_role("button", name="Gem").click()

    expect(page.get_by_text("Familiens ord er gemt.")).to_be_visible()
    expect(page.get_by_test_id("family-words-text")).to_have_text(
        "Mette siger: vi er trætte. Men vi har fået mere ro om aftenen."
    )
    expect(page.get_by_test_id("plan-version")).to_contain_text("Version 3")
    ui.shot("02-gemt-oven-paa")
    ui.assert_clean()
