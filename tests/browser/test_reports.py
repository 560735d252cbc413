"""Issue 7's acceptance journey in the browser, at tablet size (820×1180): the projektleder
opens "Rapporter" from the menu, orders the evaluation report for last year, watches the
progress bar (htmx polls the run every second) reach 100 %, and downloads the PDF — read back
with pdftotext, it is a PDF with the report's title. A familiebehandler finds no "Rapporter"
in the menu and gets "Ingen adgang" (403) on the page and on the file's URL.

On the embedded default the task runs in the request's process; with REDIS_URL set (tasks
not eager) a real Celery worker runs in a thread of this process and each step of the build
waits a moment, so the bar is seen on its way."""

import re
import time

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Locator, Page, expect

from reporting import evaluation
from reporting.models import ReportRun, RunStatus
from tests.browser.conftest import ARTIFACTS, UI
from tests.celery_worker import (  # noqa: F401 - fixtures, requested when there is a broker
    REDIS_SETEX_DEPRECATED,
    celery_mode,
    embedded_worker,
    purge_queue,
)
from tests.pdftext import pdf_text as read_pdf

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(REDIS_SETEX_DEPRECATED)]

MIN_TOUCH_PX = 44
BUILD_TIMEOUT_S = 90


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


def pdf_text(content: bytes, name: str) -> str:
    return read_pdf(content, ARTIFACTS / f"{name}.pdf")  # kept beside the screenshots


@pytest.fixture
def builder(request: pytest.FixtureRequest, settings):
    """Where the report is built: in-process (no broker), or by a real worker in a thread."""
    if not django_settings.REDIS_URL:
        yield "in-process"
        return
    settings.REPORT_STEP_DELAY_SECONDS = 0.4  # a build of a few seconds, to watch
    request.getfixturevalue("celery_mode")(eager=False, broker=django_settings.REDIS_URL)
    purge_queue()  # tasks other tests queued without a worker would otherwise go first
    with request.getfixturevalue("embedded_worker")():
        yield "worker"


def watch_progress(ui: UI, bar: Locator) -> list[int]:
    """The bar's values, read as htmx swaps them in, until it shows 100 % (or time is up)."""
    seen: list[int] = []
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    while time.monotonic() < deadline:
        value = int(bar.get_attribute("aria-valuenow") or 0)
        if not seen or seen[-1] != value:
            seen.append(value)
            if 0 < value < 100 and len(seen) == 2:
                ui.shot("02-undervejs")
        if value == 100 or ui.page.get_by_test_id("run-error").count():
            break
        ui.page.wait_for_timeout(200)
    return seen


def test_projektleder_orders_the_evaluation_report_and_downloads_it(
    ui: UI, family, projektleder, assigned_worker, builder
) -> None:
    page: Page = ui.page

    # 1. The menu leads to the reports; the order form at tablet size.
    ui.login("projektleder")
    ui.nav("Rapporter")
    expect(page.get_by_role("heading", name="Rapporter", exact=True)).to_be_visible()
    expect(page.get_by_label("Evalueringsrapport (PDF)")).to_be_checked()
    expect(page.get_by_label("Evaluatorens datasæt (CSV og XLSX)")).to_have_count(0)
    expect(page.get_by_label("Ishøj Kommune")).to_be_checked()
    page.get_by_label("Sidste år").check()
    submit = page.get_by_role("button", name="Bestil rapport")
    assert_touch_size(submit, "button 'Bestil rapport'")
    ui.shot("01-bestil")

    # 2. Ordered: the run's page polls until the bar is full.
    submit.click()
    expect(page).to_have_url(re.compile(r"/rapporter/\d+/$"))
    run = ReportRun.objects.get()
    bar = page.get_by_role("progressbar", name="Fremdrift")
    seen = watch_progress(ui, bar)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, (run.status, run.error, seen)
    assert seen[-1] == 100, seen
    assert seen == sorted(seen), seen  # never backwards
    if builder == "worker":
        assert any(0 <= v < 100 for v in seen), seen  # seen on its way, not only at the end
    expect(page.get_by_test_id("run-progress-text")).to_have_text("100 %")
    expect(page.get_by_test_id("run-status-badge")).to_have_text("Færdig")
    expect(page.get_by_test_id("run-cancel")).to_have_count(0)
    assert page.get_by_test_id("run-status").get_attribute("hx-trigger") is None  # stopped
    ui.shot("03-faerdig")

    # 3. The PDF, downloaded and read back.
    link = page.get_by_role("link", name=evaluation.filename(run))
    assert_touch_size(link, "the PDF's link")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == evaluation.filename(run)
    with open(download.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content, f"{ui.name}-evalueringsrapport")
    assert "Evalueringsrapport" in text
    assert "Holmgård" not in text and "Mette" not in text
    file_url = page.get_by_role("link", name=evaluation.filename(run)).get_attribute("href")
    ui.assert_clean()

    # 4. A familiebehandler: no menu entry, and 403 on the page and on the file.
    ui.logout()
    ui.login("behandler")
    ui.open_menu()
    expect(page.locator("#mainnav").get_by_role("link", name="Rapporter")).to_have_count(0)
    ui.allow_console(r"status of 403")
    for path in ("/rapporter/", file_url, f"/rapporter/{run.pk}/"):
        response = ui.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", name="Ingen adgang")).to_be_visible()
    ui.shot("04-ingen-adgang")
