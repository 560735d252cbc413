"""When a visit happened, classified: minutes in the evening (after 17:00), the early morning
(before 08:00) and the weekend, and the minutes in each ISO week — from the start and end
times, in the Danish time zone, never typed.

Durations are real elapsed time: a visit across the spring daylight-saving change (02:00 →
03:00) lasts an hour less than the clock faces say, one across the autumn change an hour more.
A visit across midnight or into a new week is split at the boundary. The classes overlap
(Saturday 19:00 is weekend and evening); ``flexible`` is their union — everything outside
weekdays 08:00–17:00 (element 3, flexible working hours)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

EARLY_BEFORE = dt.time(8, 0)
EVENING_FROM = dt.time(17, 0)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass
class TimeSplit:
    seconds: float = 0
    evening: float = 0
    early: float = 0
    weekend: float = 0
    flexible: float = 0
    # ISO (year, week) → seconds in that week
    by_week: dict[tuple[int, int], float] = field(default_factory=lambda: defaultdict(float))

    @staticmethod
    def minutes(seconds: float) -> int:
        return round(seconds / 60)


def _boundaries(day: dt.date, tz: ZoneInfo) -> list[dt.datetime]:
    """The local instants that split ``day``: 08:00, 17:00 and the next midnight. None of
    them falls in a Danish daylight-saving gap (02:00–03:00)."""
    return [
        dt.datetime.combine(day, EARLY_BEFORE, tzinfo=tz),
        dt.datetime.combine(day, EVENING_FROM, tzinfo=tz),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz),
    ]


def split(starts_at: dt.datetime, ends_at: dt.datetime) -> TimeSplit:
    """Classify the interval [starts_at, ends_at) (aware datetimes)."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("split() needs aware datetimes")
    result = TimeSplit()
    if ends_at <= starts_at:
        return result
    tz = zone()
    utc = dt.UTC
    cursor = starts_at.astimezone(utc)
    end = ends_at.astimezone(utc)
    while cursor < end:
        local = cursor.astimezone(tz)
        next_boundary = min(
            b.astimezone(utc) for b in _boundaries(local.date(), tz) if b.astimezone(utc) > cursor
        )
        segment_end = min(next_boundary, end)
        seconds = (segment_end - cursor).total_seconds()
        local_time = local.time()
        is_weekend = local.weekday() >= 5
        is_early = local_time < EARLY_BEFORE
        is_evening = local_time >= EVENING_FROM
        result.seconds += seconds
        result.weekend += seconds if is_weekend else 0
        result.early += seconds if is_early else 0
        result.evening += seconds if is_evening else 0
        result.flexible += seconds if (is_weekend or is_early or is_evening) else 0
        iso = local.isocalendar()
        result.by_week[(iso.year, iso.week)] += seconds
        cursor = segment_end
    return result


def week_monday(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)
