"""Danish CPR numbers: validation, masking and fictional numbers for demo and tests.

A CPR number is DDMMYY-SSSS. The birth date must be a real date; the century follows from
the 7th digit (the first of SSSS) and the year. The modulus-11 check is *not* applied:
since 2007 the CPR office issues valid numbers that fail it.
"""

import datetime as dt
import random
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_CPR_RE = re.compile(r"^\s*(\d{6})\s*-?\s*(\d{4})\s*$")
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def century(seventh: int, yy: int) -> int:
    """The century (1800, 1900 or 2000) given the 7th digit and the two-digit year."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5–8
    return 2000 if yy <= 57 else 1800


def normalise(value: str) -> str:
    """Ten digits, or a ValidationError with a Danish message saying what is wrong."""
    match = _CPR_RE.match(value or "")
    if not match:
        raise ValidationError(_("Et CPR-nummer har 10 cifre, fx 010203-1234."), code="cpr_format")
    digits = match.group(1) + match.group(2)
    birth_date(digits)  # validates the date part
    return digits


def birth_date(digits: str) -> dt.date:
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        born = dt.date(century(seventh, yy) + yy, month, day)
    except ValueError:
        raise ValidationError(
            _("CPR-nummeret begynder ikke med en gyldig fødselsdato (DDMMÅÅ)."), code="cpr_date"
        ) from None
    if born > timezone.localdate():
        raise ValidationError(_("CPR-nummerets fødselsdato ligger i fremtiden."), code="cpr_future")
    return born


def mask(digits: str) -> str:
    """DDMMYY-XXXX: the birth date stays readable, the serial part is hidden."""
    return f"{digits[:6]}-XXXX"


def display(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


def passes_modulus11(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0


def fictional(born: dt.date, *, female: bool, rng: random.Random) -> str:
    """A valid-format CPR number for a fictional person born on ``born``.

    The number deliberately *fails* modulus 11. Numbers failing it have only been issued
    since 2007 and then sparingly, so these cannot collide with the great majority of real
    numbers; the serial digit still encodes the century and the last digit the sex.
    """
    yy = born.year % 100
    sevenths = [s for s in range(10) if century(s, yy) + yy == born.year]
    while True:
        seventh = rng.choice(sevenths)
        middle = rng.randrange(100)
        last_choices = [d for d in range(10) if (d % 2 == 0) == female]
        digits = f"{born:%d%m}{yy:02d}{seventh}{middle:02d}{rng.choice(last_choices)}"
        if not passes_modulus11(digits):
            return digits
