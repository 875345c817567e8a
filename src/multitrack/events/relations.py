"""Relations between two actors from event data: per ordered dyad and period, written once in Ibis.

Every aggregation here is one Ibis expression from the ``events`` table (the normalised schema of
:mod:`multitrack.events.schema`) to a small table, so it runs unchanged on DuckDB and on Spark
(:mod:`multitrack.events.engines` picks the backend). The small result is then finished in
Python: period labels, empty periods, means and shares (rounded to 6 decimals so that engines
that add floating-point numbers in a different order give the same figures).

Definitions (see ``docs/relations.md``):

* **dyad membership** — :mod:`multitrack.events.parties` (country for states, code prefix
  for other actors);
* **date** — the event date (``date``; GDELT ``SQLDATE``), never the publication date;
* **each event counts once** — rows are deduplicated on ``(dataset, event_id)`` after the dyad
  filter; ``unique=True`` skips that step when the store is known to hold each key once
  (``EventSource.unique``: ingest wrote every file), which halves the cost of a query;
* ``events`` — distinct events; the four quad-class counts; ``goldstein_sum`` over events with a
  score, ``goldstein_mean`` = that sum / the number of events with a score;
* ``coop_share`` = (verbal_coop + material_coop) / events;
* empty periods are listed with zero counts and empty mean and share, from the period holding
  ``start`` (or the dyad's first event) to the period holding ``end`` (or its last event).

The functions ending in ``_on`` take an :class:`~multitrack.events.engines.EventSource` instead
of a table: they answer from the store's dyad rollup (:mod:`multitrack.events.rollup`) when it
matches the stored files and both parties are states, else from the events, and run through
:meth:`EventSource.run` (SQL compiled once per query shape on DuckDB). Their figures are those
of the table functions (tests compare the routes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import pyarrow as pa

from multitrack.errors import InvalidValueError
from multitrack.events.parties import Party
from multitrack.events.periods import (
    TRUNCATE_UNIT,
    Period,
    period_label,
    period_start,
    period_starts,
)

if TYPE_CHECKING:
    from multitrack.events.engines import EventSource, RollupLevel

QUAD_COLUMNS: tuple[str, ...] = (
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
)
SERIES_COLUMNS: tuple[str, ...] = (
    "period",
    "source",
    "target",
    "events",
    *QUAD_COLUMNS,
    "goldstein_sum",
    "goldstein_mean",
    "coop_share",
)
DIGITS = 6
Datasets = str | Sequence[str] | None
#: the aggregations of a relations row from a table: :func:`measures` or :func:`summed`
Aggregate = Callable[[ir.Table], dict[str, ir.Value]]


# ------------------------------------------------------------------------------------------
# Expressions: table -> table


def _names(dataset: Datasets) -> list[str] | None:
    if dataset is None:
        return None
    return [dataset] if isinstance(dataset, str) else list(dataset)


def scope(
    events: ir.Table,
    *,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> ir.Table:
    """Events dated within ``[start, end]`` (inclusive) of the given dataset(s).

    The ``month`` partition column, when present, is filtered too so engines skip whole files.
    """
    filters: list[ir.BooleanValue] = []
    if start is not None:
        filters.append(events.date >= start)
        if "month" in events.columns:
            filters.append(events.month >= f"{start.year}-{start.month:02d}")
    if end is not None:
        filters.append(events.date <= end)
        if "month" in events.columns:
            filters.append(events.month <= f"{end.year}-{end.month:02d}")
    names = _names(dataset)
    if names is not None:
        filters.append(events.dataset.isin(names))
    return events.filter(*filters) if filters else events


#: What a country dyad's counts read of each event (one row per event keeps these).
DYAD_FIELDS = ("date", "quad_class", "goldstein", "source_country", "target_country")


def unique_events(
    events: ir.Table, columns: Iterable[str], *, keys: Sequence[str] = ()
) -> ir.Table:
    """One row per ``(dataset, event_id, *keys)``; each of ``columns`` takes its smallest value
    (duplicates of one event are identical, so this only makes the choice deterministic)."""
    group = ["dataset", "event_id", *keys]
    return events.group_by(group).aggregate(**{c: events[c].min() for c in columns})


def with_period(events: ir.Table, by: Period) -> ir.Table:
    """Adds ``period_start``: the event date truncated to the first day of its period."""
    start = events.date.truncate(TRUNCATE_UNIT[by]).cast("date")
    return events.mutate(period_start=start)


def measures(events: ir.Table) -> dict[str, ir.Value]:
    """The aggregations of a relations row (means and shares are finished in Python)."""
    quad = events.quad_class
    return {
        "events": events.count(),
        "verbal_coop": events.count(where=quad == 1),
        "material_coop": events.count(where=quad == 2),
        "verbal_conflict": events.count(where=quad == 3),
        "material_conflict": events.count(where=quad == 4),
        "goldstein_sum": events.goldstein.sum(),
        "goldstein_n": events.goldstein.count(),
        "goldstein_sq": (events.goldstein * events.goldstein).sum(),
    }


def dyad_events(events: ir.Table, source: Party, target: Party) -> ir.Table:
    """The events of the ordered dyad ``source`` → ``target``."""
    return events.filter(source.matches(events, "source"), target.matches(events, "target"))


def dyad_counts(
    events: ir.Table,
    *,
    source: Party,
    target: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
    unique: bool = False,
) -> ir.Table:
    """One dyad's counts per period that has events: ``period_start`` and :func:`measures`."""
    chosen = dyad_events(scope(events, start=start, end=end, dataset=dataset), source, target)
    if not unique:
        chosen = unique_events(chosen, ("date", "quad_class", "goldstein"))
    return _per_period(chosen, by, measures)


