import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError

from cases import cpr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("010203-1234", dt.date(1903, 2, 1)),  # 7th digit 1 → 1900s
        ("0102031234", dt.date(1903, 2, 1)),
        ("311299-4000", dt.date(1999, 12, 31)),  # 4, yy 99 > 36 → 1900s
        ("010110-4000", dt.date(2010, 1, 1)),  # 4, yy 10 ≤ 36 → 2000s
        ("010160-5000", dt.date(1860, 1, 1)),  # 5–8, yy 60 > 57 → 1800s
        ("010120-8000", dt.date(2020, 1, 1)),  # 5–8, yy ≤ 57 → 2000s
        ("010150-9000", dt.date(1950, 1, 1)),  # 9, yy > 36 → 1900s
        ("290200-4000", dt.date(2000, 2, 29)),  # leap day in a leap year
    ],
)
def test_birth_date_century_from_seventh_digit(value: str, expected: dt.date) -> None:
    assert cpr.birth_date(cpr.normalise(value)) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "cpr_format"),
        ("12345", "cpr_format"),
        ("01020312345", "cpr_format"),
        ("0102-031234", "cpr_format"),
        ("abcdef-ghij", "cpr_format"),
        ("320103-1234", "cpr_date"),
        ("011303-1234", "cpr_date"),
        ("290201-4000", "cpr_date"),  # 2001 is not a leap year
        ("010130-4000", "cpr_future"),  # 1 Jan 2030 is in the future
    ],
)
def test_normalise_rejects_bad_numbers_with_a_code(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        cpr.normalise(value)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]  # a Danish message for the form


def test_normalise_accepts_a_number_failing_modulus_11() -> None:
    digits = "0101904001"
    assert not cpr.passes_modulus11(digits)
    assert cpr.normalise(digits) == digits


def test_mask_hides_the_serial_part() -> None:
    assert cpr.mask("0102031234") == "010203-XXXX"
    assert cpr.display("0102031234") == "010203-1234"


def test_fictional_numbers_are_valid_in_format_and_fail_modulus_11() -> None:
    rng = random.Random(7)
    for born in (dt.date(1880, 1, 1), dt.date(1975, 6, 30), dt.date(2024, 2, 29)):
        for female in (True, False):
            digits = cpr.fictional(born, female=female, rng=rng)
            assert cpr.birth_date(cpr.normalise(digits)) == born
            assert not cpr.passes_modulus11(digits)
            assert (int(digits[-1]) % 2 == 0) == female
