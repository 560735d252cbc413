"""Evening, early-morning and weekend time, and time per ISO week, derived from a visit's start
and end in Europe/Copenhagen — across midnight, week boundaries and daylight-saving changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases import visit_time

CPH = ZoneInfo("Europe/Copenhagen")


def at(y, m, d, hh, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=CPH)


def minutes(split, name):
    return visit_time.TimeSplit.minutes(getattr(split, name))


def test_weekday_daytime_visit_is_not_flexible() -> None:
    s = visit_time.split(at(2026, 11, 24, 9), at(2026, 11, 24, 11, 30))  # Tuesday
    assert minutes(s, "seconds") == 150
    assert (minutes(s, "evening"), minutes(s, "early"), minutes(s, "weekend")) == (0, 0, 0)
    assert minutes(s, "flexible") == 0


def test_early_morning_visit_is_split_at_eight() -> None:
    s = visit_time.split(at(2026, 11, 24, 6, 30), at(2026, 11, 24, 9))
    assert minutes(s, "early") == 90
    assert minutes(s, "flexible") == 90
    assert minutes(s, "seconds") == 150


def test_evening_visit_is_split_at_five() -> None:
    s = visit_time.split(at(2026, 11, 24, 16), at(2026, 11, 24, 20, 15))
    assert minutes(s, "evening") == 195
    assert minutes(s, "flexible") == 195


def test_saturday_morning_counts_as_weekend_and_early() -> None:
    s = visit_time.split(at(2026, 11, 28, 7), at(2026, 11, 28, 9))  # Saturday
    assert minutes(s, "weekend") == 120
    assert minutes(s, "early") == 60
    assert minutes(s, "flexible") == 120  # the union, not the sum


def test_visit_across_midnight_into_saturday() -> None:
    s = visit_time.split(at(2026, 11, 27, 22), at(2026, 11, 28, 1))  # Friday → Saturday
    assert minutes(s, "seconds") == 180
    assert minutes(s, "evening") == 120  # Friday 22–24
    assert minutes(s, "early") == 60  # Saturday 0–1
    assert minutes(s, "weekend") == 60


def test_visit_across_sunday_midnight_is_split_between_iso_weeks() -> None:
    s = visit_time.split(at(2026, 11, 29, 23), at(2026, 11, 30, 1, 30))  # Sunday → Monday
    assert {k: round(v / 60) for k, v in s.by_week.items()} == {(2026, 48): 60, (2026, 49): 90}
    assert minutes(s, "weekend") == 60


def test_spring_forward_night_lasts_an_hour_less() -> None:
    # 29 March 2026: 02:00 → 03:00 in Denmark.
    s = visit_time.split(at(2026, 3, 29, 1), at(2026, 3, 29, 4))
    assert minutes(s, "seconds") == 120
    assert minutes(s, "early") == 120
    assert minutes(s, "weekend") == 120  # a Sunday


def test_autumn_back_night_lasts_an_hour_more() -> None:
    # 25 October 2026: 03:00 → 02:00 in Denmark.
    start = at(2026, 10, 25, 1)
    end = at(2026, 10, 25, 4)
    s = visit_time.split(start, end)
    assert minutes(s, "seconds") == 240
    assert minutes(s, "early") == 240


def test_evening_over_the_autumn_change_keeps_boundaries() -> None:
    s = visit_time.split(at(2026, 10, 24, 16), at(2026, 10, 25, 9))  # Sat 16:00 → Sun 09:00
    # 17 hours on the clock, 18 real ones: 02:00–03:00 happens twice that night.
    assert minutes(s, "seconds") == 18 * 60
    assert minutes(s, "evening") == 7 * 60  # Sat 17–24
    assert minutes(s, "early") == 9 * 60  # Sun 00–08 with the repeated hour
    assert minutes(s, "weekend") == 18 * 60


def test_empty_or_reversed_interval_is_nothing() -> None:
    assert visit_time.split(at(2026, 1, 5, 10), at(2026, 1, 5, 10)).seconds == 0
    assert visit_time.split(at(2026, 1, 5, 10), at(2026, 1, 5, 9)).seconds == 0


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        visit_time.split(dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 1, 5, 11))  # noqa: DTZ001
