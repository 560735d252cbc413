"""Template tags for the plan's charts: the goal trend (cases/charts.py) with a Danish label."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.charts import trend_svg

register = template.Library()


@register.simple_tag
def goal_trend(goal: Any, reviews: Iterable[Any]) -> SafeString:
    """The goal's reviews as a small SVG line chart ('' when there are none)."""
    points = [(r.reviewed_on, r.score) for r in reviews]
    if not points:
        return mark_safe("")
    latest = max(points, key=lambda p: p[0])
    label = _(
        "Udvikling for målet »%(text)s«: %(count)s vurderinger, senest %(score)s af 10 den %(date)s"
    ) % {
        "text": str(goal.text)[:80],
        "count": len(points),
        "score": latest[1],
        "date": latest[0].strftime("%d.%m.%Y"),
    }
    return mark_safe(trend_svg(points, label=label))  # noqa: S308 - trend_svg escapes
