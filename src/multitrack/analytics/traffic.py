"""The event side of coverage: a focal actor's event traffic by counterpart and sector over a
window, and the trend of a dyad in both directions.

Counterparts are the registry actors the other side of each event resolves to
(:class:`multitrack.events.registry.ActorResolver`: longest CAMEO prefix, then the code's
country, then the event's country), folded into whom they speak for; sectors come from the
events' CAMEO codes through the shipped mapping (:func:`multitrack.taxonomy.map_event_code`).
Each event counts once (deduplicated on its dataset and id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.events.parties import Party
from multitrack.model import Actor
from multitrack.services.brief import counterpart

if TYPE_CHECKING:  # Ibis loads with the event analytics: only when an event store is used
    from multitrack.events.relations import DyadSeries
    from multitrack.events.trends import Trend
    from multitrack.services.event_tables import EventTables


@dataclass(frozen=True)
class Traffic:
    """Events between the focal actor and a counterpart (both directions) in the window."""

    events: int = 0
    conflict: int = 0

    @property
    def conflict_share(self) -> float:
        return self.conflict / self.events if self.events else 0.0

    def plus(self, events: int, conflict: int) -> Traffic:
        return Traffic(self.events + events, self.conflict + conflict)


def event_window(tables: EventTables, today: date, months: int) -> tuple[date, date] | None:
    """The ``months`` calendar months ending with the latest event on or before ``today``."""

    def latest(source: Any) -> date | None:
        from multitrack.events.relations import as_date

        value = source.events.filter(source.events.date <= today).date.max().execute()
        return None if value is None or value != value else as_date(value)  # NaT != NaT

    end = tables.cached(("coverage-latest", today), latest)
    if end is None:
        return None
    month = end.year * 12 + end.month - 1 - (months - 1)
    return date(month // 12, month % 12 + 1, 1), end


def _traffic_rows(
    tables: EventTables, focal: Party, start: date, end: date
) -> list[dict[str, Any]]:
    """Per counterpart code, country and event code: events and conflict events."""

    def compute(source: Any) -> list[dict[str, Any]]:
        from multitrack.events.relations import scope, unique_events

        t = scope(source.events, start=start, end=end)
        sides = []
        for own, other in (("source", "target"), ("target", "source")):
            mine = focal.matches(t, own).fill_null(False)  # type: ignore[arg-type]
            theirs = focal.matches(t, other).fill_null(False)  # type: ignore[arg-type]
            side = t.filter(mine, ~theirs)
            side = side.mutate(
                other_code=side[f"{other}_code"].fill_null(""),
                other_country=side[f"{other}_country"].fill_null(""),
                code=side.event_code.fill_null(""),
            )
            sides.append(unique_events(side, ("other_code", "other_country", "code", "quad_class")))
        both = sides[0].union(sides[1])
        grouped = both.group_by(["other_code", "other_country", "code"]).aggregate(
            events=both.count(), conflict=both.count(where=both.quad_class >= 3)
        )
        rows: list[dict[str, Any]] = grouped.to_pyarrow().to_pylist()
        return rows

    return tables.cached(("coverage-traffic", focal, start, end), compute)


def _sector_of(code: str, cache: dict[str, str | None]) -> str | None:
    if code not in cache:
        from multitrack.taxonomy import map_event_code

        try:
            cache[code] = map_event_code(code).sector
        except InvalidValueError:
            cache[code] = None
    return cache[code]


def traffic_by_counterpart(
    session: Session,
    tables: EventTables,
    focal: Party,
    family: set[uuid.UUID],
    start: date,
    end: date,
) -> tuple[dict[uuid.UUID, Actor], dict[tuple[uuid.UUID, str], Traffic]]:
    """Event traffic by (counterpart, sector), counterparts resolved through the registry."""
    from multitrack.events.registry import ActorResolver

    resolver = ActorResolver.from_session(session)
    rows = _traffic_rows(tables, focal, start, end)
    resolved: dict[str, uuid.UUID | None] = {}
    keys = {(r["other_code"], r["other_country"]) for r in rows}
    ids: dict[tuple[str, str], str] = {}
    for code, country in keys:
        found = resolver.resolve(code or None, country or None)
        if found is not None:
            ids[(code, country)] = found.actor.id
    actors = {
        str(a.id): a
        for a in session.scalars(
            select(Actor).where(Actor.id.in_([uuid.UUID(i) for i in set(ids.values())]))
        ).unique()
    }
    folded: dict[uuid.UUID, Actor] = {}
    for key, actor_id in ids.items():
        actor = actors.get(actor_id)
        if actor is None:
            continue
        other = counterpart(session, actor)
        if other.id in family:
            continue
        folded[other.id] = other
        resolved[f"{key[0]}\x00{key[1]}"] = other.id
    sectors: dict[str, str | None] = {}
    traffic: dict[tuple[uuid.UUID, str], Traffic] = {}
    for row in rows:
        other_id = resolved.get(f"{row['other_code']}\x00{row['other_country']}")
        sector = _sector_of(row["code"], sectors)
        if other_id is None or sector is None:
            continue
        key2 = (other_id, sector)
        traffic[key2] = traffic.get(key2, Traffic()).plus(int(row["events"]), int(row["conflict"]))
    return folded, traffic


def dyad_trends(
    tables: EventTables, a: Party, b: Party, start: date, end: date, months: int
) -> list[tuple[Trend, int]]:
    """The trend of each direction of the dyad, with the events it rests on."""
    from multitrack.events.trends import trend
    from multitrack.services.relations import series

    def one(source: Party, target: Party) -> tuple[Trend, int]:
        def compute(opened: Any) -> DyadSeries:
            return series(opened, source, target, "month", start, end)

        rows = tables.cached(("coverage-series", source, target, start, end), compute)
        return trend(rows, window=months), sum(r.events for r in rows.rows)

    return [one(a, b), one(b, a)]
