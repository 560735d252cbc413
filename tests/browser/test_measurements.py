"""Measurements in the browser, on a tablet (820×1180): a familiebehandler opens the
measurement plan from the course page, enters a WHO-5 for the mother and a parent SDQ for the
son at baseline by item number — tapping big answer buttons, leaving some items unanswered,
watching the count — and sees the scores with their bands, the flags and the missing items,
then both measurements done on the plan and the start of the pre/post section."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cases import outcome_services as outcomes
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
WHO5 = {1: 2, 2: 3, 3: 1, 4: 2, 5: 3}  # raw 11 → 44 %: low wellbeing, an item at 1
SDQ_SKIPPED = {3, 8, 6, 11, 14}  # emotional 3 of 5 (scored), peer 2 of 5 (missing)


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


def answer(page: Page, item: int, value: str) -> None:
    row = page.locator(f'[data-testid="measurement-item"][data-item="{item}"]')
    row.locator("label", has_text=re.compile(rf"^{re.escape(value)}$")).click()


@pytest.fixture
def planned(family, assigned_worker):
    """The course started 10 days ago; its baseline measurements are planned."""
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    course = family.courses.get()
    course.start_date = timezone.localdate() - dt.timedelta(days=10)
    course.save(update_fields=["start_date"])
    outcomes.measurements_plan_initial(course=course)
    return course


def test_behandler_enters_who5_and_parent_sdq_at_baseline(ui: UI, planned) -> None:
    page = ui.page
    ages = {m.first_name: m.age_on(timezone.localdate()) for m in planned.family.members.all()}

    # 1. From the course page to the measurement plan.
    ui.login("behandler")
    ui.goto(reverse("cases:course_detail", args=[planned.pk]))
    link = page.get_by_test_id("course-measurements-link")
    assert_touch_size(link, "link 'Målinger'")
    link.click()
    expect(page.get_by_role("heading", name="Målinger", exact=True)).to_be_visible()
    plan = page.get_by_test_id("measurement-plan")
    expect(plan.get_by_test_id("measurement-due")).to_have_count(3)
    expect(plan.locator('[data-state="open"][data-testid="measurement-due"]')).to_have_count(3)
    ui.shot("01-maaleplan")

    # 2. WHO-5 for Mette: the plan preselects her and the occasion.
    plan.get_by_role("link", name="Registrér WHO-5 Trivselsindeks om Mette").click()
    expect(page.get_by_role("heading", name="WHO-5 Trivselsindeks")).to_be_visible()
    expect(page.get_by_label(f"Mette Holmgård ({ages['Mette']} år)")).to_be_checked()
    expect(page.get_by_label("Start", exact=True)).to_be_checked()
    expect(page.get_by_test_id("measurement-item")).to_have_count(5)
    count = page.get_by_test_id("measurement-count")
    expect(count).to_have_text("Besvaret: 0 af 5 punkter")
    first_button = page.locator('[data-item="1"] label', has_text=re.compile(r"^2$"))
    assert_touch_size(first_button, "answer button")
    for item, value in WHO5.items():
        answer(page, item, str(value))
    expect(count).to_have_text("Besvaret: 5 af 5 punkter")
    ui.shot("02-who5")
    page.get_by_role("button", name="Gem målingen").click()

    # 3. The result: the percentage with its band and the flags in plain Danish.
    expect(page.get_by_text("Målingen er gemt.")).to_be_visible()
    percentage = page.locator('[data-testid="measurement-score"][data-scale="percentage"]')
    expect(percentage).to_contain_text("44")
    expect(percentage.get_by_test_id("measurement-band")).to_have_text("Lav trivsel")
    flags = page.get_by_test_id("measurement-flags")
    expect(flags).to_contain_text("≤ 50: lav trivsel – overvej screening for depression")
    expect(flags).to_contain_text("Et punkt på 0–1")
    expect(page.get_by_test_id("measurement-missing-none")).to_be_visible()
    ui.shot("03-who5-resultat")

    # 4. The parent SDQ for Noah, some items left unanswered.
    page.get_by_role("link", name="Til målingerne").click()
    page.get_by_role("link", name="Registrér SDQ – forældreversion om Noah").click()
    expect(page.get_by_role("heading", name="SDQ – forældreversion")).to_be_visible()
    expect(page.get_by_label(f"Noah Holmgård ({ages['Noah']} år)")).to_be_checked()
    informant = page.get_by_test_id("field-informant_member")
    expect(informant.get_by_label("Mette Holmgård", exact=False)).to_be_checked()
    expect(page.get_by_test_id("measurement-item")).to_have_count(31)
    expect(page.get_by_test_id("measurement-impact-heading")).to_be_visible()
    for item in range(1, 26):
        if item not in SDQ_SKIPPED:
            answer(page, item, "1")
    answer(page, 26, "0")  # no difficulties reported: the impact items can be skipped
    answer(page, 10, "2")  # a change of mind on item 10
    answer(page, 10, "Ikke besvaret")
    answer(page, 10, "2")
    expect(page.get_by_test_id("measurement-count")).to_have_text("Besvaret: 21 af 31 punkter")
    ui.shot("04-sdq")
    page.get_by_role("button", name="Gem målingen").click()

    # 5. Scores per scale with bands; the missing scale says why; the norm set is named.
    expect(page.get_by_text("Målingen er gemt.")).to_be_visible()
    scores = page.get_by_test_id("measurement-scores")
    emotional = scores.locator('[data-scale="emotional"]')
    expect(emotional).to_contain_text("5")
    expect(emotional.get_by_test_id("measurement-band")).to_have_text("Afvigende")
    hyperactivity = scores.locator('[data-scale="hyperactivity"]')
    expect(hyperactivity).to_contain_text("6")  # 1,2,1 and reversed 1,1 → 6/5 → 6
    expect(hyperactivity.get_by_test_id("measurement-band")).to_have_text("Grænseområde")
    expect(scores.locator('[data-scale="peer"]')).to_contain_text(
        "Kunne ikke beregnes: færre end 3 af skalaens punkter er besvaret."
    )
    expect(scores.locator('[data-scale="total"]')).to_contain_text("Kunne ikke beregnes")
    expect(page.get_by_test_id("measurement-missing")).to_contain_text(
        "Ikke besvaret: punkt 3, 6, 8, 11, 14, 27, 28, 29, 30 og 31."
    )
    expect(page.get_by_test_id("measurement-norms")).to_contain_text(
        "Der bruges britiske bånd, medmindre en dansk normtabel er indlæst."
    )
    ui.shot("05-sdq-resultat")

    # 6. Back on the plan: two done, the PSS still open; the pre/post section has begun.
    page.get_by_role("link", name="Til målingerne").click()
    done = plan.locator('[data-state="done"][data-testid="measurement-due"]')
    expect(done).to_have_count(2)
    expect(plan.locator('[data-state="open"][data-testid="measurement-due"]')).to_have_count(1)
    prepost = page.get_by_test_id("measurement-prepost")
    expect(prepost.get_by_test_id("prepost-person")).to_have_count(2)
    expect(prepost.locator("svg.prepost-chart")).to_have_count(2)
    expect(prepost).to_contain_text("ingen endnu")
    ui.shot("06-maaleplan-efter")
