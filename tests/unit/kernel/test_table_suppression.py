"""Small-number protection of tables (familieberedskab.disclosure.protect_table): hand-worked
cases, and property tests — for any counts no visible cell is 1–4 and no hidden cell can be
recomputed from a line's visible cells and total."""

from hypothesis import given, settings
from hypothesis import strategies as st

from familieberedskab.disclosure import COMPLEMENTARY, PRIMARY, protect_table


def texts(table):
    body = [[table.text(("b", r, c)) for c in range(table.cols)] for r in range(table.rows)]
    return (
        body,
        [table.text(("r", r)) for r in range(table.rows)],
        [table.text(("c", c)) for c in range(table.cols)],
        table.text(("g",)),
    )


def test_nothing_small_nothing_hidden() -> None:
    table = protect_table([[10, 20], [30, 40]], threshold=5)
    assert texts(table) == ([["10", "20"], ["30", "40"]], ["30", "70"], ["40", "60"], "100")


def test_one_small_cell_hides_a_partner_in_its_row_and_column() -> None:
    table = protect_table([[3, 20, 12], [30, 40, 9]], threshold=5)
    body, rows, _cols, grand = texts(table)
    assert body[0][0] == "<5"
    assert table.hidden[("b", 0, 2)] == COMPLEMENTARY  # smallest non-zero partner in row 0
    assert table.hidden[("b", 1, 0)] == COMPLEMENTARY  # column 0 partner
    assert table.hidden[("b", 1, 2)] == COMPLEMENTARY  # closes column 2 and row 1
    assert rows == ["35", "79"] and grand == "114"


def test_zeros_are_shown_and_a_lone_small_total_is_protected() -> None:
    table = protect_table([[0, 2, 0, 30]], threshold=5)
    body, _rows, _cols, _grand = texts(table)
    assert body[0][:3] == ["0", "<5", "0"]
    assert body[0][3] == "x"  # else 32 − 30 reveals the 2


def test_percent_of_hidden_cell_is_hidden() -> None:
    table = protect_table([[2, 40]], threshold=5)
    assert table.percent(("b", 0, 0), ("r", 0)) == "x"
    assert table.hidden[("b", 0, 1)] == COMPLEMENTARY


def test_threshold_is_configurable() -> None:
    table = protect_table([[7, 50]], threshold=10)
    assert table.text(("b", 0, 0)) == "<10"


counts = st.integers(min_value=0, max_value=40)
grids = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=5)
)


@settings(max_examples=400, deadline=None)
@given(grids)
def test_no_visible_small_cell_and_nothing_recomputable(body) -> None:
    table = protect_table(body, threshold=5)
    keys = [("b", r, c) for r in range(table.rows) for c in range(table.cols)]
    keys += [("r", r) for r in range(table.rows)] + [("c", c) for c in range(table.cols)]
    keys.append(("g",))
    for key in keys:
        if not table.is_hidden(key):
            assert not 0 < table.value(key) < 5, key
        elif table.hidden[key] == PRIMARY:
            assert 0 < table.value(key) < 5
    for parts, total in table.lines():
        hidden = [k for k in [*parts, total] if table.is_hidden(k)]
        assert len(hidden) != 1, (parts, total, hidden)
