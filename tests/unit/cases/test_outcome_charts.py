"""The pre/post chart (cases/outcome_charts.py) and the presentation rules it relies on
(cases/outcome_display.py): a track per scale on the scale's own range, the first and last
score as dots, norm bands shaded, an accessible SVG without script or style attributes, a
table fallback, and the ranges, directions and Danish numbers of every shipped instrument."""

import re
from types import SimpleNamespace

import pytest

from cases import instruments, outcome_charts, outcome_display
from cases.outcome_charts import BandZone, ScaleRow

UK_PARENT_TOTAL = (
    BandZone(0, 13, 0, "Normal"),
    BandZone(14, 16, 1, "Grænseområde"),
    BandZone(17, 40, 2, "Afvigende"),
)


def row(**kw) -> ScaleRow:
    base = {
        "key": "1-total",
        "group": "SDQ – forældreversion, udfyldt af Mette",
        "label": "Samlede vanskeligheder",
        "minimum": 0.0,
        "maximum": 40.0,
        "before": 20.0,
        "after": 12.0,
        "before_band": "Afvigende",
        "after_band": "Normal",
        "zones": UK_PARENT_TOTAL,
    }
    return ScaleRow(**(base | kw))


def dots(svg: str, kind: str) -> list[tuple[str, float, str]]:
    """(row key, x, value) of each before/after dot."""
    found = re.findall(
        rf'<circle cx="([\d.]+)" cy="[\d.]+"[^>]*class="prepost-{kind}" data-row="([^"]+)" '
        r'data-value="([^"]+)"',
        svg,
    )
    return [(key, float(x), value) for x, key, value in found]


def zones(svg: str) -> list[tuple[float, float, int]]:
    found = re.findall(
        r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="18" fill="[^"]+" '
        r'class="prepost-zone" data-rank="(\d)"',
        svg,
    )
    return [(float(x), float(w), int(rank)) for x, w, rank in found]


def test_dots_sit_on_the_scales_own_track() -> None:
    who5 = row(
        key="2-percentage",
        group="WHO-5 Trivselsindeks",
        label="Trivselsindeks",
        maximum=100.0,
        before=40.0,
        after=60.0,
        higher_is_better=True,
        meaningful=True,
        zones=(),
    )
    chart = outcome_charts.person_chart(7, "Mette", [row(), who5])
    svg = str(chart.svg)

    inner = outcome_charts.WIDTH - outcome_charts.LEFT - outcome_charts.RIGHT
    left = outcome_charts.LEFT
    assert dots(svg, "before") == [
        ("1-total", pytest.approx(left + inner * 20 / 40), "20.0"),
        ("2-percentage", pytest.approx(left + inner * 40 / 100), "40.0"),
    ]
    assert dots(svg, "after") == [
        ("1-total", pytest.approx(left + inner * 12 / 40), "12.0"),
        ("2-percentage", pytest.approx(left + inner * 60 / 100), "60.0"),
    ]
    assert svg.count('class="prepost-change"') == 2
    # One heading per instrument, in order.
    headings = re.findall(r'font-weight="bold" fill="#212529">([^<]+)</text>', svg)
    assert headings == ["SDQ – forældreversion, udfyldt af Mette", "WHO-5 Trivselsindeks"]


def test_norm_bands_are_shaded_to_the_half_point() -> None:
    svg = str(outcome_charts.person_chart(7, "Noah", [row()]).svg)

    inner = outcome_charts.WIDTH - outcome_charts.LEFT - outcome_charts.RIGHT
    x = lambda v: outcome_charts.LEFT + inner * v / 40  # noqa: E731
    shaded = zones(svg)
    assert [rank for _x, _w, rank in shaded] == [0, 1, 2]
    assert shaded[0][0] == pytest.approx(x(0), abs=0.05)
    assert shaded[0][0] + shaded[0][1] == pytest.approx(x(13.5), abs=0.1)
    assert shaded[1][0] == pytest.approx(x(13.5), abs=0.05)
    assert shaded[2][0] + shaded[2][1] == pytest.approx(x(40), abs=0.1)  # clipped at the top
    assert "<title>Grænseområde: 14–16</title>" in svg


