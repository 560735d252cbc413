"""Issue 4's acceptance journey, at the kitchen table (tablet, 820×1180): a familiebehandler
opens the family's plan from the start page, writes a goal in the family's words with two
actions, records the Signs of Safety scaling in a new mapping (a month after the first, so
the scaling has a trend), adds the grandmother to the network, and prints the plan: the PDF
opens in a new tab and holds the goal, the actions, the scaling and the grandmother."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cases import safety_services as safety
from cases.models import NetworkMember, SafetyMapping, ScalingRespondent
from familieberedskab.models import AuditAction, AuditEvent
from tests.browser.conftest import ARTIFACTS, UI
from tests.pdftext import pdf_text as read_pdf

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
GOAL = "Vi vil have rolige morgener, hvor ingen råber."
ACTIONS = ["Lave et billedskema til morgenen", "Vække børnene kl. 6.45"]
GRANDMOTHER = "Mormor Grethe"


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


def pdf_text(content: bytes, name: str) -> str:
    return read_pdf(content, ARTIFACTS / f"{name}.pdf")  # kept beside the screenshots


def wait_for_pdf_viewer(popup: Page) -> None:
    """Chromium's PDF viewer shows the document in a frame of its own that loads the PDF's
    URL again; wait for it, then give it a moment to draw (for the screenshot)."""
    for _ in range(50):
        if any(frame.url == popup.url for frame in popup.frames[1:]):
            popup.wait_for_timeout(700)
            return
        popup.wait_for_timeout(100)
    raise AssertionError(f"the PDF viewer did not open: {[f.url for f in popup.frames]}")


@pytest.fixture
def named_team(assigned_worker, team_colleague):
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    team_colleague.full_name = "Pia Pædagog"
    team_colleague.save(update_fields=["full_name"])
    return assigned_worker, team_colleague


@pytest.fixture
def first_mapping(family, radgiver):
    """The mapping made at the start meeting a month ago: Mette scaled 3."""
    course = family.courses.get()
    mette = family.members.get(first_name="Mette")
    mapping, _warnings = safety.safety_mapping_save(
        by=radgiver,
        course=course,
        data={
            "mapped_on": timezone.localdate() - dt.timedelta(days=30),
            "working_well": "Mormor henter Noah om tirsdagen.",
            "next_steps": "Faste morgenrutiner.",
        },
        danger_statements=[("Noah bliver bange, når der råbes.", "Rolige morgener i 3 måneder.")],
        scores=[safety.Score(ScalingRespondent.PARENT, 3, member=mette)],
    )
    return mapping


def test_familiebehandler_makes_the_plan_and_prints_it(
    ui: UI, family, named_team, first_mapping
) -> None:
    page = ui.page
    course = family.courses.get()
    today = timezone.localdate()
    due = today + dt.timedelta(days=14)

    # 1. From the start page to the family's plan.
    ui.login("behandler")
    page.get_by_role("region", name="Mine forløb").get_by_role(
        "link", name="Familien Holmgård"
    ).click()
    expect(page.get_by_role("heading", name="Familien Holmgård")).to_be_visible()
    page.get_by_test_id("course").get_by_role("link", name="Familiehandleplan").click()
    expect(page.get_by_role("heading", name="Familiehandleplan", level=1)).to_be_visible()
    print_link = page.get_by_role("link", name="Udskriv / gem som PDF")
    assert_touch_size(print_link, "link 'Udskriv / gem som PDF'")
    ui.shot("01-plan")

    # 2. A goal for the whole family, in their own words, with two actions.
    family_goals = page.get_by_role("region", name="Familiens fælles mål")
    family_goals.get_by_role("link", name="Tilføj fælles mål").click()
    form = page.get_by_test_id("plan-form")
    expect(form.get_by_label("Målet med familiens egne ord")).to_be_focused()
    form.get_by_label("Målet med familiens egne ord").fill(GOAL)
    form.get_by_label("Livsområde").select_option(label="Forældreskab")
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Målet er gemt.")).to_be_visible()
    for what, who in zip(ACTIONS, ["Pia Pædagog – Pædagog", "Mette Holmgård"], strict=True):
        goal_card = page.get_by_test_id("goal").filter(has_text=GOAL)
        goal_card.get_by_role("link", name="Tilføj handling").click()
        form = page.get_by_test_id("plan-form")
        expect(form.get_by_label("Hvad skal der ske?")).to_be_focused()
        form.get_by_label("Hvad skal der ske?").fill(what)
        form.get_by_label("Hvem gør det?").select_option(label=who)
        form.get_by_label("Senest").fill(due.isoformat())
        form.get_by_role("button", name="Gem").click()
        expect(page.get_by_text("Handlingen er gemt.")).to_be_visible()
    goal_card = page.get_by_test_id("goal").filter(has_text=GOAL)
    expect(goal_card).to_contain_text("Familiens egne ord")
    expect(goal_card.get_by_test_id("action-what")).to_have_text(ACTIONS)
    ui.shot("02-maal-med-handlinger")

    # 3. Signs of Safety: a new mapping, prefilled from the first; Mette now scales 5.
    page.get_by_role("link", name="Familien Holmgård").first.click()  # the breadcrumb
    page.get_by_test_id("course").get_by_role("link", name="Signs of Safety", exact=True).click()
    page.get_by_role("link", name="Ny kortlægning").click()
    expect(page.get_by_test_id("safety-prefilled")).to_be_visible()
    scaling = page.get_by_test_id("safety-scaling")
    expect(scaling.get_by_label("Mette Holmgård", exact=True)).to_have_value("3")
    scaling.get_by_label("Mette Holmgård", exact=True).fill("5")
    scaling.get_by_label("Noah Holmgård", exact=True).fill("6")
    ui.shot("03-skalering")
    page.get_by_role("button", name="Gem kortlægningen").click()
    expect(page.get_by_text("Kortlægningen er gemt.")).to_be_visible()
    expect(page.get_by_test_id("safety-score")).to_have_count(2)
    page.get_by_role("link", name="Skalering over tid").click()
    mette = page.get_by_test_id("safety-trend").filter(has_text="Mette Holmgård")
    expect(mette.get_by_test_id("safety-trend-points")).to_contain_text(f"{today:%d.%m.%Y}: 5")
    ui.shot("04-skalering-over-tid")

    # 4. The grandmother joins the network.
    page.get_by_role("link", name="Familien Holmgård").first.click()
    page.get_by_test_id("course").get_by_role("link", name="Netværk", exact=True).click()
    form = page.locator("#network-member-form")
    form.get_by_label("Navn").fill(GRANDMOTHER)
    form.get_by_label("Hvem er det").select_option(label="Familie")
    form.get_by_label("Hvor tæt på familien").select_option("5")
    form.get_by_label("Støtte i dag").fill("Henter Noah i skole om tirsdagen.")
    form.get_by_label("Relation til Noah Holmgård").fill("mormor")
    form.get_by_role("button", name="Tilføj til netværket").click()
    expect(page.get_by_text("Personen er føjet til netværket.")).to_be_visible()
    expect(page.get_by_test_id("network-member")).to_contain_text(GRANDMOTHER)
    ui.shot("05-netvaerk")

    # 5. Print: the plan opens as a PDF in a new tab.
    page.get_by_role("link", name="Familien Holmgård").first.click()
    page.get_by_test_id("course").get_by_role("link", name="Familiehandleplan").click()
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Udskriv / gem som PDF").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    pdf_path = f"/familier/forloeb/{course.pk}/plan/pdf/"
    assert popup.url == ui.url(pdf_path)
    wait_for_pdf_viewer(popup)  # the strict CSP of our responses does not stop the viewer
    popup.screenshot(path=str(ARTIFACTS / f"{ui.name}-06-pdf-i-ny-fane.png"))
    popup.close()
    response = page.request.get(ui.url(pdf_path))  # the same session's cookies
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="familiehandleplan-{course.pk}-' in response.headers["content-disposition"]
    text = pdf_text(response.body(), f"{ui.name}-familiehandleplan")
    assert f"Familiens egne ord {GOAL}" in text
    assert text.index(ACTIONS[0]) < text.index(ACTIONS[1])
    assert f"senest {due:%d.%m.%Y}" in text
    assert f"Signs of Safety: kortlægning {today:%d.%m.%Y}" in text
    assert "Seneste: 5 af 10" in text
    assert GRANDMOTHER in text and "mormor – Noah Holmgård" in text

    assert SafetyMapping.objects.filter(course=course).count() == 2
    assert NetworkMember.objects.filter(family=family, name=GRANDMOTHER).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, course_id=course.pk, detail="plan_pdf"
    ).exists()
    ui.assert_clean()
