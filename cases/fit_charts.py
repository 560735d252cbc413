"""FIT feedback graphs drawn on the server as SVG (issue 5): per family member, the ORS totals
across sessions (0–40) with a dashed line at the age-appropriate clinical cut-off (none for the
young-child version), collateral ORS ratings as lines of their own, and the SRS totals with
the alliance line at 36; and one chart per family with every member's ORS.

Why it exists: the graphs must show on every device and later in PDFs, under a strict CSP
(no scripts, no style attributes) — so they are plain SVG with presentation attributes, a
``<title>`` and ``<desc>`` for screen readers, and the numbers as a table beside them. The
functions are pure (ratings in, SVG and table rows out) and tested without a database.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases import fit
from cases.models.fit import FitRater, FitScale, FitVersion

Y_MAX = 40
WIDTH = 640
PLOT_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 56, 16, 36
LEGEND_ROW = 22
GRID = "#ced4da"
TEXT = "#495057"
CUTOFF = "#343a40"
ORS = "#0d6efd"
SRS = "#198754"
COLLATERAL = ("#fd7e14", "#6f42c1", "#d63384", "#795548")
MEMBER_COLOURS = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545")


@dataclass(frozen=True)
class Rating:
    """One FIT rating as the graphs need it (no personal data beyond a first name)."""

    visit_id: int
    starts_at: dt.datetime
    client_id: int
    scale: str
    total: Decimal
    age: int
    version: str
    rater_label: str = ""  # empty: the client rated; else who rated (collateral ORS)

    @property
    def collateral(self) -> bool:
        return bool(self.rater_label)


def rating_of(score: Any) -> Rating:
    """A stored FitScore (with ``visit`` and ``rater_member`` loaded) as a Rating."""
    label = ""
    if score.rater == FitRater.COLLATERAL:
        label = (
            score.rater_member.first_name
            if score.rater_member_id
            else score.rater_description or _("En anden")
        )
    return Rating(
        visit_id=score.visit_id,
        starts_at=score.visit.starts_at,
        client_id=score.client_id,
        scale=score.scale,
        total=score.total,
        age=score.age_years,
        version=score.version,
        rater_label=label,
    )


@dataclass(frozen=True)
class Point:
    session: int
    day: dt.date
    total: Decimal


@dataclass
class Line:
    key: str  # "ors", "srs", "collateral-<label>", "member-<pk>"
    label: str
    colour: str
    points: list[Point] = field(default_factory=list)
    dashed: bool = False


@dataclass(frozen=True)
class Guide:
    """A horizontal reference line (cut-off or alliance line) from session to session."""

    value: Decimal
    label: str
    colour: str
    start: float
    end: float
    dash: str = "6 4"


@dataclass
class Chart:
    chart_id: str
    title: str
    description: str
    lines: list[Line]
    guides: list[Guide]
    sessions: list[tuple[int, dt.date]]
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def svg(self) -> SafeString:
        return chart_svg(self)

    @property
    def has_points(self) -> bool:
        return any(line.points for line in self.lines)


@dataclass
class CourseCharts:
    family: Chart | None
    members: list[tuple[Any, Chart]]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def da(value: Decimal | float) -> str:
    """A total the Danish way: 34,5."""
    return f"{Decimal(value):.1f}".replace(".", ",")


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _sessions(ratings: Iterable[Rating]) -> list[tuple[int, dt.date]]:
    """The visits among ``ratings`` in time order as (visit id, date)."""
    seen: dict[int, dt.datetime] = {}
    for r in ratings:
        seen.setdefault(r.visit_id, r.starts_at)
    return [(vid, _day(at)) for vid, at in sorted(seen.items(), key=lambda v: (v[1], v[0]))]


def _cutoff_guides(
    by_session: Sequence[tuple[int, int | None]], rules: fit.FitRules
) -> list[Guide]:
    """Dashed cut-off segments over runs of sessions with the same cut-off (it changes when a
    child moves up an age band; none for the young-child version). ``by_session`` holds
    (session number, age or None)."""
    guides: list[Guide] = []
    run: tuple[Decimal | None, int, int] | None = None  # (cut-off, first, last session)
    for session, age in by_session:
        value = fit.cutoff_for_age(age, rules) if age is not None else None
        if run is not None and run[0] == value:
            run = (value, run[1], session)
            continue
        if run is not None and run[0] is not None:
            guides.append(_cutoff_guide(run[0], run[1], run[2]))
        run = (value, session, session)
    if run is not None and run[0] is not None:
        guides.append(_cutoff_guide(run[0], run[1], run[2]))
    return guides


def _cutoff_guide(value: Decimal, start: int, end: int) -> Guide:
    return Guide(
        value=value,
        label=_("Klinisk grænse %(value)s") % {"value": da(value)},
        colour=CUTOFF,
        start=start - 0.5,
        end=end + 0.5,
    )


def member_chart(
    member_id: int, name: str, ratings: Sequence[Rating], *, rules: fit.FitRules | None = None
) -> Chart:
    """One family member's chart: their own ORS, collateral ORS (a line per rater), their
    SRS, the cut-off by age at each session and the alliance line."""
    rules = rules or fit.rules()
    mine = [r for r in ratings if r.client_id == member_id]
    sessions = _sessions(mine)
    number = {vid: n for n, (vid, _d) in enumerate(sessions, start=1)}
    ors = Line("ors", _("ORS (%(name)s selv)") % {"name": name}, ORS)
    srs = Line("srs", _("SRS (%(name)s)") % {"name": name}, SRS)
    collateral: dict[str, Line] = {}
    ages: dict[int, int] = {}
    young_only = True
    for r in mine:
        n = number[r.visit_id]
        point = Point(n, _day(r.starts_at), r.total)
        ages.setdefault(n, r.age)
        if r.version != FitVersion.YOUNG_CHILD:
            young_only = False
        if r.scale == FitScale.SRS:
            srs.points.append(point)
        elif r.collateral:
            colour = COLLATERAL[len(collateral) % len(COLLATERAL)]
            line = collateral.setdefault(
                r.rater_label,
                Line(
                    f"collateral-{len(collateral)}",
                    _("ORS om %(name)s, udfyldt af %(rater)s")
                    % {"name": name, "rater": r.rater_label},
                    colour,
                    dashed=True,
                ),
            )
            line.points.append(point)
        else:
            ors.points.append(point)
    guides = _cutoff_guides([(n, ages.get(n)) for n in range(1, len(sessions) + 1)], rules)
    if srs.points and not young_only:
        guides.append(
            Guide(
                value=rules.alliance_total_below,
                label=_("SRS-grænse %(value)s") % {"value": da(rules.alliance_total_below)},
                colour=SRS,
                start=0.5,
                end=len(sessions) + 0.5,
                dash="2 3",
            )
        )
    lines = [line for line in (ors, *collateral.values(), srs) if line.points]
    chart = Chart(
        chart_id=f"fit-member-{member_id}",
        title=_("FIT for %(name)s") % {"name": name},
        description=_describe(lines, guides, len(sessions)),
        lines=lines,
        guides=guides,
        sessions=sessions,
    )
    _table(chart)
    return chart


def family_chart(
    members: Sequence[tuple[int, str]],
    ratings: Sequence[Rating],
    *,
    family_name: str = "",
    rules: fit.FitRules | None = None,
) -> Chart:
    """The family's chart: each member's own ORS totals, by the family's sessions (visits
    with an ORS), with each distinct cut-off among them as a dashed line."""
    rules = rules or fit.rules()
    own = [r for r in ratings if r.scale == FitScale.ORS and not r.collateral]
    sessions = _sessions(own)
    number = {vid: n for n, (vid, _d) in enumerate(sessions, start=1)}
    lines, cutoffs = [], {}
    for i, (member_id, name) in enumerate(members):
        line = Line(f"member-{member_id}", name, MEMBER_COLOURS[i % len(MEMBER_COLOURS)])
        latest_age = None
        for r in own:
            if r.client_id == member_id:
                line.points.append(Point(number[r.visit_id], _day(r.starts_at), r.total))
                latest_age = r.age
        if line.points:
            lines.append(line)
            cut = fit.cutoff_for_age(latest_age, rules) if latest_age is not None else None
            if cut is not None:
                cutoffs.setdefault(cut, []).append(name)
    guides = [
        Guide(
            value=value,
            label=_("Grænse %(value)s (%(names)s)")
            % {"value": da(value), "names": ", ".join(names)},
            colour=CUTOFF,
            start=0.5,
            end=len(sessions) + 0.5,
        )
        for value, names in sorted(cutoffs.items())
    ]
    title = _("ORS for hele familien")
    if family_name:
        title = _("ORS for %(family)s") % {"family": family_name}
    chart = Chart(
        chart_id="fit-family",
        title=title,
        description=_describe(lines, guides, len(sessions)),
        lines=lines,
        guides=guides,
        sessions=sessions,
    )
    _table(chart)
    return chart


def course_charts(
    ratings: Sequence[Rating], members: Sequence[Any], *, family_name: str = ""
) -> CourseCharts:
    """Every chart of a course's FIT page: the family's and one per member with ratings
    (``members`` have ``pk`` and ``first_name``)."""
    rules = fit.rules()
    rated = {r.client_id for r in ratings}
    people = [m for m in members if m.pk in rated]
    family = (
        family_chart(
            [(m.pk, m.first_name) for m in people], ratings, family_name=family_name, rules=rules
        )
        if ratings
        else None
    )
    return CourseCharts(
        family=family if family and family.has_points else None,
        members=[(m, member_chart(m.pk, m.first_name, ratings, rules=rules)) for m in people],
    )


def _describe(lines: Sequence[Line], guides: Sequence[Guide], sessions: int) -> str:
    if not lines:
        return _("Ingen målinger endnu.")
    if sessions == 1:
        parts = [_("1 session.")]
    else:
        parts = [_("%(count)s sessioner.") % {"count": sessions}]
    for line in lines:
        first, last = line.points[0].total, line.points[-1].total
        if len(line.points) == 1:
            parts.append(_("%(label)s: %(last)s.") % {"label": line.label, "last": da(last)})
        else:
            parts.append(
                _("%(label)s: fra %(first)s til %(last)s.")
                % {"label": line.label, "first": da(first), "last": da(last)}
            )
    parts += [f"{g.label}." for g in guides]
    return " ".join(parts)


def _table(chart: Chart) -> None:
    """The chart's numbers as a table (the fallback for screen readers and print)."""
    chart.columns = [_("Session"), _("Dato"), *(line.label for line in chart.lines)]
    values = {(line.key, p.session): da(p.total) for line in chart.lines for p in line.points}
    chart.rows = [
        [
            str(n),
            day.strftime("%d.%m.%Y"),
            *(values.get((line.key, n), "–") for line in chart.lines),
        ]
        for n, (_vid, day) in enumerate(chart.sessions, start=1)
    ]


