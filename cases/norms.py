"""Norm tables (issue 6): what a band of a norm set may say, checked the same way whether it
is typed in the admin or loaded from a CSV file by ``manage.py norms_load`` — the instrument
family must exist, the informant must have a version of it, the scale must be one the family
scores and the band must lie within that scale's range, and the bands of one scale (for the
same informant, sex and overlapping ages) must not overlap.

Why a module of its own: the rules are shared by the admin form and the command, and the
command must report every problem in a file with its line number before it changes anything."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cases import outcome_display
from cases.models import Informant, Instrument

SEXES = ("", "M", "F")
MAX_AGE = 150
MAX_RANK = 9


@dataclass(frozen=True)
class FamilyScales:
    """What the instruments of one family score: scale → (lowest, highest), per informant."""

    informants: frozenset[str]
    ranges: dict[str, tuple[float, float]]


def family_scales() -> dict[str, FamilyScales]:
    """Every instrument family with its informants and scale ranges (one query)."""
    informants: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for instrument in Instrument.objects.all():
        informants[instrument.family].add(instrument.informant)
        for scale in outcome_display.scales_of(instrument.scoring, instrument.definition):
            span = outcome_display.scale_range(instrument.scoring, instrument.definition, scale)
            if span is None:
                continue
            low, high = ranges[instrument.family].get(scale, span)
            ranges[instrument.family][scale] = (min(low, span[0]), max(high, span[1]))
    return {
        family: FamilyScales(frozenset(informants[family]), dict(ranges[family]))
        for family in informants
    }


@dataclass(frozen=True)
class Band:
    """One band as typed or read (before it is saved), with where it came from."""

    where: str  # "linje 4" or "bånd 2": how to point at it in a message
    informant: str
    scale: str
    age_min: int
    age_max: int
    sex: str
    low: Decimal
    high: Decimal
    label: str
    rank: int


def band_problems(band: Band, family: str, known: dict[str, FamilyScales]) -> list[str]:
    """What is wrong with one band of a norm set for ``family`` (empty: nothing)."""
    problems = []
    scales = known.get(family)
    if scales is None:
        return [_("måleredskabet «%(family)s» findes ikke") % {"family": family}]
    if band.informant not in Informant.values:
        problems.append(
            _("udfyldt af skal være en af %(values)s") % {"values": ", ".join(Informant.values)}
        )
    elif band.informant not in scales.informants:
        problems.append(
            _("%(family)s har ingen version, der udfyldes af «%(informant)s»")
            % {"family": family, "informant": band.informant}
        )
    span = scales.ranges.get(band.scale)
    if span is None:
        problems.append(
            _("skalaen «%(scale)s» findes ikke for %(family)s (kendte: %(known)s)")
            % {"scale": band.scale, "family": family, "known": ", ".join(sorted(scales.ranges))}
        )
    elif not (span[0] <= band.low and band.high <= span[1]):
        problems.append(
            _("båndet %(low)s–%(high)s ligger uden for skalaens %(min)s–%(max)s")
            % {
                "low": outcome_display.number(band.low),
                "high": outcome_display.number(band.high),
                "min": outcome_display.number(span[0]),
                "max": outcome_display.number(span[1]),
            }
        )
    if band.low > band.high:
        problems.append(_("fra må ikke være større end til"))
    if not (0 <= band.age_min <= band.age_max <= MAX_AGE):
        problems.append(_("alderen skal være 0–%(max)s, fra højst til") % {"max": MAX_AGE})
    if band.sex not in SEXES:
        problems.append(_("køn skal være tomt (alle), M eller F"))
    if not band.label.strip():
        problems.append(_("båndet skal have en tekst"))
    elif len(band.label) > 60:
        problems.append(_("båndets tekst må højst være 60 tegn"))
    if not (0 <= band.rank <= MAX_RANK):
        problems.append(_("niveau skal være 0–%(max)s") % {"max": MAX_RANK})
    return problems


def overlaps(bands: Iterable[Band]) -> list[str]:
    """Bands of the same scale, informant and sex whose ages and scores both overlap."""
    groups: dict[tuple[str, str, str], list[Band]] = defaultdict(list)
    for band in bands:
        groups[(band.informant, band.scale, band.sex)].append(band)
    problems = []
    for group in groups.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                ages = first.age_min <= second.age_max and second.age_min <= first.age_max
                scores = first.low <= second.high and second.low <= first.high
                if ages and scores:
                    problems.append(
                        _("%(second)s overlapper %(first)s (%(scale)s, %(informant)s)")
                        % {
                            "first": first.where,
                            "second": second.where,
                            "scale": first.scale,
                            "informant": first.informant,
                        }
                    )
    return problems
