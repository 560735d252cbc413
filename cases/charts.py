"""Small SVG charts drawn on the server, for the goal trend on the plan page (issue 4).

Why it exists: the trend of a goal's 0–10 reviews must show on every device, print, and pass a
strict CSP (no scripts, no inline styles) — so the chart is plain SVG built here, with colours
as SVG presentation attributes and a ``<title>``/``aria-label`` for screen readers. The
functions are pure (data in, an escaped SVG string out) so they are tested without Django.
"""

import datetime as dt
from collections.abc import Sequence
from html import escape

SCALE_MAX = 10
WIDTH, HEIGHT = 300, 130
# The plot area inside the picture: room on the left for 0/5/10, at the bottom for the dates,
# and on the right for the latest score.
LEFT, RIGHT, TOP, BOTTOM = 24, 56, 10, 24
LINE = "#0d6efd"
GRID = "#ced4da"
TEXT = "#495057"


def _x(day: dt.date, first: dt.date, span: int) -> float:
    width = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + width / 2
    return LEFT + width * (day - first).days / span


def _y(score: float) -> float:
    height = HEIGHT - TOP - BOTTOM
    return TOP + height * (1 - score / SCALE_MAX)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _day(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def trend_svg(points: Sequence[tuple[dt.date, int]], *, label: str) -> str:
    """A line chart of ``points`` (review date, score 0–10), oldest first after sorting; the
    latest score written out on the right. ``label`` names the chart for screen readers (in the
    ``<title>`` and the ``aria-label``). No points → an empty string: nothing to draw."""
    if not points:
        return ""
    ordered = sorted(points, key=lambda p: p[0])
    first, last = ordered[0][0], ordered[-1][0]
    span = (last - first).days
    coords = [
        (_x(day, first, span), _y(min(max(score, 0), SCALE_MAX)), day, score)
        for day, score in ordered
    ]
    text = escape(label)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" height="{HEIGHT}" preserveAspectRatio="xMinYMid meet" role="img" '
        f'aria-label="{text}" class="goal-trend" data-testid="goal-trend">',
        f"<title>{text}</title>",
    ]
    for score in (0, 5, 10):
        y = _num(_y(score))
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="1" stroke-dasharray="{"0" if score == 0 else "3 3"}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="11" fill="{TEXT}">{score}</text>'
        )
    if len(coords) > 1:
        line = " ".join(f"{_num(x)},{_num(y)}" for x, y, _d, _s in coords)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2.5" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for x, y, day, score in coords:
        parts.append(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{LINE}" stroke="#ffffff" '
            f'stroke-width="1.5"><title>{escape(_day(day))}: {score}</title></circle>'
        )
    baseline = HEIGHT - 6
    parts.append(
        f'<text x="{LEFT}" y="{baseline}" font-size="11" fill="{TEXT}">{_day(first)}</text>'
    )
    if span:
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{baseline}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{_day(last)}</text>'
        )
    _x_last, latest_y, _day_last, latest = coords[-1]
    parts.append(
        f'<text x="{WIDTH - RIGHT + 10}" y="{_num(latest_y)}" dominant-baseline="middle" '
        f'font-size="18" font-weight="bold" fill="{LINE}" '
        f'data-testid="goal-trend-latest">{latest}/{SCALE_MAX}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
