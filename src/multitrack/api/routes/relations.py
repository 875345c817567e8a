"""``/api/v1/relations``: relations between actors from the event store (the CLI's columns)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from multitrack.api.deps import SessionDep, get_store
from multitrack.api.schemas import Partners, Relations, WarningOut, problem_responses
from multitrack.events.parties import Party
from multitrack.events.periods import parse_bound
from multitrack.security.gate import principal_of
from multitrack.security.principal import Principal
from multitrack.services.event_tables import EventTables
from multitrack.services.relations import (
    partner_records,
    party,
    party_record,
    relations_records,
    warning_records,
)
from multitrack.store.generation import Kept

router = APIRouter(prefix="/relations", tags=["relations"])

By = Literal["day", "week", "month", "quarter", "year"]
ActorRef = Annotated[str, Query(min_length=1, max_length=300)]
FromQuery = Annotated[
    str | None,
    Query(
        alias="from",
        max_length=10,
        description="First day: YYYY-MM-DD (YYYY-MM or YYYY: its start).",
    ),
]
ToQuery = Annotated[
    str | None,
    Query(
        alias="to", max_length=10, description="Last day: YYYY-MM-DD (YYYY-MM or YYYY: its end)."
    ),
]
Dataset = Annotated[
    str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$", description="e.g. gdelt2.")
]


def tables(request: Request) -> EventTables:
    """The app's event tables (one per app, opened lazily)."""
    found = getattr(request.app.state, "event_tables", None)
    if not isinstance(found, EventTables):
        found = EventTables(request.app.state.settings.events_dir)
        request.app.state.event_tables = found
    return found


def resolver(request: Request, session: Session) -> Callable[[str, str], Party]:
    """Actor references of this request resolved through the gate, as match specs.

    A resolution is kept per principal and reference while the registry is unchanged (see
    :mod:`multitrack.store.generation`), so that a query whose answer is cached costs no
    registry reads; a principal who may not see an actor never gets another principal's
    resolution of it, and a reclassified, renamed or deleted actor is resolved again.
    Failures (unknown, hidden, ambiguous) are never kept.
    """
    kept: Kept[tuple[Principal, str], Party] | None = getattr(request.app.state, "parties", None)
    if kept is None:
        kept = request.app.state.parties = Kept()
    generation = get_store(request).generation.current()  # before reading, never after
    principal = principal_of(session)

    def resolve(ref: str, field: str) -> Party:
        key = (principal, ref)
        found = kept.get(key, generation)
        if found is None:
            found = party(session, ref, field=field)
            kept.put(key, generation, found)
        return found

    return resolve


def _bounds(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    return (
        parse_bound(start, field="from") if start else None,
        parse_bound(end, end=True, field="to") if end else None,
    )


@router.get("", response_model=Relations, responses=problem_responses(400))
def relations(
    request: Request,
    session: SessionDep,
    source: ActorRef,
    target: ActorRef,
    by: By = "month",
    start: FromQuery = None,
    end: ToQuery = None,
    dataset: Dataset = None,
) -> dict[str, Any]:
    """SOURCE → TARGET per period: event counts by quad class, Goldstein sum and mean,
    cooperation share; empty periods included (the columns of ``multitrack relations``)."""
    first, last = _bounds(start, end)
    resolve = resolver(request, session)
    a, b = resolve(source, "source"), resolve(target, "target")
    rows = relations_records(tables(request), a, b, by, first, last, dataset)
    return {"source": party_record(a), "target": party_record(b), "by": by, "rows": rows}


@router.get("/partners", response_model=Partners, responses=problem_responses(400))
def partners(
    request: Request,
    session: SessionDep,
    actor: ActorRef,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    level: Annotated[Literal["country", "code"], Query(alias="by")] = "country",
    start: FromQuery = None,
    end: ToQuery = None,
    dataset: Dataset = None,
) -> dict[str, Any]:
    """ACTOR's top counterparts by event volume, both directions, with the quad-class split."""
    first, last = _bounds(start, end)
    p = resolver(request, session)(actor, "actor")
    rows = partner_records(tables(request), p, top, level, first, last, dataset)
    return {"actor": party_record(p), "rows": rows}


@router.get("/watch", response_model=list[WarningOut], responses=problem_responses(400))
def watch(
    request: Request,
    by: By = "month",
    top: Annotated[int, Query(ge=1, le=100)] = 20,
    as_of: Annotated[str | None, Query(max_length=10, description="Watch as of this day.")] = None,
    dataset: Dataset = None,
) -> list[dict[str, Any]]:
    """Current early warnings across the most active country dyads."""
    when = parse_bound(as_of, end=True, field="as_of") if as_of else None
    return warning_records(tables(request), by, top, when, dataset)
