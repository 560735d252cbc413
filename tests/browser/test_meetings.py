"""Issue 4 in the browser, on a tablet (820×1180): the familierådgiver sees on the start page
that a follow-up meeting is overdue, opens it, records it as held with the family (who took
part, what was agreed, a revised goal, the family's own words) and sees the next follow-up
planned six months on."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from cases.meeting_schedule import add_months
from cases.models import Goal, GoalOwner, LifeArea, MeetingKind, PlanMeeting
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
GOAL = "Vi vil have rolige morgener, hvor alle kommer i skole til tiden."


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


@pytest.fixture
def overdue_follow_up(family, assigned_worker) -> PlanMeeting:
    """The start meeting held a month ago; the first follow-up was due three days ago."""
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    course = family.courses.get()
    Goal.objects.create(
        plan=course.plan, owner=GoalOwner.FAMILY, text=GOAL, life_area=LifeArea.PARENTING
    )
    PlanMeeting.objects.create(
        course=course,
        kind=MeetingKind.START,
        due_on=course.start_date,
        held_on=course.start_date,
        recorded_at=timezone.now(),
    )
    due = timezone.localdate() - dt.timedelta(days=3)
    return PlanMeeting.objects.create(course=course, kind=MeetingKind.FOLLOW_UP, due_on=due)


def test_radgiver_records_the_overdue_follow_up(ui: UI, family, overdue_follow_up) -> None:
    page = ui.page
    today = timezone.localdate()
    due = overdue_follow_up.due_on

    # 1. The start page: the overdue meeting, clearly marked.
    ui.login("radgiver")
    panel = page.get_by_role("region", name="Møder", exact=True)
    row = panel.get_by_test_id("upcoming-meeting").filter(has_text="Familien Holmgård")
    expect(row).to_have_attribute("data-overdue", "true")
    expect(row).to_contain_text("Overskredet")
    expect(row).to_contain_text(f"skulle holdes senest {due:%d.%m.%Y}")
    ui.shot("01-forside")

    # 2. The family's meetings: the next one is the overdue follow-up.
    row.get_by_role("link", name="Familien Holmgård").click()
    expect(page.get_by_role("heading", name="Opstarts- og opfølgningsmøder")).to_be_visible()
    card = page.get_by_test_id("meeting-next")
    expect(card).to_contain_text("Opfølgningsmøde")
    expect(card).to_contain_text(f"Skulle have været holdt senest {due:%d.%m.%Y}")
    expect(card.get_by_test_id("meeting-state")).to_have_text("Overskredet")
    record = card.get_by_role("link", name="Registrér mødet")
    assert_touch_size(record, "link 'Registrér mødet'")
    ui.shot("02-moeder")

    # 3. Record it: who took part, what was agreed, the revised goal, the family's words.
    record.click()
    expect(page.get_by_role("heading", name="Registrér opfølgningsmøde")).to_be_visible()
    expect(page.get_by_label("Holdt den")).to_have_value(today.isoformat())
    page.get_by_label("Rikke Rådgiver (Familierådgiver)").check()
    page.get_by_label("Bo Behandler (Familiebehandler)").check()
    page.get_by_label("Mette Holmgård").check()
    assert_touch_size(
        page.locator(".form-check").filter(has_text="Mette Holmgård"), "checkbox 'Mette'"
    )
    page.get_by_label("Andre deltagere").fill("Klasselærer Jens, Strandgårdskolen")
    page.get_by_label("Hvad blev aftalt").fill(
        "Pædagogen kommer tre morgener om ugen. Skolen ringer til mor ved fravær."
    )
    page.get_by_label(f"Hele familien: {GOAL}").check()
    page.get_by_label("Hvordan målene blev ændret").fill("Målet gælder nu også fredage.")
    expect(page.get_by_test_id("meeting-plan-link")).to_have_attribute("target", "_blank")
    page.get_by_label("Familiens egne ord").fill("Det er blevet lettere at komme ud ad døren.")
    ui.shot("03-registrer")
    page.get_by_role("button", name="Gem mødet").click()

    # 4. Back on the list: the next follow-up, six months from today.
    next_due = add_months(today, 6)
    expect(page.get_by_role("status").filter(has_text="Mødet er registreret.")).to_contain_text(
        f"Næste møde skal holdes senest {next_due:%d.%m.%Y}."
    )
    card = page.get_by_test_id("meeting-next")
    expect(card).to_contain_text(f"Skal holdes senest {next_due:%d.%m.%Y}")
    expect(card.get_by_test_id("meeting-state")).to_have_text("Planlagt")
    held = page.get_by_test_id("meeting-held").first
    expect(held).to_contain_text(f"Opfølgningsmøde {today:%d.%m.%Y}")
    expect(held.get_by_test_id("meeting-family-words")).to_have_text(
        "Det er blevet lettere at komme ud ad døren."
    )
    expect(held.get_by_test_id("meeting-revised-goals")).to_contain_text(GOAL[:40])
    ui.shot("04-naeste-moede")

    # 5. The meeting itself, read-only, with the goal linked to the plan.
    held.get_by_role("link", name=f"Opfølgningsmøde {today:%d.%m.%Y}").click()
    expect(page.get_by_test_id("meeting-participants")).to_contain_text("Mette Holmgård")
    expect(page.get_by_test_id("meeting-participants")).to_contain_text("Klasselærer Jens")
    page.get_by_test_id("meeting-revised-goals").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Familiehandleplan", level=1)).to_be_visible()
    expect(page.locator("#goal-" + str(Goal.objects.get().pk))).to_be_visible()

    overdue_follow_up.refresh_from_db()
    assert overdue_follow_up.held_on == today
    assert overdue_follow_up.family_participants.get().first_name == "Mette"
    following = PlanMeeting.objects.get(course=overdue_follow_up.course, held_on__isnull=True)
    assert following.due_on == next_due
    ui.assert_clean()
