"""Signing in with a one-time code: enrolment with a QR code, then a code at each sign-in
that cannot be used twice."""

import base64
import datetime as dt
import re
import time

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

CODE_LABEL = "Engangskode (6 cifre)"


def token_for(device: TOTPDevice, at: float | None = None) -> str:
    """What an authenticator app with this device's key shows at ``at`` (default: now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"


def wait_out_throttle(device: TOTPDevice) -> None:
    """django-otp refuses every code for 2^(n-1) s after the n-th failure in a row."""
    device.refresh_from_db()
    delay = 2 ** (device.throttling_failure_count - 1)
    until = device.throttling_failure_timestamp + dt.timedelta(seconds=delay)
    remaining = (until - timezone.now()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.1)


def test_otp_enrolment_and_verification(ui: UI, radgiver, settings) -> None:
    # The live server thread shares these settings. Demo mode (which skips the code and
    # says so on every page) is off, as in production.
    settings.OTP_REQUIRED = True
    settings.DEMO_MODE = False
    page = ui.page

    # First sign-in: enrolment.
    ui.goto("/konto/log-ind/")
    expect(page.get_by_text("Efter adgangskoden beder vi om en engangskode")).to_be_visible()
    ui.login("radgiver")
    assert ui.path() == "/konto/engangskode/opsaet/"
    expect(page.get_by_role("heading", name="Tilknyt din autentificeringsapp")).to_be_visible()
    qr = page.get_by_role("img", name="QR-kode").locator("svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 200 and box["height"] >= 200, box
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    ui.shot("01-tilknyt")

    device = TOTPDevice.objects.get(user=radgiver)
    assert not device.confirmed
    # The key shown for manual entry is the device's key.
    assert secret.replace(" ", "") == base64.b32encode(device.bin_key).decode().rstrip("=")

    # Without a code, nothing else opens; the same unconfirmed device is kept.
    ui.goto("/familier/")
    assert ui.path() == "/konto/engangskode/opsaet/"
    assert TOTPDevice.objects.filter(user=radgiver).count() == 1

    code = token_for(device)
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Tilknyt").click()
    expect(page.get_by_text("Din autentificeringsapp er tilknyttet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Goddag, Rikke")).to_be_visible()
    assert ui.path() == "/"
    device.refresh_from_db()
    assert device.confirmed

    # Next sign-in: the code page; everything else leads back to it.
    ui.logout()
    ui.login("radgiver")
    assert ui.path() == "/konto/engangskode/?next=%2F"
    expect(page.get_by_role("heading", name="Engangskode")).to_be_visible()
    ui.goto("/familier/")
    assert ui.path() == "/konto/engangskode/?next=%2Ffamilier%2F"
    expect(page.get_by_role("heading", name="Engangskode")).to_be_visible()

    # The code from the enrolment has been used: refused.
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_text("Koden er forkert eller allerede brugt.")).to_be_visible()
    assert ui.path().startswith("/konto/engangskode/")
    ui.shot("02-kode-afvist")

    # The app's next code is accepted, and the page asked for opens.
    wait_out_throttle(device)
    device.refresh_from_db()
    page.get_by_label(CODE_LABEL).fill(token_for(device, at=time.time() + device.step))
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", name="Familier", exact=True)).to_be_visible()
    assert ui.path() == "/familier/"
    ui.assert_clean()
