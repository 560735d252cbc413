"""The FIT section of the visit form (issue 5): for each family member an ORS block (at the
start) and an SRS block (at the end), each four 0.0–10.0 items as typed, and collateral ORS
blocks (a parent about a child, a teacher) — read from posted data, a stored draft or a stored
visit's scores, with each member's FIT version by age on the visit date.

A block counts only when it is marked filled ("Udfyldt") or has a typed value, so an untouched
block is never sent as zeros. The scores are checked by cases/visit_services.py, whose
messages come back to the blocks here; the item labels are settings.FIT_ITEM_LABELS (the
licensed wording is never shown)."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from cases import fit
from cases.models import FamilyMember, FitRater, FitScale, FitVersion, Visit
from cases.visit_services import FitEntry

ITEMS = 4
MAX_COLLATERAL = 10
_COLLATERAL_KEY = re.compile(r"^col-(\d{1,2})-")
FILLED_VALUES = {"1", "on", "true", "yes"}


def fit_data_of(visit: Visit) -> dict[str, str]:
    """The FIT section's fields for a stored visit's scores (with prefetched scores)."""
    data: dict[str, str] = {}
    collateral = 0
    for score in visit.fit_scores.all():
        values = [_typed(v) for v in score.items]
        if score.rater == FitRater.SELF:
            key = f"fit-{score.client_id}-{score.scale}"
        else:
            key = f"col-{collateral}"
            collateral += 1
            data[f"{key}-client"] = str(score.client_id)
            data[f"{key}-rater"] = (
                f"member-{score.rater_member_id}" if score.rater_member_id else "other"
            )
            data[f"{key}-rater_description"] = score.rater_description
        data[f"{key}-filled"] = "1"
        for i, value in enumerate(values, start=1):
            data[f"{key}-{i}"] = value
    return data


def _typed(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",")


def _get(data: Mapping[str, Any], key: str) -> str:
    """One value from posted data or a stored draft (where a value may be a list)."""
    value = data.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _anniversary(born: dt.date, years: int) -> dt.date:
    """The day someone born on ``born`` turns ``years`` (1 March for 29 February)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


def _total(values: Iterable[str]) -> Decimal | None:
    try:
        return fit.total([fit.parse_item(v) for v in values])
    except fit.ItemError:
        return None


@dataclass
class FitBlock:
    """Four item scores as typed, for one scale; ``filled`` is the block's explicit state."""

    key: str
    scale: str
    labels: Sequence[str]
    values: list[str]
    filled: bool
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal | None:
        return _total(self.values) if self.filled else None

    @property
    def items(self) -> list[tuple[int, str, str, str]]:
        """(number, label, typed value, where the slider starts) for the template: the
        slider starts at the typed value, else in the middle."""
        out = []
        for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True), 1):
            try:
                slider = str(fit.parse_item(value))
            except fit.ItemError:
                slider = "5"
            out.append((i, label, value, slider))
        return out


def _block(data: Mapping[str, Any], key: str, scale: str) -> FitBlock:
    values = [_get(data, f"{key}-{i}") for i in range(1, ITEMS + 1)]
    filled = _get(data, f"{key}-filled").lower() in FILLED_VALUES or any(values)
    return FitBlock(
        key=key, scale=scale, labels=settings.FIT_ITEM_LABELS[scale], values=values, filled=filled
    )


@dataclass
class MemberFit:
    member: FamilyMember
    taking_part: bool
    version: str | None  # None: not born on the visit date
    born: dt.date
    child_from: dt.date
    adult_from: dt.date
    ors: FitBlock
    srs: FitBlock

    @property
    def version_label(self) -> str:
        return str(FitVersion(self.version).label) if self.version else ""


@dataclass
class CollateralFit:
    index: int | str
    client: str
    rater: str  # "member-<pk>", "other" or ""
    rater_description: str
    block: FitBlock

    @property
    def rater_member_id(self) -> int | None:
        if self.rater.startswith("member-"):
            try:
                return int(self.rater.removeprefix("member-"))
            except ValueError:
                return None
        return None


