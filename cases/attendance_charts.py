"""A child's attendance at school or daycare as a trend (issue 6, element 2): a server-drawn
SVG with one point per registered period — the absence in per cent of the possible days or
lessons (solid line) and the unlawful absence in per cent (dashed line, so colour is not the
only difference). Pure: (period start, absence %, unlawful %) rows in, SVG out — the rows come
from ``outcome_services.attendance_trend``; the labels are given by the caller (translated).

No script and no style attributes (strict CSP): only presentation attributes, a ``<title>``
and a ``<desc>`` for screen readers. The y axis runs to the smallest of 20, 40, 60, 80 or 100
per cent that holds the highest value, so a few per cent of absence is still visible."""

import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 560
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 20, 16, 64
Y_STEPS = (20, 40, 60, 80, 100)
ABSENCE = "#0d6efd"
UNLAWFUL = "#dc3545"
GRID = "#ced4da"
TEXT = "#495057"

Row = tuple[dt.date, float, float]


def y_max(rows: Sequence[Row]) -> int:
    """The top of the y axis: the first of ``Y_STEPS`` that holds every value."""
    highest = max((max(absent, unlawful) for _day, absent, unlawful in rows), default=0.0)
    return next((step for step in Y_STEPS if highest <= step), Y_STEPS[-1])


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + inner / 2
    return LEFT + inner * index / (count - 1)


def _y(value: float, top: int) -> float:
    value = min(max(value, 0.0), float(top))
    return TOP + (HEIGHT - TOP - BOTTOM) * (top - value) / top


def _polyline(coords: list[tuple[float, float]], colour: str, dashed: bool) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    return f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>'


def _point(x: float, y: float, colour: str, square: bool, label: str) -> str:
    """A dot (absence) or a square (unlawful absence), with its value as a tooltip."""
    tip = f"<title>{escape(label)}</title>"
    if square:
        return (
            f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" '
            f'fill="{colour}">{tip}</rect>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">{tip}</circle>'


def _legend(absence_label: str, unlawful_label: str) -> str:
    y = HEIGHT - 14
    return (
        f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + 28}" y2="{y}" stroke="{ABSENCE}" '
        f'stroke-width="3"/>'
        f'<text x="{LEFT + 34}" y="{y + 4}" font-size="12" fill="{TEXT}">'
        f"{escape(absence_label)}</text>"
        f'<line x1="{LEFT + 230}" y1="{y}" x2="{LEFT + 258}" y2="{y}" stroke="{UNLAWFUL}" '
        f'stroke-width="3" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 264}" y="{y + 4}" font-size="12" fill="{TEXT}">'
        f"{escape(unlawful_label)}</text>"
    )


def attendance_chart_svg(
    rows: Sequence[Row],
    *,
    title: str,
    absence_label: str,
    unlawful_label: str,
    description: str = "",
    chart_id: str = "attendance-chart",
) -> SafeString:
    """The chart of ``rows`` (period start, absence %, unlawful %), oldest period first, one
    point per period at even spacing (periods differ in length); ``chart_id`` must be unique
    on the page (it names the title and description for ``aria-labelledby``)."""
    rows = sorted(rows, key=lambda r: r[0])
    top = y_max(rows)
    cid = escape(chart_id)
    described = f" {cid}-desc" if description else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="attendance-chart" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{cid}-title{described}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{cid}-desc">{escape(description)}</desc>')
    for tick in range(0, top + 1, top // 4):
        y = _y(tick, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{tick} %</text>'
        )
    count = len(rows)
    xs = [_x(i, count) for i in range(count)]
    absence = [(x, _y(r[1], top)) for x, r in zip(xs, rows, strict=True)]
    unlawful = [(x, _y(r[2], top)) for x, r in zip(xs, rows, strict=True)]
    if count > 1:
        parts += [_polyline(absence, ABSENCE, False), _polyline(unlawful, UNLAWFUL, True)]
    for index, ((day, absent, illegal), x) in enumerate(zip(rows, xs, strict=True)):
        parts.append(
            _point(x, absence[index][1], ABSENCE, False, f"{day:%d.%m.%Y}: {absent:.0f} %")
        )
        parts.append(
            _point(x, unlawful[index][1], UNLAWFUL, True, f"{day:%d.%m.%Y}: {illegal:.0f} %")
        )
        # The outermost date labels are anchored inwards so they are never clipped.
        anchor = "middle"
        if count > 1 and index in (0, count - 1):
            anchor = "start" if index == 0 else "end"
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" '
            f'font-size="11" fill="{TEXT}">{day:%d.%m.%y}</text>'
        )
    parts += [_legend(absence_label, unlawful_label), "</svg>"]
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped
