"""One record of any registry kind by its id, through the gate: hidden answers like missing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from multitrack.errors import NotFoundError
from multitrack.model import Actor, Agreement, Channel, Engagement, Membership, Objective
from multitrack.values import clean_uuid

MODELS: dict[str, type[Any]] = {
    "actors": Actor,
    "memberships": Membership,
    "channels": Channel,
    "agreements": Agreement,
    "engagements": Engagement,
    "objectives": Objective,
}


def get_record(session: Session, kind: str, ref: str) -> Any:
    """The record of ``kind`` with id ``ref``; :class:`NotFoundError` when it is missing, hidden
    from the session's principal, or ``ref`` is not an id at all."""
    model = MODELS[kind]
    key = clean_uuid(ref)
    row = session.get(model, key) if key is not None else None
    if row is None:
        raise NotFoundError(kind.removesuffix("s"), ref)
    return row