@dataclass
class FitSection:
    members: list[MemberFit]
    collateral: list[CollateralFit]
    errors: list[str] = field(default_factory=list)
    rules: fit.FitRules | None = None

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or any(m.ors.errors or m.srs.errors for m in self.members)
            or any(c.block.errors for c in self.collateral)
        )

    @property
    def next_collateral_index(self) -> int:
        return max((c.index for c in self.collateral), default=-1) + 1

    @property
    def spare_collateral(self) -> "CollateralFit":
        """An empty collateral block after the others (filled in, it counts)."""
        return _blank_collateral(self.next_collateral_index)

    @property
    def template_collateral(self) -> "CollateralFit":
        """The block visits.js copies for "Tilføj en mere" (``__i__`` becomes the index)."""
        return _blank_collateral("__i__")

    def add_errors(self, key: str, messages: Iterable[str]) -> None:
        messages = list(messages)
        for member in self.members:
            for block in (member.ors, member.srs):
                if block.key == key and block.filled:
                    block.errors += messages
                    return
        targets = [c for c in self.collateral if f"fit-{c.client}-ors" == key]
        if targets:
            for target in targets:
                target.block.errors += messages
            return
        self.errors += messages

    def validate(self) -> bool:
        """What the form can tell before the service: a collateral block needs whom it is
        about and who filled it in."""
        ok = True
        for c in self.collateral:
            if not c.block.filled:
                continue
            if not c.client.isdigit():
                c.block.errors.append(gettext("Vælg hvem skemaet handler om."))
                ok = False
            if not c.rater:
                c.block.errors.append(gettext("Vælg hvem der udfyldte skemaet."))
                ok = False
            elif c.rater == "other" and not c.rater_description:
                c.block.errors.append(gettext("Skriv hvem der udfyldte skemaet (fx lærer)."))
                ok = False
        return ok

    def entries(self) -> list[FitEntry]:
        """The filled blocks as the service takes them (the service checks the scores)."""
        out = []
        for m in self.members:
            for block in (m.ors, m.srs):
                if block.filled:
                    out.append(
                        FitEntry(client_id=m.member.pk, scale=block.scale, items=block.values)
                    )
        for c in self.collateral:
            if c.block.filled and c.client.isdigit():
                out.append(
                    FitEntry(
                        client_id=int(c.client),
                        scale=FitScale.ORS,
                        items=c.block.values,
                        rater=FitRater.COLLATERAL,
                        rater_member_id=c.rater_member_id,
                        rater_description=c.rater_description if c.rater == "other" else "",
                    )
                )
        return out


def _blank_collateral(index: int | str) -> CollateralFit:
    return CollateralFit(
        index=index,
        client="",
        rater="",
        rater_description="",
        block=_block({}, f"col-{index}", FitScale.ORS),
    )


def fit_section(
    members: Sequence[FamilyMember],
    data: Mapping[str, Any],
    *,
    day: dt.date,
    taking_part: set[str],
) -> FitSection:
    """The FIT section for ``members`` from posted data (or a draft, or a stored visit's
    scores), with each member's version by age on ``day``."""
    r = fit.rules()
    rows = []
    for member in members:
        age = member.age_on(day) if member.birth_date <= day else None
        rows.append(
            MemberFit(
                member=member,
                taking_part=str(member.pk) in taking_part,
                version=fit.version_for_age(age, r) if age is not None else None,
                born=member.birth_date,
                child_from=_anniversary(member.birth_date, r.child_from_age),
                adult_from=_anniversary(member.birth_date, r.adult_from_age),
                ors=_block(data, f"fit-{member.pk}-ors", FitScale.ORS),
                srs=_block(data, f"fit-{member.pk}-srs", FitScale.SRS),
            )
        )
    indices = sorted({int(m.group(1)) for key in data if (m := _COLLATERAL_KEY.match(str(key)))})[
        :MAX_COLLATERAL
    ]
    collateral = [
        CollateralFit(
            index=i,
            client=_get(data, f"col-{i}-client"),
            rater=_get(data, f"col-{i}-rater"),
            rater_description=_get(data, f"col-{i}-rater_description")[:100],
            block=_block(data, f"col-{i}", FitScale.ORS),
        )
        for i in indices
    ]
    # A collateral block with only "about whom" chosen and nothing else is not filled in.
    return FitSection(members=rows, collateral=collateral, rules=r)
