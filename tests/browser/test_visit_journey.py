"""Issue 5 in the browser, on a tablet (820×1180, touch): a pædagog records last Saturday's
07:30–09:30 visit with ORS and SRS for two family members — with the sliders and by typing —
in under a minute of scripted interaction; the FIT graphs show the new points; the SRS of 34
raises an alliance alert, which the familiebehandler acknowledges with what was done."""

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, expect

from cases.models import AlertKind, FitAlert, Visit, VisitDraft
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
FILL_LIMIT_S = 60


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


def last_saturday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)


@pytest.fixture
def named_team(assigned_worker, team_colleague):
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    team_colleague.full_name = "Pia Pædagog"
    team_colleague.save(update_fields=["full_name"])
    return assigned_worker, team_colleague


def test_paedagog_records_a_saturday_morning_visit_with_fit(ui: UI, family, named_team) -> None:
    page = ui.page
    behandler, paedagog = named_team
    course = family.courses.get()
    mette = family.members.get(first_name="Mette")
    noah = family.members.get(first_name="Noah")
    saturday = last_saturday()

    # 1. From the course page to a new visit.
    ui.login("paedagog")
    ui.goto(reverse("cases:course_detail", args=[course.pk]))
    visits = page.get_by_test_id("course-visits")
    expect(visits.get_by_test_id("course-visits-empty")).to_be_visible()
    visits.get_by_role("link", name="Registrér besøg").click()
    expect(page.get_by_role("heading", name="Registrér besøg", level=1)).to_be_visible()
    form = page.get_by_test_id("visit-form")
    # Steps: only the first is shown.
    expect(page.locator("#step-time")).to_be_visible()
    expect(page.locator("#step-fit")).to_be_hidden()
    ui.shot("01-tid-og-sted")

    started = time.monotonic()
    # 2. Time and place: last Saturday 07:30–09:30, at home (preselected).
    form.get_by_label("Dato", exact=True).fill(saturday.isoformat())
    form.get_by_label("Start", exact=True).fill("07:30")
    form.get_by_label("Slut", exact=True).fill("09:30")
    expect(form.locator("#place-home")).to_be_checked()
    assert_touch_size(form.locator("label[for=place-home]"), "place toggle")
    form.get_by_role("button", name="Næste").click()

    # 3. Who: the pair is preselected; tick Mette and Noah.
    expect(page.locator("#step-who")).to_be_visible()
    expect(form.locator(f"#staff-{paedagog.pk}")).to_be_checked()
    expect(form.locator(f"#staff-{behandler.pk}")).to_be_checked()
    for name in ("Mette", "Noah"):
        toggle = form.get_by_test_id(f"family-toggle-{name}")
        assert_touch_size(toggle, f"family toggle {name}")
        toggle.click()
    expect(form.locator(f"#family-{mette.pk}")).to_be_checked()
    form.get_by_role("button", name="Næste").click()

    # 4. What: the morning routine and breakfast.
    form.get_by_test_id("activity-morning_routine").click()
    form.get_by_test_id("activity-meals").click()
    form.get_by_role("button", name="Næste").click()

    # 5. FIT: a block for each of the two, in the version for their age on that Saturday.
    expect(page.locator("#step-fit")).to_be_visible()
    expect(form.get_by_test_id("fit-version-Mette")).to_have_text("ORS/SRS (13+ år)")
    expect(form.get_by_test_id("fit-version-Noah")).to_have_text("CORS/CSRS (6–12 år)")
    mette_ors = form.get_by_test_id(f"fit-{mette.pk}-ors")
    assert_touch_size(mette_ors.locator(f"#fit-{mette.pk}-ors-1-range"), "ORS slider")
    assert_touch_size(mette_ors.locator(f"#fit-{mette.pk}-ors-1"), "ORS number")
    for n, value in enumerate(["5", "6.5", "7", "4"], start=1):  # the sliders
        mette_ors.locator(f"#fit-{mette.pk}-ors-{n}-range").fill(value)
    expect(mette_ors.locator(f"#fit-{mette.pk}-ors-2")).to_have_value("6,5")
    expect(mette_ors.get_by_test_id(f"fit-{mette.pk}-ors-total")).to_have_text("22,5")
    expect(mette_ors.get_by_label("Udfyldt")).to_be_checked()
    mette_srs = form.get_by_test_id(f"fit-{mette.pk}-srs")
    for label, value in zip(
        ["Relationen", "Mål og emner", "Måden vi arbejdede på", "Alt i alt"],
        ["9", "9", "8", "8"],
        strict=True,
    ):  # typed
        mette_srs.get_by_label(label, exact=True).fill(value)
    expect(mette_srs.get_by_test_id(f"fit-{mette.pk}-srs-total")).to_have_text("34,0")
    expect(mette_srs.locator(f"#fit-{mette.pk}-srs-3-range")).to_have_value("8")
    noah_ors = form.get_by_test_id(f"fit-{noah.pk}-ors")
    for n, value in enumerate(["6,5", "7", "6", "6,5"], start=1):
        noah_ors.locator(f"#fit-{noah.pk}-ors-{n}").fill(value)
    noah_srs = form.get_by_test_id(f"fit-{noah.pk}-srs")
    for n in range(1, 5):
        noah_srs.locator(f"#fit-{noah.pk}-srs-{n}-range").fill("9.5")
    expect(noah_ors.get_by_test_id(f"fit-{noah.pk}-ors-total")).to_have_text("26,0")
    expect(noah_srs.get_by_test_id(f"fit-{noah.pk}-srs-total")).to_have_text("38,0")
    ui.shot("02-fit")
    form.get_by_role("button", name="Næste").click()

    # 6. The note; the draft has been kept on the server as the form was filled in.
    with page.expect_response(re.compile(r"/besoeg/kladde/$")) as autosave:
        form.get_by_label("Journalnotat").fill("Lørdagsmorgen: morgenmad og påklædning gik roligt.")
    assert autosave.value.status == 200
    expect(form.get_by_test_id("visit-draft-status")).to_contain_text("Kladde gemt")
    assert VisitDraft.objects.filter(user=paedagog, course=course).exists()
    form.get_by_test_id("visit-save").click()
    expect(page.get_by_text("Besøget er gemt.")).to_be_visible()
    elapsed = time.monotonic() - started
    assert elapsed < FILL_LIMIT_S, f"recording took {elapsed:.1f}s of scripted interaction"

    # 7. The visit: weekend and early morning derived, the scores, the alert.
    visit = Visit.objects.get()
    assert (visit.minutes, visit.early_minutes, visit.weekend_minutes) == (120, 30, 120)
    detail = page.get_by_test_id("visit-detail")
    expect(detail.get_by_test_id("visit-marker-weekend")).to_be_visible()
    expect(detail.get_by_test_id("visit-marker-early")).to_be_visible()
    expect(page.get_by_test_id("visit-fit-total")).to_have_text(["22,5", "34,0", "26,0", "38,0"])
    expect(page.get_by_test_id("visit-alert")).to_contain_text("Alliance (SRS)")
    assert not VisitDraft.objects.exists()
    assert page.evaluate("() => window.localStorage.length") == 0  # the device copy is gone
    ui.shot("03-besoeget")

    # 8. The graphs show the new points.
    page.get_by_test_id("visit-fit-charts-link").click()
    expect(page.get_by_role("heading", name="FIT-grafer", level=1)).to_be_visible()
    mette_chart = page.get_by_test_id(f"fit-member-{mette.pk}")
    expect(mette_chart.locator('circle[data-series="ors"]')).to_have_attribute("data-total", "22.5")
    expect(mette_chart.locator('circle[data-series="srs"]')).to_have_attribute("data-total", "34.0")
    expect(mette_chart.locator('.fit-guide[data-value="25"]')).to_have_count(1)
    noah_chart = page.get_by_test_id(f"fit-member-{noah.pk}")
    expect(noah_chart.locator('circle[data-series="ors"]')).to_have_attribute("data-total", "26.0")
    expect(noah_chart.locator('.fit-guide[data-value="32"]')).to_have_count(1)
    expect(page.get_by_test_id("fit-family").locator("circle.fit-point")).to_have_count(2)
    ui.shot("04-grafer")

    # 9. The SRS of 34 raised an alliance alert for Mette.
    alert = FitAlert.objects.get(kind=AlertKind.ALLIANCE)
    assert (alert.client_id, alert.level, alert.visit_id) == (mette.pk, "red", visit.pk)
    assert "total" in alert.reasons
    ui.assert_clean()
    ui.logout()

    # 10. The familiebehandler sees it on the course page and acknowledges it.
    ui.login("behandler")
    ui.goto(reverse("cases:course_detail", args=[course.pk]))
    alerts = page.get_by_test_id("course-alerts")
    expect(alerts.get_by_test_id("course-alert").filter(has_text="Mette")).to_be_visible()
    alerts.get_by_test_id("course-alerts-link").click()
    card = page.locator('[data-testid="fit-alert"][data-kind="alliance"]')
    expect(card).to_have_count(1)
    card.get_by_test_id("fit-alert-acknowledge-link").click()
    note = card.get_by_label("Hvad gjorde I?")
    expect(note).to_be_visible()
    note.fill("Vi talte med Mette om lørdagen og aftalte at starte med hendes mål næste gang.")
    card.get_by_test_id("fit-alert-acknowledge-submit").click()
    done = page.locator(f"#alert-{alert.pk}")
    expect(done.get_by_test_id("fit-alert-acknowledgement")).to_contain_text("Bo Behandler")
    alert.refresh_from_db()
    assert alert.acknowledged_by == behandler
    assert alert.acknowledgement.startswith("Vi talte med Mette")
    ui.shot("05-kvitteret")


