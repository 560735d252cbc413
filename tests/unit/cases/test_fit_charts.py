"""The FIT graphs (cases/fit_charts.py): ORS and SRS totals by session, the age-appropriate
cut-off (none for the youngest), the SRS line at 36, collateral ratings apart, a family chart
with every member, and an accessible SVG without script or style attributes."""

import datetime as dt
import re
from decimal import Decimal as D
from types import SimpleNamespace

from cases import fit_charts
from cases.fit_charts import Rating
from cases.models.fit import FitRater, FitVersion

UTC = dt.UTC


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, tzinfo=UTC)


def rating(visit: int, client: int, scale: str, total: str, *, age: int = 35, rater: str = ""):
    version = FitVersion.ADULT if age >= 13 else FitVersion.CHILD if age >= 6 else "young_child"
    return Rating(
        visit_id=visit,
        starts_at=at(visit),
        client_id=client,
        scale=scale,
        total=D(total),
        age=age,
        version=version,
        rater_label=rater,
    )


def points(svg: str, series: str) -> list[tuple[int, D, float]]:
    found = re.findall(
        rf'<circle cx="[\d.]+" cy="([\d.]+)"[^>]*data-series="{series}" '
        r'data-session="(\d+)" data-total="([\d.]+)"',
        svg,
    )
    return [(int(session), D(total), float(y)) for y, session, total in found]


def guides(svg: str) -> list[tuple[str, float, float]]:
    """(value, x1, x2) of each reference line."""
    found = re.findall(
        r'<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)" y2="[\d.]+"[^>]*class="fit-guide" '
        r'data-value="([\d.]+)"',
        svg,
    )
    return [(value, float(x1), float(x2)) for x1, x2, value in found]


def test_member_chart_has_ors_srs_and_their_lines() -> None:
    ratings = [
        rating(1, 7, "ors", "18.0"),
        rating(1, 7, "srs", "37.0"),
        rating(2, 7, "ors", "21.5"),
        rating(2, 7, "srs", "34.0"),
        rating(3, 7, "ors", "26.0"),
        rating(3, 7, "srs", "38.5"),
        rating(2, 8, "ors", "30.0"),  # someone else
    ]
    chart = fit_charts.member_chart(7, "Mette", ratings)
    svg = str(chart.svg)

    ors = points(svg, "ors")
    srs = points(svg, "srs")
    assert [(s, t) for s, t, _y in ors] == [(1, D("18.0")), (2, D("21.5")), (3, D("26.0"))]
    assert [(s, t) for s, t, _y in srs] == [(1, D("37.0")), (2, D("34.0")), (3, D("38.5"))]
    ys = [y for _s, _t, y in ors]
    assert ys[0] > ys[1] > ys[2]  # higher totals higher up
    assert all(fit_charts.TOP <= y <= fit_charts.TOP + fit_charts.PLOT_HEIGHT for y in ys)
    assert [value for value, _x1, _x2 in guides(svg)] == ["25", "36"]
    assert 'stroke-dasharray="6 4" class="fit-guide" data-value="25"' in svg  # dashed cut-off
    assert chart.columns == ["Session", "Dato", "ORS (Mette selv)", "SRS (Mette)"]
    assert chart.rows[1] == ["2", "02.02.2026", "21,5", "34,0"]
    assert "ORS (Mette selv): fra 18,0 til 26,0." in chart.description
    assert "Klinisk grænse 25,0." in chart.description


def test_sessions_are_the_members_own_visits_in_time_order() -> None:
    ratings = [rating(9, 7, "ors", "20"), rating(4, 7, "srs", "36"), rating(6, 5, "ors", "10")]
    chart = fit_charts.member_chart(7, "Mette", ratings)
    assert [vid for vid, _day in chart.sessions] == [4, 9]
    assert points(str(chart.svg), "ors")[0][0] == 2
    assert chart.rows == [["1", "04.02.2026", "–", "36,0"], ["2", "09.02.2026", "20,0", "–"]]


def test_collateral_ratings_are_lines_of_their_own() -> None:
    ratings = [
        rating(1, 3, "ors", "20", age=9),
        rating(1, 3, "ors", "15", age=9, rater="Mette"),
        rating(2, 3, "ors", "17", age=9, rater="Lærer"),
        rating(3, 3, "ors", "19", age=9, rater="Mette"),
    ]
    chart = fit_charts.member_chart(3, "Noah", ratings)
    svg = str(chart.svg)
    labels = [line.label for line in chart.lines]
    assert labels == [
        "ORS (Noah selv)",
        "ORS om Noah, udfyldt af Mette",
        "ORS om Noah, udfyldt af Lærer",
    ]
    assert [(s, t) for s, t, _y in points(svg, "collateral-0")] == [(1, D("15")), (3, D("19"))]
    assert [(s, t) for s, t, _y in points(svg, "collateral-1")] == [(2, D("17"))]
    assert [(s, t) for s, t, _y in points(svg, "ors")] == [(1, D("20"))]
    assert [value for value, _x1, _x2 in guides(svg)] == ["32"]  # CORS cut-off, no SRS


