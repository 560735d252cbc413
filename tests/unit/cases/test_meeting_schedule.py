"""The follow-up schedule as date rules (cases/meeting_schedule.py): calendar months, the
first follow-up, the cadence counted from the day a meeting was held, and how an open meeting
stands on a given day."""

import datetime as dt

import pytest

from cases.meeting_schedule import (
    MeetingState,
    add_months,
    first_follow_up_due,
    meeting_state,
    next_follow_up_due,
    overdue_day,
    reminder_ahead_day,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # from a leap day to a year without one
        (D(2027, 11, 30), 3, D(2028, 2, 29)),  # across the year into a leap February
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 11, 15), 2, D(2027, 1, 15)),  # year wrap
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # December to January
        (D(2026, 10, 1), 27, D(2029, 1, 1)),  # several years on
        (D(2026, 5, 15), 0, D(2026, 5, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),  # backwards too (the demo uses it)
        (D(2026, 1, 15), -2, D(2025, 11, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_first_follow_up_is_three_months_after_start() -> None:
    assert first_follow_up_due(D(2026, 2, 10)) == D(2026, 5, 10)
    assert first_follow_up_due(D(2026, 11, 30)) == D(2027, 2, 28)  # clipped, across the year


def test_next_follow_up_counts_from_the_day_the_last_was_held() -> None:
    # Due 10 May, held late on 1 June: the next is six months after 1 June, not 10 May.
    assert next_follow_up_due(D(2026, 6, 1), 6) == D(2026, 12, 1)
    assert next_follow_up_due(D(2026, 6, 1), 3) == D(2026, 9, 1)
    assert next_follow_up_due(D(2026, 8, 31), 6) == D(2027, 2, 28)


@pytest.mark.parametrize("cadence", [0, -6])
def test_next_follow_up_refuses_a_cadence_below_one_month(cadence: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next_follow_up_due(D(2026, 6, 1), cadence)


DUE = D(2026, 6, 15)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 5, 1), MeetingState.PLANNED),  # 45 days ahead
        (D(2026, 5, 31), MeetingState.PLANNED),  # 15 days ahead: just outside the window
        (D(2026, 6, 1), MeetingState.DUE_SOON),  # 14 days ahead: inside the window
        (D(2026, 6, 14), MeetingState.DUE_SOON),
        (DUE, MeetingState.DUE_SOON),  # the due day itself is still in time
        (D(2026, 6, 16), MeetingState.OVERDUE),  # D + 1
        (D(2027, 1, 1), MeetingState.OVERDUE),
    ],
)
def test_state_of_an_open_meeting(today: dt.date, state: MeetingState) -> None:
    assert meeting_state(DUE, None, today) == state


def test_a_held_meeting_is_held_whatever_the_day() -> None:
    assert meeting_state(DUE, D(2026, 7, 1), D(2026, 8, 1)) == MeetingState.HELD
    assert meeting_state(DUE, D(2026, 6, 1), D(2026, 6, 2)) == MeetingState.HELD


def test_the_window_is_configurable() -> None:
    assert meeting_state(DUE, None, D(2026, 6, 8), window_days=7) == MeetingState.DUE_SOON
    assert meeting_state(DUE, None, D(2026, 6, 7), window_days=7) == MeetingState.PLANNED


def test_reminder_days() -> None:
    assert reminder_ahead_day(DUE) == D(2026, 6, 1)
    assert reminder_ahead_day(DUE, 7) == D(2026, 6, 8)
    assert overdue_day(DUE) == D(2026, 6, 16)
    assert overdue_day(D(2026, 12, 31)) == D(2027, 1, 1)
