"""Small-number protection of the evaluation report (issue 7, item 4): the raw figures turned
into what the PDF may show.

The rule (threshold ``settings.SMALL_NUMBER_THRESHOLD``, 5 by default):
* every count from 1 to threshold − 1 is shown as "<5" (primary suppression);
* every table whose lines add up to a total — a cross-table with row and column totals, and a
  split of a whole into parts ("met / not met") — goes through
  ``familieberedskab.disclosure.protect_table``, which hides a second cell ("x") wherever a
  hidden one could be recomputed from the total (complementary suppression);
* a percentage of a hidden count is hidden;
* a median, range, mean or sum over fewer units (people, courses, referrals) than the
  threshold is shown as "for få".
Charts are drawn from the protected values only (``reporting.charts``).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from familieberedskab.disclosure import ProtectedTable, protect_table, suppress
from reporting.charts import Bar
from reporting.figures import Crosstab
from reporting.sql import Summary

GRAND = ("g",)


def threshold() -> int:
    return int(settings.SMALL_NUMBER_THRESHOLD)


def too_few() -> str:
    return _("for få")


def number(value: float | int | None, digits: int = 1) -> str:
    """A number the Danish way (decimal comma); "–" when missing."""
    if value is None:
        return "–"
    if digits == 0:
        return formats.number_format(round(float(value)), 0)
    return formats.number_format(round(float(value), digits), digits)


def count(value: int) -> str:
    """A count, "<5" from 1 to threshold − 1."""
    return suppress(value, threshold=threshold())


def stat(value: float | None, n: int, digits: int = 1, unit: str = "") -> str:
    """A statistic over ``n`` units: "for få" when they are fewer than the threshold."""
    if n < threshold():
        return too_few() if n else "–"
    return number(value, digits) + (unit if value is not None else "")


# Tables ----------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    hidden: bool = False
    percent: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: Cell | None = None


@dataclass
class Table:
    """A protected table ready to print: headers, rows, the totals row."""

    head: list[str]
    rows: list[Row]
    totals: Row | None = None
    total_head: str = ""
    protected: ProtectedTable | None = field(default=None, repr=False)

    @property
    def empty(self) -> bool:
        return not self.rows

    def grand(self) -> Cell:
        p = self.protected
        if p is None:
            return Cell("–")
        return Cell(p.text(GRAND), p.is_hidden(GRAND))


def _cell(p: ProtectedTable, key: tuple, of: tuple | None = None) -> Cell:
    return Cell(
        text=p.text(key),
        hidden=p.is_hidden(key),
        percent=p.percent(key, of) if of is not None else "",
    )


def crosstab_table(ct: Crosstab, *, percent_of_row: bool = False) -> Table:
    """A cross-table with row totals (right) and column totals (bottom), protected. A table
    of one column shows no row totals (each would repeat its row's only cell)."""
    if not ct.rows:
        return Table(head=list(ct.cols), rows=[])
    p = protect_table(ct.body, threshold=threshold())
    row_totals = len(ct.cols) > 1
    rows = [
        Row(
            label=label,
            cells=[
                _cell(p, ("b", r, c), ("r", r) if percent_of_row else None)
                for c in range(len(ct.cols))
            ],
            total=_cell(p, ("r", r)) if row_totals else None,
        )
        for r, label in enumerate(ct.rows)
    ]
    totals = Row(
        label=_("I alt"),
        cells=[_cell(p, ("c", c), GRAND if percent_of_row else None) for c in range(len(ct.cols))],
        total=_cell(p, GRAND) if row_totals else None,
    )
    return Table(
        head=list(ct.cols),
        rows=rows,
        totals=totals if len(ct.rows) > 1 else None,
        total_head=_("I alt"),
        protected=p,
    )


def parts_table(labels: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> Table:
    """Rows that each split a whole into ``labels`` parts (the row total is the whole), each
    row protected on its own — the rows overlap (a course counts under every element), so no
    column totals are shown or protected. Percentages of the row total."""
    out = []
    for label, parts in rows:
        p = protect_table([list(parts)], threshold=threshold())
        out.append(
            Row(
                label=label,
                cells=[_cell(p, ("b", 0, c), ("r", 0)) for c in range(len(parts))],
                total=_cell(p, ("r", 0)),
            )
        )
    return Table(head=list(labels), rows=out, total_head=_("I alt"))


def share(part: int, whole: int) -> dict[str, Any]:
    """``part`` of ``whole`` protected as the split [part, whole − part]: the texts of the
    part, the rest and the whole, and the part's percentage (hidden with it)."""
    p = protect_table([[part, max(whole - part, 0)]], threshold=threshold())
    percent = p.percent(("b", 0, 0), ("r", 0))
    return {
        "percent_text": f" ({percent} %)" if percent not in ("x", "–") else "",
        "part": p.text(("b", 0, 0)),
        "rest": p.text(("b", 0, 1)),
        "whole": p.text(("r", 0)),
        "percent": percent,
        "part_hidden": p.is_hidden(("b", 0, 0)),
        "value": None if p.is_hidden(("b", 0, 0)) or not whole else 100 * part / whole,
    }


def summary_row(label: str, s: Summary, *, unit_days: int = 1) -> dict[str, str]:
    """Count, median and range of a Summary (in days, or weeks with ``unit_days=7``)."""

    def scaled(value: float | None) -> str:
        return stat(None if value is None else value / unit_days, s.n, 0 if unit_days == 1 else 1)

    return {
        "label": label,
        "n": count(s.n),
        "median": scaled(s.median),
        "low": scaled(s.low),
        "high": scaled(s.high),
    }


def bars_from_table(table: Table, *, use_totals: bool = True) -> list[Bar]:
    """One bar per row of ``table``: its total (or its first cell), as protected."""
    bars = []
    p = table.protected
    for r, row in enumerate(table.rows):
        cell = row.total if use_totals and row.total is not None else row.cells[0]
        value = None
        if not cell.hidden and p is not None:
            value = float(p.value(("r", r)) if use_totals else p.value(("b", r, 0)))
        elif not cell.hidden:
            value = _to_float(cell.text)
        bars.append(Bar(label=row.label, value=value, text=cell.text))
    return bars


def count_bar(label: str, value: int) -> Bar:
    text = count(value)
    return Bar(label=label, value=None if text != str(value) else float(value), text=text)


def _to_float(text: str) -> float | None:
    try:
        return float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return None
