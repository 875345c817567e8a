"""Period labels, boundaries and range bounds; engine truncation agrees with the Python rules."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa
import pytest

from multitrack.errors import InvalidValueError
from multitrack.events.engines import memory_source
from multitrack.events.periods import (
    PERIODS,
    Period,
    check_period,
    next_start,
    parse_bound,
    period_label,
    period_start,
    period_starts,
)
from multitrack.events.relations import as_date, with_period


@pytest.mark.parametrize(
    ("day", "by", "label"),
    [
        (date(2015, 2, 18), "day", "2015-02-18"),
        (date(2015, 2, 18), "week", "2015-W08"),
        (date(2015, 2, 18), "month", "2015-02"),
        (date(2015, 2, 18), "quarter", "2015-Q1"),
        (date(2015, 2, 18), "year", "2015"),
        (date(2015, 12, 31), "week", "2015-W53"),  # Thursday of ISO 2015-W53
        (date(2016, 1, 3), "week", "2015-W53"),  # Sunday: still ISO year 2015
        (date(2016, 1, 4), "week", "2016-W01"),
        (date(2021, 1, 3), "week", "2020-W53"),  # Sunday of ISO 2020-W53
        (date(2021, 1, 4), "week", "2021-W01"),
        (date(2018, 12, 31), "week", "2019-W01"),  # a Monday in ISO year 2019
        (date(2019, 12, 30), "week", "2020-W01"),
        (date(2019, 10, 1), "quarter", "2019-Q4"),
        (date(2019, 9, 30), "quarter", "2019-Q3"),
        (date(2020, 2, 29), "month", "2020-02"),
    ],
)
def test_label_of_the_period_holding_a_day(day: date, by: Period, label: str) -> None:
    assert period_label(period_start(day, by), by) == label


@pytest.mark.parametrize(
    ("start", "by", "following"),
    [
        (date(2015, 12, 31), "day", date(2016, 1, 1)),
        (date(2015, 12, 28), "week", date(2016, 1, 4)),
        (date(2015, 12, 1), "month", date(2016, 1, 1)),
        (date(2015, 10, 1), "quarter", date(2016, 1, 1)),
        (date(2015, 1, 1), "year", date(2016, 1, 1)),
    ],
)
def test_next_period_crosses_the_year(start: date, by: Period, following: date) -> None:
    assert next_start(start, by) == following


def test_period_starts_cover_the_range_inclusively() -> None:
    months = period_starts(date(2015, 11, 20), date(2016, 2, 3), "month")
    assert [period_label(m, "month") for m in months] == [
        "2015-11",
        "2015-12",
        "2016-01",
        "2016-02",
    ]
    weeks = period_starts(date(2020, 12, 30), date(2021, 1, 11), "week")
    assert [period_label(w, "week") for w in weeks] == ["2020-W53", "2021-W01", "2021-W02"]
    assert period_starts(date(2015, 3, 1), date(2015, 3, 1), "quarter") == [date(2015, 1, 1)]


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2015-02-18", False, date(2015, 2, 18)),
        ("2015-02", False, date(2015, 2, 1)),
        ("2015-02", True, date(2015, 2, 28)),
        ("2016-02", True, date(2016, 2, 29)),
        ("2015", False, date(2015, 1, 1)),
        ("2015", True, date(2015, 12, 31)),
    ],
)
def test_range_bounds(text: str, end: bool, expected: date) -> None:
    assert parse_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["2015-13", "2015-02-30", "yesterday", "15-02-01"])
def test_bad_bounds_are_refused(text: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_bound(text, field="from")


def test_unknown_period_is_refused() -> None:
    assert check_period("week") == "week"
    with pytest.raises(InvalidValueError, match="unknown period 'fortnight'"):
        check_period("fortnight")


def test_duckdb_truncation_matches_the_python_rules_every_day() -> None:
    """Every day from 2014-12-20 to 2021-01-15 lands in the same period on the engine."""
    days = [date(2014, 12, 20) + timedelta(days=i) for i in range(2219)]
    table = pa.table({"date": pa.array(days, pa.date32())})
    events = memory_source(table).events
    for by in PERIODS:
        result = with_period(events, by).order_by("date").to_pyarrow().to_pylist()
        got = [as_date(row["period_start"]) for row in result]
        assert got == [period_start(d, by) for d in days], by
