"""The leader's management dashboard in the browser, at tablet size (820×1180): from the start
page's panel to the figures, every link a touch target, and on to a course's meetings from
the list of courses that need attention — under the strict CSP, with a clean console."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import UI
from tests.browser.test_course_hours import assert_touch_size
from tests.integration.reporting.test_dashboard import world

pytestmark = pytest.mark.browser

__all__ = ["world"]  # the hand-counted world of the integration tests


def test_leader_opens_the_dashboard_and_goes_to_a_course_to_act(ui: UI, world, leader) -> None:
    page = ui.page
    ui.login("leder")

    panel = page.get_by_test_id("panel-dashboard")
    open_link = panel.get_by_role("link", name="Åbn overblikket")
    assert_touch_size(open_link, "Åbn overblikket")
    open_link.click()

    expect(page.get_by_role("heading", name="Ledelsesoverblik", level=1)).to_be_visible()
    expect(page.get_by_test_id("dash-capacity-figure")).to_have_text("3 af 3")
    expect(page.get_by_test_id("dash-meetings-figure")).to_have_text("2")
    expect(page.get_by_test_id("dash-alerts-figure")).to_have_text("3")
    for link in page.locator("main a.touch-link").all():
        if link.is_visible():
            assert_touch_size(link, link.inner_text())
    rows = page.get_by_test_id("dash-row")
    expect(rows).to_have_count(2)
    ui.shot("dashboard")

    course = world["a"]
    row = page.locator(f'[data-testid="dash-row"][data-course="{course.pk}"]')
    row.get_by_test_id("dash-row-meetings").get_by_role("link").click()
    expect(page).to_have_url(ui.url(reverse("cases:meeting_list", args=[course.pk])))
