"""Every FIT rule (cases/fit.py) against hand-worked cases; thresholds from settings."""

from decimal import Decimal as D

import pytest

from cases import fit
from cases.models import AlertKind, AlertLevel, FitVersion


@pytest.fixture
def r():
    return fit.rules()


@pytest.mark.parametrize(
    ("age", "version"),
    [
        (0, FitVersion.YOUNG_CHILD),
        (5, FitVersion.YOUNG_CHILD),
        (6, FitVersion.CHILD),
        (12, FitVersion.CHILD),
        (13, FitVersion.ADULT),
        (17, FitVersion.ADULT),
        (45, FitVersion.ADULT),
    ],
)
def test_version_by_age(age, version, r) -> None:
    assert fit.version_for_age(age, r) == version


@pytest.mark.parametrize(
    ("age", "cutoff"),
    [
        (3, None),
        (5, None),
        (6, D(32)),
        (12, D(32)),
        (13, D(28)),
        (17, D(28)),
        (18, D(25)),
        (70, D(25)),
    ],
)
def test_cutoff_by_age_and_none_for_young_children(age, cutoff, r) -> None:
    assert fit.cutoff_for_age(age, r) == cutoff


def test_thresholds_are_data(settings) -> None:
    settings.FIT_RULES = {**settings.FIT_RULES, "cutoffs": [[18, 20], [13, 21], [6, 22]]}
    assert fit.cutoff_for_age(30) == D(20)
    settings.FIT_RULES = {**settings.FIT_RULES, "reliable_change": 6}
    assert fit.reliable_change(D(10), D(15)) == fit.Change.NONE


@pytest.mark.parametrize("value", ["0", "0.0", "10", "10.0", "7,3", " 4.5 ", 3])
def test_item_accepts_0_to_10_with_one_decimal(value) -> None:
    assert D(0) <= fit.parse_item(value) <= D(10)


@pytest.mark.parametrize("value", ["-0.1", "10.1", "11", "abc", "", "5.55", "nan", "inf", None])
def test_item_refuses_out_of_range_and_junk(value) -> None:
    with pytest.raises(fit.ItemError):
        fit.parse_item(value)


def test_total_is_the_sum_of_four_items() -> None:
    assert fit.total([D("9.1"), D("8.0"), D("7.5"), D("10.0")]) == D("34.6")
    with pytest.raises(fit.ItemError):
        fit.total([D(1), D(2), D(3)])


@pytest.mark.parametrize(
    ("first", "latest", "change"),
    [
        (D("20.0"), D("25.0"), fit.Change.IMPROVEMENT),  # exactly +5 is reliable
        (D("20.0"), D("24.9"), fit.Change.NONE),
        (D("20.0"), D("15.1"), fit.Change.NONE),
        (D("20.0"), D("15.0"), fit.Change.DETERIORATION),  # exactly −5
    ],
)
def test_reliable_change_is_five_points(first, latest, change, r) -> None:
    assert fit.reliable_change(first, latest, r) == change


def test_recovery_needs_reliable_improvement_across_the_cutoff(r) -> None:
    assert fit.recovered(D(20), D(25), D(25), r)  # from below to at the cut-off
    assert not fit.recovered(D(21), D(25), D(25), r)  # crosses but +4 only
    assert not fit.recovered(D(26), D(32), D(25), r)  # started above the cut-off
    assert not fit.recovered(D(10), D(20), D(25), r)  # improved, still below
    assert not fit.recovered(D(10), D(30), None, r)  # no cut-off (young child)


def test_alliance_fine_session_raises_nothing(r) -> None:
    assert fit.alliance_findings([D("9.5"), D("9.0"), D("9.2"), D("9.3")], None, r) is None


@pytest.mark.parametrize(
    ("items", "previous", "reasons"),
    [
        (
            [D("8.5"), D("8.5"), D("8.5"), D("8.5")],
            None,
            ("total", "item1", "item2", "item3", "item4"),
        ),
        ([D("10"), D("10"), D("10"), D("8.9")], None, ("item4",)),  # 38.9 but an item < 9
        ([D("9"), D("9"), D("9"), D("9")], D("37.0"), ("drop",)),  # 36.0: fell 1.0
        ([D("9"), D("9"), D("9"), D("9")], D("36.9"), None),  # fell 0.9: no alert
        (
            [D("8.5"), D("8.5"), D("8.5"), D("8.5")],
            D("40"),
            ("total", "item1", "item2", "item3", "item4", "drop"),
        ),
    ],
)
def test_alliance_rules(items, previous, reasons, r) -> None:
    finding = fit.alliance_findings(items, previous, r)
    if reasons is None:
        assert finding is None
    else:
        assert finding.kind == AlertKind.ALLIANCE
        assert finding.level == AlertLevel.RED
        assert finding.reasons == reasons


def test_srs_of_34_raises_an_alliance_alert(r) -> None:
    finding = fit.alliance_findings([D("9"), D("9"), D("8"), D("8")], None, r)
    assert finding and "total" in finding.reasons


def kinds(findings):
    return [(f.kind, f.level) for f in findings]


def test_no_progress_amber_at_session_3_and_red_at_session_6(r) -> None:
    totals = [D(20), D(21), D(22), D(22), D(23), D(24)]
    seen = [kinds(fit.progress_findings(totals[:n], D(25), r=r)) for n in range(1, 7)]
    assert seen == [
        [],
        [],
        [(AlertKind.NO_PROGRESS, AlertLevel.AMBER)],
        [],
        [],
        [(AlertKind.NO_PROGRESS, AlertLevel.RED)],
    ]


def test_improvement_before_session_3_means_no_progress_alert(r) -> None:
    totals = [D(20), D(25), D(24)]
    assert fit.progress_findings(totals, D(25), r=r) == []


def test_reliable_improvement_and_recovery_are_reported_once_when_they_begin(r) -> None:
    totals = [D(20), D(26), D(27)]
    assert kinds(fit.progress_findings(totals[:2], D(25), r=r)) == [
        (AlertKind.IMPROVEMENT, AlertLevel.GOOD),
        (AlertKind.RECOVERY, AlertLevel.GOOD),
    ]
    assert fit.progress_findings(totals, D(25), r=r) == []


def test_reliable_deterioration_is_red(r) -> None:
    assert kinds(fit.progress_findings([D(30), D(24)], D(25), r=r)) == [
        (AlertKind.DETERIORATION, AlertLevel.RED)
    ]


def test_young_child_ratings_raise_no_progress_findings(r) -> None:
    assert fit.progress_findings([D(10), D(30), D(5)], None, engagement_only=True, r=r) == []
