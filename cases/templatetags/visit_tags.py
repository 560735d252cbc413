"""Template filters for the visit screens: a visit's length in hours and minutes, and the
ids of a form's ticked boxes (cases/views_visits.py)."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes: Any) -> str:
    """90 → "1 t 30 min"; 45 → "45 min"; 120 → "2 t"."""
    try:
        total = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 60)
    if hours and rest:
        return _("%(hours)s t %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s t") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


@register.filter
def ticked(value: Any, selected: Any) -> bool:
    """Is ``value`` (an id) among ``selected`` (a set of id strings)?"""
    return str(value) in (selected or ())