# Drawing -------------------------------------------------------------------------------------


def _x(session: float, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    span = max(count, 1)
    return LEFT + inner * (session - 0.5) / span


def _y(total: Decimal | float) -> float:
    value = min(max(float(total), 0), Y_MAX)
    return TOP + PLOT_HEIGHT * (1 - value / Y_MAX)


def chart_svg(chart: Chart) -> SafeString:
    """The chart as SVG: y 0–40, x the sessions, reference lines, one line per series with
    a marker per point (its own ``<title>``), and a legend below."""
    count = len(chart.sessions)
    cid = escape(chart.chart_id)
    legend_items = [
        (line.label, line.colour, "5 3" if line.dashed else "", False) for line in chart.lines
    ] + [(g.label, g.colour, g.dash, True) for g in _distinct_guides(chart.guides)]
    legend_rows = (len(legend_items) + 1) // 2
    height = TOP + PLOT_HEIGHT + BOTTOM + legend_rows * LEGEND_ROW + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" class="fit-chart" '
        f'aria-labelledby="{cid}-title {cid}-desc" data-testid="{cid}">',
        f'<title id="{cid}-title">{escape(chart.title)}</title>',
        f'<desc id="{cid}-desc">{escape(chart.description)}</desc>',
    ]
    right = WIDTH - RIGHT
    for value in range(0, Y_MAX + 1, 10):
        y = _num(_y(value))
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{right}" y2="{y}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="12" fill="{TEXT}">{value}</text>'
        )
    bottom = TOP + PLOT_HEIGHT
    step = max(1, (count + 11) // 12)  # at most ~12 session labels
    for n in range(1, count + 1):
        if n % step and n != count and n != 1:
            continue
        parts.append(
            f'<text x="{_num(_x(n, count))}" y="{bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT}">{n}</text>'
        )
    parts.append(
        f'<text x="{_num((LEFT + right) / 2)}" y="{bottom + 31}" text-anchor="middle" '
        f'font-size="11" fill="{TEXT}">{escape(_("Session"))}</text>'
    )
    for g in chart.guides:
        y = _num(_y(g.value))
        x1, x2 = _num(max(_x(g.start, count), LEFT)), _num(min(_x(g.end, count), right))
        parts.append(
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{g.colour}" stroke-width="1.5" '
            f'stroke-dasharray="{g.dash}" class="fit-guide" data-value="{g.value}"/>'
        )
    for g in _distinct_guides(chart.guides):
        parts.append(
            f'<text x="{right + 4}" y="{_num(_y(g.value))}" dominant-baseline="middle" '
            f'font-size="11" fill="{g.colour}">{escape(da(g.value))}</text>'
        )
    for line in chart.lines:
        coords = [(_x(p.session, count), _y(p.total), p) for p in line.points]
        if len(coords) > 1:
            points = " ".join(f"{_num(x)},{_num(y)}" for x, y, _p in coords)
            dash = ' stroke-dasharray="5 3"' if line.dashed else ""
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
                f'stroke-width="2.5" stroke-linejoin="round"{dash}/>'
            )
        for x, y, p in coords:
            tip = f"{line.label}, {_('session')} {p.session} ({p.day:%d.%m.%Y}): {da(p.total)}"
            parts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{line.colour}" '
                f'stroke="#ffffff" stroke-width="1.5" class="fit-point" '
                f'data-series="{escape(line.key)}" data-session="{p.session}" '
                f'data-total="{p.total}"><title>{escape(tip)}</title></circle>'
            )
    legend_top = bottom + BOTTOM + 8
    column = (WIDTH - LEFT) / 2
    for i, (label, colour, dashed, guide) in enumerate(legend_items):
        x = LEFT + (i % 2) * column
        y = legend_top + (i // 2) * LEGEND_ROW
        dash = f' stroke-dasharray="{dashed}"' if dashed else ""
        parts.append(
            f'<line x1="{_num(x)}" y1="{y}" x2="{_num(x + 24)}" y2="{y}" stroke="{colour}" '
            f'stroke-width="{1.5 if guide else 2.5}"{dash}/>'
            f'<text x="{_num(x + 30)}" y="{y}" dominant-baseline="middle" font-size="12" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


def _distinct_guides(guides: Sequence[Guide]) -> list[Guide]:
    seen, out = set(), []
    for g in guides:
        if (g.value, g.label) not in seen:
            seen.add((g.value, g.label))
            out.append(g)
    return out
