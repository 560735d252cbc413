"""Production settings pass Django's deployment checklist, and refuse to start without secrets.

Each case starts `manage.py` in a fresh process, since settings are read once at start-up.
"""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _fernet_key() -> str:
    """What Fernet.generate_key() makes: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _production_env(**overrides: str) -> dict[str, str]:
    """Only what a production process would be given (nothing from this test run, such as
    DATABASE_URL or FB_TESTING), with freshly generated secrets."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        CPR_ENCRYPTION_KEY=_fernet_key(),
        CPR_HMAC_KEY=secrets.token_urlsafe(32),
        PSEUDONYM_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="familieberedskab.example.dk",
        CSRF_TRUSTED_ORIGINS="https://familieberedskab.example.dk",
        DATABASE_URL="postgres://familieberedskab@db.invalid:5432/familieberedskab",
        REDIS_URL="redis://redis.invalid:6379/0",
        # Explicit, so that a developer's .env file cannot switch them on.
        DEMO_MODE="false",
        FB_TESTING="false",
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments, our own manage.py)
        [sys.executable, str(MANAGE), *args],
        cwd=MANAGE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_finds_no_issues_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


@pytest.mark.parametrize(
    "secret", ["SECRET_KEY", "CPR_ENCRYPTION_KEY", "CPR_HMAC_KEY", "PSEUDONYM_KEY"]
)
def test_production_refuses_to_start_without_a_secret(secret: str) -> None:
    # Empty rather than absent, so that a developer's .env file cannot fill it in.
    result = _manage("check", env=_production_env(**{secret: ""}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{secret} must be set when DEBUG is false" in result.stderr


def test_a_list_of_encryption_keys_stands_in_for_the_single_key() -> None:
    """Key rotation: CPR_ENCRYPTION_KEYS alone (newest first) is enough."""
    env = _production_env(CPR_ENCRYPTION_KEY="")
    env["CPR_ENCRYPTION_KEYS"] = f"{_fernet_key()},{_fernet_key()}"

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_one_time_codes_cannot_be_switched_off_in_production() -> None:
    result = _manage("check", env=_production_env(OTP_REQUIRED="false"))

    assert result.returncode != 0
    assert "OTP_REQUIRED cannot be switched off in production" in result.stderr
