"""The raw CPR number is never stored: not in any table, not in a database dump."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from cases.models import Family, FamilyMember
from familieberedskab import crypto


def _all_rows_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 – table names from introspection
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_cpr_is_encrypted_at_rest_and_found_by_keyed_hash(family) -> None:
    child = family.members.get(kind="child")
    digits = child.cpr_digits()

    stored = FamilyMember.objects.filter(pk=child.pk).values("cpr_encrypted", "cpr_hash").get()

    assert digits not in stored["cpr_encrypted"]
    assert crypto.decrypt(stored["cpr_encrypted"]) == digits
    assert stored["cpr_hash"] == crypto.keyed_hash(digits) != digits
    assert list(Family.objects.with_cpr(digits)) == [family]
    assert digits not in _all_rows_as_text()


def test_keyed_hash_depends_on_the_secret_key(settings) -> None:
    before = crypto.keyed_hash("0101901234")
    settings.CPR_HMAC_KEY = "another-key"
    assert crypto.keyed_hash("0101901234") != before


def test_encryption_keys_can_be_rotated(settings, family) -> None:
    child = family.members.get(kind="child")
    digits = child.cpr_digits()
    new_key = "bmV3LWtleS1mb3Itcm90YXRpb24tdGVzdC0wMDAwMDA="
    settings.CPR_ENCRYPTION_KEYS = [new_key, *settings.CPR_ENCRYPTION_KEYS]

    assert child.cpr_digits() == digits  # old rows still read with the old key listed second


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed rows, so that pg_dump sees them
def test_cpr_is_not_in_a_pg_dump(family) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed for this test (Debian package postgresql-client)")
    digits = family.members.get(kind="child").cpr_digits()
    db = settings.DATABASES["default"]
    dump = subprocess.run(  # noqa: S603 – fixed arguments
        [
            pg_dump,
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            connection.settings_dict["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert family.name in dump  # the dump really holds the family's rows
    assert digits not in dump
