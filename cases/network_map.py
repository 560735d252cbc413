"""A server-drawn SVG network map (netværkskort): the family in the centre, each network
person on a ring whose distance follows how close they are (5 = nearest), professionals as
squares and the private network as circles, with a legend. Pure: it takes plain data — the
live network via :func:`cases.network_services.network_data`, or a snapshot's ``data`` — so
the same drawing serves the page, a snapshot and print.

No script and no style attributes (strict CSP): only SVG presentation attributes, every
name escaped, and a ``<title>``/``<desc>`` for screen readers."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.models import PROFESSIONAL_KINDS

SIZE = 520
CENTRE = SIZE / 2
LEGEND_HEIGHT = 40
INNER, OUTER = 70.0, 220.0  # ring radius for closeness 5 and 1
MARKER = 9
PRIVATE_COLOUR = "#198754"
PROFESSIONAL_COLOUR = "#0d6efd"


def ring_radius(closeness: int) -> float:
    """Distance from the centre for ``closeness`` 1–5: 5 is nearest."""
    closeness = min(5, max(1, int(closeness)))
    return INNER + (OUTER - INNER) * (5 - closeness) / 4


def is_professional(kind: str) -> bool:
    return kind in {str(k) for k in PROFESSIONAL_KINDS}


def _positions(people: list[Mapping[str, Any]]) -> list[tuple[float, float]]:
    """Spread the people of each ring evenly, rings offset so names do not line up."""
    by_ring: dict[int, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        by_ring[min(5, max(1, int(person.get("closeness") or 3)))].append(index)
    coords: list[tuple[float, float]] = [(CENTRE, CENTRE)] * len(people)
    for ring, indexes in by_ring.items():
        radius = ring_radius(ring)
        offset = ring * 0.7
        for n, index in enumerate(indexes):
            angle = offset + 2 * math.pi * n / len(indexes)
            coords[index] = (CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle))
    return coords


def network_map_svg(
    people: Iterable[Mapping[str, Any]],
    *,
    title: str,
    centre_label: str,
    labels: Mapping[str, str] | None = None,
    map_id: str = "network-map",
) -> SafeString:
    """The map of ``people`` (dicts with ``name``, ``kind``, ``closeness``, optionally
    ``relations``). ``labels`` holds the legend and ``<desc>`` texts (keys ``private``,
    ``professional``, ``desc``); ``map_id`` must be unique on the page."""
    people = list(people)
    labels = labels or {}
    mid = escape(map_id)
    height = SIZE + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {height}" role="img" '
        f'class="network-map" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{mid}-title {mid}-desc">',
        f'<title id="{mid}-title">{escape(title)}</title>',
        f'<desc id="{mid}-desc">{escape(labels.get("desc", ""))}</desc>',
    ]
    for ring in (5, 4, 3, 2, 1):
        parts.append(
            f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{ring_radius(ring):.1f}" fill="none" '
            f'stroke="#dee2e6" stroke-width="1" stroke-dasharray="4 4"/>'
        )
    coords = _positions(people)
    for (x, y), person in zip(coords, people, strict=True):
        width = 1 + int(person.get("closeness") or 3) * 0.6
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#adb5bd" '
            f'stroke-width="{width:.1f}"/>'
        )
    parts.append(
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="34" fill="#ffc107" stroke="#212529" '
        f'stroke-width="2"/>'
        f'<text x="{CENTRE}" y="{CENTRE + 4}" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="#212529">{escape(centre_label)}</text>'
    )
    for (x, y), person in zip(coords, people, strict=True):
        name = escape(person.get("name", ""))
        relations = "; ".join(
            f"{r.get('member', '')}: {r.get('description', '')}"
            for r in person.get("relations") or []
        )
        tooltip = escape(f"{person.get('name', '')} – {relations}" if relations else "")
        tip = f"<title>{tooltip}</title>" if tooltip else f"<title>{name}</title>"
        if is_professional(person.get("kind", "")):
            parts.append(
                f'<rect class="network-professional" x="{x - MARKER:.1f}" y="{y - MARKER:.1f}" '
                f'width="{2 * MARKER}" height="{2 * MARKER}" fill="{PROFESSIONAL_COLOUR}">'
                f"{tip}</rect>"
            )
        else:
            parts.append(
                f'<circle class="network-private" cx="{x:.1f}" cy="{y:.1f}" r="{MARKER}" '
                f'fill="{PRIVATE_COLOUR}">{tip}</circle>'
            )
        anchor = "start" if x >= CENTRE else "end"
        dx = MARKER + 4 if x >= CENTRE else -(MARKER + 4)
        parts.append(
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="12" '
            f'fill="#212529">{name}</text>'
        )
    legend_y = SIZE + 20
    parts.append(
        f'<g class="network-legend">'
        f'<circle cx="30" cy="{legend_y}" r="{MARKER}" fill="{PRIVATE_COLOUR}"/>'
        f'<text x="46" y="{legend_y + 4}" font-size="12" fill="#212529">'
        f"{escape(labels.get('private', 'Privat netværk'))}</text>"
        f'<rect x="{SIZE / 2 - MARKER:.1f}" y="{legend_y - MARKER}" width="{2 * MARKER}" '
        f'height="{2 * MARKER}" fill="{PROFESSIONAL_COLOUR}"/>'
        f'<text x="{SIZE / 2 + 16:.1f}" y="{legend_y + 4}" font-size="12" fill="#212529">'
        f"{escape(labels.get('professional', 'Fagpersoner'))}</text>"
        f"</g>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - all text escaped
