"""SVG charts for the evaluation report (and the report screens): horizontal bars and pairs of
bars, drawn on the server as plain SVG — no scripts, no inline styles, colours as
presentation attributes, a ``<title>`` and ``aria-label`` for screen readers.

The charts never see a number that must not be shown: they take the *protected* value of each
bar (``None`` when the count is suppressed) and the text to write beside it ("<5", "x",
"42 %"). A suppressed bar is drawn as no bar, only its text, so its length cannot give it
away. Pure functions: data in, an escaped SVG string out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BAR = "#2f5d8a"
SECOND = "#9fb9d3"
GRID = "#c8ced4"
TEXT = "#222222"
MUTED = "#555555"

WIDTH = 520
LABEL_WIDTH = 190  # room on the left for the bar's label
TEXT_WIDTH = 60  # room on the right for the value
ROW = 22
PAIR_ROW = 34
TOP, BOTTOM = 6, 20
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed — only ``text`` is drawn
    text: str


@dataclass(frozen=True)
class Pair:
    label: str
    first: float | None
    second: float | None
    first_text: str
    second_text: str


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tick(value: float) -> str:
    """An axis number the Danish way (decimal comma)."""
    return _num(value).replace(".", ",")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _scale(values: Sequence[float | None], max_value: float | None) -> float:
    if max_value is not None and max_value > 0:
        return max_value
    shown = [v for v in values if v is not None and v > 0]
    return max(shown) if shown else 1.0


def _open(height: int, label: str, css: str) -> list[str]:
    text = escape(label)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" height="{height}" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-label="{text}" class="report-chart {css}">',
        f"<title>{text}</title>",
    ]


def _axis(height: int, top: int, scale: float, unit: str) -> list[str]:
    plot = WIDTH - LABEL_WIDTH - TEXT_WIDTH
    parts = []
    for fraction in (0, 0.5, 1):
        x = _num(LABEL_WIDTH + plot * fraction)
        dash = "" if fraction == 0 else ' stroke-dasharray="3 3"'
        parts.append(
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{height - BOTTOM + 4}" stroke="{GRID}" '
            f'stroke-width="1"{dash}/>'
        )
        parts.append(
            f'<text x="{x}" y="{height - 4}" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}">{escape(_tick(scale * fraction) + unit)}</text>'
        )
    return parts


def _bar(
    y: float, height: float, value: float | None, scale: float, colour: str, text: str
) -> list[str]:
    plot = WIDTH - LABEL_WIDTH - TEXT_WIDTH
    width = 0.0 if value is None else plot * max(0.0, min(value, scale)) / scale
    parts = []
    if width > 0:
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{_num(y)}" width="{_num(width)}" '
            f'height="{_num(height)}" fill="{colour}"/>'
        )
    parts.append(
        f'<text x="{_num(LABEL_WIDTH + width + 4)}" y="{_num(y + height / 2)}" '
        f'dominant-baseline="middle" font-size="11" fill="{TEXT}">{escape(text)}</text>'
    )
    return parts


def bar_chart(
    bars: Sequence[Bar], *, label: str, max_value: float | None = None, unit: str = ""
) -> str:
    """Horizontal bars, one per row, scaled to ``max_value`` (else the largest value shown);
    ``unit`` follows the axis numbers (e.g. " %"). No bars → an empty string."""
    if not bars:
        return ""
    scale = _scale([b.value for b in bars], max_value)
    height = TOP + ROW * len(bars) + BOTTOM
    parts = _open(height, label, "report-bars")
    parts += _axis(height, TOP, scale, unit)
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{_num(y + ROW / 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="11" fill="{TEXT}">'
            f"{escape(_short(bar.label))}</text>"
        )
        parts += _bar(y + 3, ROW - 6, bar.value, scale, BAR, bar.text)
    parts.append("</svg>")
    return "".join(parts)


def paired_bar_chart(
    pairs: Sequence[Pair],
    *,
    label: str,
    legend: tuple[str, str],
    max_value: float | None = None,
) -> str:
    """Two bars per row (e.g. first and last measurement), with a legend. No rows → ""."""
    if not pairs:
        return ""
    values = [p.first for p in pairs] + [p.second for p in pairs]
    scale = _scale(values, max_value)
    legend_height = 18
    top = TOP + legend_height
    height = top + PAIR_ROW * len(pairs) + BOTTOM
    parts = _open(height, label, "report-pairs")
    for i, (name, colour) in enumerate(zip(legend, (BAR, SECOND), strict=True)):
        x = LABEL_WIDTH + i * 150
        parts.append(f'<rect x="{x}" y="{TOP}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 14}" y="{TOP + 5}" dominant-baseline="middle" font-size="10" '
            f'fill="{TEXT}">{escape(name)}</text>'
        )
    parts += _axis(height, top, scale, "")
    for i, pair in enumerate(pairs):
        y = top + PAIR_ROW * i
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{_num(y + PAIR_ROW / 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="11" fill="{TEXT}">'
            f"{escape(_short(pair.label))}</text>"
        )
        parts += _bar(y + 3, 13, pair.first, scale, BAR, pair.first_text)
        parts += _bar(y + 17, 13, pair.second, scale, SECOND, pair.second_text)
    parts.append("</svg>")
    return "".join(parts)
