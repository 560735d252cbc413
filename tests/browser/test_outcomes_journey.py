"""Issue 6's acceptance journey, at the kitchen table (tablet, 820×1180): a familiebehandler
enters a parent SDQ about Noah and Mette's WHO-5 at baseline and again at closure through the
measurement screens, sees the pre/post chart, fills in the closure with the six criteria, and
downloads the closing summary — the PDF is read back and holds the scores and the criteria."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Closure, CourseStatus, Instrument, Measurement
from familieberedskab.models import AuditAction, AuditEvent
from tests.browser.conftest import ARTIFACTS, UI
from tests.browser.test_plan_journey import assert_touch_size
from tests.pdftext import pdf_text as read_pdf

pytestmark = pytest.mark.browser

SUMMARY = "Morgenerne er rolige, og Noah går i skole hver dag."
FAMILY_WORDS = "Vi har fået vores hverdag tilbage."
NETWORK_COMMENT = "Mormor hjælper, men er selv syg."


def pdf_text(path: Path, name: str) -> str:
    """The PDF's text in reading layout (table rows on one line), whitespace collapsed."""
    return read_pdf(path.read_bytes(), ARTIFACTS / f"{name}.pdf", layout=True)


@pytest.fixture
def instruments(transactional_db) -> None:
    """The instruments are seeded by a data migration; a transactional test that ran before
    (live_server flushes the tables after each test) may have removed them: seed them again."""
    if not Instrument.objects.filter(code="who5").exists():
        migration = importlib.import_module(
            "cases.migrations.0013_seed_instruments_and_uk_sdq_bands"
        )
        migration.seed(django_apps, None)


@pytest.fixture
def course(family, instruments):
    course = family.courses.get()
    course.start_date = timezone.localdate() - dt.timedelta(days=120)
    course.save(update_fields=["start_date"])
    course.team.update(starts_on=course.start_date)
    return course


def enter_measurement(
    ui: UI,
    course,
    *,
    instrument: str,
    subject: str,
    occasion: str,
    day: dt.date,
    answers: dict[int, int],
    informant: str | None = None,
) -> None:
    """From the measurement list: choose the instrument, fill in the form by item number."""
    page = ui.page
    page.get_by_test_id("measurement-create-link").click()
    page.get_by_test_id("measurement-choose-instruments").get_by_role(
        "link", name=instrument
    ).click()
    expect(page.get_by_role("heading", name=instrument, level=1)).to_be_visible()
    form = page.locator("#measurement-form")
    form.get_by_test_id("field-subject").get_by_text(subject).click()
    form.get_by_test_id("field-occasion").get_by_text(occasion, exact=True).click()
    form.get_by_label("Dato for besvarelsen").fill(day.isoformat())
    if informant:
        form.get_by_test_id("field-informant_member").get_by_text(informant).click()
    for number, value in answers.items():
        form.locator(f'label[for="id_item_{number}_{value}"]').click()
    expect(form.get_by_test_id("measurement-count")).to_contain_text(f"Besvaret: {len(answers)}")
    form.get_by_role("button", name="Gem målingen").click()
    expect(page.get_by_text("Målingen er gemt.")).to_be_visible()
    ui.goto(f"/familier/forloeb/{course.pk}/maalinger/")


def sdq(value: int) -> dict[int, int]:
    return dict.fromkeys(range(1, 26), value) | {26: 0}  # no difficulties: no impact items


def who5(value: int) -> dict[int, int]:
    return dict.fromkeys(range(1, 6), value)


