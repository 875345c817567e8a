"""Export: every entity kind to one file each, in the exchange format, deterministically."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.exchange.reader import columns_of, list_fields
from multitrack.exchange.records import KINDS, RECORDS
from multitrack.model import (
    Actor,
    Agreement,
    Channel,
    CustomTerm,
    Engagement,
    Membership,
    Objective,
    Organisation,
    Vetting,
)
from multitrack.security.audit import append
from multitrack.security.labels import labels_of, organisation_names, releases_of
from multitrack.security.principal import Principal
from multitrack.store import Store


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        "id": str(actor.id),
        "kind": actor.kind,
        "name": actor.name,
        "aliases": [a.alias for a in actor.aliases if a.origin == "alias"],
        "iso3": actor.iso3,
        "cameo_code": actor.cameo_code,
        "cow_code": actor.cow_code,
        "country": actor.country,
        "parent": _s(actor.parent_id),
        "description": actor.description,
        "source": actor.source,
    }


def membership_record(row: Membership) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "member": str(row.member_id),
        "organisation": str(row.organisation_id),
        "role": row.role,
        "since": row.since,
        "until": row.until,
        "note": row.note,
        "source": row.source,
    }


def channel_record(row: Channel) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "track": row.track,
        "sector": row.sector,
        "status": row.status,
        "started": row.started,
        "participants": [{"actor": str(p.actor_id), "role": p.role} for p in row.participants],
        "history": [
            {
                "id": str(h.id),
                "date": h.date,
                "track": h.track,
                "status": h.status,
                "note": h.note,
                "source": h.source,
            }
            for h in row.history
        ],
        "description": row.description,
        "source": row.source,
    }


def engagement_record(row: Engagement) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "channel": str(row.channel_id),
        "kind": row.kind,
        "start": row.start,
        "end": row.end,
        "place": row.place,
        "participants": [str(p.actor_id) for p in row.participants],
        "summary": row.summary,
        "outcome": row.outcome,
        "follow_ups": [
            {
                "id": str(f.id),
                "action": f.action,
                "due": f.due.isoformat() if f.due else None,
                "done": f.done,
            }
            for f in row.follow_ups
        ],
        "source": row.source,
    }


def agreement_record(row: Agreement) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "kind": row.kind,
        "status": row.status,
        "adopted": row.adopted,
        "in_force": row.in_force,
        "sector": row.sector,
        "parties": [{"actor": str(p.actor_id), "role": p.role} for p in row.parties],
        "actions": [
            {
                "id": str(a.id),
                "actor": str(a.actor_id),
                "action": a.action,
                "date": a.date,
                "note": a.note,
            }
            for a in row.actions
        ],
        "obligations": [o.text for o in row.obligations],
        "summary": row.summary,
        "url": row.url,
        "source": row.source,
    }


def objective_record(row: Objective) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "title": row.title,
        "description": row.description,
        "sector": row.sector,
        "actor": _s(row.actor_id),
        "channel": _s(row.channel_id),
        "agreement": _s(row.agreement_id),
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "indicators": [
            {
                "id": str(i.id),
                "name": i.name,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "measurements": [
                    {
                        "id": str(m.id),
                        "date": m.date.isoformat(),
                        "value": m.value,
                        "note": m.note,
                        "source": m.source,
                    }
                    for m in i.measurements
                ],
            }
            for i in row.indicators
        ],
        "source": row.source,
    }


def vetting_record(row: Vetting) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "subject": str(row.subject_id),
        "status": row.status,
        "date": row.date.isoformat(),
        "notes": row.notes,
        "source": row.source,
    }


def term_record(row: CustomTerm) -> dict[str, Any]:
    return {
        "vocabulary": row.vocabulary,
        "id": row.term_id,
        "name": row.name,
        "parent": row.parent,
        "sector": row.sector,
        "description": row.description,
        "source": row.source,
    }


def organisation_record(row: Organisation) -> dict[str, Any]:
    return {"name": row.name, "description": row.description}


_SOURCES: dict[str, tuple[Callable[[Session], Iterator[Any]], Callable[[Any], dict[str, Any]]]] = {
    "organisations": (
        lambda s: iter(s.scalars(select(Organisation).order_by(Organisation.name))),
        organisation_record,
    ),
    "terms": (
        lambda s: iter(
            s.scalars(select(CustomTerm).order_by(CustomTerm.vocabulary, CustomTerm.term_id))
        ),
        term_record,
    ),
    "actors": (lambda s: iter(s.scalars(select(Actor).order_by(Actor.id))), actor_record),
    "memberships": (
        lambda s: iter(s.scalars(select(Membership).order_by(Membership.id))),
        membership_record,
    ),
    "channels": (lambda s: iter(s.scalars(select(Channel).order_by(Channel.id))), channel_record),
    "agreements": (
        lambda s: iter(s.scalars(select(Agreement).order_by(Agreement.id))),
        agreement_record,
    ),
    "engagements": (
        lambda s: iter(s.scalars(select(Engagement).order_by(Engagement.id))),
        engagement_record,
    ),
    "objectives": (
        lambda s: iter(s.scalars(select(Objective).order_by(Objective.id))),
        objective_record,
    ),
    "vetting": (
        lambda s: iter(s.scalars(select(Vetting).order_by(Vetting.id))),
        vetting_record,
    ),
}


UNLABELLED = frozenset({"organisations", "terms"})


def records_of(session: Session, kind: str) -> Iterator[dict[str, Any]]:
    """Every record of a kind the session's principal may see, with its labels."""
    query, _ = _SOURCES[kind]
    yield from labelled_records(session, kind, list(query(session)))


