"""Evidence for a vetting record from event data: adverse events by the subject's forces.

An event is **adverse** when its CAMEO root code is 18 (assault), 19 (fight) or 20 (use
unconventional mass violence). It is **by the subject** when the subject is its source (the
side that acted):

- a subject with its own CAMEO code (not a state) matches actor codes starting with it
  (``IMGMOSALQ`` for al-Qaeda);
- otherwise the subject's country (its own, or that of the nearest parent that has one)
  matches ``source_country``, and one of the actor code's role parts after the country
  (GDELT's 3-letter type codes) names **its forces**: ``MIL`` (military), ``COP`` (police
  forces), ``SPY`` (state intelligence) for a state, a state's organ or a person; ``REB``,
  ``INS``, ``SEP``, ``UAF`` (rebels, insurgents, separatists, unaligned armed forces) for an
  armed group. ``ISRMIL``, ``BDICOP`` and ``USAGOVMIL`` match; ``ISRGOV`` does not.

Datasets the catalogue marks synthetic are left out: evidence comes from real event data
only. The events are read from the event store each time (nothing is copied into the
registry), newest first, each with the link to its source article where the data has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from multitrack.events.eventcodes import describe
from multitrack.model import Actor, Vetting
from multitrack.services.event_tables import EventTables

if TYPE_CHECKING:  # Ibis and the event engines load when evidence is looked for
    import ibis.expr.types as ir

    from multitrack.events.engines import EventSource

ADVERSE_ROOTS: tuple[str, ...] = ("18", "19", "20")
STATE_FORCES: tuple[str, ...] = ("MIL", "COP", "SPY")
ARMED_GROUP_FORCES: tuple[str, ...] = ("REB", "INS", "SEP", "UAF")
SHOWN = 25
COLUMNS = (
    "dataset",
    "event_id",
    "date",
    "event_code",
    "root_code",
    "source_code",
    "source_name",
    "target_code",
    "target_name",
    "target_country",
    "goldstein",
    "place_country",
    "source_url",
)


@dataclass(frozen=True)
class Match:
    """Whose events count: a CAMEO code prefix, or a country and its forces' type codes."""

    code: str | None = None
    country: str | None = None
    types: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "country": self.country, "types": list(self.types)}


def country_of(actor: Actor) -> str | None:
    """The actor's country: its ISO3 (a state), its country, or its nearest parent's."""
    seen: set[Any] = set()
    current: Actor | None = actor
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.kind == "state" and current.iso3:
            return current.iso3
        if current.country:
            return current.country
        current = current.parent
    return None


def match_of(actor: Actor) -> Match | None:
    """How the subject's forces are found in event data; None when they cannot be."""
    if actor.cameo_code and actor.kind != "state":
        return Match(code=actor.cameo_code.strip().upper())
    country = country_of(actor)
    if country is None:
        return None
    types = ARMED_GROUP_FORCES if actor.kind == "armed_group" else STATE_FORCES
    return Match(country=country, types=types)


@dataclass(frozen=True)
class Evidence:
    """The adverse events attached to one vetting record."""

    record_id: str
    match: Match | None
    total: int = 0
    by_root: dict[str, int] = field(default_factory=dict)
    events: tuple[dict[str, Any], ...] = ()
    left_out: tuple[str, ...] = ()  # synthetic datasets not searched
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record_id,
            "match": None if self.match is None else self.match.to_dict(),
            "total": self.total,
            "by_root": {
                root: {"events": n, "description": describe(root)}
                for root, n in sorted(self.by_root.items())
            },
            "events": list(self.events),
            "synthetic_datasets_left_out": list(self.left_out),
            "note": self.note,
        }


def adverse(events: ir.Table, match: Match, left_out: tuple[str, ...]) -> ir.Table:
    """The adverse events by ``match``, one row per (dataset, event id)."""
    keep = events.root_code.isin(list(ADVERSE_ROOTS))
    if match.code is not None:
        keep &= events.source_code.startswith(match.code)
    else:
        code = events.source_code
        roles = [code.substr(start, 3).isin(list(match.types)) for start in (3, 6, 9)]
        keep &= (events.source_country == match.country) & (roles[0] | roles[1] | roles[2])
    if left_out:
        keep &= ~events.dataset.isin(list(left_out))
    return events.filter(keep).select(*COLUMNS).distinct()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().date().isoformat()
    if value is None or value != value:  # NaN: no value
        return None
    return value


def _compute(source: EventSource, match: Match, left_out: tuple[str, ...]) -> dict[str, Any]:
    import ibis

    found = adverse(source.events, match, left_out)
    total = int(found.count().execute())
    roots = found.group_by("root_code").aggregate(n=found.count()).execute()
    by_root = {str(r): int(n) for r, n in zip(roots["root_code"], roots["n"], strict=True)}
    newest = (
        found.order_by([ibis.desc("date"), "dataset", "event_id"]).limit(SHOWN).execute()
    ).to_dict("records")
    rows = []
    for row in newest:
        plain = {k: _plain(v) for k, v in row.items()}
        plain["description"] = describe(str(plain["event_code"]))
        rows.append(plain)
    return {"total": total, "by_root": by_root, "events": tuple(rows)}


def evidence_for(record: Vetting, events: EventTables | None) -> Evidence:
    """The adverse events by the record's subject in the event store (see the module doc)."""
    from multitrack.events import catalogue
    from multitrack.events.engines import EventStoreError

    match = match_of(record.subject)
    key = str(record.id)
    if match is None:
        return Evidence(key, None, note="the subject has no country or CAMEO code to match")
    if events is None:
        return Evidence(key, match, note="no event store given")
    root = events.store.root
    left_out = tuple(sorted(d.name for d in catalogue.datasets(root) if d.synthetic))
    if not [d for d in events.store.datasets() if d not in left_out]:
        return Evidence(key, match, left_out=left_out, note="no real event data in the store")
    try:
        found = events.cached(
            ("vetting-evidence", match, left_out), lambda s: _compute(s, match, left_out)
        )
    except EventStoreError as error:
        return Evidence(key, match, left_out=left_out, note=str(error))
    return Evidence(key, match, left_out=left_out, **found)