def _per_period(rows: ir.Table, by: Period, aggregate: Aggregate) -> ir.Table:
    """``aggregate`` of ``rows`` (events, or rollup rows) per period start, in period order."""
    t = with_period(rows, by)
    return t.group_by("period_start").aggregate(**aggregate(t)).order_by("period_start")


def dyad_table(
    events: ir.Table,
    *,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
    domestic: bool = False,
    unique: bool = False,
) -> ir.Table:
    """Every country dyad's counts per period: ``source``, ``target`` (ISO3), ``period_start``
    and :func:`measures`. Events without both countries are left out; so are domestic events
    (same country on both sides) unless ``domestic``."""
    t = scope(events, start=start, end=end, dataset=dataset)
    t = t.filter(t.source_country.notnull(), t.target_country.notnull())
    return _per_country_dyad(t, by, domestic=domestic, dedupe=not unique, aggregate=measures)


def _per_country_dyad(
    rows: ir.Table, by: Period, *, domestic: bool, dedupe: bool, aggregate: Aggregate
) -> ir.Table:
    """``aggregate`` of ``rows`` (events, or rollup rows, with both countries) per country dyad
    and period start; domestic rows left out unless ``domestic``, each event once if
    ``dedupe``."""
    t = rows
    if not domestic:
        t = t.filter(t.source_country != t.target_country)
    if dedupe:
        t = unique_events(t, DYAD_FIELDS)
    t = with_period(t.rename(source="source_country", target="target_country"), by)
    return t.group_by(["source", "target", "period_start"]).aggregate(**aggregate(t))


def summed(rollup: ir.Table) -> dict[str, ir.Value]:
    """:func:`measures` from rollup rows: the sums of their pre-aggregated columns."""
    return {
        name: rollup[name].sum().cast("float64" if name.startswith("goldstein_s") else "int64")
        for name in measures_names()
    }


def measures_names() -> tuple[str, ...]:
    from multitrack.events.rollup import MEASURES

    return MEASURES


