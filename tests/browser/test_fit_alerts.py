"""FIT alerts in the browser, on a tablet (820×1180, touch): the pædagog recorded a session in
which Mette's SRS came out at 34; the familiebehandler sees the alliance alert on the start
page, opens it, tries to acknowledge it without a note (a Danish error, inline), writes what
they did, and the alert moves to the acknowledged ones — without leaving the page (htmx)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from cases import visit_services as visits
from cases.models import ActivityType, FitAlert, FitScale
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
NOTE = "Vi talte med Mette om sessionen. Næste gang begynder vi med hendes eget mål."


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"


@pytest.fixture
def alliance_alert(family, assigned_worker, team_colleague) -> FitAlert:
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    course = family.courses.get()
    mette = family.members.get(first_name="Mette")
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(7, 0))
    )
    visits.visit_record(
        by=team_colleague,
        course=course,
        data=visits.VisitInput(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="home",
            staff_ids=[team_colleague.pk],
            family_ids=[mette.pk],
            activity_ids=[ActivityType.objects.get(code="morning_routine").pk],
            fit=[visits.FitEntry(mette.pk, FitScale.SRS, ["9", "9", "8", "8"])],
        ),
    )
    return FitAlert.objects.get()


def test_familiebehandler_acknowledges_an_alliance_alert(ui: UI, alliance_alert) -> None:
    page = ui.page

    # 1. The start page: the alert, red, on the family's row.
    ui.login("behandler")
    panel = page.get_by_role("region", name="FIT-alarmer")
    row = panel.get_by_test_id("panel-fit-alert")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-level", "red")
    expect(row).to_contain_text("Mette, session 1 · Alliance: SRS 34,0 er under 36")
    expect(panel.get_by_role("link", name="Mine FIT-tal")).to_be_visible()
    ui.shot("01-forside")

    # 2. Open it: the alert list, the reasons in plain words.
    link = row.get_by_role("link", name="Familien Holmgård")
    assert_touch_size(link, "the family link")
    link.click()
    expect(page.get_by_role("heading", name="FIT-alarmer", level=1)).to_be_visible()
    opened = page.get_by_test_id("fit-alerts-open")
    card = opened.get_by_test_id("fit-alert")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("fit-alert-reasons")).to_contain_text(
        "punkt 3 (Måden vi arbejdede på): 8,0 er under 9"
    )
    expect(page.get_by_test_id("fit-alert-rules-note")).to_contain_text("tilnærmelse")

    # 3. Acknowledge inline: first without a note, then with one.
    button = card.get_by_role("link", name=re.compile(r"^Kvittér"))
    assert_touch_size(button, "Kvittér")
    button.click()
    form = card.get_by_test_id("fit-alert-acknowledge-form")
    expect(form).to_be_visible()
    url_before = page.url
    form.get_by_role("button", name="Kvittér alarmen").click()
    expect(form.get_by_test_id("form-errors")).to_contain_text("Alarmen er ikke kvitteret.")
    expect(form).to_contain_text("Skriv hvad I har gjort ved det.")
    ui.shot("02-fejl")
    field = form.get_by_label("Hvad gjorde I?")
    field.fill(NOTE)
    submit = form.get_by_role("button", name="Kvittér alarmen")
    assert_touch_size(submit, "Kvittér alarmen")
    submit.click()

    # 4. It moved to the acknowledged ones, on the same page.
    expect(page.get_by_test_id("fit-alert-acknowledged-message")).to_be_visible()
    expect(page.get_by_test_id("fit-alerts-open-none")).to_be_visible()
    done = page.get_by_test_id("fit-alerts-acknowledged").get_by_test_id("fit-alert")
    expect(done).to_have_count(1)
    expect(done).to_have_attribute("data-open", "false")
    expect(done.get_by_test_id("fit-alert-acknowledgement")).to_contain_text(
        "Kvitteret af Bo Behandler"
    )
    expect(done.get_by_test_id("fit-alert-acknowledgement")).to_contain_text(NOTE)
    assert page.url == url_before
    ui.shot("03-kvitteret")
    alliance_alert.refresh_from_db()
    assert alliance_alert.acknowledgement == NOTE

    # 5. Back on the start page the alert is gone; "Mine FIT-tal" opens the figures.
    ui.goto("/")
    panel = page.get_by_role("region", name="FIT-alarmer")
    expect(panel.get_by_test_id("panel-fit-alert-none")).to_be_visible()
    panel.get_by_role("link", name="Mine FIT-tal").click()
    expect(page.get_by_role("heading", name="Mine FIT-tal")).to_be_visible()
    expect(page.get_by_test_id("srs-sessions")).to_have_text("0")
    ui.shot("04-mine-fit-tal")
