"""Event-data evidence about third parties of a dyad, and the most conflictual dyads.

Two Ibis expressions over the normalised ``events`` table (so they run on DuckDB and on Spark):

* :func:`third_party_counts` -- for one side of a dyad (a
  :class:`~multitrack.events.parties.Party`), every country it has events with, in each
  direction: events, cooperative events (quad classes 1-2), military cooperation (CAMEO 062
  *cooperate militarily*, 072 *provide military aid*) and sanctions (CAMEO 163 *impose
  embargo, boycott, or sanctions*);
* :func:`conflict_dyad_counts` -- every unordered pair of countries with its conflictual events
  (quad classes 3-4) in both directions.

Each event counts once (deduplicated on ``(dataset, event_id)`` unless the store is known to hold
each key once), as in :mod:`multitrack.events.relations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir

from multitrack.events.parties import Party, Side
from multitrack.events.relations import unique_events

MILITARY_CODES: tuple[str, ...] = ("062", "072")
SANCTION_CODES: tuple[str, ...] = ("163",)
Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Flow:
    """Events of one direction between a side and a third country."""

    events: int = 0
    coop: int = 0
    military: int = 0
    sanctions: int = 0

    def __add__(self, other: Flow) -> Flow:
        return Flow(
            self.events + other.events,
            self.coop + other.coop,
            self.military + other.military,
            self.sanctions + other.sanctions,
        )


@dataclass(frozen=True)
class SideFlows:
    """A side's events with one third country: ``out`` (side → third) and ``into`` (third →
    side)."""

    out: Flow = Flow()
    into: Flow = Flow()

    @property
    def both(self) -> Flow:
        return self.out + self.into

    def record(self) -> dict[str, Any]:
        return {
            "to_third": vars(self.out).copy(),
            "from_third": vars(self.into).copy(),
        }


def _starts_with_any(column: ir.StringValue, codes: tuple[str, ...]) -> ir.BooleanValue:
    test: ir.BooleanValue = column.startswith(codes[0])
    for code in codes[1:]:
        test = test | column.startswith(code)
    return test


def _flows(events: ir.Table, side: Party, direction: Direction, unique: bool) -> ir.Table:
    mine: Side = "source" if direction == "out" else "target"
    theirs: Side = "target" if direction == "out" else "source"
    third = f"{theirs}_country"
    t = events.filter(side.matches(events, mine), events[third].notnull())
    if side.country is not None:
        t = t.filter(t[third] != side.country)
    if not unique:
        t = unique_events(t, ("quad_class", "event_code", third))
    code = t.event_code
    return t.group_by(third=t[third]).aggregate(
        events=t.count(),
        coop=t.count(where=t.quad_class <= 2),
        military=t.count(where=_starts_with_any(code, MILITARY_CODES)),
        sanctions=t.count(where=_starts_with_any(code, SANCTION_CODES)),
    )


def _flow(row: dict[str, Any]) -> Flow:
    return Flow(
        events=int(row["events"]),
        coop=int(row["coop"]),
        military=int(row["military"]),
        sanctions=int(row["sanctions"]),
    )


def third_party_counts(events: ir.Table, side: Party, *, unique: bool) -> dict[str, SideFlows]:
    """Third country (ISO3) -> the side's events with it, both directions."""
    out = {
        r["third"]: _flow(r) for r in _flows(events, side, "out", unique).to_pyarrow().to_pylist()
    }
    into = {
        r["third"]: _flow(r) for r in _flows(events, side, "in", unique).to_pyarrow().to_pylist()
    }
    return {
        third: SideFlows(out=out.get(third, Flow()), into=into.get(third, Flow()))
        for third in sorted(set(out) | set(into))
    }


@dataclass(frozen=True)
class ConflictDyad:
    """An unordered pair of countries and its events in both directions."""

    a: str
    b: str
    events: int
    conflict: int
    goldstein_mean: float | None

    @property
    def conflict_share(self) -> float:
        return round(self.conflict / self.events, 6) if self.events else 0.0

    def record(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "events": self.events,
            "conflict_events": self.conflict,
            "conflict_share": self.conflict_share,
            "goldstein_mean": self.goldstein_mean,
        }


def conflict_dyad_counts(events: ir.Table, *, unique: bool) -> list[ConflictDyad]:
    """Every pair of different countries with events, most conflictual events first (ties:
    the larger conflict share, then the codes)."""
    t = events.filter(
        events.source_country.notnull(),
        events.target_country.notnull(),
        events.source_country != events.target_country,
    )
    if not unique:
        t = unique_events(t, ("quad_class", "goldstein", "source_country", "target_country"))
    rows = (
        t.group_by(source=t.source_country, target=t.target_country)
        .aggregate(
            events=t.count(),
            conflict=t.count(where=t.quad_class >= 3),
            goldstein_sum=t.goldstein.sum(),
            goldstein_n=t.goldstein.count(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    pairs: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        key = (min(r["source"], r["target"]), max(r["source"], r["target"]))
        total = pairs.setdefault(key, [0, 0, 0.0, 0])
        total[0] += int(r["events"])
        total[1] += int(r["conflict"])
        total[2] += float(r["goldstein_sum"] or 0.0)
        total[3] += int(r["goldstein_n"])
    dyads = [
        ConflictDyad(
            a=a,
            b=b,
            events=int(n),
            conflict=int(c),
            goldstein_mean=round(g / gn, 6) if gn else None,
        )
        for (a, b), (n, c, g, gn) in pairs.items()
        if c > 0
    ]
    dyads.sort(key=lambda d: (-d.conflict, -d.conflict_share, d.a, d.b))
    return dyads
