"""How measurements read on the pages, the charts and (later) the closing summary: Danish names
of the scales and flags, each scale's range and direction, numbers the Danish way, and the
rows of the pre/post section built from already fetched measurements and norm bands.

Why it exists apart from cases/instruments.py: scoring is the instrument's rules; this is
presentation. Ranges come from the instrument's definition, so a fourth instrument scored as a
(reverse-scored) sum gets its range, its table rows and its chart row without code here; only
its scale names and, if higher is better, its direction want a line below. No queries: the
callers fetch (one query each for measurements and bands) and hand over lists."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Informant, Measurement, NormBand
from cases.outcome_charts import MINUS, BandZone, PrePostChart, ScaleRow, da, person_chart

SCALE_LABELS: dict[str, Any] = {
    # SDQ
    "total": gettext_lazy("Samlede vanskeligheder"),
    "emotional": gettext_lazy("Følelsesmæssige symptomer"),
    "conduct": gettext_lazy("Adfærdsproblemer"),
    "hyperactivity": gettext_lazy("Hyperaktivitet og opmærksomhed"),
    "peer": gettext_lazy("Problemer med jævnaldrende"),
    "prosocial": gettext_lazy("Prosocial adfærd"),
    "externalising": gettext_lazy("Udadreagerende (adfærd + hyperaktivitet)"),
    "internalising": gettext_lazy("Indadreagerende (følelser + jævnaldrende)"),
    "impact": gettext_lazy("Påvirkning i hverdagen (tillæg)"),
    # Sums (WHO-5, PSS): the scale is named by the instrument family where it differs.
    "percentage": gettext_lazy("Trivselsindeks"),
}
SUM_TOTAL_LABELS: dict[str, Any] = {
    "who5": gettext_lazy("Råscore"),
    "pss": gettext_lazy("Forældrestress i alt"),
}
SUM_TOTAL_DEFAULT = gettext_lazy("Samlet score")

FLAG_TEXT: dict[str, Any] = {
    "poor_wellbeing": gettext_lazy("≤ 50: lav trivsel – overvej screening for depression"),
    "item_low": gettext_lazy("Et punkt på 0–1: spørg ind til det og vurdér trivslen nærmere"),
}

# Higher is better on these scales; on every other scale a higher score means more
# difficulties or more stress. A definition may name its own with "higher_is_better".
HIGHER_IS_BETTER = {("sdq", "prosocial"), ("who5", "total"), ("who5", "percentage")}

# The scales drawn in the pre/post chart (the table shows every scale).
SDQ_CHART_SCALES = ("total", "emotional", "conduct", "hyperactivity", "peer", "prosocial", "impact")

# Numbers ------------------------------------------------------------------------------------


def number(value: Any) -> str:
    """A score the Danish way: 20, 12,5; '–' when missing."""
    return da(value)


def signed(value: Any) -> str:
    """A change with its sign: +4, −8, 0."""
    if value is None:
        return "–"
    text = number(value)
    return text if text.startswith(MINUS) or text == "0" else f"+{text}"


def and_list(values: Iterable[Any]) -> str:
    """'3, 6 og 8'."""
    words = [str(v) for v in values]
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s og %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


# Scales -------------------------------------------------------------------------------------


def scales_of(scoring: str, definition: Mapping[str, Any]) -> list[str]:
    """Every scale the instrument scores, in reading order."""
    if scoring == "sdq":
        composites = list(definition.get("composites", {}))
        out = [c for c in composites if c == "total"]
        out += list(definition["scales"])
        out += [c for c in composites if c != "total"]
        if definition.get("impact"):
            out.append("impact")
        return out
    return (["percentage"] if "multiplier" in definition else []) + ["total"]


def main_scale(scoring: str, definition: Mapping[str, Any]) -> str:
    """The one score to show in a list (SDQ total difficulties, WHO-5 percentage …)."""
    return "percentage" if scoring != "sdq" and "multiplier" in definition else "total"


def chart_scales(scoring: str, definition: Mapping[str, Any]) -> list[str]:
    if scoring == "sdq":
        known = set(scales_of(scoring, definition))
        return [s for s in SDQ_CHART_SCALES if s in known]
    return [main_scale(scoring, definition)]


def scale_label(family: str, scale: str) -> str:
    if scale == "total" and family in SUM_TOTAL_LABELS:
        return str(SUM_TOTAL_LABELS[family])
    if scale == "total" and family != "sdq":
        return str(SUM_TOTAL_DEFAULT)
    return str(SCALE_LABELS.get(scale, scale))


def scale_range(
    scoring: str, definition: Mapping[str, Any], scale: str
) -> tuple[float, float] | None:
    """The lowest and highest possible score of ``scale`` under the instrument's rules."""
    answers = [int(v) for v in definition["answers"]]
    low, high = min(answers), max(answers)
    if scoring == "sdq":
        if scale in definition["scales"]:
            return (5.0 * low, 5.0 * high)
        if scale in definition.get("composites", {}):
            spans = [scale_range(scoring, definition, p) for p in definition["composites"][scale]]
            parts = [span for span in spans if span is not None]
            if len(parts) != len(spans):
                return None
            return (sum(p[0] for p in parts), sum(p[1] for p in parts))
        impact = definition.get("impact")
        if scale == "impact" and impact:
            most = max(int(v) for v in impact["scoring"].values())
            return (0.0, float(len(impact["items"]) * most))
        return None
    items = int(definition["items"])
    total = (float(items * low), float(items * high))
    if scale == "total":
        return total
    if scale == "percentage" and "multiplier" in definition:
        factor = int(definition["multiplier"])
        return (total[0] * factor, total[1] * factor)
    return None


