"""The attendance trend chart: absence % and unlawful absence % per period, as an accessible
SVG without script or style attributes."""

import datetime as dt
import re

from cases.attendance_charts import BOTTOM, HEIGHT, TOP, attendance_chart_svg, y_max

LABELS = {"absence_label": "Fravær i alt", "unlawful_label": "Heraf ulovligt"}


def _rows() -> list[tuple[dt.date, float, float]]:
    # Deliberately out of order: the chart sorts by period start.
    return [
        (dt.date(2026, 3, 1), 10.0, 0.0),
        (dt.date(2026, 1, 1), 30.0, 20.0),
        (dt.date(2026, 2, 1), 20.0, 5.0),
    ]


def _polylines(svg: str) -> list[list[tuple[float, float]]]:
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    return [[tuple(float(v) for v in pair.split(",")) for pair in line.split()] for line in lines]


def test_chart_is_accessible_and_has_no_style_or_script() -> None:
    svg = attendance_chart_svg(
        _rows(), title="Noah: fravær", description="jan 30 %", chart_id="att-1", **LABELS
    )

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="att-1-title att-1-desc"' in svg
    assert '<title id="att-1-title">Noah: fravær</title>' in svg
    assert '<desc id="att-1-desc">jan 30 %</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_absence_and_unlawful_are_two_lines_oldest_first() -> None:
    svg = attendance_chart_svg(_rows(), title="Noah", **LABELS)

    absence, unlawful = _polylines(svg)
    assert [x for x, _ in absence] == sorted(x for x, _ in absence)
    # 30 %, 20 %, 10 % absence: the line falls (drawn lower = larger y).
    assert absence[0][1] < absence[1][1] < absence[2][1]
    # Unlawful 20 %, 5 %, 0 %: below the absence line at every point, 0 % on the axis.
    assert all(u[1] > a[1] for a, u in zip(absence, unlawful, strict=True))
    assert unlawful[2][1] == HEIGHT - BOTTOM
    assert 'stroke-dasharray="6 4"' in svg  # the unlawful line is dashed, not colour only
    assert svg.index("01.01.26") < svg.index("01.02.26") < svg.index("01.03.26")


def test_values_are_in_the_tooltips_and_the_legend_names_both_lines() -> None:
    svg = attendance_chart_svg(_rows(), title="Noah", **LABELS)

    assert "<title>01.01.2026: 30 %</title>" in svg
    assert "<title>01.01.2026: 20 %</title>" in svg
    assert ">Fravær i alt</text>" in svg and ">Heraf ulovligt</text>" in svg


def test_y_axis_fits_the_highest_value() -> None:
    assert y_max([]) == 20
    assert y_max([(dt.date(2026, 1, 1), 12.5, 3.0)]) == 20
    assert y_max([(dt.date(2026, 1, 1), 20.0, 3.0)]) == 20
    assert y_max([(dt.date(2026, 1, 1), 20.1, 3.0)]) == 40
    assert y_max([(dt.date(2026, 1, 1), 100.0, 100.0)]) == 100
    svg = attendance_chart_svg([(dt.date(2026, 1, 1), 35.0, 10.0)], title="x", **LABELS)
    assert ">40 %</text>" in svg and ">100 %</text>" not in svg
    assert ">0 %</text>" in svg


def test_full_absence_is_drawn_at_the_top_inside_the_chart() -> None:
    svg = attendance_chart_svg(
        [(dt.date(2026, 1, 1), 100.0, 100.0), (dt.date(2026, 2, 1), 0.0, 0.0)],
        title="x",
        **LABELS,
    )

    absence, _unlawful = _polylines(svg)
    assert absence[0][1] == TOP
    assert absence[1][1] == HEIGHT - BOTTOM


def test_one_period_is_a_point_without_a_line() -> None:
    svg = attendance_chart_svg([(dt.date(2026, 1, 1), 10.0, 5.0)], title="x", **LABELS)

    assert "<polyline" not in svg
    assert svg.count("<circle") == 1 and svg.count("<rect") == 1


def test_no_periods_still_draws_the_axis() -> None:
    svg = attendance_chart_svg([], title="Ingen", **LABELS)

    assert "<circle" not in svg
    assert ">0 %</text>" in svg and ">20 %</text>" in svg


def test_text_is_escaped() -> None:
    svg = attendance_chart_svg(
        _rows(),
        title='<script>alert("x")</script>',
        absence_label="<b>",
        unlawful_label="&",
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;" in svg and "&amp;" in svg
