"""FIT alerts in plain Danish (cases/fit_alert_text.py): each reason code explained with the
numbers from the scores behind it, good news as good news, and a fallback without numbers
when the scores have been corrected since. No database: alerts and members are unsaved."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from cases import fit_alert_text as text
from cases.fit_alert_text import ScorePoint
from cases.models import AlertKind, AlertLevel, FamilyMember, FitAlert


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


def alert(kind, level, reasons, *, visit_id=3, session=3, name="Mette") -> FitAlert:
    return FitAlert(
        kind=kind,
        level=level,
        reasons=list(reasons),
        visit_id=visit_id,
        session_number=session,
        client=FamilyMember(first_name=name, last_name="Holmgård"),
    )


def srs(visit_id, *items, age=37) -> ScorePoint:
    values = tuple(D(v) for v in items)
    return ScorePoint(visit_id, "srs", age, values, sum(values, D("0.0")))


def ors(visit_id, each, age=37) -> ScorePoint:
    values = (D(each),) * 4
    return ScorePoint(visit_id, "ors", age, values, sum(values, D("0.0")))


def test_alliance_explains_total_items_and_drop_with_the_numbers() -> None:
    history = [srs(1, "9.5", "9.5", "9.0", "9.0"), ors(2, "5"), srs(2, "9", "9", "8.5", "7.8")]
    described = text.describe(
        alert(
            AlertKind.ALLIANCE, "red", ["total", "item3", "item4", "drop"], visit_id=2, session=2
        ),
        history,
    )
    assert described.title == "Alliance"
    assert described.who == "Mette, session 2"
    assert described.reasons == (
        "SRS 34,3 er under 36",
        "punkt 3 (Måden vi arbejdede på): 8,5 er under 9",
        "punkt 4 (Alt i alt): 7,8 er under 9",
        "faldet 2,7 point siden sidst (fra 37,0 til 34,3)",
    )
    assert described.summary.startswith("Alliance: SRS 34,3 er under 36; punkt 3")
    assert described.tone == "danger" and not described.is_good_news
    assert "Mette" in described.meaning
    assert not described.corrected


def test_a_drop_alone_names_both_sessions() -> None:
    history = [srs(1, "10", "10", "10", "10"), srs(2, "9.7", "9.7", "9.7", "9.7")]
    described = text.describe(
        alert(AlertKind.ALLIANCE, "red", ["drop"], visit_id=2, session=2), history
    )
    assert described.reasons == ("faldet 1,2 point siden sidst (fra 40,0 til 38,8)",)


def test_no_progress_gives_level_and_the_change_so_far() -> None:
    history = [ors(1, "5"), ors(2, "5.2"), ors(3, "5.3")]
    amber = text.describe(alert(AlertKind.NO_PROGRESS, "amber", ["session3"]), history)
    assert amber.title == "Ingen pålidelig fremgang efter 3 sessioner (gul)"
    assert amber.reasons == (
        "ORS fra 20,0 i første session til 21,2 nu (+1,2 point); pålidelig fremgang er mindst "
        "5 point",
    )
    assert amber.tone == "warning"
    history += [ors(4, "5"), ors(5, "5"), ors(6, "4.9")]
    red = text.describe(
        alert(AlertKind.NO_PROGRESS, "red", ["session6"], visit_id=6, session=6), history
    )
    assert red.title == "Ingen pålidelig fremgang efter 6 sessioner (rød)"
    assert "(−0,4 point)" in red.reasons[0]
    assert red.tone == "danger"


def test_deterioration_is_red_with_the_fall() -> None:
    history = [ors(1, "7.5"), ors(2, "6")]
    described = text.describe(
        alert(AlertKind.DETERIORATION, "red", ["deterioration"], visit_id=2, session=2), history
    )
    assert described.title == "Pålidelig tilbagegang (rød)"
    assert described.reasons == (
        "ORS fra 30,0 i første session til 24,0 nu (−6,0 point); pålidelig tilbagegang er et "
        "fald på mindst 5 point",
    )


def test_improvement_and_recovery_are_good_news() -> None:
    history = [ors(1, "5"), ors(2, "6.5")]
    improved = text.describe(
        alert(AlertKind.IMPROVEMENT, AlertLevel.GOOD, ["improvement"], visit_id=2, session=2),
        history,
    )
    assert improved.title == "Pålidelig fremgang"
    assert improved.is_good_news and improved.tone == "success"
    assert improved.meaning.startswith("Godt nyt:")
    recovered = text.describe(
        alert(AlertKind.RECOVERY, AlertLevel.GOOD, ["recovery"], visit_id=2, session=2), history
    )
    assert recovered.title == "Over den kliniske grænse"
    assert recovered.reasons == (
        "ORS fra 20,0 (under grænsen på 25) til 26,0 (på eller over grænsen) med pålidelig "
        "fremgang",
    )
    assert recovered.is_good_news


def test_recovery_uses_the_cutoff_of_the_age_at_the_session() -> None:
    history = [ors(1, "6", age=10), ors(2, "8.5", age=10)]  # CORS: cut-off 32
    described = text.describe(
        alert(AlertKind.RECOVERY, AlertLevel.GOOD, ["recovery"], visit_id=2, session=2), history
    )
    assert "under grænsen på 32" in described.reasons[0]


def test_thresholds_come_from_the_rules(settings) -> None:
    settings.FIT_RULES = {**settings.FIT_RULES, "alliance_total_below": 35.5}
    described = text.describe(
        alert(AlertKind.ALLIANCE, "red", ["total"], visit_id=1, session=1),
        [srs(1, "8.5", "8.5", "9", "9")],
    )
    assert described.reasons == ("SRS 35,0 er under 35,5",)


def test_item_labels_are_the_configured_ones(settings) -> None:
    settings.FIT_ITEM_LABELS = {**settings.FIT_ITEM_LABELS, "srs": ["A", "B", "C", "D"]}
    described = text.describe(
        alert(AlertKind.ALLIANCE, "red", ["item2"], visit_id=1, session=1),
        [srs(1, "9", "8", "9", "9")],
    )
    assert described.reasons == ("punkt 2 (B): 8,0 er under 9",)


def test_corrected_scores_give_the_reasons_without_numbers() -> None:
    described = text.describe(
        alert(AlertKind.ALLIANCE, "red", ["total", "item1", "drop"], visit_id=9, session=4),
        [srs(1, "10", "10", "10", "10")],
    )
    assert described.corrected
    assert described.reasons == (
        "SRS under 36",
        "punkt 1 (Relationen) under 9",
        "faldet mindst 1 point siden sidst",
    )
    progress = text.describe(alert(AlertKind.NO_PROGRESS, "amber", ["session3"]), [])
    assert progress.reasons == ("ORS er ikke steget mindst 5 point siden første session",)


def test_an_unknown_reason_code_is_shown_as_it_is() -> None:
    described = text.describe(
        alert(AlertKind.ALLIANCE, "red", ["total", "something_new"], visit_id=1, session=1),
        [srs(1, "8", "8", "9", "9")],
    )
    assert described.reasons[-1] == "something_new"


@pytest.mark.parametrize(
    ("value", "shown"), [(D("36"), "36"), (D("35.5"), "35,5"), (D("5.0"), "5")]
)
def test_limits_are_written_as_in_the_rules(value, shown) -> None:
    assert text.limit(value) == shown


def test_signed_uses_a_real_minus() -> None:
    assert (text.signed(D("1.2")), text.signed(D("-6")), text.signed(D("0"))) == (
        "+1,2",
        "−6,0",
        "0,0",
    )
