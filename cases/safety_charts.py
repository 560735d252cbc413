"""A server-drawn SVG line chart of one person's scaling scores over time: 0–10 on the y axis,
the mappings' dates on the x axis. No script and no style attributes (strict CSP): only SVG
presentation attributes, and a ``<title>``/``<desc>`` so a screen reader can read it."""

import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 40, 20, 16, 40


def _x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + inner / 2
    return LEFT + inner * (day - first).days / span


def _y(score: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (10 - score) / 10


def scaling_chart_svg(
    points: Sequence[tuple[dt.date, int]],
    *,
    title: str,
    description: str = "",
    chart_id: str = "scaling-chart",
) -> SafeString:
    """The chart of ``points`` (date, score 0–10), drawn oldest to newest; ``chart_id`` must
    be unique on the page (it names the title for ``aria-labelledby``)."""
    points = sorted(points)
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" class="safety-chart" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{cid}-title{f" {cid}-desc" if description else ""}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{cid}-desc">{escape(description)}</desc>')
    for score in (0, 5, 10):
        y = _y(score)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ced4da" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#495057">{score}</text>'
        )
    if points:
        first, last = points[0][0], points[-1][0]
        coords = [(_x(day, first, last), _y(score)) for day, score in points]
        if len(coords) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="#0d6efd" stroke-width="3"/>'
            )
        last = len(points) - 1
        for index, ((day, score), (x, y)) in enumerate(zip(points, coords, strict=True)):
            label = escape(f"{day:%d.%m.%Y}: {score}")
            # The outermost date labels are anchored inwards so they are never clipped.
            anchor = (
                "start" if index == 0 and last else "end" if index == last and last else "middle"
            )
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#0d6efd"><title>{label}</title>'
                f"</circle>"
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" '
                f'font-size="11" fill="#495057">{day:%d.%m.%y}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - all text escaped
