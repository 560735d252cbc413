"""Database expressions the report's figures need and Django does not ship: whole days
between two dates, the local calendar date of an instant, a median, and "count the rows where"
— so that the figures are computed by the database on PostgreSQL and on SQLite alike.

On PostgreSQL medians are ``percentile_cont(0.5)``; SQLite has no such aggregate, so there
the median is taken in Python over one number per row of the group (a course, a referral) —
never over visits or scores.
"""

import statistics
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone


class DaysBetween(Func):
    """``later − earlier`` in whole days (both dates)."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(((%(expressions)s)::date)::integer)",
            arg_joiner=")::date - (",
            **extra,
        )


def local_date(field: str | Expression) -> TruncDate:
    """The calendar date of an instant in the Danish time zone."""
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


class Median(Aggregate):
    """PostgreSQL's continuous median (``percentile_cont(0.5)``)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def count_if(condition: Q) -> Sum:
    """How many rows meet ``condition`` (0 when none) — usable over the aliases of an inner
    query, where ``Count(…, filter=…)`` would add a column to its GROUP BY."""
    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


@dataclass(frozen=True)
class Summary:
    """How many, and the median and range of a number over them (None when none)."""

    n: int
    median: float | None
    low: float | None
    high: float | None


def summary(queryset: QuerySet, value: Expression) -> Summary:
    """The count, median, minimum and maximum of ``value`` over ``queryset`` (rows where it
    is null are left out). One query on PostgreSQL, two on SQLite."""
    rows = queryset.annotate(_value=value).filter(_value__isnull=False)
    if connection.vendor == "postgresql":
        got = rows.aggregate(
            n=Count("pk"), median=Median(F("_value")), low=Min("_value"), high=Max("_value")
        )
        median = got["median"]
    else:
        got = rows.aggregate(n=Count("pk"), low=Min("_value"), high=Max("_value"))
        numbers = list(rows.values_list("_value", flat=True))
        median = statistics.median(numbers) if numbers else None
    return Summary(
        n=got["n"] or 0,
        median=None if median is None else float(median),
        low=None if got["low"] is None else float(got["low"]),
        high=None if got["high"] is None else float(got["high"]),
    )
