"""The classification marking of a report: the highest classification of the records it names.

Every record a report shows is named in its content by its id (an actor, a channel, an
engagement ...); the marking is the highest classification among those records, read through
the same gated session the report was built from.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from multitrack.security.gate import LABELLED
from multitrack.security.levels import level_name
from multitrack.values import clean_uuid

#: Ids looked up per query (well below every backend's bound-parameter limit).
CHUNK = 500


def record_ids(data: Any) -> Iterator[uuid.UUID]:
    """Every UUID in ``data`` (dicts, lists and strings, at any depth)."""
    if isinstance(data, dict):
        for value in data.values():
            yield from record_ids(value)
    elif isinstance(data, list | tuple | set | frozenset):
        for value in data:
            yield from record_ids(value)
    elif isinstance(data, uuid.UUID):
        yield data
    elif isinstance(data, str) and len(data) == 36:
        found = clean_uuid(data)
        if found is not None:
            yield found


def highest_classification(session: Session, data: Any) -> int:
    """The highest classification rank among the labelled records whose ids ``data`` holds
    (0 when it names none)."""
    ids = sorted(set(record_ids(data)))
    highest = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for cls in LABELLED:
            found = session.scalar(select(func.max(cls.classification)).where(cls.id.in_(chunk)))
            if found is not None and int(found) > highest:
                highest = int(found)
    return highest


def marking(session: Session, data: Any) -> tuple[int, str]:
    """``(rank, name)`` of the marking for a report holding ``data``."""
    rank = highest_classification(session, data)
    return rank, level_name(session, rank)
