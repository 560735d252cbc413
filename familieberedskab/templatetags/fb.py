"""Small template filters shared by all apps."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """Whole minutes of a timedelta, rounded up (for "try again in N minutes")."""
    if not value:
        return 0
    return int(-(-value.total_seconds() // 60))
