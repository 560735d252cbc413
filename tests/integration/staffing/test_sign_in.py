import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieberedskab.middleware import SESSION_AUTH_AT
from familieberedskab.models import AuditAction, AuditEvent

LOGIN = reverse("staffing:login")
PASSWORD = "Test-Adgangskode-1"


def _login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def test_login_succeeds_gives_new_session_id_and_is_audited(client, radgiver) -> None:
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key

    response = _login(client, "radgiver")

    assert response.status_code == 302
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=radgiver).exists()


def test_unknown_user_and_wrong_password_get_the_same_reply(client, radgiver) -> None:
    unknown = _login(client, "nobody", "whatever-password")
    wrong = _login(client, "radgiver", "wrong-password-1")

    assert unknown.status_code == wrong.status_code == 200
    message = "Forkert brugernavn eller adgangskode."
    assert message in unknown.content.decode()
    assert message in wrong.content.decode()


def test_inactive_user_gets_the_same_reply(client, radgiver) -> None:
    radgiver.is_active = False
    radgiver.save()

    response = _login(client, "radgiver")

    assert "Forkert brugernavn eller adgangskode." in response.content.decode()


def test_lockout_is_keyed_on_username_and_ip_together(client, radgiver, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "radgiver", "wrong-password-1", ip="10.0.0.66")

    locked = _login(client, "radgiver", ip="10.0.0.66")  # even the right password
    from_elsewhere = _login(Client(), "radgiver", ip="10.0.0.1")
    other_user_same_ip = _login(Client(), "nobody", "x", ip="10.0.0.66")

    assert locked.status_code == 429
    assert "midlertidigt spærret" in locked.content.decode()
    assert from_elsewhere.status_code == 302  # the colleague is not locked out at their own desk
    assert other_user_same_ip.status_code == 200


def test_deactivated_user_session_ends_at_once(client, radgiver) -> None:
    client.force_login(radgiver)
    assert client.get(reverse("home")).status_code == 200

    radgiver.is_active = False
    radgiver.save()

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_logs_out_other_sessions(radgiver) -> None:
    here, elsewhere = Client(), Client()
    here.force_login(radgiver)
    elsewhere.force_login(radgiver)

    response = here.post(
        reverse("staffing:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Et-helt-nyt-kodeord-42",
            "new_password2": "Et-helt-nyt-kodeord-42",
        },
    )

    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302


def test_session_idle_timeout_is_30_minutes_and_renewed(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_ends_at_the_absolute_limit(client, radgiver, settings) -> None:
    client.force_login(radgiver)
    session = client.session
    session[SESSION_AUTH_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_logout_requires_post_and_ends_session(client, radgiver) -> None:
    client.force_login(radgiver)
    assert client.get(reverse("staffing:logout")).status_code == 405

    response = client.post(reverse("staffing:logout"))

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=radgiver).exists()


# One-time codes -------------------------------------------------------------------------


@pytest.fixture
def otp_on(settings) -> None:
    settings.OTP_REQUIRED = True


def test_otp_required_sends_unverified_user_to_enrolment_then_code(
    client, radgiver, otp_on
) -> None:
    _login(client, "radgiver")

    response = client.get(reverse("cases:family_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staffing:otp_verify"))
    assert client.get(response["Location"])["Location"] == reverse("staffing:otp_setup")

    setup = client.get(reverse("staffing:otp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=radgiver, confirmed=False)

    response = client.post(reverse("staffing:otp_setup"), {"token": _token(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cases:family_list")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENROL, actor=radgiver).exists()


def test_otp_code_cannot_be_used_twice(client, radgiver, otp_on) -> None:
    device = TOTPDevice.objects.create(user=radgiver, name="app", confirmed=True)
    code = _token(device)
    _login(client, "radgiver")
    assert client.post(reverse("staffing:otp_verify"), {"token": code}).status_code == 302
    client.post(reverse("staffing:logout"))

    second = Client()
    _login(second, "radgiver")
    response = second.post(reverse("staffing:otp_verify"), {"token": code})

    assert response.status_code == 200
    assert "Koden er forkert eller allerede brugt." in response.content.decode()
    assert second.get(reverse("home")).status_code == 302


def test_otp_wrong_code_is_refused_and_nothing_is_reachable(client, radgiver, otp_on) -> None:
    TOTPDevice.objects.create(user=radgiver, name="app", confirmed=True)
    _login(client, "radgiver")

    response = client.post(reverse("staffing:otp_verify"), {"token": "000000"})

    assert "Koden er forkert" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_otp_verify_ignores_an_offsite_next(client, radgiver, otp_on) -> None:
    device = TOTPDevice.objects.create(user=radgiver, name="app", confirmed=True)
    _login(client, "radgiver")

    response = client.post(
        reverse("staffing:otp_verify") + "?next=https://evil.example/", {"token": _token(device)}
    )

    assert response["Location"] == reverse("home")


def test_administrator_resets_otp_and_user_enrols_again(client, radgiver, administrator) -> None:
    TOTPDevice.objects.create(user=radgiver, name="app", confirmed=True)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:staffing_user_changelist"),
        {
            "action": "reset_otp",
            "_selected_action": [radgiver.pk],
        },
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=radgiver).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.OTP_RESET, actor=administrator, object_id=str(radgiver.pk)
    ).exists()


def test_demo_mode_login_page_says_codes_are_skipped(client, settings) -> None:
    settings.DEMO_MODE = True
    assert "Demotilstand" in client.get(LOGIN).content.decode()
    settings.DEMO_MODE = False
    assert "Demotilstand" not in client.get(LOGIN).content.decode()
