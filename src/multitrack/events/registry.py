"""Event actors resolved to registry actors, and event codes to engagement kinds and sectors.

**Actors.** One side of an event (its coder's actor code and its country) resolves to a registry
actor by the first rule that finds one:

1. ``code``: the registry actor whose CAMEO code is the **longest prefix** of the event's actor
   code — ``IGOUNOKID`` → the actor coded ``IGOUNO`` (United Nations); ``USAGOV`` → ``USA`` (the
   United States) unless an actor is coded ``USAGOV`` itself;
2. ``code-country``: else the state whose ISO3 is the code's first three letters;
3. ``country``: else the state whose ISO3 is the event's country (GDELT ``Actor1CountryCode``).

**Codes.** Each event's CAMEO code maps through the shipped table
(:mod:`multitrack.taxonomy.cameo`, most specific entry wins); a code that is not CAMEO (PLOVER
types) maps through its root code.

:func:`mapping_report` measures both over the event store in DuckDB: the distinct (code, country)
keys are resolved in Python (thousands, not millions), everything else is SQL over the Parquet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from multitrack.events.store import EventStore
from multitrack.model import Actor
from multitrack.taxonomy.cameo import code_mappings

Rule = Literal["code", "code-country", "country"]


@dataclass(frozen=True)
class RegistryActor:
    id: str
    name: str
    kind: str
    iso3: str | None = None
    cameo_code: str | None = None


@dataclass(frozen=True)
class Resolution:
    actor: RegistryActor
    rule: Rule


class ActorResolver:
    """Resolves event actor codes and countries to registry actors (see the module doc)."""

    def __init__(self, actors: Iterable[RegistryActor]) -> None:
        self._by_code: dict[str, RegistryActor] = {}
        self._states: dict[str, RegistryActor] = {}
        for actor in sorted(actors, key=lambda a: (a.kind != "state", a.name, a.id)):
            if actor.cameo_code:
                self._by_code.setdefault(actor.cameo_code.strip().upper(), actor)
            if actor.kind == "state" and actor.iso3:
                self._states.setdefault(actor.iso3.upper(), actor)
        self._longest = max((len(c) for c in self._by_code), default=0)

    @classmethod
    def from_session(cls, session: Session) -> ActorResolver:
        """Every actor the session may see that has an ISO3 or a CAMEO code."""
        rows = session.scalars(
            select(Actor).where(or_(Actor.iso3.is_not(None), Actor.cameo_code.is_not(None)))
        )
        return cls(
            RegistryActor(str(a.id), a.name, a.kind, a.iso3, a.cameo_code) for a in rows.unique()
        )

    def by_code(self, code: str | None) -> RegistryActor | None:
        """The actor whose CAMEO code is the longest prefix of ``code``."""
        text = (code or "").strip().upper()
        for length in range(min(len(text), self._longest), 0, -1):
            actor = self._by_code.get(text[:length])
            if actor is not None:
                return actor
        return None

    def state(self, iso3: str | None) -> RegistryActor | None:
        return self._states.get((iso3 or "").strip().upper())

    def resolve(self, code: str | None = None, country: str | None = None) -> Resolution | None:
        """The registry actor of one event side, and the rule that found it; None if none."""
        actor = self.by_code(code)
        if actor is not None:
            return Resolution(actor, "code")
        text = (code or "").strip()
        if len(text) >= 3:
            actor = self.state(text[:3])
            if actor is not None:
                return Resolution(actor, "code-country")
        actor = self.state(country)
        return Resolution(actor, "country") if actor is not None else None


def resolve_event_actor(
    session: Session, code: str | None = None, country: str | None = None
) -> RegistryActor | None:
    """The registry actor of an event side (one-off; build an :class:`ActorResolver` for many)."""
    found = ActorResolver.from_session(session).resolve(code, country)
    return found.actor if found else None


# ------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class CodeCount:
    code: str
    events: int


@dataclass(frozen=True)
class KindCount:
    kind: str | None  # None: a marker (conflict) or an unmapped code
    marker: str | None
    sector: str | None
    events: int
    share: float

    @property
    def label(self) -> str:
        if self.kind:
            return self.kind
        return f"({self.marker})" if self.marker else "(unmapped)"


@dataclass(frozen=True)
class DatasetMapping:
    dataset: str
    events: int
    source_resolved: int
    target_resolved: int
    both_resolved: int
    unresolved: tuple[CodeCount, ...] = field(default=())
    kinds: tuple[KindCount, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["unresolved"] = [asdict(c) for c in self.unresolved]
        data["kinds"] = [asdict(k) for k in self.kinds]
        return data


NONE_LABEL = "(no actor)"


def _resolved_table(con: duckdb.DuckDBPyConnection, resolver: ActorResolver) -> None:
    """``resolved(code, country, actor_id, actor, rule)`` for every distinct side key."""
    keys = con.execute("SELECT DISTINCT code, country FROM sides ORDER BY code, country").fetchall()
    codes, countries, ids, names, rules = [], [], [], [], []
    for code, country in keys:
        found = resolver.resolve(code or None, country or None)
        codes.append(code)
        countries.append(country)
        ids.append(found.actor.id if found else None)
        names.append(found.actor.name if found else None)
        rules.append(found.rule if found else None)
    table = pa.table(
        {"code": codes, "country": countries, "actor_id": ids, "actor": names, "rule": rules},
        schema=pa.schema(
            [(n, pa.string()) for n in ("code", "country", "actor_id", "actor", "rule")]
        ),
    )
    con.register("resolved_keys", table)
    con.execute("CREATE TEMP TABLE resolved AS SELECT * FROM resolved_keys")
    con.unregister("resolved_keys")


def _code_map_table(con: duckdb.DuckDBPyConnection) -> None:
    """``cameo_map(code, kind, marker, sector, rule)`` for every CAMEO code (roots included)."""
    mappings = code_mappings()
    table = pa.table(
        {
            "code": list(mappings),
            "kind": [m.kind for m in mappings.values()],
            "marker": [m.marker for m in mappings.values()],
            "sector": [m.sector for m in mappings.values()],
            "rule": [m.rule_code for m in mappings.values()],
        },
        schema=pa.schema([(n, pa.string()) for n in ("code", "kind", "marker", "sector", "rule")]),
    )
    con.register("cameo_map_rows", table)
    con.execute("CREATE TEMP TABLE cameo_map AS SELECT * FROM cameo_map_rows")
    con.unregister("cameo_map_rows")


def mapping_report(
    session: Session, events_dir: Path, dataset: str | None = None, *, top: int = 10
) -> list[DatasetMapping]:
    """Per dataset: events whose source / target / both resolve to registry actors, the ``top``
    unresolved codes (code, else country, else ``(no actor)``; both sides counted), and the events'
    distribution over engagement kinds and sectors through the CAMEO mapping."""
    store = EventStore(events_dir)
    if store.is_empty(dataset):
        return []
    resolver = ActorResolver.from_session(session)
    con = store.connect()
    try:
        where = "WHERE dataset = ?" if dataset else ""
        params = [dataset] if dataset else []
        con.execute(
            f"""CREATE TEMP TABLE sides AS
            SELECT dataset, coalesce(source_code, '') AS code,
                   coalesce(source_country, '') AS country, count(*) AS n
            FROM events {where} GROUP BY ALL
            UNION ALL
            SELECT dataset, coalesce(target_code, ''), coalesce(target_country, ''), count(*)
            FROM events {where} GROUP BY ALL""",
            params * 2,
        )
        _resolved_table(con, resolver)
        _code_map_table(con)
        totals = con.execute(
            f"""SELECT e.dataset, count(*),
                   count(rs.actor_id), count(rt.actor_id),
                   count(*) FILTER (WHERE rs.actor_id IS NOT NULL AND rt.actor_id IS NOT NULL)
            FROM events e
            LEFT JOIN resolved rs ON rs.code = coalesce(e.source_code, '')
                                 AND rs.country = coalesce(e.source_country, '')
            LEFT JOIN resolved rt ON rt.code = coalesce(e.target_code, '')
                                 AND rt.country = coalesce(e.target_country, '')
            {where.replace("dataset", "e.dataset")}
            GROUP BY e.dataset ORDER BY e.dataset""",
            params,
        ).fetchall()
        unresolved: dict[str, list[CodeCount]] = {}
        for name, label, events in con.execute(
            f"""SELECT dataset, label, events FROM (
                SELECT s.dataset,
                       coalesce(nullif(s.code, ''), nullif(s.country, ''), '{NONE_LABEL}') AS label,
                       sum(s.n)::BIGINT AS events
                FROM sides s JOIN resolved r USING (code, country)
                WHERE r.actor_id IS NULL GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY events DESC, label) <= {top}
            ORDER BY dataset, events DESC, label"""
        ).fetchall():
            unresolved.setdefault(name, []).append(CodeCount(label, int(events)))
        kinds: dict[str, list[KindCount]] = {}
        for name, kind, marker, sector, events, share in con.execute(
            f"""SELECT dataset, kind, marker, sector, events,
                       events / sum(events) OVER (PARTITION BY dataset) AS share
            FROM (
                SELECT e.dataset,
                       CASE WHEN m.rule IS NOT NULL THEN m.kind ELSE r.kind END AS kind,
                       CASE WHEN m.rule IS NOT NULL THEN m.marker ELSE r.marker END AS marker,
                       CASE WHEN m.rule IS NOT NULL THEN m.sector ELSE r.sector END AS sector,
                       count(*) AS events
                FROM events e
                LEFT JOIN cameo_map m ON m.code = e.event_code
                LEFT JOIN cameo_map r ON r.code = e.root_code
                {where.replace("dataset", "e.dataset")}
                GROUP BY ALL)
            ORDER BY dataset, events DESC, kind NULLS LAST, marker, sector""",
            params,
        ).fetchall():
            kinds.setdefault(name, []).append(
                KindCount(kind, marker, sector, int(events), round(float(share), 6))
            )
    finally:
        con.close()
    return [
        DatasetMapping(
            dataset=name,
            events=int(events),
            source_resolved=int(source),
            target_resolved=int(target),
            both_resolved=int(both),
            unresolved=tuple(unresolved.get(name, ())),
            kinds=tuple(kinds.get(name, ())),
        )
        for name, events, source, target, both in totals
    ]
