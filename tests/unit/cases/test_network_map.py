"""The server-drawn network map: names escaped, closer people nearer the centre,
professionals drawn differently from the private network, no style attributes."""

import math
import re

from cases.network_map import CENTRE, network_map_svg, ring_radius


def _people() -> list[dict]:
    return [
        {"name": "Mormor <Inge>", "kind": "relative", "closeness": 5, "relations": []},
        {"name": "Nabo Karen", "kind": "neighbour", "closeness": 1, "relations": []},
        {"name": "Skolen & SFO", "kind": "school", "closeness": 3, "relations": []},
    ]


def _svg(people: list[dict]) -> str:
    return str(network_map_svg(people, title="Kort <x>", centre_label="Familien"))


def test_names_are_escaped_and_no_style_attributes() -> None:
    svg = _svg(_people())

    assert "Mormor &lt;Inge&gt;" in svg
    assert "<Inge>" not in svg
    assert "Skolen &amp; SFO" in svg
    assert "Kort &lt;x&gt;" in svg
    assert "style=" not in svg
    assert "<title" in svg and 'role="img"' in svg


def _distance(svg: str, name: str) -> float:
    label = re.search(rf'<text x="([\d.]+)" y="([\d.]+)"[^>]*>{re.escape(name)}</text>', svg)
    assert label, name
    # The label sits beside the marker; the marker's own coordinates are just before it.
    before = svg[: label.start()]
    marker = re.findall(r'(?:cx="([\d.]+)" cy="([\d.]+)"|x="([\d.]+)" y="([\d.]+)" width)', before)
    cx, cy, rx, ry = marker[-1]
    x, y = (float(cx), float(cy)) if cx else (float(rx) + 9, float(ry) + 9)
    return math.hypot(x - CENTRE, y - CENTRE)


def test_closer_people_are_nearer_the_centre() -> None:
    svg = _svg(_people())

    near = _distance(svg, "Mormor &lt;Inge&gt;")
    middle = _distance(svg, "Skolen &amp; SFO")
    far = _distance(svg, "Nabo Karen")

    assert near < middle < far
    assert ring_radius(5) < ring_radius(4) < ring_radius(1)
    assert math.isclose(near, ring_radius(5), abs_tol=0.2)


def test_professionals_are_drawn_differently_with_a_legend() -> None:
    svg = _svg(_people())

    assert svg.count('class="network-professional"') == 1
    assert svg.count('class="network-private"') == 2
    assert "<rect" in svg
    assert 'class="network-legend"' in svg
    assert "Fagpersoner" in svg and "Privat netværk" in svg


def test_works_for_an_empty_network_and_snapshot_data() -> None:
    empty = _svg([])

    assert empty.startswith("<svg") and empty.endswith("</svg>")
    assert "network-private" not in empty