def higher_is_better(family: str, definition: Mapping[str, Any], scale: str) -> bool:
    own = definition.get("higher_is_better")
    if own is not None:
        return scale in own
    return (family, scale) in HIGHER_IS_BETTER


def flag_text(code: str) -> str:
    return str(FLAG_TEXT.get(code, code))


def informant_label(measurement: Measurement) -> str:
    """Who filled in the form, for a heading: '' when the person answered about themself."""
    if measurement.instrument.informant == Informant.SELF:
        return ""
    if measurement.informant_member_id:
        return measurement.informant_member.first_name
    return measurement.informant_description


# One measurement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    scale: str
    label: str
    value: Any
    text: str
    range_text: str
    band: str
    rank: int | None
    note: str = ""  # why the scale has no score


def score_lines(measurement: Measurement) -> list[ScoreLine]:
    """The measurement's scores per scale, with the band stored when it was recorded."""
    instrument = measurement.instrument
    stored = measurement.scores or {}
    scales = stored.get("scales", {})
    bands = stored.get("bands", {})
    lines = []
    for scale in scales_of(instrument.scoring, instrument.definition):
        if scale not in scales:
            continue
        span = scale_range(instrument.scoring, instrument.definition, scale)
        band = bands.get(scale) or {}
        lines.append(
            ScoreLine(
                scale=scale,
                label=scale_label(instrument.family, scale),
                value=scales[scale],
                text=number(scales[scale]),
                range_text=f"{number(span[0])}–{number(span[1])}" if span else "",
                band=band.get("label", ""),
                rank=band.get("rank"),
                note=""
                if scales[scale] is not None
                else not_scored_reason(instrument.scoring, instrument.definition, scale),
            )
        )
    return lines


def main_score(measurement: Measurement) -> ScoreLine | None:
    instrument = measurement.instrument
    main = main_scale(instrument.scoring, instrument.definition)
    return next((line for line in score_lines(measurement) if line.scale == main), None)


# Pre/post -----------------------------------------------------------------------------------


@dataclass
class ScaleChange:
    scale: str
    label: str
    before: ScoreLine | None
    after: ScoreLine | None
    change: float | None
    change_text: str
    better: bool | None  # None: no change, or not comparable
    meaningful: bool | None  # None: the instrument sets no threshold for this scale


@dataclass
class Comparison:
    """One instrument for one person by one informant: first and last measurement."""

    prepost: Any  # outcome_services.PrePost
    title: str
    changes: list[ScaleChange] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # of the last measurement, in words

    @property
    def first(self) -> Measurement:
        return self.prepost.first

    @property
    def last(self) -> Measurement | None:
        return self.prepost.last


@dataclass
class PersonOutcome:
    subject: Any
    comparisons: list[Comparison] = field(default_factory=list)
    chart: PrePostChart | None = None


def comparison_title(measurement: Measurement) -> str:
    who = informant_label(measurement)
    if not who:
        return measurement.instrument.name
    return _("%(instrument)s, udfyldt af %(who)s") % {
        "instrument": measurement.instrument.name,
        "who": who,
    }


def _line(lines: Iterable[ScoreLine], scale: str) -> ScoreLine | None:
    return next((line for line in lines if line.scale == scale), None)


def _compare(prepost: Any) -> Comparison:
    instrument = prepost.instrument
    first_lines = score_lines(prepost.first)
    last_lines = score_lines(prepost.last) if prepost.last is not None else []
    latest = prepost.last or prepost.first
    comparison = Comparison(
        prepost=prepost,
        title=comparison_title(prepost.first),
        flags=[flag_text(code) for code in (latest.scores or {}).get("flags", [])],
    )
    for scale in scales_of(instrument.scoring, instrument.definition):
        before, after = _line(first_lines, scale), _line(last_lines, scale)
        if before is None and after is None:
            continue
        change = prepost.change(scale)
        better = None
        if change:
            up = higher_is_better(instrument.family, instrument.definition, scale)
            better = (change > 0) == up
        comparison.changes.append(
            ScaleChange(
                scale=scale,
                label=scale_label(instrument.family, scale),
                before=before,
                after=after,
                change=change,
                change_text=signed(change),
                better=better,
                meaningful=prepost.meaningful(scale),
            )
        )
    return comparison


