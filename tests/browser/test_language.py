"""The footer's language selector switches the interface to English."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import UI

MO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not MO_FILE.exists(),
        reason=f"no compiled English catalogue ({MO_FILE.relative_to(settings.BASE_DIR)}); "
        "run `manage.py compilemessages` first",
    ),
]


def english(text: str) -> str:
    with translation.override("en"):
        translated = translation.gettext(text)
    assert translated != text, f"django.mo has no English for {text!r}"
    return translated


def test_language_switch(ui: UI, radgiver) -> None:
    page = ui.page
    home, families = english("Forside"), english("Familier")

    ui.login("radgiver")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    ui.open_menu()
    menu = page.locator("#mainnav")
    expect(menu.get_by_role("link", name=home, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name=families, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Familier", exact=True)).to_have_count(0)
    ui.shot("01-english")

    # It sticks across pages, and switches back.
    ui.nav(families)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#language-select").select_option("da")
    page.locator("footer").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    ui.open_menu()
    expect(
        page.locator("#mainnav").get_by_role("link", name="Familier", exact=True)
    ).to_be_visible()
    ui.assert_clean()
