"""Small-number protection as the report applies it (reporting/presentation.py): counts 1–4
as "<5", a second cell hidden where a total would reveal the first, percentages of hidden
counts hidden, statistics over fewer than five as "for få", the threshold from settings."""

import pytest
from django.utils import translation

from reporting.figures import Crosstab
from reporting.presentation import (
    bars_from_table,
    count,
    count_bar,
    crosstab_table,
    number,
    parts_table,
    share,
    stat,
    summary_row,
)
from reporting.sql import Summary


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


def test_counts_one_to_four_are_hidden_zero_and_five_shown() -> None:
    assert [count(n) for n in range(7)] == ["0", "<5", "<5", "<5", "<5", "5", "6"]


def test_the_threshold_comes_from_settings(settings) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 10
    assert count(9) == "<10"
    assert stat(3.5, 9) == "for få"
    assert stat(3.5, 10) == "3,5"


def test_statistics_over_too_few_say_so() -> None:
    assert stat(12.25, 4) == "for få"
    assert stat(12.34, 5) == "12,3"
    assert stat(None, 0) == "–"
    assert stat(40.0, 5, 0, " %") == "40 %"
    assert number(1234.5) == "1234,5"


def test_a_split_protects_the_rest_and_the_percentage() -> None:
    # 2 of 40: the 2 is hidden, so the 38 must be too (40 − 38 = 2), and so is 5 %.
    got = share(2, 40)
    assert (got["part"], got["rest"], got["whole"], got["percent"]) == ("<5", "x", "40", "x")
    assert got["value"] is None and got["percent_text"] == ""
    # 38 of 40: the 2 not met is hidden, so the 38 met is hidden as well.
    got = share(38, 40)
    assert (got["part"], got["rest"], got["whole"]) == ("x", "<5", "40")
    # Nothing small: all shown.
    got = share(10, 40)
    assert (got["part"], got["rest"], got["whole"], got["percent_text"]) == (
        "10",
        "30",
        "40",
        " (25 %)",
    )
    assert got["value"] == 25


def test_a_small_whole_hides_both_parts() -> None:
    got = share(1, 3)
    assert (got["part"], got["rest"], got["whole"]) == ("<5", "<5", "<5")


def test_a_crosstab_hides_small_cells_and_their_partners() -> None:
    table = crosstab_table(
        Crosstab(rows=["Ishøj", "Vallensbæk"], cols=["A", "B"], body=[[3, 10], [6, 8]])
    )
    body = [[c.text for c in row.cells] + [row.total.text] for row in table.rows]
    totals = [c.text for c in table.totals.cells] + [table.totals.total.text]
    assert body[0][0] == "<5"
    # The 3 could be had from its row (13 − 10) and its column (9 − 6): partners go.
    assert "x" in body[0][1:] and "x" in [body[1][0], totals[0]]
    visible = [t for row in body for t in row] + totals
    assert not any(t in {"1", "2", "3", "4"} for t in visible)
    assert table.grand().text == "27"


def test_a_one_column_table_has_no_row_totals() -> None:
    table = crosstab_table(Crosstab(rows=["0", "1", "2"], cols=["Forløb"], body=[[0], [2], [9]]))
    assert all(row.total is None for row in table.rows)
    assert [row.cells[0].text for row in table.rows] == ["0", "<5", "x"]
    assert table.totals.cells[0].text == "11"
    bars = bars_from_table(table, use_totals=False)
    assert [(b.value, b.text) for b in bars] == [(0.0, "0"), (None, "<5"), (None, "x")]


def test_parts_rows_are_protected_one_by_one() -> None:
    table = parts_table(["Opfyldt", "Ikke opfyldt"], [("Plan", [6, 1]), ("FIT", [10, 10])])
    plan, fit = table.rows
    assert [c.text for c in plan.cells] == ["x", "<5"] and plan.total.text == "7"
    assert [c.percent for c in plan.cells] == ["x", "x"]
    assert [c.text for c in fit.cells] == ["10", "10"] and fit.cells[0].percent == "50"
    assert table.totals is None


def test_summary_rows_hide_medians_and_ranges_of_small_groups() -> None:
    small = summary_row("Til afgørelse", Summary(n=4, median=10, low=1, high=21))
    assert small == {
        "label": "Til afgørelse",
        "n": "<5",
        "median": "for få",
        "low": "for få",
        "high": "for få",
    }
    big = summary_row("Varighed", Summary(n=5, median=208, low=176, high=214), unit_days=7)
    assert (
        big["n"] == "5"
        and big["median"] == "29,7"
        and big["low"] == "25,1"
        and big["high"] == "30,6"
    )


def test_count_bar_has_no_length_when_hidden() -> None:
    assert count_bar("Samtale", 3).value is None
    assert count_bar("Samtale", 0).value == 0
    assert count_bar("Samtale", 6).value == 6
