"""The pre/post chart of the measurement page (issue 6), drawn on the server as SVG: for one
person, one row per instrument scale, each on its own track from the scale's lowest to its
highest score with the norm bands shaded behind it, a hollow dot at the first measurement
(baseline) and a filled dot at the last (closure, else the latest), joined by a line.

Why it exists: scales of different instruments have different ranges (SDQ 0–10 and 0–40,
WHO-5 0–100, PSS 18–90), so one shared y-axis would mislead; a track per scale reads well on
a tablet and in a PDF alike. The chart must work under a strict CSP (no scripts, no style
attributes), so it is plain SVG with presentation attributes, a ``<title>`` and ``<desc>``,
and its numbers as a table beside it. The functions are pure (rows in, SVG and table out)
and tested without a database; cases/outcome_display.py builds the rows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
LEFT = 250  # the tracks start here; the labels stand to the left
RIGHT = 24
TOP = 8
GROUP_HEIGHT = 30
ROW_HEIGHT = 44
LEGEND_HEIGHT = 56
TEXT = "#212529"
MUTED = "#495057"
TRACK = "#adb5bd"
BEFORE = "#495057"
AFTER = "#0d6efd"
ZONE_COLOURS = ("#d1e7dd", "#fff3cd", "#f8d7da")  # rank 0 typical, 1 borderline, 2+ of concern
MINUS = "\u2212"


@dataclass(frozen=True)
class BandZone:
    """A norm band of a scale: ``low`` ≤ score ≤ ``high`` is ``label`` (rank 0 = typical)."""

    low: float
    high: float
    rank: int
    label: str = ""


@dataclass(frozen=True)
class ScaleRow:
    """One scale of one instrument for the person: first and last score (None: not scored)."""

    key: str
    group: str  # the instrument (and who filled it in)
    label: str  # the scale
    minimum: float
    maximum: float
    before: Any
    after: Any
    before_band: str = ""
    after_band: str = ""
    higher_is_better: bool = False
    meaningful: bool | None = None
    zones: tuple[BandZone, ...] = ()

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return float(self.after) - float(self.before)

    @property
    def better(self) -> bool | None:
        change = self.change
        if not change:
            return None
        return (change > 0) == self.higher_is_better


@dataclass
class PrePostChart:
    chart_id: str
    title: str
    description: str
    rows: list[ScaleRow]
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)

    @property
    def svg(self) -> SafeString:
        return chart_svg(self)

    @property
    def has_rows(self) -> bool:
        return bool(self.rows)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def da(value: Any) -> str:
    """A score the Danish way: 20, 12,5, −8; '–' when missing."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    text = (
        str(int(amount))
        if amount == amount.to_integral_value()
        else f"{amount.normalize():f}".replace(".", ",")
    )
    return text.replace("-", MINUS)


def _with_band(value: Any, band: str) -> str:
    return f"{da(value)} ({band})" if band and value is not None else da(value)


def change_text(row: ScaleRow) -> str:
    """'8 lavere (bedre)', '4 højere (værre)', 'uændret', '–'."""
    change = row.change
    if change is None:
        return "–"
    if change == 0:
        return _("uændret")
    size = da(abs(change))
    text = (_("%(n)s højere") if change > 0 else _("%(n)s lavere")) % {"n": size}
    verdict = _("bedre") if row.better else _("værre")
    return f"{text} ({verdict})"


def describe_row(row: ScaleRow) -> str:
    """One scale in words, for the chart's description: 'Trivselsindeks fra 40 (Lav trivsel)
    til 60, 20 højere (bedre) – en betydende ændring'."""
    if row.before is None and row.after is None:
        return _("%(label)s kunne ikke beregnes") % {"label": row.label}
    if row.after is None:
        return f"{row.label} {_with_band(row.before, row.before_band)}"
    if row.before is None:
        return _("%(label)s kunne ikke beregnes ved første måling, %(after)s ved den seneste") % {
            "label": row.label,
            "after": _with_band(row.after, row.after_band),
        }
    text = _("%(label)s fra %(before)s til %(after)s, %(change)s") % {
        "label": row.label,
        "before": _with_band(row.before, row.before_band),
        "after": _with_band(row.after, row.after_band),
        "change": change_text(row),
    }
    if row.meaningful:
        text += " – " + _("en betydende ændring")
    return text