def _zones(
    bands: Sequence[NormBand], measurement: Measurement | None, scale: str
) -> tuple[BandZone, ...]:
    if measurement is None or measurement.norm_set_id is None:
        return ()
    return tuple(
        BandZone(low=float(b.low), high=float(b.high), rank=b.rank, label=b.label)
        for b in bands
        if b.norm_set_id == measurement.norm_set_id
        and b.informant == measurement.instrument.informant
        and b.scale == scale
        and b.age_min <= measurement.age_years <= b.age_max
        and not b.sex
    )


def _chart_rows(comparison: Comparison, bands: Sequence[NormBand]) -> list[ScaleRow]:
    instrument = comparison.prepost.instrument
    shown = chart_scales(instrument.scoring, instrument.definition)
    banded = comparison.last or comparison.first
    rows = []
    for change in comparison.changes:
        if change.scale not in shown:
            continue
        span = scale_range(instrument.scoring, instrument.definition, change.scale)
        if span is None:
            continue
        rows.append(
            ScaleRow(
                key=f"{comparison.first.pk}-{change.scale}",
                group=comparison.title,
                label=change.label,
                minimum=span[0],
                maximum=span[1],
                before=None if change.before is None else change.before.value,
                after=None if change.after is None else change.after.value,
                before_band=change.before.band if change.before else "",
                after_band=change.after.band if change.after else "",
                higher_is_better=higher_is_better(
                    instrument.family, instrument.definition, change.scale
                ),
                meaningful=change.meaningful,
                zones=_zones(bands, banded, change.scale),
            )
        )
    return rows


def person_outcomes(prepost_rows: Sequence[Any], bands: Sequence[NormBand]) -> list[PersonOutcome]:
    """The pre/post section: per person (in the order of ``prepost_rows``) each instrument's
    first and last scores per scale, and one chart. ``bands`` are the norm bands of the norm
    sets the measurements used (for the chart's band shading)."""
    people: dict[int, PersonOutcome] = {}
    for prepost in prepost_rows:
        subject = prepost.subject
        person = people.get(subject.pk)
        if person is None:
            person = people[subject.pk] = PersonOutcome(subject)
        person.comparisons.append(_compare(prepost))
    for person in people.values():
        rows = [row for c in person.comparisons for row in _chart_rows(c, bands)]
        person.chart = person_chart(person.subject.pk, person.subject.first_name, rows)
    return list(people.values())


def not_scored_reason(scoring: str, definition: Mapping[str, Any], scale: str) -> str:
    """Why a scale has no score, by the instrument's missing-item rule."""
    if scoring == "sdq":
        if scale in definition["scales"]:
            return _("Kunne ikke beregnes: færre end %(n)s af skalaens punkter er besvaret.") % {
                "n": int(definition.get("min_answered", 3))
            }
        if scale == "impact":
            return _("Kunne ikke beregnes: et af tillægspunkterne er ikke besvaret.")
        return _("Kunne ikke beregnes, fordi en af delskalaerne mangler.")
    return _("Kunne ikke beregnes: alle punkter skal være besvaret.")


# The measurement plan -----------------------------------------------------------------------


class DueState:
    DONE = "done"
    WAIVED = "waived"
    OVERDUE = "overdue"
    OPEN = "open"


def due_state(due: Any, today: Any) -> str:
    if due.measurement_id:
        return DueState.DONE
    if due.waived_reason:
        return DueState.WAIVED
    return DueState.OVERDUE if due.due_on < today else DueState.OPEN


@dataclass
class PlanRound:
    """The planned measurements of one occasion and date (e.g. the baseline round)."""

    occasion: str
    occasion_label: str
    due_on: Any
    rows: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for _due, state in self.rows if state in (DueState.OPEN, DueState.OVERDUE))


def plan_rounds(dues: Iterable[Any], today: Any) -> list[PlanRound]:
    """The course's plan grouped into rounds, in date order; within a round by person."""
    rounds: dict[tuple[str, Any], PlanRound] = {}
    for due in dues:
        key = (due.occasion, due.due_on)
        if key not in rounds:
            rounds[key] = PlanRound(due.occasion, due.get_occasion_display(), due.due_on)
        rounds[key].rows.append((due, due_state(due, today)))
    for plan_round in rounds.values():
        plan_round.rows.sort(
            key=lambda r: (r[0].subject.kind, r[0].subject.birth_date, r[0].instrument.order)
        )
    return sorted(rounds.values(), key=lambda r: (r.due_on, r.occasion))
