"""The report's SVG charts (reporting/charts.py): pure functions, so no database. A suppressed
bar is drawn as text only (its length would give the count away), labels are escaped, bars
are scaled to the largest value shown or to a given maximum, and the axis reads the Danish
way."""

import re
import xml.etree.ElementTree as ET

from reporting.charts import LABEL_WIDTH, TEXT_WIDTH, WIDTH, Bar, Pair, bar_chart, paired_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
PLOT = WIDTH - LABEL_WIDTH - TEXT_WIDTH


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def rects(svg: str) -> list[ET.Element]:
    return parse(svg).findall(f"{SVG}rect")


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).findall(f"{SVG}text")]


def test_bar_chart_without_bars_is_empty() -> None:
    assert bar_chart([], label="Ingenting") == ""
    assert paired_bar_chart([], label="Ingenting", legend=("a", "b")) == ""


def test_bar_chart_scales_to_the_largest_value_shown() -> None:
    svg = bar_chart([Bar("A", 10, "10"), Bar("B", 5, "5")], label="Besøg")
    widths = [float(r.get("width")) for r in rects(svg)]
    assert widths == [PLOT, PLOT / 2]
    assert all(float(r.get("x")) == LABEL_WIDTH for r in rects(svg))


def test_bar_chart_scales_to_a_given_maximum_and_writes_the_unit_on_the_axis() -> None:
    svg = bar_chart([Bar("Aften", 25, "25 %")], label="Andel", max_value=100, unit=" %")
    assert float(rects(svg)[0].get("width")) == PLOT / 4
    assert {"0 %", "50 %", "100 %"} <= set(texts(svg))


def test_a_suppressed_bar_is_drawn_as_its_text_only() -> None:
    svg = bar_chart(
        [Bar("Synlig", 12, "12"), Bar("Skjult", None, "<5"), Bar("Komplementær", None, "x")],
        label="Familier",
    )
    assert len(rects(svg)) == 1  # only the visible count has a bar
    assert "<5" in texts(svg) and "x" in texts(svg)
    assert "&lt;5" in svg  # escaped in the markup


def test_a_hidden_bar_does_not_change_the_scale() -> None:
    # The largest value is hidden: the scale must come from the shown values only, so the
    # axis cannot reveal it either.
    svg = bar_chart([Bar("Lille", 6, "6"), Bar("Skjult", None, "x")], label="Forløb")
    assert float(rects(svg)[0].get("width")) == PLOT
    assert "6" in texts(svg)


def test_labels_are_escaped_and_long_labels_shortened() -> None:
    svg = bar_chart(
        [
            Bar('<script>alert("x")</script>', 3, "3"),
            Bar("En meget lang aktivitetstype med mange ord", 4, "4"),
        ],
        label='Diagram "med" <tegn>',
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'aria-label="Diagram &quot;med&quot; &lt;tegn&gt;"' in svg
    assert any(t.endswith("…") and len(t) <= 30 for t in texts(svg))
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'Diagram "med" <tegn>'
    assert root.get("role") == "img"


def test_axis_numbers_use_a_decimal_comma() -> None:
    svg = bar_chart([Bar("A", 9, "9")], label="Omfang")
    assert "4,5" in texts(svg)
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts(svg))


def test_values_above_the_maximum_are_clipped() -> None:
    svg = bar_chart([Bar("For meget", 150, "150 %")], label="Andel", max_value=100)
    assert float(rects(svg)[0].get("width")) == PLOT


def test_paired_chart_draws_two_bars_a_row_and_a_legend() -> None:
    svg = paired_bar_chart(
        [Pair("WHO-5", 40, 60, "40,0", "60,0"), Pair("PSS", None, 50, "for få", "50,0")],
        label="Før og efter",
        legend=("Første måling", "Seneste måling"),
    )
    bars = [r for r in rects(svg) if r.get("width") != "10"]  # the legend's squares are 10 wide
    assert len(bars) == 3  # the hidden first PSS value has no bar
    assert {"Første måling", "Seneste måling", "for få", "40,0", "60,0", "50,0"} <= set(texts(svg))
    widths = sorted(float(b.get("width")) for b in bars)
    assert widths == [PLOT * 40 / 60, PLOT * 50 / 60, PLOT]


def test_no_inline_style_or_script() -> None:
    svg = bar_chart([Bar("A", 1, "1")], label="A") + paired_bar_chart(
        [Pair("A", 1, 2, "1", "2")], label="B", legend=("a", "b")
    )
    assert "style=" not in svg and "<script" not in svg