def test_typing_survives_a_dropped_connection_and_errors(ui: UI, family, named_team) -> None:
    page = ui.page
    course = family.courses.get()
    create = reverse("cases:visit_create", args=[course.pk])
    ui.login("paedagog")

    # 1. The connection drops: the autosave never reaches the server.
    page.route(re.compile(r"/besoeg/kladde/$"), lambda route: route.fulfill(status=200, body=""))
    ui.goto(create)
    form = page.get_by_test_id("visit-form")
    form.get_by_role("link", name="5 · Notat").click()
    form.get_by_label("Journalnotat").fill("Vigtigt: mor bad om hjælp til brev fra kommunen.")
    page.wait_for_function("() => window.localStorage.length === 1")
    page.unroute(re.compile(r"/besoeg/kladde/$"))
    assert not VisitDraft.objects.exists()

    # 2. Opened again: the device's copy is restored with a notice and sent to the server.
    with page.expect_response(re.compile(r"/besoeg/kladde/$")):
        ui.goto(create)
    expect(page.get_by_test_id("visit-local-restored")).to_be_visible()
    note = page.get_by_label("Journalnotat")
    expect(note).to_have_value("Vigtigt: mor bad om hjælp til brev fra kommunen.")
    assert VisitDraft.objects.get().data["note"].startswith("Vigtigt")
    ui.shot("06-hentet-fra-enheden")

    # 3. A save with the end before the start: the error is shown at its step, nothing lost.
    page.get_by_role("link", name="1 · Tid og sted").click()
    page.get_by_label("Start", exact=True).fill("12:00")
    page.get_by_label("Slut", exact=True).fill("11:00")
    ui.allow_console(r"status of 400")  # the view answers a form with errors with 400
    page.get_by_test_id("visit-save").click()
    expect(page.get_by_test_id("visit-form-errors")).to_be_visible()
    expect(page.locator("#step-time")).to_be_visible()
    expect(page.get_by_test_id("error-end_time")).to_have_text("Slut skal ligge efter start.")
    expect(page.get_by_label("Journalnotat")).to_have_value(
        "Vigtigt: mor bad om hjælp til brev fra kommunen."
    )
    assert not Visit.objects.exists()
    ui.shot("07-fejl")

    # 4. "Kassér kladde" forgets it here and on the server.
    ui.goto(create)
    expect(page.get_by_test_id("visit-draft-restored")).to_be_visible()
    page.get_by_test_id("visit-draft-discard").click()
    expect(page.get_by_text("Kladden er kasseret.")).to_be_visible()
    expect(page.get_by_label("Journalnotat")).to_have_value("")
    expect(page.get_by_test_id("visit-local-restored")).to_be_hidden()
    assert not VisitDraft.objects.exists()
    assert page.evaluate("() => window.localStorage.length") == 0

    # 5. Signing out removes the device's copy (a tablet may be shared).
    page.get_by_role("link", name="5 · Notat").click()
    page.get_by_label("Journalnotat").fill("Halvt skrevet")
    page.wait_for_function("() => window.localStorage.length === 1")
    ui.logout()
    assert page.evaluate("() => window.localStorage.length") == 0