def rollup_counts(
    rollup: ir.Table,
    *,
    source: Party,
    target: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> ir.Table:
    """:func:`dyad_counts` of two states from a dyad rollup table."""
    chosen = dyad_events(scope(rollup, start=start, end=end, dataset=dataset), source, target)
    return _per_period(chosen, by, summed)


def rollup_table(
    rollup: ir.Table,
    *,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
    domestic: bool = False,
) -> ir.Table:
    """:func:`dyad_table` from a dyad rollup table (which holds only rows with both countries)."""
    t = scope(rollup, start=start, end=end, dataset=dataset)
    return _per_country_dyad(t, by, domestic=domestic, dedupe=False, aggregate=summed)


def rollup_level(by: Period, start: date | None, end: date | None) -> RollupLevel:
    """``month`` when the month rollup answers exactly (month, quarter or year periods over
    whole months), else ``day``."""
    whole = (start is None or start.day == 1) and (
        end is None or end == date.max or (end + timedelta(days=1)).day == 1
    )
    return "month" if by in ("month", "quarter", "year") and whole else "day"


def _with(party: Party, value: str) -> Party:
    return (
        replace(party, country=value) if party.country is not None else replace(party, code=value)
    )


def _range_values(start: date | None, end: date | None, names: list[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {"start": start, "end": end}
    values.update({f"dataset{i}": n for i, n in enumerate(names or [])})
    return values


def _window(values: Mapping[str, Any], by: Period, names: list[str] | None) -> dict[str, Any]:
    """The ``by``/``start``/``end``/``dataset`` arguments from :func:`_range_values`' values."""
    return {
        "by": by,
        "start": values["start"],
        "end": values["end"],
        "dataset": None if names is None else [values[f"dataset{i}"] for i in range(len(names))],
    }


def counts_on(
    src: EventSource,
    *,
    source: Party,
    target: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> dict[date, Counts]:
    """One dyad's counts by period start, from ``src`` (rollup when it can answer)."""
    names = _names(dataset)
    states = source.country is not None and target.country is not None
    level = rollup_level(by, start, end)
    rollup = states and src.has_rollup(level)
    values = _range_values(start, end, names)
    values["a"] = source.country if source.country is not None else source.code
    values["b"] = target.country if target.country is not None else target.code
    shape = (
        "dyad_counts",
        level if rollup else "events",
        source.country is None,
        target.country is None,
        by,
        start is None,
        end is None,
        None if names is None else len(names),
        src.unique,
    )

    def build(v: Mapping[str, Any]) -> ir.Table:
        a, b = _with(source, v["a"]), _with(target, v["b"])
        window = _window(v, by, names)
        table = src.rollup(level) if rollup else None
        if table is not None:
            return rollup_counts(table, source=a, target=b, **window)
        return dyad_counts(src.events, source=a, target=b, unique=src.unique, **window)

    return counts_of(src.run(shape, build, values))


def series_on(
    src: EventSource,
    source: Party,
    target: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> DyadSeries:
    """:func:`dyad_series` from an event source (rollup when it can answer)."""
    counts = counts_on(
        src, source=source, target=target, by=by, start=start, end=end, dataset=dataset
    )
    return _series(counts, source, target, by, start, end)


def table_on(
    src: EventSource,
    *,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
    domestic: bool = False,
) -> pa.Table:
    """:func:`dyad_table` from an event source, executed (rollup when there is one)."""
    names = _names(dataset)
    level = rollup_level(by, start, end)
    rollup = src.has_rollup(level)
    values = _range_values(start, end, names)
    shape = (
        "dyad_table",
        level if rollup else "events",
        by,
        start is None,
        end is None,
        None if names is None else len(names),
        domestic,
        src.unique,
    )

    def build(v: Mapping[str, Any]) -> ir.Table:
        window = _window(v, by, names)
        table = src.rollup(level) if rollup else None
        if table is not None:
            return rollup_table(table, domestic=domestic, **window)
        return dyad_table(src.events, domestic=domestic, unique=src.unique, **window)

    return src.run(shape, build, values)


# ------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Counts:
    events: int = 0
    verbal_coop: int = 0
    material_coop: int = 0
    verbal_conflict: int = 0
    material_conflict: int = 0
    goldstein_sum: float = 0.0
    goldstein_n: int = 0
    goldstein_sq: float = 0.0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Counts:
        return cls(
            events=int(row["events"]),
            verbal_coop=int(row["verbal_coop"]),
            material_coop=int(row["material_coop"]),
            verbal_conflict=int(row["verbal_conflict"]),
            material_conflict=int(row["material_conflict"]),
            goldstein_sum=float(row["goldstein_sum"] or 0.0),
            goldstein_n=int(row["goldstein_n"]),
            goldstein_sq=float(row["goldstein_sq"] or 0.0),
        )

    @property
    def goldstein_mean(self) -> float | None:
        return round(self.goldstein_sum / self.goldstein_n, DIGITS) if self.goldstein_n else None

    @property
    def goldstein_sd(self) -> float | None:
        """The spread of the scores within the period (population SD; warnings use it)."""
        if self.goldstein_n < 2:
            return None
        mean = self.goldstein_sum / self.goldstein_n
        return round(
            math.sqrt(max(self.goldstein_sq / self.goldstein_n - mean * mean, 0.0)), DIGITS
        )

    @property
    def coop_share(self) -> float | None:
        if not self.events:
            return None
        return round((self.verbal_coop + self.material_coop) / self.events, DIGITS)


@dataclass(frozen=True)
class PeriodRow:
    """One line of a relations series; :attr:`record` has exactly :data:`SERIES_COLUMNS`."""

    start: date
    period: str
    source: str
    target: str
    events: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    coop_share: float | None
    #: not a column: the within-period spread of Goldstein scores (for early warnings)
    goldstein_sd: float | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, start: date, by: Period, source: str, target: str, c: Counts) -> PeriodRow:
        return cls(
            start=start,
            period=period_label(start, by),
            source=source,
            target=target,
            events=c.events,
            verbal_coop=c.verbal_coop,
            material_coop=c.material_coop,
            verbal_conflict=c.verbal_conflict,
            material_conflict=c.material_conflict,
            goldstein_sum=round(c.goldstein_sum, DIGITS) + 0.0,
            goldstein_mean=c.goldstein_mean,
            coop_share=c.coop_share,
            goldstein_sd=c.goldstein_sd,
        )

    @property
    def record(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in SERIES_COLUMNS}

    @property
    def material_conflict_share(self) -> float | None:
        return self.material_conflict / self.events if self.events else None


SERIES_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("source", pa.string()),
        ("target", pa.string()),
        *((c, pa.int64()) for c in ("events", *QUAD_COLUMNS)),
        ("goldstein_sum", pa.float64()),
        ("goldstein_mean", pa.float64()),
        ("coop_share", pa.float64()),
    ]
)


@dataclass(frozen=True)
class DyadSeries:
    """A dyad's relations, one row per period, empty periods included."""

    source: Party
    target: Party
    by: Period
    rows: tuple[PeriodRow, ...]

    def records(self) -> list[dict[str, Any]]:
        return [row.record for row in self.rows]

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pylist(self.records(), schema=SERIES_SCHEMA)


def as_date(value: object) -> date:
    """A date from what an engine returns for a date column (date, datetime or pandas stamp)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if to_pydatetime is not None:
        result: datetime = to_pydatetime()
        return result.date()
    raise TypeError(f"not a date: {value!r}")


def fetch_counts(expr: ir.Table) -> dict[date, Counts]:
    """Executes a :func:`dyad_counts` expression: counts by period start."""
    return counts_of(expr.to_pyarrow())


def counts_of(table: pa.Table) -> dict[date, Counts]:
    """Counts by period start from the executed result of a :func:`dyad_counts` expression."""
    return {as_date(row["period_start"]): Counts.of(row) for row in table.to_pylist()}


def fill(
    counts: dict[date, Counts],
    *,
    by: Period,
    source: str,
    target: str,
    first: date | None,
    last: date | None,
) -> tuple[PeriodRow, ...]:
    """Every period from ``first`` (else the first with events) to ``last`` (else the last with
    events), empty ones with zero counts; no rows when there is no range at all."""
    lo = first if first is not None else (min(counts) if counts else None)
    hi = last if last is not None else (max(counts) if counts else None)
    if lo is None or hi is None:
        return ()
    if period_start(lo, by) > period_start(hi, by):
        raise InvalidValueError("from", f"{lo} is after {hi}")
    empty = Counts()
    return tuple(
        PeriodRow.build(s, by, source, target, counts.get(s, empty))
        for s in period_starts(lo, hi, by)
    )


def dyad_series(
    events: ir.Table,
    source: Party,
    target: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
    unique: bool = False,
) -> DyadSeries:
    """The relations of ``source`` → ``target`` per period (columns :data:`SERIES_COLUMNS`)."""
    expr = dyad_counts(
        events,
        source=source,
        target=target,
        by=by,
        start=start,
        end=end,
        dataset=dataset,
        unique=unique,
    )
    return _series(fetch_counts(expr), source, target, by, start, end)


def _series(
    counts: dict[date, Counts],
    source: Party,
    target: Party,
    by: Period,
    start: date | None,
    end: date | None,
) -> DyadSeries:
    rows = fill(counts, by=by, source=source.label, target=target.label, first=start, last=end)
    return DyadSeries(source=source, target=target, by=by, rows=rows)
