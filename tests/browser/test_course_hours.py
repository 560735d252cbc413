"""The course page and the hours in the browser, at tablet size (820×1180): the family's
rådgiver opens the course from the family page, sees this week's hours against the grant,
turns the intensity up from tomorrow with a reason, and finds the change in the intensity
history and in the week-by-week table (the new hours pro-rated from tomorrow)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import number_format
from playwright.sync_api import Locator, expect

from cases import hours_services
from cases import visit_services as visits
from cases.models import ActivityType
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
REASON = "Mere hjælp om morgenen, når Noah skal i skole."


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


@pytest.fixture
def course_with_visits(family, assigned_worker, team_colleague):
    """The course started five weeks ago with 10 hours a week; last week the team came on a
    Tuesday morning (both) and a Saturday."""
    course = family.courses.get()
    monday = hours_services.monday_of(timezone.localdate())
    course.start_date = monday - dt.timedelta(weeks=5)
    course.granted_hours = Decimal("10.0")
    course.save(update_fields=["start_date", "granted_hours"])
    course.team.update(starts_on=course.start_date)
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    activity = ActivityType.objects.get(code="morning_routine")
    last_monday = monday - dt.timedelta(weeks=1)
    for day, hour, staff in (
        (last_monday + dt.timedelta(days=1), 7, [assigned_worker, team_colleague]),
        (last_monday + dt.timedelta(days=5), 10, [team_colleague]),
    ):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        visits.visit_record(
            by=staff[0],
            course=course,
            data=visits.VisitInput(
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                place="home",
                staff_ids=[u.pk for u in staff],
                activity_ids=[activity.pk],
            ),
        )
    return course


def test_radgiver_turns_the_intensity_up_from_tomorrow(
    ui: UI, course_with_visits, radgiver
) -> None:
    page = ui.page
    course = course_with_visits
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    ui.allow_console(r"status of 400")  # the form is answered with 400 while it has errors

    # 1. From the family page to the course page.
    ui.login("radgiver")
    ui.goto(f"/familier/{course.family_id}/")
    open_link = page.get_by_test_id("course").get_by_role("link", name="Åbn forløb")
    assert_touch_size(open_link, "Åbn forløb")
    open_link.click()
    expect(page.get_by_role("heading", name="Familien Holmgård", level=1)).to_be_visible()
    hours_card = page.get_by_test_id("course-hours")
    expect(hours_card.get_by_test_id("course-in-force")).to_have_text(
        "Bevilget nu: 10 timer pr. uge"
    )
    expect(page.get_by_test_id("course-links").get_by_role("link", name="Timer")).to_be_visible()
    expect(page.get_by_test_id("course-visits")).to_be_visible()
    ui.shot("01-forloeb")

    # 2. Turn it up: the date is tomorrow already; forgetting the reason keeps what was typed.
    change_link = hours_card.get_by_role("link", name="Skru op eller ned")
    assert_touch_size(change_link, "Skru op eller ned")
    change_link.click()
    form = page.locator("#intensity-form")
    expect(form.get_by_label("Gælder fra")).to_have_value(tomorrow.isoformat())
    form.get_by_label("Timer pr. uge").fill("25")
    form.get_by_role("button", name="Gem ændringen").click()
    expect(page.get_by_text("Skriv hvorfor intensiteten ændres.")).to_be_visible()
    expect(form.get_by_label("Timer pr. uge")).to_have_value("25")
    form.get_by_label("Begrundelse").fill(REASON)
    ui.shot("02-intensitet")
    save = form.get_by_role("button", name="Gem ændringen")
    assert_touch_size(save, "Gem ændringen")
    save.click()

    # 3. The hours page: the message, the history with the reason, and the week table.
    expect(page.get_by_text("Intensiteten er ændret til 25 timer pr. uge")).to_be_visible()
    history = page.get_by_test_id("intensity-history")
    newest = history.get_by_test_id("intensity-change").first
    expect(newest).to_contain_text(f"Fra {tomorrow:%d.%m.%Y}: 10 → 25 timer pr. uge")
    expect(newest.get_by_test_id("intensity-reason")).to_have_text(REASON)
    expect(newest).to_contain_text("Rikke Rådgiver")

    monday = hours_services.monday_of(tomorrow)
    iso = monday.isocalendar()
    row = page.locator(f'[data-testid="hours-week"][data-week="{iso.year}-W{iso.week:02d}"]')
    expect(row.get_by_test_id("hours-week-change")).to_have_text(
        f"Ny intensitet fra {tomorrow:%d.%m.}: 25 t/uge"
    )
    days_before = (tomorrow - monday).days
    expected = (Decimal(10) * days_before + Decimal(25) * (7 - days_before)) / 7
    expect(row.get_by_test_id("hours-granted")).to_have_text(
        number_format(expected, decimal_pos=1, use_l10n=True)
    )
    # Last week: 4 h of 10 granted, flagged in words; both team members listed.
    last = hours_services.monday_of(today) - dt.timedelta(weeks=1)
    iso = last.isocalendar()
    last_row = page.locator(f'[data-testid="hours-week"][data-week="{iso.year}-W{iso.week:02d}"]')
    expect(last_row.get_by_test_id("hours-delivered")).to_have_text("4,0")
    expect(last_row.get_by_test_id("hours-status").first).to_have_text("▼ For få timer")
    expect(last_row.get_by_test_id("hours-member")).to_have_count(2)
    ui.shot("03-timer")

    # 4. Back on the course page, the grant in force is unchanged until tomorrow.
    page.get_by_role("link", name="Forløb", exact=True).click()
    expect(page.get_by_test_id("course-in-force")).to_have_text("Bevilget nu: 10 timer pr. uge")
    ui.assert_clean()