def test_chart_is_accessible_and_has_a_table() -> None:
    chart = outcome_charts.person_chart(
        7,
        "Noah <b>",
        [
            row(),
            row(
                key="1-prosocial",
                label="Prosocial adfærd",
                minimum=0.0,
                maximum=10.0,
                before=5.0,
                after=7.0,
                before_band="Grænseområde",
                after_band="Normal",
                higher_is_better=True,
                zones=(),
            ),
        ],
    )
    svg = str(chart.svg)

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="prepost-7-title prepost-7-desc"' in svg
    assert '<title id="prepost-7-title">Før og efter for Noah &lt;b&gt;</title>' in svg
    assert "<script" not in svg and "style=" not in svg and "<b>" not in svg
    assert chart.description == (
        "SDQ – forældreversion, udfyldt af Mette: Samlede vanskeligheder fra 20 (Afvigende) "
        "til 12 (Normal), 8 lavere (bedre); Prosocial adfærd fra 5 (Grænseområde) til "
        "7 (Normal), 2 højere (bedre)."
    )
    assert chart.columns == ["Måling", "Skala", "Første", "Seneste", "Ændring"]
    assert chart.table[0] == [
        "SDQ – forældreversion, udfyldt af Mette",
        "Samlede vanskeligheder",
        "20 (Afvigende)",
        "12 (Normal)",
        "8 lavere (bedre)",
    ]


def test_only_a_baseline_or_an_unscored_scale() -> None:
    lone = row(after=None, after_band="")
    unscored = row(
        key="1-peer",
        label="Problemer med jævnaldrende",
        maximum=10.0,
        before=None,
        after=3.0,
        before_band="",
        after_band="Grænseområde",
        zones=(),
    )
    chart = outcome_charts.person_chart(3, "Ida", [lone, unscored])
    svg = str(chart.svg)

    assert [k for k, _x, _v in dots(svg, "before")] == ["1-total"]
    assert [k for k, _x, _v in dots(svg, "after")] == ["1-peer"]
    assert 'class="prepost-change"' not in svg
    assert chart.description == (
        "SDQ – forældreversion, udfyldt af Mette: Samlede vanskeligheder 20 (Afvigende); "
        "Problemer med jævnaldrende kunne ikke beregnes ved første måling, 3 (Grænseområde) "
        "ved den seneste."
    )
    only_first = outcome_charts.person_chart(3, "Ida", [lone]).description
    assert only_first == (
        "SDQ – forældreversion, udfyldt af Mette, kun første måling: "
        "Samlede vanskeligheder 20 (Afvigende)."
    )
    assert chart.table[0][3:] == ["–", "–"]


def test_worse_and_unchanged_and_meaningful() -> None:
    worse = row(before=12.0, after=18.0, before_band="Normal", after_band="Afvigende")
    same = row(key="x", before=5.0, after=5.0)
    meaningful = row(
        key="w",
        label="Trivselsindeks",
        maximum=100.0,
        before=40.0,
        after=52.0,
        higher_is_better=True,
        meaningful=True,
        zones=(),
    )
    assert outcome_charts.change_text(worse) == "6 højere (værre)"
    assert outcome_charts.change_text(same) == "uændret"
    assert outcome_charts.describe_row(meaningful) == (
        "Trivselsindeks fra 40 (Afvigende) til 52 (Normal), 12 højere (bedre)"
        " – en betydende ændring"
    )
    assert "betydende" in str(outcome_charts.person_chart(1, "A", [meaningful]).svg)


def test_no_rows_says_so() -> None:
    chart = outcome_charts.person_chart(1, "A", [])
    assert not chart.has_rows
    assert chart.description == "Ingen målinger endnu."
    assert '<desc id="prepost-1-desc">Ingen målinger endnu.</desc>' in str(chart.svg)


def test_values_outside_the_range_stay_on_the_track() -> None:
    svg = str(outcome_charts.person_chart(1, "A", [row(before=-5, after=99)]).svg)
    ((_k, x_before, _v),) = dots(svg, "before")
    ((_k, x_after, _v),) = dots(svg, "after")
    assert x_before == pytest.approx(outcome_charts.LEFT)
    assert x_after == pytest.approx(outcome_charts.WIDTH - outcome_charts.RIGHT)


