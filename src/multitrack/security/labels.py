"""Reading and setting the labels of a record: classification, owner, releasability."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.model import Organisation, Release
from multitrack.security.gate import principal_of
from multitrack.security.levels import level_name, level_rank
from multitrack.security.principal import AccessDenied

EVERYONE = "all"


def organisation_names(session: Session) -> dict[uuid.UUID, str]:
    rows = session.execute(select(Organisation.id, Organisation.name))
    return {key: name for key, name in rows}


def releases_of(
    session: Session,
    record_ids: Iterable[uuid.UUID],
    *,
    names: dict[uuid.UUID, str] | None = None,
) -> dict[uuid.UUID, list[str]]:
    """Organisation names each record is released to (``names``: those of
    :func:`organisation_names`, when the caller has them already).

    Read below the gate on purpose: the caller already sees these records, and their
    releasability is part of what it sees (a partner's own release rows would hide the others).
    """
    ids = list(record_ids)
    if not ids:
        return {}
    names = organisation_names(session) if names is None else names
    table = Release.__table__
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = session.connection().execute(
        select(table.c.record_id, table.c.organisation_id).where(table.c.record_id.in_(ids))
    )
    for record_id, organisation_id in rows:
        found[record_id].append(names.get(organisation_id, str(organisation_id)))
    return {key: sorted(value) for key, value in found.items()}


def labels_of(
    session: Session,
    row: Any,
    *,
    releases: dict[uuid.UUID, list[str]] | None = None,
    names: dict[uuid.UUID, str] | None = None,
) -> dict[str, Any]:
    names = organisation_names(session) if names is None else names
    if row.releasable_to_all:
        released: list[str] = [EVERYONE]
    else:
        released = (releases if releases is not None else releases_of(session, [row.id])).get(
            row.id, []
        )
    return {
        "classification": level_name(session, row.classification),
        "owner": names.get(row.owner_id) if row.owner_id else None,
        "releasable_to": released,
    }


def apply_labels(
    session: Session,
    row: Any,
    *,
    is_new: bool,
    classification: str | None,
    owner: str | None,
    releasable_to: list[str] | None,
) -> None:
    """Set a record's labels from what was given, with the defaults and limits of the principal.

    A new record of the installation (system principal) is UNCLASSIFIED and released to all; a
    new record of a user is owned by their organisation and released to no one else until they
    say so. A user may not label above their own clearance, nor give a record away.
    """
    principal = principal_of(session)
    if not is_new and not principal.system and row.owner_id != principal.organisation_id:
        raise AccessDenied("records owned by another organisation cannot be changed")
    by_name = {name: key for key, name in organisation_names(session).items()}
    if classification is not None:
        row.classification = level_rank(session, classification)
    elif is_new:
        row.classification = 0
    if not principal.system and row.classification > principal.clearance:
        raise InvalidValueError(
            "classification", "above your own clearance: you could not see the record"
        )
    if owner is not None:
        if owner not in by_name:
            raise InvalidValueError("owner", f"unknown organisation {owner!r}")
        if not principal.system and by_name[owner] != principal.organisation_id:
            raise InvalidValueError("owner", "a record can only be owned by your organisation")
        row.owner_id = by_name[owner]
    elif is_new:
        row.owner_id = principal.organisation_id
    if releasable_to is None and not is_new:
        return
    wanted = [EVERYONE] if releasable_to is None and principal.system else releasable_to or []
    if EVERYONE in wanted and len(wanted) > 1:
        raise InvalidValueError("releasable_to", f"'{EVERYONE}' stands alone")
    unknown = [name for name in wanted if name != EVERYONE and name not in by_name]
    if unknown:
        raise InvalidValueError("releasable_to", f"unknown organisation {unknown[0]!r}")
    row.releasable_to_all = wanted == [EVERYONE]
    session.flush()
    table = Release.__table__
    assert isinstance(table, Table)
    connection = session.connection()  # the row is the caller's own: its releases are theirs
    connection.execute(delete(table).where(table.c.record_id == row.id))
    if not row.releasable_to_all:
        for name in sorted(set(wanted)):
            connection.execute(
                table.insert().values(record_id=row.id, organisation_id=by_name[name])
            )
