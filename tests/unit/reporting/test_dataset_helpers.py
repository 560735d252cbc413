"""The dataset's small rules, without a database: age bands, year-month, shares, the
pseudonym columns that key both files, file names marked FORTROLIGT, the CSV format, and a
data dictionary that describes every column."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from reporting import dataset
from reporting.models import FileKind, ReportRun

UTC = dt.UTC


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-2"),
        (2, "0-2"),
        (3, "3-5"),
        (5, "3-5"),
        (6, "6-12"),
        (12, "6-12"),
        (13, "13-17"),
        (17, "13-17"),
        (18, "18+"),
        (64, "18+"),
        (None, ""),
        (-1, ""),  # not born yet at the course's start
    ],
)
def test_age_band_boundaries(age, band) -> None:
    assert dataset.age_band(age) == band


def test_age_on_counts_whole_years() -> None:
    born = dt.date(2016, 9, 30)
    assert dataset.age_on(born, dt.date(2019, 9, 29)) == 2
    assert dataset.age_on(born, dt.date(2019, 9, 30)) == 3


def test_year_month_of_dates_and_instants_in_local_time() -> None:
    assert dataset.year_month(dt.date(2026, 3, 31)) == "2026-03"
    assert dataset.year_month(None) == ""
    # 31 March 23:30 UTC is already 1 April in Copenhagen (summer time, UTC+2).
    assert dataset.year_month(dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "2026-04"
    assert dataset.year_month(dt.datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Europe/Copenhagen"))) == (
        "2026-01"
    )


def test_days_between_local_days() -> None:
    submitted = dt.datetime(2026, 1, 4, 23, 30, tzinfo=UTC)  # 5 January in Copenhagen
    assert dataset.days_between(submitted, dt.date(2026, 1, 20)) == 15
    assert dataset.days_between(None, dt.date(2026, 1, 20)) is None


def test_shares_and_rounding() -> None:
    assert dataset.share(120, 360) == Decimal("0.333")
    assert dataset.share(60, 360) == Decimal("0.167")
    assert dataset.share(5, 0) is None and dataset.share(None, None) is None
    assert dataset.rounded(Decimal("34.6666")) == Decimal("34.7")
    assert dataset.rounded(None) is None


def test_both_files_are_keyed_by_pseudonyms() -> None:
    courses = [c.name for c in dataset.course_columns()]
    measurements = [c.name for c in dataset.measurement_columns()]
    assert courses[0] == "forloeb_id"
    assert measurements[:2] == ["forloeb_id", "person_id"]
    assert len(set(courses)) == len(courses) and len(set(measurements)) == len(measurements)


def test_no_column_invites_personal_data() -> None:
    names = [c.name for c in dataset.course_columns() + dataset.measurement_columns()]
    for word in ("navn", "cpr", "adresse", "foedsel", "fodsel", "note", "tekst", "dato"):
        assert not [n for n in names if word in n], word
    month_columns = [c.name for c in dataset.course_columns() if c.type == dataset.MONTH]
    assert month_columns == ["henvist_maaned", "afgjort_maaned", "start_maaned", "slut_maaned"]


def test_child_age_band_columns() -> None:
    names = [c.name for c in dataset.course_columns()]
    assert [n for n in names if n.startswith("boern_") and n[6].isdigit()] == [
        "boern_0_2",
        "boern_3_5",
        "boern_6_12",
        "boern_13_17",
    ]


def test_dictionary_has_one_row_per_column_of_each_file() -> None:
    header, *rows = dataset.dictionary_rows()
    assert header == ["kolonne", "fil_ark", "type", "definition", "tilladte_vaerdier"]
    expected = [("Forløb", c.name) for c in dataset.course_columns()] + [
        ("Målinger", c.name) for c in dataset.measurement_columns()
    ]
    assert [(r[1], r[0]) for r in rows] == expected
    assert all(r[3] for r in rows)  # every column is defined


def test_dictionary_lists_fidelity_criteria_of_the_report() -> None:
    from reporting import fidelity

    names = {c.name for c in dataset.course_columns()}
    assert {f"troskab_{c.code}" for c in fidelity.CRITERIA} <= names


def test_file_names_are_marked_confidential() -> None:
    run = ReportRun(pk=42, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31))
    names = dataset.file_names(run)
    assert names[FileKind.COURSES_CSV] == "FORTROLIGT-forloeb-20260101-20260331-42.csv"
    assert names[FileKind.MEASUREMENTS_CSV] == "FORTROLIGT-maalinger-20260101-20260331-42.csv"
    assert names[FileKind.DICTIONARY] == "FORTROLIGT-dataordbog-20260101-20260331-42.csv"
    assert names[FileKind.XLSX] == "FORTROLIGT-datasaet-20260101-20260331-42.xlsx"


def test_csv_starts_with_the_header_and_writes_missing_as_empty() -> None:
    columns = [dataset.Column("forloeb_id", "tekst", "x"), dataset.Column("andel", "decimal", "y")]
    content = dataset.to_csv(
        columns,
        [
            {"forloeb_id": "C-AAAA", "andel": Decimal("0.500")},
            {"forloeb_id": "C-BB", "andel": None},
        ],
    )
    assert content.decode("utf-8") == "forloeb_id,andel\r\nC-AAAA,0.500\r\nC-BB,\r\n"