def labelled_records(session: Session, kind: str, rows: list[Any]) -> list[dict[str, Any]]:
    """Rows of a kind as exchange records with their labels (releases read in one query)."""
    convert = _SOURCES[kind][1]
    if kind in UNLABELLED:
        return [convert(row) for row in rows]
    names = organisation_names(session)
    hidden_from_some = [row.id for row in rows if not row.releasable_to_all]
    releases = releases_of(session, hidden_from_some, names=names)
    records = [
        {**convert(row), **labels_of(session, row, releases=releases, names=names)} for row in rows
    ]
    if kind == "actors":  # a parent hidden from the principal is none (its id would show it)
        for record, row in zip(records, rows, strict=True):
            record["parent"] = None if row.parent is None else str(row.parent.id)
    return records


def snapshot(session: Session, kind: str, row: Any) -> dict[str, Any]:
    """One record as export writes it (what the audit log hashes before and after a change)."""
    if kind in UNLABELLED:
        return _SOURCES[kind][1](row)
    return {**_SOURCES[kind][1](row), **labels_of(session, row)}


def export_all(store: Store, out: Path, *, fmt: str, principal: Principal) -> dict[str, int]:
    """Write one file per kind into ``out``: only what ``principal`` may see, with labels."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with store.session(principal) as session:
        for kind in KINDS:
            target = out / f"{kind}.{fmt}"
            rows = records_of(session, kind)
            counts[kind] = (
                write_jsonl(target, rows) if fmt == "jsonl" else write_csv(target, kind, rows)
            )
        append(session, action="export", detail={"format": fmt, "counts": counts})
    return counts


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(path: Path, kind: str, rows: Iterator[dict[str, Any]]) -> int:
    model = RECORDS[kind]
    columns = columns_of(model)
    structured = list_fields(model)
    count = 0
    # Rows end in "\n", but a cell holding "\r" must be quoted too: csv quotes only the
    # characters of its line terminator, so each row is written with "\r\n" and then cut.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()[:-2] + "\n"

    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(line(columns))
        for row in rows:
            handle.write(line([_cell(row.get(c), c in structured) for c in columns]))
            count += 1
    return count


def _cell(value: Any, structured: bool) -> str:
    if structured:
        return "" if value is None else json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
