"""Pages of registry records: full-text ``q``, field filters, sorting from an allow-list, and a
total counted through the visibility gate (hidden rows are neither listed nor counted).

One :class:`ListSpec` per entity kind says which columns ``q`` searches, which fields may be
sorted on, and how each filter narrows the query. Every shell (API, web pages) lists through
:func:`page`; filter values are checked against the taxonomy, so a typo is an error, not an
empty page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError
from multitrack.model import (
    Actor,
    ActorAlias,
    Agreement,
    AgreementParty,
    Channel,
    ChannelParticipant,
    Engagement,
    EngagementParticipant,
    Membership,
    Objective,
    Vetting,
)
from multitrack.model.vetting import VETTING_STATUSES
from multitrack.services.actors import country_of, resolve_actor
from multitrack.services.vocabulary import taxonomy_for
from multitrack.values import clean_uuid, normalise_name, partial_date

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000

Filter = Callable[[Session, str], ColumnElement[bool]]


@dataclass(frozen=True)
class ListSpec:
    model: Any
    #: columns ``q`` matches (case-insensitive substring); actors match their names instead
    text: tuple[Any, ...]
    #: sortable fields: name -> column
    sorts: Mapping[str, Any]
    default_sort: str
    filters: Mapping[str, Filter] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    rows: Sequence[Any]
    total: int
    limit: int
    offset: int


def _actor_id(session: Session, ref: str, *, field: str) -> uuid.UUID:
    as_id = clean_uuid(ref.strip())
    if as_id is not None:  # an id: one indexed look-up through the gate, nothing loaded with it
        found: uuid.UUID | None = session.scalars(select(Actor.id).where(Actor.id == as_id)).first()
        if found is None:
            raise InvalidValueError(field, str(NotFoundError("actor", ref)))
        return found
    try:
        return resolve_actor(session, ref).id
    except (NotFoundError, AmbiguousError) as error:
        raise InvalidValueError(field, str(error)) from None


def _record_id(model: Any, session: Session, ref: str, *, field: str) -> uuid.UUID:
    """A channel or agreement given by id or exact (folded) name, as a filter value."""
    as_id = clean_uuid(ref)
    if as_id is not None:
        found: uuid.UUID | None = session.scalars(select(model.id).where(model.id == as_id)).first()
    else:
        norm = normalise_name(ref)
        hits = [r.id for r in session.scalars(select(model)) if normalise_name(r.name) == norm]
        if len(hits) > 1:
            raise InvalidValueError(field, f"{ref!r} matches {len(hits)} records; use an id")
        found = hits[0] if hits else None
    if found is None:
        raise InvalidValueError(field, f"no {model.__tablename__} matches {ref!r}")
    return found


def _vocabulary(column: Any, vocabulary: str, name: str) -> Filter:
    def narrow(session: Session, value: str) -> ColumnElement[bool]:
        checked = taxonomy_for(session).vocabulary(vocabulary).validate(value, field=name)
        result: ColumnElement[bool] = column == checked
        return result

    return narrow


def _taking_part(link_column: Any, actor_column: Any, own: Any) -> Filter:
    def narrow(session: Session, value: str) -> ColumnElement[bool]:
        actor = _actor_id(session, value, field="actor")
        result: ColumnElement[bool] = own.in_(select(link_column).where(actor_column == actor))
        return result

    return narrow


def _engagements_of_actor(session: Session, value: str) -> ColumnElement[bool]:
    actor = _actor_id(session, value, field="actor")
    on_channel = select(ChannelParticipant.channel_id).where(ChannelParticipant.actor_id == actor)
    took_part = select(EngagementParticipant.engagement_id).where(
        EngagementParticipant.actor_id == actor
    )
    return or_(Engagement.channel_id.in_(on_channel), Engagement.id.in_(took_part))


def _actor_column(column: Any, name: str) -> Filter:
    def narrow(session: Session, value: str) -> ColumnElement[bool]:
        result: ColumnElement[bool] = column == _actor_id(session, value, field=name)
        return result

    return narrow


def _reference(column: Any, model: Any, name: str) -> Filter:
    def narrow(session: Session, value: str) -> ColumnElement[bool]:
        result: ColumnElement[bool] = column == _record_id(model, session, value, field=name)
        return result

    return narrow


def _choice(column: Any, allowed: tuple[str, ...], name: str) -> Filter:
    def narrow(_session: Session, value: str) -> ColumnElement[bool]:
        if value not in allowed:
            raise InvalidValueError(name, f"unknown {name} {value!r}; one of {', '.join(allowed)}")
        result: ColumnElement[bool] = column == value
        return result

    return narrow


def _since(column: Any) -> Filter:
    return lambda _s, value: column >= partial_date(value, field="since")


def _until(column: Any) -> Filter:
    # "1993" or "1993-05" as an upper bound includes every date within that year or month
    return lambda _s, value: column <= partial_date(value, field="until") + "-99"


def _country(_session: Session, value: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = Actor.country == country_of(value)
    return result


SPECS: dict[str, ListSpec] = {
    "actors": ListSpec(
        model=Actor,
        text=(),
        sorts={
            "name": Actor.name,
            "kind": Actor.kind,
            "country": Actor.country,
            "updated_at": Actor.updated_at,
        },
        default_sort="name",
        filters={
            "kind": _vocabulary(Actor.kind, "actor_kinds", "kind"),
            "country": _country,
            "parent": _actor_column(Actor.parent_id, "parent"),
        },
    ),
    "memberships": ListSpec(
        model=Membership,
        text=(Membership.note,),
        sorts={
            "since": Membership.since,
            "until": Membership.until,
            "role": Membership.role,
            "updated_at": Membership.updated_at,
        },
        default_sort="since",
        filters={
            "member": _actor_column(Membership.member_id, "member"),
            "organisation": _actor_column(Membership.organisation_id, "organisation"),
            "role": _vocabulary(Membership.role, "membership_roles", "role"),
        },
    ),
    "channels": ListSpec(
        model=Channel,
        text=(Channel.name, Channel.description),
        sorts={
            "name": Channel.name,
            "track": Channel.track,
            "sector": Channel.sector,
            "status": Channel.status,
            "started": Channel.started,
            "updated_at": Channel.updated_at,
        },
        default_sort="name",
        filters={
            "track": _vocabulary(Channel.track, "tracks", "track"),
            "sector": _vocabulary(Channel.sector, "sectors", "sector"),
            "status": _vocabulary(Channel.status, "channel_statuses", "status"),
            "actor": _taking_part(
                ChannelParticipant.channel_id,
                ChannelParticipant.actor_id,
                Channel.id,
            ),
        },
    ),
    "engagements": ListSpec(
        model=Engagement,
        text=(Engagement.summary, Engagement.outcome, Engagement.place),
        sorts={
            "start": Engagement.start,
            "kind": Engagement.kind,
            "end": Engagement.end,
            "updated_at": Engagement.updated_at,
        },
        default_sort="-start",
        filters={
            "kind": _vocabulary(Engagement.kind, "engagement_kinds", "kind"),
            "channel": _reference(Engagement.channel_id, Channel, "channel"),
            "actor": _engagements_of_actor,
            "since": _since(Engagement.start),
            "until": _until(Engagement.start),
        },
    ),
    "agreements": ListSpec(
        model=Agreement,
        text=(Agreement.name, Agreement.summary),
        sorts={
            "name": Agreement.name,
            "kind": Agreement.kind,
            "status": Agreement.status,
            "adopted": Agreement.adopted,
            "in_force": Agreement.in_force,
            "updated_at": Agreement.updated_at,
        },
        default_sort="adopted",
        filters={
            "kind": _vocabulary(Agreement.kind, "agreement_kinds", "kind"),
            "status": _vocabulary(Agreement.status, "agreement_statuses", "status"),
            "sector": _vocabulary(Agreement.sector, "sectors", "sector"),
            "actor": _taking_part(
                AgreementParty.agreement_id, AgreementParty.actor_id, Agreement.id
            ),
        },
    ),
    "objectives": ListSpec(
        model=Objective,
        text=(Objective.title, Objective.description),
        sorts={
            "title": Objective.title,
            "target_date": Objective.target_date,
            "sector": Objective.sector,
            "updated_at": Objective.updated_at,
        },
        default_sort="title",
        filters={
            "sector": _vocabulary(Objective.sector, "sectors", "sector"),
            "actor": _actor_column(Objective.actor_id, "actor"),
            "channel": _reference(Objective.channel_id, Channel, "channel"),
            "agreement": _reference(Objective.agreement_id, Agreement, "agreement"),
        },
    ),
    "vetting": ListSpec(
        model=Vetting,
        text=(Vetting.notes, Vetting.source),
        sorts={
            "date": Vetting.date,
            "status": Vetting.status,
            "updated_at": Vetting.updated_at,
        },
        default_sort="-date",
        filters={
            "subject": _actor_column(Vetting.subject_id, "subject"),
            "status": _choice(Vetting.status, VETTING_STATUSES, "status"),
        },
    ),
}


def sort_fields(kind: str) -> list[str]:
    """The values ``sort`` accepts for a kind: each field, ascending or (``-``) descending."""
    names = list(SPECS[kind].sorts)
    return [*names, *(f"-{n}" for n in names)]


def _order(spec: ListSpec, sort: str | None) -> list[Any]:
    chosen = (sort or spec.default_sort).strip()
    descending = chosen.startswith("-")
    name = chosen.removeprefix("-")
    if name not in spec.sorts:
        raise InvalidValueError(
            "sort", f"cannot sort by {name!r}; one of {', '.join(spec.sorts)} (prefix - to reverse)"
        )
    column = spec.sorts[name]
    first = column.desc() if descending else column.asc()
    return [first.nulls_last(), spec.model.id]


def _text(spec: ListSpec, q: str) -> ColumnElement[bool]:
    if spec.model is Actor:
        return Actor.id.in_(
            select(ActorAlias.actor_id).where(
                ActorAlias.norm.contains(normalise_name(q), autoescape=True)
            )
        )
    needle = q.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in spec.text))


def conditions(
    session: Session, kind: str, *, q: str | None = None, filters: Mapping[str, str | None]
) -> list[ColumnElement[bool]]:
    spec = SPECS[kind]
    where: list[ColumnElement[bool]] = []
    if q is not None and q.strip():
        if "\x00" in q:
            raise InvalidValueError("q", "contains a NUL character (U+0000)")
        where.append(_text(spec, q.strip()))
    for name, value in filters.items():
        if value is None or not value.strip():
            continue
        if name not in spec.filters:
            raise InvalidValueError(name, f"{kind} cannot be filtered by {name!r}")
        if "\x00" in value:
            raise InvalidValueError(name, "contains a NUL character (U+0000)")
        where.append(spec.filters[name](session, value.strip()))
    return where


def page(
    session: Session,
    kind: str,
    *,
    q: str | None = None,
    filters: Mapping[str, str | None] | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
    options: Sequence[Any] = (),
) -> Page:
    """One page of ``kind`` as the session's principal sees it, and the total of the query.

    ``options`` are loader options for the rows (e.g. to load only what the caller reads).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidValueError("limit", f"must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidValueError("offset", f"must be between 0 and {MAX_OFFSET}")
    spec = SPECS[kind]
    where = conditions(session, kind, q=q, filters=filters or {})
    order = _order(spec, sort)
    rows: Select[Any] = select(spec.model).where(*where).order_by(*order).options(*options)
    found = session.scalars(rows.limit(limit).offset(offset)).unique().all()
    total = session.scalar(select(func.count(spec.model.id)).where(*where)) or 0
    return Page(rows=found, total=int(total), limit=limit, offset=offset)


def get_record(
    session: Session, kind: str, ref: uuid.UUID | str, *, options: Sequence[Any] = ()
) -> Any:
    """One record by id through the gate (a fresh SELECT, not the identity map): hidden and
    missing records both raise :class:`NotFoundError`, and so does a ``ref`` that is no id.
    ``options`` are loader options, as for :func:`page`."""
    model = SPECS[kind].model
    record_id = ref if isinstance(ref, uuid.UUID) else clean_uuid(ref)
    found = (
        session.scalars(
            select(model)
            .where(model.id == record_id)
            .options(*options)
            .execution_options(populate_existing=True)
        ).first()
        if record_id is not None
        else None
    )
    if found is None:
        raise NotFoundError(kind.removesuffix("s"), str(ref))
    return found