def test_familiebehandler_measures_closes_and_downloads_the_summary(ui: UI, family, course) -> None:
    page: Page = ui.page
    today = timezone.localdate()
    baseline_day = course.start_date + dt.timedelta(days=10)

    # 1. From the course page to the measurements.
    ui.login("behandler")
    ui.goto(f"/familier/forloeb/{course.pk}/")
    page.get_by_test_id("course-links").get_by_role("link", name="Målinger", exact=True).click()
    expect(page.get_by_role("heading", name="Målinger", level=1)).to_be_visible()

    # 2. Baseline: a parent SDQ about Noah (Mette fills it in) and Mette's WHO-5.
    common = {"course": course, "day": baseline_day}
    enter_measurement(
        ui,
        instrument="SDQ – forældreversion",
        subject="Noah Holmgård",
        occasion="Start",
        answers=sdq(1),
        informant="Mette Holmgård",
        **common,
    )
    ui.shot("01-sdq-start-gemt")
    enter_measurement(
        ui,
        instrument="WHO-5 Trivselsindeks",
        subject="Mette Holmgård",
        occasion="Start",
        answers=who5(2),
        **common,
    )

    # 3. At closure: the same two again.
    common = {"course": course, "day": today}
    enter_measurement(
        ui,
        instrument="SDQ – forældreversion",
        subject="Noah Holmgård",
        occasion="Afslutning",
        answers=sdq(0),
        informant="Mette Holmgård",
        **common,
    )
    enter_measurement(
        ui,
        instrument="WHO-5 Trivselsindeks",
        subject="Mette Holmgård",
        occasion="Afslutning",
        answers=who5(4),
        **common,
    )
    assert Measurement.objects.filter(course=course).count() == 4

    # 4. The pre/post chart: one per person, with the change in numbers.
    noah = page.get_by_test_id("prepost-person").filter(has_text="Noah Holmgård")
    expect(noah.locator("svg").first).to_be_visible()
    total = noah.locator('[data-testid="prepost-scale"][data-scale="total"]')
    expect(total.get_by_test_id("prepost-change")).to_contain_text("−10")
    mette = page.get_by_test_id("prepost-person").filter(has_text="Mette Holmgård")
    expect(mette.locator("svg").first).to_be_visible()
    percentage = mette.locator('[data-testid="prepost-scale"][data-scale="percentage"]')
    expect(percentage.get_by_test_id("prepost-change")).to_contain_text("+40")
    noah.scroll_into_view_if_needed()
    ui.shot("02-foer-og-efter")

    # 5. Closure: the six criteria with the app's evidence beside them.
    ui.goto(f"/familier/forloeb/{course.pk}/")
    page.get_by_test_id("course-links").get_by_role("link", name="Afslutning").click()
    page.get_by_test_id("closure-create-link").click()
    expect(page.get_by_role("heading", name="Afslut forløbet", level=1)).to_be_visible()
    criteria = page.get_by_test_id("closure-criterion")
    expect(criteria).to_have_count(6)
    measures = page.locator('[data-testid="closure-criterion"][data-criterion="measures"]')
    expect(measures.get_by_test_id("closure-evidence")).to_contain_text(
        "WHO-5 Trivselsindeks om Mette"
    )
    for index in range(6):
        criterion = criteria.nth(index)
        status = "Delvist opfyldt" if index == 5 else "Opfyldt"
        button = criterion.get_by_text(status, exact=True)
        assert_touch_size(button, f"criterion {index + 1}: {status}")
        button.click()
    network = page.locator('[data-testid="closure-criterion"][data-criterion="network"]')
    network.get_by_label("Kommentar").fill(NETWORK_COMMENT)
    ui.shot("03-kriterier")
    page.get_by_role("radio", name="Målene er nået", exact=True).check()
    page.get_by_role("radio", name="Almindelig familiebehandling", exact=True).check()
    page.get_by_test_id("closure-child").get_by_text("Ja", exact=True).click()
    expect(page.locator('[data-testid="closure-final"][data-done="true"]')).to_have_count(2)
    page.get_by_label("Opsummering til rådgiveren").fill(SUMMARY)
    page.get_by_label("Familiens egne ord").fill(FAMILY_WORDS)
    page.get_by_role("button", name="Afslut forløbet").click()

    # 6. The closure page, and the closing summary downloaded.
    expect(page.get_by_text("Forløbet er afsluttet.", exact=True)).to_be_visible()
    expect(page.get_by_test_id("closure-criterion")).to_have_count(6)
    expect(page.get_by_test_id("closure-check")).to_have_count(3)  # Noah at 3, 6, 12 months
    download_link = page.get_by_role("link", name="Hent afslutningsrapport (PDF)")
    assert_touch_size(download_link, "link 'Hent afslutningsrapport (PDF)'")
    ui.shot("04-afsluttet")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"afslutningsrapport-{course.pk}-{today:%Y-%m-%d}.pdf"
    text = pdf_text(Path(download.path()), f"{ui.name}-afslutningsrapport")

    assert "Afslutningsrapport: Familien Holmgård" in text
    assert "Målene i familiens plan er nået Opfyldt" in text
    assert f"Et netværk, der kan være sikkerhedsnet Delvist opfyldt {NETWORK_COMMENT}" in text
    assert "Samlede vanskeligheder 20 (Afvigende) 10 (Normal) −10" in text
    assert "Trivselsindeks 40 (Lav trivsel) 80 (Ingen tegn på lav trivsel) +40" in text
    assert "Noah Holmgård Bor hjemme ved afslutningen" in text
    assert SUMMARY in text and FAMILY_WORDS in text
    course.refresh_from_db()
    assert course.status == CourseStatus.CLOSED
    assert Closure.objects.get(course=course).criteria.filter(status="met").count() == 5
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, course_id=course.pk, detail="closure_pdf"
    ).exists()
    ui.assert_clean()