def describe(rows: Sequence[ScaleRow]) -> str:
    """The chart in words: one sentence per instrument."""
    if not rows:
        return _("Ingen målinger endnu.")
    groups: dict[str, list[ScaleRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    sentences = []
    for group, members in groups.items():
        clauses = "; ".join(describe_row(r) for r in members)
        if all(r.after is None for r in members):
            sentences.append(
                _("%(group)s, kun første måling: %(clauses)s.")
                % {"group": group, "clauses": clauses}
            )
        else:
            sentences.append(f"{group}: {clauses}.")
    return " ".join(sentences)


def person_chart(person_id: int, name: str, rows: Sequence[ScaleRow]) -> PrePostChart:
    """The pre/post chart of one person: ``rows`` in order, grouped by their ``group``."""
    rows = list(rows)
    chart = PrePostChart(
        chart_id=f"prepost-{person_id}",
        title=_("Før og efter for %(name)s") % {"name": name},
        description=describe(rows),
        rows=rows,
    )
    chart.columns = [_("Måling"), _("Skala"), _("Første"), _("Seneste"), _("Ændring")]
    chart.table = [
        [
            r.group,
            r.label,
            _with_band(r.before, r.before_band),
            _with_band(r.after, r.after_band),
            change_text(r),
        ]
        for r in rows
    ]
    return chart


# Drawing -------------------------------------------------------------------------------------


def _x(row: ScaleRow, value: float) -> float:
    span = row.maximum - row.minimum
    value = min(max(float(value), row.minimum), row.maximum)
    inner = WIDTH - LEFT - RIGHT
    return LEFT + inner * ((value - row.minimum) / span if span else 0.0)


def _zone_colour(rank: int) -> str:
    return ZONE_COLOURS[min(max(rank, 0), len(ZONE_COLOURS) - 1)]


def _row_svg(row: ScaleRow, top: float) -> list[str]:
    mid = top + ROW_HEIGHT / 2 - 4
    parts = []
    for zone in row.zones:
        # Scores are whole numbers: a band 0–13 covers the track up to 13.5.
        x1 = _x(row, max(zone.low - 0.5, row.minimum))
        x2 = _x(row, min(zone.high + 0.5, row.maximum))
        if x2 <= x1:
            continue
        parts.append(
            f'<rect x="{_num(x1)}" y="{_num(mid - 9)}" width="{_num(x2 - x1)}" height="18" '
            f'fill="{_zone_colour(zone.rank)}" class="prepost-zone" data-rank="{zone.rank}">'
            f"<title>{escape(zone.label)}: {da(zone.low)}–{da(zone.high)}</title></rect>"
        )
    left, right = _x(row, row.minimum), _x(row, row.maximum)
    parts.append(
        f'<line x1="{_num(left)}" y1="{_num(mid)}" x2="{_num(right)}" y2="{_num(mid)}" '
        f'stroke="{TRACK}" stroke-width="2"/>'
    )
    for value, anchor in ((row.minimum, "start"), (row.maximum, "end")):
        parts.append(
            f'<text x="{_num(_x(row, value))}" y="{_num(mid + 22)}" text-anchor="{anchor}" '
            f'font-size="10" fill="{MUTED}">{da(value)}</text>'
        )
    parts.append(
        f'<text x="{LEFT - 12}" y="{_num(mid - 4)}" text-anchor="end" font-size="13" '
        f'fill="{TEXT}">{escape(row.label)}</text>'
    )
    summary = f"{da(row.before)} → {da(row.after)}" if row.after is not None else da(row.before)
    if row.meaningful:
        summary += " · " + _("betydende")
    parts.append(
        f'<text x="{LEFT - 12}" y="{_num(mid + 12)}" text-anchor="end" font-size="11" '
        f'fill="{MUTED}">{escape(summary)}</text>'
    )
    if row.before is not None and row.after is not None:
        parts.append(
            f'<line x1="{_num(_x(row, row.before))}" y1="{_num(mid)}" '
            f'x2="{_num(_x(row, row.after))}" y2="{_num(mid)}" stroke="{AFTER}" '
            f'stroke-width="3" class="prepost-change"/>'
        )
    key = escape(row.key)
    if row.before is not None:
        tip = _("Første måling: %(value)s") % {"value": _with_band(row.before, row.before_band)}
        parts.append(
            f'<circle cx="{_num(_x(row, row.before))}" cy="{_num(mid)}" r="6" fill="#ffffff" '
            f'stroke="{BEFORE}" stroke-width="2.5" class="prepost-before" data-row="{key}" '
            f'data-value="{row.before}"><title>{escape(tip)}</title></circle>'
        )
    if row.after is not None:
        tip = _("Seneste måling: %(value)s") % {"value": _with_band(row.after, row.after_band)}
        parts.append(
            f'<circle cx="{_num(_x(row, row.after))}" cy="{_num(mid)}" r="6" fill="{AFTER}" '
            f'stroke="#ffffff" stroke-width="1.5" class="prepost-after" data-row="{key}" '
            f'data-value="{row.after}"><title>{escape(tip)}</title></circle>'
        )
    return parts


def chart_svg(chart: PrePostChart) -> SafeString:
    """The chart as SVG: a heading per instrument, a track per scale, and a legend."""
    cid = escape(chart.chart_id)
    body: list[str] = []
    y = float(TOP)
    group = None
    for row in chart.rows:
        if row.group != group:
            group = row.group
            body.append(
                f'<text x="8" y="{_num(y + 20)}" font-size="14" font-weight="bold" '
                f'fill="{TEXT}">{escape(group)}</text>'
            )
            y += GROUP_HEIGHT
        body += _row_svg(row, y)
        y += ROW_HEIGHT
    legend = y + 16
    body += [
        f'<circle cx="16" cy="{_num(legend)}" r="6" fill="#ffffff" stroke="{BEFORE}" '
        f'stroke-width="2.5"/>',
        f'<text x="28" y="{_num(legend + 4)}" font-size="12" fill="{TEXT}">'
        f"{escape(_('Første måling (start)'))}</text>",
        f'<circle cx="236" cy="{_num(legend)}" r="6" fill="{AFTER}"/>',
        f'<text x="248" y="{_num(legend + 4)}" font-size="12" fill="{TEXT}">'
        f"{escape(_('Afslutning eller seneste måling'))}</text>",
    ]
    swatch = legend + 24
    for i, colour in enumerate(ZONE_COLOURS):
        body.append(
            f'<rect x="{10 + i * 14}" y="{_num(swatch - 6)}" width="12" height="12" '
            f'fill="{colour}"/>'
        )
    body.append(
        f'<text x="{10 + len(ZONE_COLOURS) * 14 + 6}" y="{_num(swatch + 4)}" font-size="12" '
        f'fill="{TEXT}">'
        f"{escape(_('Normbånd: grøn = typisk, gul = grænseområde, rød = bekymrende'))}</text>"
    )
    height = legend + LEGEND_HEIGHT - 16
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" class="prepost-chart" '
        f'aria-labelledby="{cid}-title {cid}-desc" data-testid="{cid}">',
        f'<title id="{cid}-title">{escape(chart.title)}</title>',
        f'<desc id="{cid}-desc">{escape(chart.description)}</desc>',
    ]
    return mark_safe("".join([*head, *body, "</svg>"]))  # noqa: S308 - every text is escaped
