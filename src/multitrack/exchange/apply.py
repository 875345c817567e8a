"""Applying exchange records to the store: upsert by stable id, references resolved.

Records without an ``id`` get a deterministic one from their natural key, so the same file
imported twice changes nothing. Nested lists (aliases, participants, history, follow-ups,
actions, indicators ...) are replaced as a whole, reusing the rows whose ids survive.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError
from multitrack.exchange.records import (
    ActorRecord,
    AgreementRecord,
    ChannelRecord,
    EngagementRecord,
    HistoryItem,
    Item,
    MembershipRecord,
    ObjectiveRecord,
    TermRecord,
)
from multitrack.model import (
    Actor,
    Agreement,
    AgreementAction,
    AgreementParty,
    Channel,
    ChannelChange,
    ChannelParticipant,
    Engagement,
    EngagementParticipant,
    FollowUp,
    Indicator,
    Measurement,
    Membership,
    Objective,
    Obligation,
)
from multitrack.services.actors import (
    actor_codes,
    country_of,
    find_actors,
    new_actor_id,
    resolve_actor,
    set_names,
)
from multitrack.services.vocabulary import add_term, taxonomy_for
from multitrack.taxonomy import Taxonomy
from multitrack.values import clean_uuid, derived_id, full_date, normalise_name


@dataclass
class Context:
    session: Session
    taxonomy: Taxonomy

    @classmethod
    def of(cls, session: Session) -> Context:
        return cls(session=session, taxonomy=taxonomy_for(session))

    def actor(self, ref: str, *, field: str) -> Actor:
        try:
            return resolve_actor(self.session, ref)
        except (NotFoundError, AmbiguousError) as error:
            raise InvalidValueError(field, str(error)) from None


def record_id(given: str | None, kind: str, *key: object) -> uuid.UUID:
    parsed = clean_uuid(given) if given else None
    return parsed if parsed is not None else derived_id(kind, *key)


def children(
    existing: Sequence[Any], model: type[Any], items: list[tuple[uuid.UUID, dict[str, Any]]]
) -> list[Any]:
    """The new list of nested rows: rows whose id survives are updated in place, others made.

    Reusing rows (rather than deleting and re-inserting them) keeps ids stable and never trips
    the unique constraints of nested tables within one flush.
    """
    by_id = {child.id: child for child in existing}
    result: list[Any] = []
    seen: set[uuid.UUID] = set()
    for position, (child_id, values) in enumerate(items):
        if child_id in seen:
            raise InvalidValueError("id", f"the same nested item appears twice ({child_id})")
        seen.add(child_id)
        row = by_id.get(child_id) or model(id=child_id)
        for name, value in values.items():
            setattr(row, name, value)
        row.position = position
        result.append(row)
    return result


def apply_term(ctx: Context, record: TermRecord) -> None:
    add_term(
        ctx.session,
        vocabulary=record.vocabulary,
        term_id=record.id,
        name=record.name,
        parent=record.parent,
        description=record.description,
        source=record.source,
    )
    ctx.taxonomy = taxonomy_for(ctx.session)


def apply_actor(ctx: Context, record: ActorRecord) -> Actor:
    ctx.taxonomy.actor_kinds.validate(record.kind, field="kind")
    country = country_of(record.country)
    iso3 = country_of(record.iso3, field="iso3") if record.iso3 else None
    if record.kind == "state" and iso3 is None:
        raise InvalidValueError("iso3", "a state needs its ISO 3166 alpha-3 code")
    parent = ctx.actor(record.parent, field="parent") if record.parent else None
    actor = _existing_actor(ctx, record, iso3=iso3, country=country, parent=parent)
    if actor is None:
        actor = Actor(
            id=uuid.UUID(record.id)
            if record.id
            else new_actor_id(
                kind=record.kind,
                name=record.name,
                iso3=iso3,
                country=country,
                parent_id=parent.id if parent else None,
            )
        )
        ctx.session.add(actor)
    actor.kind, actor.name, actor.iso3 = record.kind, record.name, iso3
    actor.cameo_code, actor.cow_code, actor.country = record.cameo_code, record.cow_code, country
    actor.description, actor.source = record.description, record.source
    actor.parent_id = parent.id if parent else None
    set_names(actor, aliases=record.aliases, codes=actor_codes(actor))
    ctx.session.flush()
    return actor


def _existing_actor(
    ctx: Context,
    record: ActorRecord,
    *,
    iso3: str | None,
    country: str | None,
    parent: Actor | None,
) -> Actor | None:
    if record.id is not None:
        return ctx.session.get(Actor, uuid.UUID(record.id))
    if iso3 is not None:
        found = ctx.session.scalars(select(Actor).where(Actor.iso3 == iso3)).first()
        if found is not None:
            return found
    same = [a for a in find_actors(ctx.session, record.name) if a.kind == record.kind]
    if record.kind == "state" or iso3:
        same = []
    return same[0] if len(same) == 1 else None


def apply_membership(ctx: Context, record: MembershipRecord) -> Membership:
    member = ctx.actor(record.member, field="member")
    organisation = ctx.actor(record.organisation, field="organisation")
    ctx.taxonomy.membership_roles.validate(record.role, field="role")
    if record.until and record.since and record.until < record.since:
        raise InvalidValueError("until", f"{record.until} is before since {record.since}")
    key = record_id(record.id, "membership", member.id, organisation.id, record.role, record.since)
    row = ctx.session.get(Membership, key) or Membership(id=key)
    row.member_id, row.organisation_id, row.role = member.id, organisation.id, record.role
    row.since, row.until, row.note, row.source = (
        record.since,
        record.until,
        record.note,
        record.source,
    )
    ctx.session.add(row)
    return row


def apply_channel(ctx: Context, record: ChannelRecord) -> Channel:
    tax = ctx.taxonomy
    tax.tracks.validate(record.track, field="track")
    tax.sectors.validate(record.sector, field="sector")
    tax.channel_statuses.validate(record.status, field="status")
    actors = [
        ctx.actor(p.actor, field=f"participants.{i}") for i, p in enumerate(record.participants)
    ]
    if len({a.id for a in actors}) < 2:
        raise InvalidValueError("participants", "a channel needs two or more distinct participants")
    key = record_id(record.id, "channel", record.name, *sorted(str(a.id) for a in actors))
    history = list(record.history)
    for i, entry in enumerate(history):
        tax.tracks.validate(entry.track, field=f"history.{i}.track")
        tax.channel_statuses.validate(entry.status, field=f"history.{i}.status")
    if history:
        newest = max(history, key=lambda h: h.date)
        if (newest.track, newest.status) != (record.track, record.status):
            raise InvalidValueError(
                "history",
                f"the newest entry ({newest.date}: track {newest.track}, {newest.status}) must"
                f" match the channel's track {record.track} and status {record.status}",
            )
    elif record.started:
        history = [HistoryItem(date=record.started, track=record.track, status=record.status)]
    channel = ctx.session.get(Channel, key) or Channel(id=key)
    channel.name, channel.track, channel.sector = record.name, record.track, record.sector
    channel.status, channel.started = record.status, record.started
    channel.description, channel.source = record.description, record.source
    channel.participants = children(
        channel.participants,
        ChannelParticipant,
        [
            (derived_id("channel_participant", key, a.id), {"actor_id": a.id, "role": p.role})
            for a, p in zip(actors, record.participants, strict=True)
        ],
    )
    channel.history = children(
        channel.history,
        ChannelChange,
        [
            (
                record_id(h.id, "channel_change", key, i, h.date),
                {
                    "date": h.date,
                    "track": h.track,
                    "status": h.status,
                    "note": h.note,
                    "source": h.source,
                },
            )
            for i, h in enumerate(history)
        ],
    )
    ctx.session.add(channel)
    ctx.session.flush()
    return channel


def resolve_channel(ctx: Context, ref: str, *, field: str) -> Channel:
    as_id = clean_uuid(ref)
    if as_id is not None:
        found = ctx.session.get(Channel, as_id)
        matches = [found] if found is not None else []
    else:
        norm = normalise_name(ref)
        matches = [
            c
            for c in ctx.session.scalars(select(Channel).order_by(Channel.name))
            if normalise_name(c.name) == norm
        ]
    if not matches:
        raise InvalidValueError(field, f"no channel matches {ref!r}")
    if len(matches) > 1:
        raise InvalidValueError(field, f"{ref!r} matches {len(matches)} channels; use an id")
    return matches[0]


def apply_engagement(ctx: Context, record: EngagementRecord) -> Engagement:
    ctx.taxonomy.engagement_kinds.validate(record.kind, field="kind")
    channel = resolve_channel(ctx, record.channel, field="channel")
    if record.end and record.end < record.start:
        raise InvalidValueError("end", f"{record.end} is before start {record.start}")
    actors = [
        ctx.actor(ref, field=f"participants.{i}") for i, ref in enumerate(record.participants)
    ]
    key = record_id(record.id, "engagement", channel.id, record.kind, record.start, record.summary)
    row = ctx.session.get(Engagement, key) or Engagement(id=key)
    row.channel_id, row.kind, row.start, row.end = channel.id, record.kind, record.start, record.end
    row.place, row.summary, row.outcome, row.source = (
        record.place,
        record.summary,
        record.outcome,
        record.source,
    )
    row.participants = children(
        row.participants,
        EngagementParticipant,
        [(derived_id("engagement_participant", key, a.id), {"actor_id": a.id}) for a in actors],
    )
    row.follow_ups = children(
        row.follow_ups,
        FollowUp,
        [
            (
                record_id(f.id, "follow_up", key, i, f.action),
                {
                    "action": f.action,
                    "due": full_date(f.due, field=f"follow_ups.{i}.due") if f.due else None,
                    "done": f.done,
                },
            )
            for i, f in enumerate(record.follow_ups)
        ],
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def resolve_agreement(ctx: Context, ref: str, *, field: str) -> Agreement:
    as_id = clean_uuid(ref)
    if as_id is not None:
        found = ctx.session.get(Agreement, as_id)
    else:
        norm = normalise_name(ref)
        hits = [a for a in ctx.session.scalars(select(Agreement)) if normalise_name(a.name) == norm]
        if len(hits) > 1:
            raise InvalidValueError(field, f"{ref!r} matches {len(hits)} agreements; use an id")
        found = hits[0] if hits else None
    if found is None:
        raise InvalidValueError(field, f"no agreement matches {ref!r}")
    return found


def apply_agreement(ctx: Context, record: AgreementRecord) -> Agreement:
    tax = ctx.taxonomy
    tax.agreement_kinds.validate(record.kind, field="kind")
    tax.agreement_statuses.validate(record.status, field="status")
    if record.sector:
        tax.sectors.validate(record.sector, field="sector")
    parties = [ctx.actor(p.actor, field=f"parties.{i}") for i, p in enumerate(record.parties)]
    acting = [ctx.actor(a.actor, field=f"actions.{i}.actor") for i, a in enumerate(record.actions)]
    for i, action in enumerate(record.actions):
        tax.agreement_actions.validate(action.action, field=f"actions.{i}.action")
    key = record_id(record.id, "agreement", record.name)
    row = ctx.session.get(Agreement, key) or Agreement(id=key)
    row.name, row.kind, row.status, row.adopted, row.in_force = (
        record.name,
        record.kind,
        record.status,
        record.adopted,
        record.in_force,
    )
    row.sector, row.summary, row.url, row.source = (
        record.sector,
        record.summary,
        record.url,
        record.source,
    )
    row.parties = children(
        row.parties,
        AgreementParty,
        [
            (
                derived_id("agreement_party", key, a.id, p.role or "party"),
                {"actor_id": a.id, "role": p.role or "party"},
            )
            for a, p in zip(parties, record.parties, strict=True)
        ],
    )
    row.actions = children(
        row.actions,
        AgreementAction,
        [
            (
                record_id(x.id, "agreement_action", key, a.id, x.action, x.date),
                {"actor_id": a.id, "action": x.action, "date": x.date, "note": x.note},
            )
            for a, x in zip(acting, record.actions, strict=True)
        ],
    )
    row.obligations = children(
        row.obligations,
        Obligation,
        [
            (derived_id("obligation", key, i, text), {"text": text})
            for i, text in enumerate(record.obligations)
        ],
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def apply_objective(ctx: Context, record: ObjectiveRecord) -> Objective:
    if record.sector:
        ctx.taxonomy.sectors.validate(record.sector, field="sector")
    actor = ctx.actor(record.actor, field="actor") if record.actor else None
    channel = resolve_channel(ctx, record.channel, field="channel") if record.channel else None
    agreement = (
        resolve_agreement(ctx, record.agreement, field="agreement") if record.agreement else None
    )
    key = record_id(record.id, "objective", record.title)
    row = ctx.session.get(Objective, key) or Objective(id=key)
    row.title, row.description, row.sector, row.source = (
        record.title,
        record.description,
        record.sector,
        record.source,
    )
    row.actor_id = actor.id if actor else None
    row.channel_id = channel.id if channel else None
    row.agreement_id = agreement.id if agreement else None
    row.target_date = (
        full_date(record.target_date, field="target_date") if record.target_date else None
    )

    row.indicators = children(
        row.indicators,
        Indicator,
        [
            (
                record_id(item.id, "indicator", key, i, item.name),
                {
                    "name": item.name,
                    "unit": item.unit,
                    "baseline": item.baseline,
                    "target": item.target,
                },
            )
            for i, item in enumerate(record.indicators)
        ],
    )
    for i, (indicator, item) in enumerate(zip(row.indicators, record.indicators, strict=True)):
        indicator.measurements = children(
            indicator.measurements,
            Measurement,
            [
                (
                    record_id(m.id, "measurement", indicator.id, j, m.date),
                    {
                        "date": full_date(m.date, field=f"indicators.{i}.measurements.{j}.date"),
                        "value": m.value,
                        "note": m.note,
                        "source": m.source,
                    },
                )
                for j, m in enumerate(item.measurements)
            ],
        )
    ctx.session.add(row)
    ctx.session.flush()
    return row


APPLY: dict[str, Callable[[Context, Any], object]] = {
    "terms": apply_term,
    "actors": apply_actor,
    "memberships": apply_membership,
    "channels": apply_channel,
    "agreements": apply_agreement,
    "engagements": apply_engagement,
    "objectives": apply_objective,
}


def apply_record(ctx: Context, kind: str, record: Item) -> object:
    return APPLY[kind](ctx, record)
