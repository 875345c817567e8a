"""Relations from the event store for long-running shells (the API, the web pages).

The CLI opens the event store once per command; a server answers many queries, so this keeps
one DuckDB connection per thread and per event store (a DuckDB connection must not be shared
between threads), reopened when the store's catalogue changes (an ingest), and remembers the
answers of recent queries for the same catalogue. The figures are those of
:func:`multitrack.events.relations.dyad_series` and friends: the same columns as
``multitrack relations``, ``partners`` and ``watch``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError
from multitrack.events.engines import EventSource
from multitrack.events.parties import Party, resolve_party
from multitrack.events.partners import PartnerLevel, top_partners
from multitrack.events.periods import Period, period_start, period_starts
from multitrack.events.relations import (
    Counts,
    DyadSeries,
    PeriodRow,
    counts_on,
)
from multitrack.events.warnings import watch
from multitrack.services.event_tables import EventTables

#: The most periods one series may have (a day-by-day series over 50 years is ~18,000).
MAX_PERIODS = 20_000
_APPROX_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 28, "quarter": 89, "year": 365}

T = TypeVar("T")


def party(session: Session, ref: str, *, field: str) -> Party:
    """An actor reference as a match spec; unknown, hidden and ambiguous refs are all 422."""
    try:
        return resolve_party(session, ref)
    except (NotFoundError, AmbiguousError) as error:
        raise InvalidValueError(field, str(error)) from None


def party_record(p: Party) -> dict[str, Any]:
    return {"label": p.label, "name": p.name, "country": p.country, "code": p.code}


def _check_span(first: date, last: date, by: Period) -> None:
    if (last - first).days // _APPROX_DAYS[by] > MAX_PERIODS:
        raise InvalidValueError(
            "by", f"{first} to {last} by {by} is more than {MAX_PERIODS} periods: narrow it"
        )


def series(
    source: EventSource,
    a: Party,
    b: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: str | None = None,
) -> DyadSeries:
    """:func:`multitrack.events.relations.dyad_series`, refusing a range too long to list."""
    counts = counts_on(source, source=a, target=b, by=by, start=start, end=end, dataset=dataset)
    lo = start if start is not None else (min(counts) if counts else None)
    hi = end if end is not None else (max(counts) if counts else None)
    if lo is None or hi is None:
        return DyadSeries(source=a, target=b, by=by, rows=())
    if period_start(lo, by) > period_start(hi, by):
        raise InvalidValueError("from", f"{lo} is after {hi}")
    _check_span(lo, hi, by)
    empty = Counts()
    rows = tuple(
        PeriodRow.build(s, by, a.label, b.label, counts.get(s, empty))
        for s in period_starts(lo, hi, by)
    )
    return DyadSeries(source=a, target=b, by=by, rows=rows)


def relations_records(
    tables: EventTables,
    a: Party,
    b: Party,
    by: Period,
    start: date | None,
    end: date | None,
    dataset: str | None,
) -> list[dict[str, Any]]:
    return tables.cached(
        ("relations", a, b, by, start, end, dataset),
        lambda source: series(source, a, b, by, start, end, dataset).records(),
    )


def partner_records(
    tables: EventTables,
    actor: Party,
    top: int,
    level: PartnerLevel,
    start: date | None,
    end: date | None,
    dataset: str | None,
) -> list[dict[str, Any]]:
    return tables.cached(
        ("partners", actor, top, level, start, end, dataset),
        lambda source: [
            r.record for r in top_partners(source.events, actor, top, level, start, end, dataset)
        ],
    )


def warning_records(
    tables: EventTables, by: Period, top: int, as_of: date | None, dataset: str | None
) -> list[dict[str, Any]]:
    return tables.cached(
        ("watch", by, top, as_of, dataset),
        lambda source: [
            w.record for w in watch(source.events, by=by, top=top, as_of=as_of, dataset=dataset)
        ],
    )
