"""The follow-up schedule as pure date arithmetic (no database): the first follow-up 3 months
after the course starts, each later one the course's cadence after the previous one was held
(DOMAIN.md: first within 3 months, then a chosen cadence — locally every 6 months), and the
state a meeting is in on a given day."""

import calendar
import datetime as dt
import enum

FIRST_FOLLOW_UP_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_follow_up_due(start: dt.date) -> dt.date:
    return add_months(start, FIRST_FOLLOW_UP_MONTHS)


def next_follow_up_due(previous_held_on: dt.date, cadence_months: int) -> dt.date:
    """The follow-up after one held on ``previous_held_on``: the cadence counts from the day
    the last meeting was really held, so a late meeting does not make the next one early."""
    if cadence_months < 1:
        raise ValueError("cadence_months must be at least 1")
    return add_months(previous_held_on, cadence_months)


class MeetingState(enum.StrEnum):
    HELD = "held"
    OVERDUE = "overdue"  # the due date has passed and it is not held
    DUE_SOON = "due_soon"  # within the reminder window
    PLANNED = "planned"


def meeting_state(
    due_on: dt.date, held_on: dt.date | None, today: dt.date, *, window_days: int = 14
) -> MeetingState:
    """A meeting due on D is overdue from D + 1: the due day itself is still in time."""
    if held_on is not None:
        return MeetingState.HELD
    if today > due_on:
        return MeetingState.OVERDUE
    if (due_on - today).days <= window_days:
        return MeetingState.DUE_SOON
    return MeetingState.PLANNED


def reminder_ahead_day(due_on: dt.date, window_days: int = 14) -> dt.date:
    """The day the '14 days ahead' reminder goes out."""
    return due_on - dt.timedelta(days=window_days)


def overdue_day(due_on: dt.date) -> dt.date:
    """The day a meeting not held becomes overdue (and the second reminder goes out)."""
    return due_on + dt.timedelta(days=1)
