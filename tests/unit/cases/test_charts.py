"""The goal trend chart: plain, accessible, escaped SVG without inline styles."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

from cases.charts import trend_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check its shape


DAYS = [dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2)]


def test_trend_svg_without_points_is_empty() -> None:
    assert trend_svg([], label="Udvikling") == ""


def test_trend_svg_draws_a_line_and_a_point_per_review() -> None:
    svg = trend_svg(list(zip(DAYS, [2, 5, 7], strict=True)), label="Udvikling")

    root = _parse(svg)
    assert len(root.findall(f"{SVG}circle")) == 3
    line = root.find(f"{SVG}polyline")
    assert line is not None and len(line.get("points").split()) == 3


def test_trend_svg_is_labelled_for_screen_readers() -> None:
    svg = trend_svg([(DAYS[0], 4)], label="Udvikling for målet")

    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Udvikling for målet"
    assert root.find(f"{SVG}title").text == "Udvikling for målet"


def test_trend_svg_writes_the_latest_score_even_when_the_points_come_unsorted() -> None:
    svg = trend_svg([(DAYS[2], 8), (DAYS[0], 1), (DAYS[1], 3)], label="x")

    latest = next(t for t in _parse(svg).iter(f"{SVG}text") if t.get("data-testid"))
    assert latest.text == "8/10"
    assert "05.01.2026" in svg and "02.03.2026" in svg


def test_trend_svg_puts_higher_scores_higher_and_dates_left_to_right() -> None:
    svg = trend_svg([(DAYS[0], 0), (DAYS[2], 10)], label="x")

    low, high = _parse(svg).findall(f"{SVG}circle")
    assert float(low.get("cy")) > float(high.get("cy"))
    assert float(low.get("cx")) < float(high.get("cx"))


def test_trend_svg_single_review_is_a_point_without_a_line() -> None:
    root = _parse(trend_svg([(DAYS[0], 6)], label="x"))

    assert root.find(f"{SVG}polyline") is None
    assert len(root.findall(f"{SVG}circle")) == 1


def test_trend_svg_escapes_the_label() -> None:
    svg = trend_svg([(DAYS[0], 6)], label='<script>alert("x")</script> & "mor"')

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    _parse(svg)  # still well-formed


def test_trend_svg_has_no_inline_style_or_script() -> None:
    svg = trend_svg(list(zip(DAYS, [2, 5, 7], strict=True)), label="x")

    assert not re.search(r"\sstyle=", svg)
    assert "<script" not in svg and "<style" not in svg
