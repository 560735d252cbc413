"""The scaling trend chart: an accessible SVG without script or style attributes."""

import datetime as dt

from cases.safety_charts import HEIGHT, scaling_chart_svg


def _points() -> list[tuple[dt.date, int]]:
    return [(dt.date(2026, 3, 1), 7), (dt.date(2026, 1, 1), 2), (dt.date(2026, 2, 1), 4)]


def test_chart_has_an_accessible_title_and_description() -> None:
    svg = scaling_chart_svg(_points(), title="Mette", description="01.01.2026: 2", chart_id="c1")

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Mette</title>' in svg
    assert '<desc id="c1-desc">01.01.2026: 2</desc>' in svg


def test_chart_draws_the_points_oldest_first_with_10_at_the_top() -> None:
    svg = scaling_chart_svg(_points(), title="Mette")

    line = svg.split('<polyline points="', 1)[1].split('"', 1)[0]
    coords = [tuple(float(v) for v in pair.split(",")) for pair in line.split()]
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    assert xs == sorted(xs)
    assert ys[0] > ys[1] > ys[2]  # 2, 4, 7: higher scores are drawn higher up
    assert all(0 <= y <= HEIGHT for y in ys)
    assert svg.index("01.01.26") < svg.index("01.02.26") < svg.index("01.03.26")


def test_chart_escapes_text_and_has_no_style_or_script() -> None:
    svg = scaling_chart_svg(_points(), title='<script>alert("x")</script>')

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "style=" not in svg


def test_chart_with_one_point_has_no_line_but_a_dot() -> None:
    svg = scaling_chart_svg([(dt.date(2026, 1, 1), 5)], title="Mette")

    assert "<polyline" not in svg
    assert svg.count("<circle") == 1


def test_chart_without_points_still_has_the_axis() -> None:
    svg = scaling_chart_svg([], title="Ingen")

    assert "<circle" not in svg
    assert ">10</text>" in svg and ">0</text>" in svg
