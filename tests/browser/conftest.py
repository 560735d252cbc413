"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
``live_server``.

* One Chromium for the session; a fresh context (cookies, storage) and page per test, at a
  tablet viewport with a Danish browser locale.
* Every page the test visits is watched: a JavaScript error, a console error, a
  Content-Security-Policy violation, a server error, a missing static file or a document
  without a CSP header fails the test (checked by ``ui.assert_clean()`` and again when the
  page closes).
* Without /usr/bin/chromium the tests skip — unless ``FB_REQUIRE_BROWSER=1`` (CI), then the
  run stops with a usage error.
"""

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop running in the main thread for as long as it
# is started (the browser is session-scoped), so Django sees an "async context" and refuses
# ORM calls from the test code. The test code is really synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("FB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("FB_REQUIRE_BROWSER") == "1"
PASSWORD = "Test-Adgangskode-1"  # tests.factories.staffing.UserFactory
TABLET = {"width": 820, "height": 1180}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000

_CSP_MARKERS = ("Refused to", "Content Security Policy", "Content-Security-Policy")


def _browser_missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    reason = _browser_missing_reason()
    if reason is None:
        return
    if REQUIRE_BROWSER:
        raise pytest.UsageError(f"FB_REQUIRE_BROWSER=1 but {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class PageWatch:
    """What went wrong on the pages of one test, collected from Playwright's events."""

    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    request_urls: list[str] = field(default_factory=list)
    # Console errors a test expects (e.g. Chromium logging the 404 of a page it opened).
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def on_console(self, message: Any) -> None:
        text = message.text
        if any(marker in text for marker in _CSP_MARKERS):
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and not any(p.search(text) for p in self.allowed):
            self.problems.append(f"console error: {text} ({message.location.get('url', '')})")

    def on_pageerror(self, error: Any) -> None:
        self.problems.append(f"JavaScript error: {error}")

    def on_request(self, request: Any) -> None:
        self.request_urls.append(request.url)

    def on_response(self, response: Any) -> None:
        request = response.request
        path = re.sub(r"^https?://[^/]+", "", response.url)
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {request.method} {path}")
        elif path.startswith("/static/") and response.status >= 400:
            self.problems.append(f"static file {response.status}: {path}")
        if request.resource_type == "document" and request.is_navigation_request():
            self.visited.append(f"{response.status} {path}")
            is_redirect = 300 <= response.status < 400  # no body: nothing to protect
            if not is_redirect and "content-security-policy" not in response.headers:
                self.problems.append(f"no Content-Security-Policy header on {path}")

    def on_requestfailed(self, request: Any) -> None:
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")


class UI:
    """The handful of things every journey does: open a page, sign in, use the menu,
    take a screenshot and check the console."""

    def __init__(self, page: Any, base_url: str, watch: PageWatch, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.watch = watch
        self.name = name

    def url(self, path: str) -> str:
        return self.base_url + path

    def path(self) -> str:
        """The current URL without scheme, host and port (those carry the port's digits)."""
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def login(self, username: str, password: str = PASSWORD) -> None:
        from playwright.sync_api import expect

        self.goto("/konto/log-ind/")
        expect(self.page.get_by_role("heading", name="Log ind")).to_be_visible()
        self.page.get_by_label("Brugernavn").fill(username)
        self.page.get_by_label("Adgangskode").fill(password)
        self.page.get_by_role("button", name="Log ind").click()
        self.page.wait_for_load_state()
        expect(self.page).not_to_have_url(re.compile(r"/konto/log-ind/"))

    def open_menu(self) -> None:
        """At tablet width the main menu is collapsed behind the toggler (Bootstrap JS)."""
        from playwright.sync_api import expect

        toggler = self.page.locator("button.navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            expect(self.page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))

    def nav(self, label: str) -> None:
        self.open_menu()
        self.page.locator("#mainnav").get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_load_state()

    def logout(self) -> None:
        from playwright.sync_api import expect

        self.open_menu()
        self.page.get_by_test_id("current-user").click()  # the account menu
        self.page.get_by_role("button", name="Log ud", exact=True).click()
        expect(self.page.get_by_text("Du er logget ud.")).to_be_visible()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"{self.name}-{name}.png"
        # caret="initial": hiding the caret injects an inline style, which htmx may copy
        # into swapped content, where the strict CSP then refuses it.
        self.page.screenshot(path=str(target), full_page=True, caret="initial")
        return target

    def allow_console(self, pattern: str) -> None:
        self.watch.allowed.append(re.compile(pattern))

    def assert_clean(self) -> None:
        problems, self.watch.problems = self.watch.problems, []
        assert not problems, "problems in the browser:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    reason = _browser_missing_reason()
    if reason is not None:  # normally already skipped at collection
        if REQUIRE_BROWSER:
            pytest.fail(f"FB_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=TABLET,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(context: Any, page_watch: PageWatch) -> Iterator[Any]:
    page = context.new_page()
    page.on("console", page_watch.on_console)
    page.on("pageerror", page_watch.on_pageerror)
    page.on("request", page_watch.on_request)
    page.on("response", page_watch.on_response)
    page.on("requestfailed", page_watch.on_requestfailed)
    yield page
    page.close()


@pytest.fixture
def ui(
    request: pytest.FixtureRequest, page: Any, page_watch: PageWatch, live_server: Any
) -> Iterator[UI]:
    """The page plus helpers, bound to the live server. Checks the console at the end."""
    ui = UI(page, live_server.url, page_watch, name=request.node.name.removeprefix("test_"))
    yield ui
    if not getattr(request.node, "_fb_failed", False):
        ui.assert_clean()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item._fb_failed = True  # the teardown check would only repeat the noise
    return report
