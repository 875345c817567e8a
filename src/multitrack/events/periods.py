"""Periods of a relations series: day, ISO week, month, quarter, year.

A period is identified by its first day (``start``); labels are derived from it in Python:

=========  ==============  ===========================================================
``by``     label           first day
=========  ==============  ===========================================================
day        ``2015-02-18``  the day itself
week       ``2015-W08``    the Monday of the ISO 8601 week; the label uses the ISO *year*
                           (2015-12-31 is in ``2015-W53``, 2021-01-03 is in ``2020-W53``)
month      ``2015-02``     the first of the month
quarter    ``2015-Q1``     the first day of January, April, July or October
year       ``2015``        1 January
=========  ==============  ===========================================================

The engines truncate event dates to the first day (``date_trunc``: DuckDB and Spark both start
weeks on Monday, as ISO 8601 does), so labels never depend on an engine's week-numbering rules.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal, get_args

from multitrack.errors import InvalidValueError

Period = Literal["day", "week", "month", "quarter", "year"]
PERIODS: tuple[Period, ...] = get_args(Period)

#: Ibis truncation units for each period.
TRUNCATE_UNIT: dict[Period, str] = {
    "day": "D",
    "week": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
}


def check_period(value: str) -> Period:
    for period in PERIODS:
        if value == period:
            return period
    raise InvalidValueError("by", f"unknown period {value!r}; use one of {', '.join(PERIODS)}")


def period_start(day: date, by: Period) -> date:
    """The first day of the period ``day`` falls in."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    if by == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_start(start: date, by: Period) -> date:
    """The first day of the period after the one starting on ``start``."""
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_end(start: date, by: Period) -> date:
    """The last day of the period starting on ``start``."""
    return next_start(start, by) - timedelta(days=1)


def period_label(start: date, by: Period) -> str:
    """``2015-02-18``, ``2015-W08``, ``2015-02``, ``2015-Q1`` or ``2015``."""
    if by == "day":
        return start.isoformat()
    if by == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if by == "month":
        return f"{start.year}-{start.month:02d}"
    if by == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def period_starts(first: date, last: date, by: Period) -> list[date]:
    """Every period's first day from the period holding ``first`` to the one holding ``last``."""
    current, stop = period_start(first, by), period_start(last, by)
    starts: list[date] = []
    while current <= stop:
        starts.append(current)
        current = next_start(current, by)
    return starts


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_bound(text: str, *, end: bool = False, field: str = "date") -> date:
    """A range bound: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` meaning that month's or year's
    first day (``end=False``) or last day (``end=True``)."""
    match = _DATE.match(text.strip())
    if match is None:
        raise InvalidValueError(field, f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = match.groups()
    try:
        if day is not None:
            return date(int(year), int(month), int(day))
        if month is not None:
            first = date(int(year), int(month), 1)
            return period_end(first, "month") if end else first
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    except ValueError as error:
        raise InvalidValueError(field, f"{text!r}: {error}") from None
