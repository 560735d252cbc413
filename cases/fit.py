"""The FIT rules (ORS/SRS), as pure functions over scores, with every threshold read from
data (``settings.FIT_RULES``) rather than written into the code: norms differ and change.

* Version by age on the visit date: 13+ ORS/SRS, 6–12 CORS/CSRS, up to 5 YCORS/YCSRS.
* Clinical cut-off on the ORS total (below = clinical range) by age band; the young-child
  version has none (engagement only).
* Reliable change: |latest − first| ≥ 5. Recovery: reliable improvement, first below the
  cut-off and latest at or above it.
* Alliance alert: SRS total < 36, or an item < 9, or a drop of ≥ 1 since the last session.
* Progress: no reliable improvement by session 3 → amber, by session 6 → red; reliable
  deterioration → red. The vendors' expected-treatment-response curves are proprietary:
  these session rules are an approximation, and the screens say so.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from cases.models.fit import AlertKind, AlertLevel, FitVersion

ITEM_MIN, ITEM_MAX = Decimal("0.0"), Decimal("10.0")


@dataclass(frozen=True)
class FitRules:
    adult_from_age: int
    child_from_age: int
    # (min_age, cut-off) from the oldest band down; ages below the last band have none.
    cutoffs: tuple[tuple[int, Decimal], ...]
    reliable_change: Decimal
    alliance_total_below: Decimal
    alliance_item_below: Decimal
    alliance_drop: Decimal
    progress_amber_session: int
    progress_red_session: int

    @classmethod
    def from_settings(cls) -> "FitRules":
        raw = settings.FIT_RULES
        return cls(
            adult_from_age=int(raw["adult_from_age"]),
            child_from_age=int(raw["child_from_age"]),
            cutoffs=tuple(
                sorted(
                    ((int(age), Decimal(str(cut))) for age, cut in raw["cutoffs"]),
                    reverse=True,
                )
            ),
            reliable_change=Decimal(str(raw["reliable_change"])),
            alliance_total_below=Decimal(str(raw["alliance_total_below"])),
            alliance_item_below=Decimal(str(raw["alliance_item_below"])),
            alliance_drop=Decimal(str(raw["alliance_drop"])),
            progress_amber_session=int(raw["progress_amber_session"]),
            progress_red_session=int(raw["progress_red_session"]),
        )


def rules() -> FitRules:
    return FitRules.from_settings()


def version_for_age(age: int, r: FitRules | None = None) -> FitVersion:
    r = r or rules()
    if age >= r.adult_from_age:
        return FitVersion.ADULT
    if age >= r.child_from_age:
        return FitVersion.CHILD
    return FitVersion.YOUNG_CHILD


def cutoff_for_age(age: int, r: FitRules | None = None) -> Decimal | None:
    """The ORS clinical cut-off for this age; None for the young-child version."""
    r = r or rules()
    if version_for_age(age, r) == FitVersion.YOUNG_CHILD:
        return None
    for min_age, cut in r.cutoffs:
        if age >= min_age:
            return cut
    return None


class ItemError(ValueError):
    pass


def parse_item(value: object) -> Decimal:
    """One item score: 0.0–10.0 with one decimal (a comma is accepted as decimal mark)."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except Exception as exc:
        raise ItemError("not a number") from exc
    if not number.is_finite() or not ITEM_MIN <= number <= ITEM_MAX:
        raise ItemError("out of range")
    if number != number.quantize(Decimal("0.1")):
        raise ItemError("more than one decimal")
    return number.quantize(Decimal("0.1"))


def total(items: Sequence[Decimal]) -> Decimal:
    if len(items) != 4:
        raise ItemError("four items")
    return sum(items, Decimal("0.0"))


class Change(enum.IntEnum):
    DETERIORATION = -1
    NONE = 0
    IMPROVEMENT = 1


def reliable_change(first: Decimal, latest: Decimal, r: FitRules | None = None) -> Change:
    r = r or rules()
    difference = latest - first
    if difference >= r.reliable_change:
        return Change.IMPROVEMENT
    if difference <= -r.reliable_change:
        return Change.DETERIORATION
    return Change.NONE


def recovered(
    first: Decimal, latest: Decimal, cutoff: Decimal | None, r: FitRules | None = None
) -> bool:
    """Reliable improvement from below the cut-off to at or above it (never without one)."""
    if cutoff is None:
        return False
    return reliable_change(first, latest, r) == Change.IMPROVEMENT and first < cutoff <= latest


@dataclass(frozen=True)
class Finding:
    kind: AlertKind
    level: AlertLevel
    reasons: tuple[str, ...]


def alliance_findings(
    items: Sequence[Decimal], previous_total: Decimal | None, r: FitRules | None = None
) -> Finding | None:
    """The SRS of this session against the alliance rules (reason codes: ``total``,
    ``item<n>``, ``drop``)."""
    r = r or rules()
    reasons = []
    session_total = total(items)
    if session_total < r.alliance_total_below:
        reasons.append("total")
    reasons += [f"item{i}" for i, v in enumerate(items, start=1) if v < r.alliance_item_below]
    if previous_total is not None and previous_total - session_total >= r.alliance_drop:
        reasons.append("drop")
    if not reasons:
        return None
    return Finding(AlertKind.ALLIANCE, AlertLevel.RED, tuple(reasons))


def _change_kinds(ors_totals: Sequence[Decimal], cutoff: Decimal | None, r: FitRules) -> set:
    """Which change states hold after these sessions (first vs latest)."""
    if len(ors_totals) < 2:
        return set()
    first, latest = ors_totals[0], ors_totals[-1]
    change = reliable_change(first, latest, r)
    if change == Change.DETERIORATION:
        return {AlertKind.DETERIORATION}
    if change == Change.IMPROVEMENT:
        kinds = {AlertKind.IMPROVEMENT}
        if recovered(first, latest, cutoff, r):
            kinds.add(AlertKind.RECOVERY)
        return kinds
    return set()


_LEVEL = {
    AlertKind.DETERIORATION: AlertLevel.RED,
    AlertKind.IMPROVEMENT: AlertLevel.GOOD,
    AlertKind.RECOVERY: AlertLevel.GOOD,
}


def progress_findings(
    ors_totals: Sequence[Decimal],
    cutoff: Decimal | None,
    *,
    engagement_only: bool = False,
    r: FitRules | None = None,
) -> list[Finding]:
    """What the latest session adds, given the client's ORS totals in session order (this
    session last): a change state (reliable deterioration, improvement, recovery) is reported
    at the session it begins, not again while it lasts; "no reliable improvement" is reported
    at session 3 (amber) and session 6 (red) if there has been none so far. Young children's
    ratings (``engagement_only``) raise no progress findings."""
    r = r or rules()
    if engagement_only or not ors_totals:
        return []
    session = len(ors_totals)
    now = _change_kinds(ors_totals, cutoff, r)
    before = _change_kinds(ors_totals[:-1], cutoff, r)
    order = [AlertKind.DETERIORATION, AlertKind.IMPROVEMENT, AlertKind.RECOVERY]
    findings = [Finding(k, _LEVEL[k], (str(k),)) for k in order if k in now - before]
    first = ors_totals[0]
    ever_improved = any(reliable_change(first, t, r) == Change.IMPROVEMENT for t in ors_totals[1:])
    if not ever_improved and session in (r.progress_amber_session, r.progress_red_session):
        level = AlertLevel.RED if session == r.progress_red_session else AlertLevel.AMBER
        findings.append(Finding(AlertKind.NO_PROGRESS, level, (f"session{session}",)))
    return findings
