"""Statistical disclosure control: small counts are never shown as such.

With ~22 families in a project, a count of 1–4 in a table can identify a family. Every
aggregate shown to a role without access to the case files goes through :func:`suppress`.
"""

from django.conf import settings


def suppress(count: int, *, threshold: int | None = None) -> str:
    """``count`` as text, or ``"<threshold"`` when it is above zero and below the threshold."""
    limit = settings.SMALL_NUMBER_THRESHOLD if threshold is None else threshold
    if 0 < count < limit:
        return f"<{limit}"
    return str(count)


# Tables --------------------------------------------------------------------------------------
#
# A table of counts with row and column totals is protected in two steps:
# * primary suppression: every cell (body or total) from 1 to threshold − 1 is hidden ("<5");
# * complementary suppression: in every line — a row with its total, a column with its total,
#   the row of column totals with the grand total, the column of row totals with it — a
#   single hidden cell could be recomputed from the visible ones (total minus the rest), so a
#   second cell of that line is hidden too ("x"): the smallest non-zero visible body cell,
#   else the line's total. Hiding a cell may break another line, so this repeats until every
#   line hides none or at least two cells.
# Zeros are shown: a zero is not a person. The percentages of a hidden count are hidden.

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


class ProtectedTable:
    """Counts ``body[r][c]`` with their row totals, column totals and grand total, and which
    of them are hidden. Build with :func:`protect_table`."""

    def __init__(self, body: list[list[int]], threshold: int) -> None:
        self.threshold = threshold
        self.body = [list(row) for row in body]
        self.rows = len(body)
        self.cols = len(body[0]) if body else 0
        self.row_totals = [sum(row) for row in self.body]
        self.col_totals = [sum(row[c] for row in self.body) for c in range(self.cols)]
        self.grand = sum(self.row_totals)
        # key: ("b", r, c) | ("r", r) | ("c", c) | ("g",) → PRIMARY / COMPLEMENTARY
        self.hidden: dict[tuple, str] = {}

    def value(self, key: tuple) -> int:
        kind = key[0]
        if kind == "b":
            return self.body[key[1]][key[2]]
        if kind == "r":
            return self.row_totals[key[1]]
        if kind == "c":
            return self.col_totals[key[1]]
        return self.grand

    def lines(self) -> list[tuple[list[tuple], tuple]]:
        """Each line as (its parts, its total)."""
        out = [([("b", r, c) for c in range(self.cols)], ("r", r)) for r in range(self.rows)]
        out += [([("b", r, c) for r in range(self.rows)], ("c", c)) for c in range(self.cols)]
        if self.rows > 1:
            out.append(([("c", c) for c in range(self.cols)], ("g",)))
        if self.cols > 1:
            out.append(([("r", r) for r in range(self.rows)], ("g",)))
        return out

    def text(self, key: tuple) -> str:
        state = self.hidden.get(key)
        if state == PRIMARY:
            return f"<{self.threshold}"
        if state == COMPLEMENTARY:
            return "x"
        return str(self.value(key))

    def is_hidden(self, key: tuple) -> bool:
        return key in self.hidden

    def percent(self, key: tuple, of: tuple, digits: int = 0) -> str:
        """``key`` as a percentage of ``of``, hidden when either is hidden or ``of`` is 0."""
        if self.is_hidden(key) or self.is_hidden(of) or not self.value(of):
            return "–" if not self.value(of) and not self.is_hidden(of) else "x"
        return f"{100 * self.value(key) / self.value(of):.{digits}f}"


def protect_table(body: list[list[int]], *, threshold: int | None = None) -> ProtectedTable:
    """Primary and complementary suppression of a table of counts (see above)."""
    limit = settings.SMALL_NUMBER_THRESHOLD if threshold is None else threshold
    table = ProtectedTable(body, limit)
    keys = [("b", r, c) for r in range(table.rows) for c in range(table.cols)]
    keys += [("r", r) for r in range(table.rows)] + [("c", c) for c in range(table.cols)]
    keys.append(("g",))
    for key in keys:
        if 0 < table.value(key) < limit:
            table.hidden[key] = PRIMARY
    changed = True
    while changed:
        changed = False
        for parts, total in table.lines():
            members = [*parts, total]
            hidden = [k for k in members if k in table.hidden]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (k for k in parts if k not in table.hidden and table.value(k) > 0),
                key=lambda k: (table.value(k), k),
            )
            if candidates:
                choice = candidates[0]
            elif total not in table.hidden:
                choice = total
            else:
                # Only zeros beside the hidden total: the total's parts are all shown as 0
                # except the hidden one, which then equals the hidden total; hide a zero too
                # so the pair cannot be told apart.
                zeros = [k for k in parts if k not in table.hidden]
                if not zeros:
                    continue
                choice = zeros[0]
            table.hidden[choice] = COMPLEMENTARY
            changed = True
    return table