# Presentation rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "scoring", "scale", "expected"),
    [
        (instruments.SDQ_PARENT, "sdq", "emotional", (0, 10)),
        (instruments.SDQ_PARENT, "sdq", "total", (0, 40)),
        (instruments.SDQ_PARENT, "sdq", "externalising", (0, 20)),
        (instruments.SDQ_PARENT, "sdq", "impact", (0, 10)),
        (instruments.SDQ_TEACHER, "sdq", "impact", (0, 6)),
        (instruments.WHO5, "sum", "total", (0, 25)),
        (instruments.WHO5, "sum", "percentage", (0, 100)),
        (instruments.PSS, "sum", "total", (18, 90)),
        (instruments.PSS, "sum", "percentage", None),
        (instruments.SDQ_PARENT, "sdq", "nonsense", None),
    ],
)
def test_scale_ranges_follow_the_definitions(definition, scoring, scale, expected) -> None:
    assert outcome_display.scale_range(scoring, definition, scale) == expected


def test_scales_in_reading_order_and_the_main_one() -> None:
    assert outcome_display.scales_of("sdq", instruments.SDQ_PARENT) == [
        "total",
        "emotional",
        "conduct",
        "hyperactivity",
        "peer",
        "prosocial",
        "externalising",
        "internalising",
        "impact",
    ]
    assert outcome_display.scales_of("sum", instruments.WHO5) == ["percentage", "total"]
    assert outcome_display.scales_of("sum", instruments.PSS) == ["total"]
    assert outcome_display.main_scale("sum", instruments.WHO5) == "percentage"
    assert outcome_display.main_scale("sdq", instruments.SDQ_SELF) == "total"
    assert outcome_display.chart_scales("sum", instruments.PSS) == ["total"]


def test_directions_and_labels() -> None:
    assert outcome_display.higher_is_better("sdq", instruments.SDQ_PARENT, "prosocial")
    assert not outcome_display.higher_is_better("sdq", instruments.SDQ_PARENT, "total")
    assert outcome_display.higher_is_better("who5", instruments.WHO5, "percentage")
    assert not outcome_display.higher_is_better("pss", instruments.PSS, "total")
    own = {**instruments.PSS, "higher_is_better": ["total"]}
    assert outcome_display.higher_is_better("new", own, "total")  # a fourth instrument says so
    assert outcome_display.scale_label("pss", "total") == "Forældrestress i alt"
    assert outcome_display.scale_label("who5", "total") == "Råscore"
    assert outcome_display.scale_label("sdq", "total") == "Samlede vanskeligheder"
    assert outcome_display.scale_label("new", "total") == "Samlet score"
    assert outcome_display.flag_text("poor_wellbeing") == (
        "≤ 50: lav trivsel – overvej screening for depression"
    )


def test_numbers_the_danish_way() -> None:
    assert outcome_display.number(20.0) == "20"
    assert outcome_display.number(12.5) == "12,5"
    assert outcome_display.number(None) == "–"
    assert outcome_display.signed(4.0) == "+4"
    assert outcome_display.signed(-8.0) == "\u22128"
    assert outcome_display.signed(0) == "0"


def test_score_lines_carry_bands_and_reasons() -> None:
    instrument = SimpleNamespace(
        family="sdq", scoring="sdq", definition=instruments.SDQ_PARENT, informant="parent"
    )
    measurement = SimpleNamespace(
        instrument=instrument,
        scores={
            "scales": {"emotional": 5.0, "peer": None, "total": None, "impact": 0.0},
            "bands": {"emotional": {"label": "Afvigende", "rank": 2}},
        },
    )
    lines = {line.scale: line for line in outcome_display.score_lines(measurement)}
    assert list(lines) == ["total", "emotional", "peer", "impact"]
    assert (lines["emotional"].text, lines["emotional"].band, lines["emotional"].rank) == (
        "5",
        "Afvigende",
        2,
    )
    assert lines["emotional"].range_text == "0–10"
    assert lines["peer"].note == "Kunne ikke beregnes: færre end 3 af skalaens punkter er besvaret."
    assert lines["total"].note == "Kunne ikke beregnes, fordi en af delskalaerne mangler."
    assert lines["impact"].note == ""
