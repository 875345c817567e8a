"""Which records a share package carries: what both sides may see, filtered, self-contained.

The visibility gate is asked twice, never bypassed: once as the sending organisation (the
sending user, or the sending organisation at the local administrator's clearance) and once as
the receiving organisation at the same clearance. A record travels only when both views hold
it, in the receiving view's form with its references to actors narrowed to actors both sides
see (so neither side's hidden actors leak through a channel's participants). The filters then
choose records, and what they refer to is added so the package imports on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.exchange.exporter import records_of
from multitrack.exchange.records import KINDS
from multitrack.model import (
    Actor,
    Agreement,
    Channel,
    Engagement,
    Membership,
    Objective,
    Vetting,
)
from multitrack.security.principal import Principal
from multitrack.services.actors import resolve_actor
from multitrack.store import Store

LABELLED_KINDS = (
    "actors",
    "memberships",
    "channels",
    "agreements",
    "engagements",
    "objectives",
    "vetting",
)
MODELS: dict[str, Any] = {
    "actors": Actor,
    "memberships": Membership,
    "channels": Channel,
    "agreements": Agreement,
    "engagements": Engagement,
    "objectives": Objective,
    "vetting": Vetting,
}

Records = dict[str, dict[str, dict[str, Any]]]  # kind -> id -> record


@dataclass(frozen=True)
class Filters:
    kinds: frozenset[str] | None = None
    actor: str | None = None  # an actor reference, resolved in the sending view
    since: date | None = None  # records changed on or after this day


@dataclass
class View:
    records: Records = field(default_factory=dict)
    changed: dict[str, set[str]] = field(default_factory=dict)  # kind -> ids changed since
    actor_id: str | None = None


def read_view(store: Store, principal: Principal, filters: Filters | None) -> View:
    """Every labelled record ``principal`` sees (and, for the sending view, the filters' ids)."""
    view = View()
    with store.session(principal) as session:
        for kind in LABELLED_KINDS:
            view.records[kind] = {r["id"]: r for r in records_of(session, kind)}
        if filters is not None:
            if filters.actor is not None:
                view.actor_id = str(resolve_actor(session, filters.actor).id)
            if filters.since is not None:
                view.changed = _changed_since(session, filters.since)
    return view


def _changed_since(session: Session, since: date) -> dict[str, set[str]]:
    moment = datetime(since.year, since.month, since.day, tzinfo=UTC)
    return {
        kind: {str(i) for i in session.scalars(select(model.id).where(model.updated_at >= moment))}
        for kind, model in MODELS.items()
    }


def _actor_refs(kind: str, record: dict[str, Any]) -> Iterator[str]:
    if kind == "actors" and record.get("parent"):
        yield record["parent"]
    elif kind == "memberships":
        yield from (record["member"], record["organisation"])
    elif kind in ("channels", "agreements"):
        yield from (p["actor"] for p in record.get("participants", record.get("parties", [])))
        yield from (a["actor"] for a in record.get("actions", []))
    elif kind == "engagements":
        yield from record["participants"]
    elif kind == "objectives" and record.get("actor"):
        yield record["actor"]
    elif kind == "vetting":
        yield record["subject"]


def references(kind: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    """The records (kind, id) a record needs in the receiving registry."""
    needed = [("actors", ref) for ref in _actor_refs(kind, record)]
    if kind == "engagements":
        needed.append(("channels", record["channel"]))
    if kind == "objectives":
        needed += [("channels", record["channel"]), ("agreements", record["agreement"])]
    return [(k, ref) for k, ref in needed if ref]


def _narrow(kind: str, record: dict[str, Any], actors: set[str]) -> dict[str, Any] | None:
    """A record with its nested actor references cut to ``actors``; None if it cannot stand."""
    out = dict(record)
    if kind == "actors" and out.get("parent") not in actors:
        out["parent"] = None
    elif kind == "channels":
        out["participants"] = [p for p in out["participants"] if p["actor"] in actors]
        if len(out["participants"]) < 2:
            return None
    elif kind == "agreements":
        out["parties"] = [p for p in out["parties"] if p["actor"] in actors]
        out["actions"] = [a for a in out["actions"] if a["actor"] in actors]
    elif kind == "engagements":
        out["participants"] = [a for a in out["participants"] if a in actors]
    return out


def shared(sender: View, recipient: View) -> Records:
    """Records in both views, in the receiving form, narrowed, with every reference present."""
    actors = set(sender.records["actors"]) & set(recipient.records["actors"])
    result: Records = {}
    for kind in LABELLED_KINDS:  # references point to actors or to earlier kinds only
        kept: dict[str, dict[str, Any]] = {}
        for key, record in recipient.records[kind].items():
            if key not in sender.records[kind]:
                continue
            narrowed = _narrow(kind, record, actors)
            if narrowed is None:
                continue
            needs = references(kind, narrowed)
            if all(ref in (actors if k == "actors" else result[k]) for k, ref in needs):
                kept[key] = narrowed
        result[kind] = kept
    return result


def _involves(records: Records, actor: str) -> dict[str, set[str]]:
    chosen: dict[str, set[str]] = {}
    for kind in LABELLED_KINDS:
        ids: set[str] = set()
        for key, record in records[kind].items():
            refs = references(kind, record)
            if (kind == "actors" and key == actor) or ("actors", actor) in refs:
                ids.add(key)
            elif any(k != "actors" and ref in chosen.get(k, set()) for k, ref in refs):
                ids.add(key)  # an engagement on a channel of the actor, an objective ...
        chosen[kind] = ids
    return chosen


def select_records(records: Records, filters: Filters, sender: View) -> Records:
    """The records the filters choose, and (closing over references) what they need."""
    tests: list[Callable[[str, str], bool]] = []
    if filters.kinds is not None:
        kinds = filters.kinds
        tests.append(lambda kind, key: kind in kinds)
    if sender.actor_id is not None:
        involved = _involves(records, sender.actor_id)
        tests.append(lambda kind, key: key in involved[kind])
    if filters.since is not None:
        changed = sender.changed
        tests.append(lambda kind, key: key in changed.get(kind, set()))
    wanted = [
        (kind, key)
        for kind in LABELLED_KINDS
        for key in records[kind]
        if all(test(kind, key) for test in tests)
    ]
    chosen: Records = {kind: {} for kind in LABELLED_KINDS}
    while wanted:
        kind, key = wanted.pop()
        if key in chosen[kind]:
            continue
        record = records[kind][key]
        chosen[kind][key] = record
        wanted.extend(references(kind, record))
    return chosen


def organisations_named(records: Records) -> set[str]:
    names: set[str] = set()
    for kind in LABELLED_KINDS:
        for record in records[kind].values():
            if record.get("owner"):
                names.add(record["owner"])
            names.update(n for n in record.get("releasable_to") or [] if n != "all")
    return names


def payload_records(
    records: Records, organisations: list[dict[str, Any]], terms: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The payload's records by kind, in import order, each kind sorted by id."""
    out: dict[str, list[dict[str, Any]]] = {"organisations": organisations, "terms": terms}
    for kind in KINDS:
        if kind in records:
            out[kind] = [records[kind][k] for k in sorted(records[kind], key=uuid.UUID)]
    return {kind: out[kind] for kind in KINDS if out.get(kind)}
