"""What the registry routes share: paging, one record, and the write path (``save``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy.orm import joinedload, lazyload, selectinload

from multitrack.errors import InvalidValueError
from multitrack.exchange.apply import delete_record, save
from multitrack.exchange.exporter import labelled_records
from multitrack.exchange.records import Labelled
from multitrack.model import (
    Actor,
    Agreement,
    AgreementAction,
    AgreementParty,
    Channel,
    ChannelParticipant,
    Engagement,
    EngagementParticipant,
    Membership,
)
from multitrack.security.principal import Principal
from multitrack.services.listing import MAX_LIMIT, MAX_OFFSET, SPECS, get_record, page
from multitrack.store import Store

#: Statuses every registry operation may answer with a problem (besides its own).
COMMON_PROBLEMS = (400, 401, 422)

#: What the records of each kind read (``exchange/exporter.py``), loaded with the rows; what the
#: model would also load eagerly and the records do not read (an engagement's channel with its
#: participants and history, the actor of each participant, a membership's actors) is left
#: unloaded, so a page costs a few queries instead of a cascade of them.
RECORD_LOADS: dict[str, tuple[Any, ...]] = {
    "actors": (joinedload(Actor.parent).lazyload(Actor.aliases),),
    "memberships": (lazyload(Membership.member), lazyload(Membership.organisation)),
    "channels": (selectinload(Channel.participants).lazyload(ChannelParticipant.actor),),
    "engagements": (
        lazyload(Engagement.channel),
        selectinload(Engagement.participants).lazyload(EngagementParticipant.actor),
    ),
    "agreements": (
        selectinload(Agreement.parties).lazyload(AgreementParty.actor),
        selectinload(Agreement.actions).lazyload(AgreementAction.actor),
    ),
}


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int
    q: str | None


async def paging(  # async: it only reads the query (no hand-over to the thread pool)
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Records to skip.")] = 0,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Full text: names and aliases for actors; name, "
            "title, summary or description for the others (case-insensitive).",
        ),
    ] = None,
) -> Paging:
    return Paging(limit=limit, offset=offset, q=q)


PagingDep = Annotated[Paging, Depends(paging)]


def sort_query(kind: str) -> Any:
    names = "|".join(SPECS[kind].sorts)
    return Query(
        pattern=f"^-?({names})$",
        description=f"Sort by {', '.join(SPECS[kind].sorts)}; prefix '-' for descending "
        f"(default {SPECS[kind].default_sort}).",
    )


def text_query(description: str) -> Any:
    return Query(max_length=300, description=description)


def list_of(
    session: Any, kind: str, paging: Paging, sort: str | None, filters: Mapping[str, str | None]
) -> dict[str, Any]:
    found = page(
        session,
        kind,
        q=paging.q,
        filters=filters,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
        options=RECORD_LOADS.get(kind, ()),
    )
    return {
        "items": labelled_records(session, kind, list(found.rows)),
        "total": found.total,
        "limit": found.limit,
        "offset": found.offset,
    }


def one(session: Any, kind: str, record_id: uuid.UUID) -> dict[str, Any]:
    found = get_record(session, kind, record_id, options=RECORD_LOADS.get(kind, ()))
    return labelled_records(session, kind, [found])[0]


def create(store: Store, principal: Principal, kind: str, record: Labelled) -> dict[str, Any]:
    """Create (or, for the same natural key, update) through the one write path; committed
    before the answer is sent."""
    with store.session(principal) as session:
        row = save(session, kind, record)
        return labelled_records(session, kind, [row])[0]


def replace(
    store: Store, principal: Principal, kind: str, record_id: uuid.UUID, record: Labelled
) -> dict[str, Any]:
    """Replace a record the caller sees (404 otherwise: PUT never creates)."""
    given = getattr(record, "id", None)
    if given is not None and uuid.UUID(given) != record_id:
        raise InvalidValueError("id", f"the body's id {given} is not the path's {record_id}")
    with store.session(principal) as session:
        get_record(session, kind, record_id)
        row = save(session, kind, record.model_copy(update={"id": str(record_id)}))
        return labelled_records(session, kind, [row])[0]


def remove(store: Store, principal: Principal, kind: str, record_id: uuid.UUID) -> None:
    with store.session(principal) as session:
        delete_record(session, kind, record_id)