def test_the_youngest_have_no_cut_off_and_no_srs_line() -> None:
    ratings = [rating(1, 4, "ors", "30", age=4), rating(1, 4, "srs", "35", age=4)]
    svg = str(fit_charts.member_chart(4, "Lily", ratings).svg)
    assert guides(svg) == []
    assert points(svg, "srs")  # still drawn


def test_the_cut_off_follows_the_age_at_each_session() -> None:
    ratings = [
        rating(1, 2, "ors", "20", age=12),
        rating(2, 2, "ors", "22", age=12),
        rating(3, 2, "ors", "24", age=13),
    ]
    svg = str(fit_charts.member_chart(2, "Ida", ratings).svg)
    (first, x1, x2), (second, y1, y2) = guides(svg)
    assert (first, second) == ("32", "28")
    assert x1 < x2 <= y1 < y2  # 32 over sessions 1–2, then 28 from session 3


def test_family_chart_has_every_member_and_each_cut_off() -> None:
    ratings = [
        rating(1, 1, "ors", "20"),
        rating(1, 2, "ors", "25", age=9),
        rating(2, 1, "ors", "24"),
        rating(2, 1, "srs", "39"),  # SRS is not in the family chart
        rating(3, 2, "ors", "28", age=9),
        rating(3, 2, "ors", "10", age=9, rater="Mette"),  # nor collateral ratings
        rating(4, 3, "srs", "36"),
    ]
    chart = fit_charts.family_chart([(1, "Mette"), (2, "Noah"), (3, "Ali")], ratings)
    svg = str(chart.svg)
    assert [line.label for line in chart.lines] == ["Mette", "Noah"]
    assert [(s, t) for s, t, _y in points(svg, "member-1")] == [(1, D("20")), (2, D("24"))]
    assert [(s, t) for s, t, _y in points(svg, "member-2")] == [(1, D("25")), (3, D("28"))]
    assert [value for value, _x1, _x2 in guides(svg)] == ["25", "32"]
    assert "Grænse 25,0 (Mette)" in svg and "Grænse 32,0 (Noah)" in svg
    assert chart.rows[2] == ["3", "03.02.2026", "–", "28,0"]


def test_course_charts_skip_members_without_ratings() -> None:
    members = [SimpleNamespace(pk=1, first_name="Mette"), SimpleNamespace(pk=2, first_name="Noah")]
    charts = fit_charts.course_charts([rating(1, 2, "srs", "36", age=9)], members)
    assert charts.family is None  # no ORS yet
    assert [m.first_name for m, _chart in charts.members] == ["Noah"]
    empty = fit_charts.course_charts([], members)
    assert (empty.family, empty.members) == (None, [])


def test_svg_is_accessible_escaped_and_without_style() -> None:
    ratings = [rating(1, 1, "ors", "20"), rating(2, 1, "ors", "40")]
    svg = str(fit_charts.member_chart(1, '<script>alert("x")</script>', ratings).svg)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="fit-member-1-title fit-member-1-desc"' in svg
    assert '<title id="fit-member-1-title">' in svg and '<desc id="fit-member-1-desc">' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg
    assert svg.count("<title>") == 2  # one per point


def test_rating_of_reads_a_stored_score() -> None:
    visit = SimpleNamespace(starts_at=at(3))
    mette = SimpleNamespace(first_name="Mette")
    own = SimpleNamespace(
        visit_id=5,
        visit=visit,
        client_id=2,
        scale="ors",
        total=D("20.0"),
        age_years=9,
        version=FitVersion.CHILD,
        rater=FitRater.SELF,
        rater_member_id=None,
        rater_member=None,
        rater_description="",
    )
    assert fit_charts.rating_of(own).collateral is False
    by_mother = SimpleNamespace(**{**own.__dict__, "rater": FitRater.COLLATERAL})
    by_mother.rater_member_id, by_mother.rater_member = 1, mette
    assert fit_charts.rating_of(by_mother).rater_label == "Mette"
    by_teacher = SimpleNamespace(**{**own.__dict__, "rater": FitRater.COLLATERAL})
    by_teacher.rater_description = "Lærer"
    assert fit_charts.rating_of(by_teacher).rater_label == "Lærer"
