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

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, InUseError, InvalidValueError, NotFoundError
from multitrack.exchange.exporter import snapshot
from multitrack.exchange.records import (
    ActorRecord,
    AgreementRecord,
    ChannelRecord,
    EngagementRecord,
    HistoryItem,
    Item,
    Labelled,
    MembershipRecord,
    ObjectiveRecord,
    OrganisationRecord,
    TermRecord,
    VettingRecord,
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
    Organisation,
    Release,
    Vetting,
)
from multitrack.security.accounts import add_organisation, get_organisation
from multitrack.security.audit import append
from multitrack.security.gate import principal_of
from multitrack.security.labels import apply_labels
from multitrack.security.principal import AccessDenied, Principal
from multitrack.services.actors import (
    actor_codes,
    country_of,
    resolve_actor,
    set_names,
)
from multitrack.services.vocabulary import add_term, taxonomy_for
from multitrack.taxonomy import Taxonomy
from multitrack.values import clean_uuid, derived_id, full_date, normalise_name


@dataclass
class Context:
    """One import (or one command's change): the session, its principal, the taxonomy in force,
    and what the record being applied looked like before (for the audit log)."""

    session: Session
    taxonomy: Taxonomy
    principal: Principal
    before: dict[str, Any] | None = None
    kind: str = ""

    @classmethod
    def of(cls, session: Session) -> Context:
        return cls(session=session, taxonomy=taxonomy_for(session), principal=principal_of(session))

    def key(self, given: str | None, kind: str, *parts: object) -> uuid.UUID:
        """A record's id: the one given, or one derived from its natural key. A user's records
        are keyed within their organisation, so they never collide with records they cannot
        see."""
        parsed = clean_uuid(given) if given else None
        if parsed is not None:
            return parsed
        if self.principal.system:
            return derived_id(kind, *parts)
        return derived_id(kind, f"org:{self.principal.organisation_id}", *parts)

    def load(self, model: type[Any], key: uuid.UUID) -> Any:
        """The stored record with this id (if the principal sees it), noting how it was."""
        row = self.session.get(model, key)
        self.before = None if row is None else snapshot(self.session, self.kind, row)
        return row

    def actor(self, ref: str, *, field: str) -> Actor:
        try:
            return resolve_actor(self.session, ref)
        except (NotFoundError, AmbiguousError) as error:
            raise InvalidValueError(field, str(error)) from None


def record_id(given: str | None, kind: str, *key: object) -> uuid.UUID:
    """The id of a nested item: the one given, or one derived from its parent and place."""
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
        sector=record.sector,
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
    if record.kind == "state" and iso3:
        key = ctx.key(record.id, "actor", "state", iso3)
    else:
        parent_id = parent.id if parent else None
        key = ctx.key(record.id, "actor", record.kind, record.name, country, parent_id)
    actor: Actor | None = ctx.load(Actor, key)
    if actor is None and iso3 is not None and record.id is None:
        actor = ctx.session.scalars(select(Actor).where(Actor.iso3 == iso3)).first()
        ctx.before = None if actor is None else snapshot(ctx.session, "actors", actor)
    if actor is None:
        actor = Actor(id=key)
        ctx.session.add(actor)
    actor.kind, actor.name, actor.iso3 = record.kind, record.name, iso3
    actor.cameo_code, actor.cow_code, actor.country = record.cameo_code, record.cow_code, country
    actor.description, actor.source = record.description, record.source
    actor.parent_id = parent.id if parent else None
    set_names(actor, aliases=record.aliases, codes=actor_codes(actor))
    ctx.session.flush()
    return actor


def apply_membership(ctx: Context, record: MembershipRecord) -> Membership:
    member = ctx.actor(record.member, field="member")
    organisation = ctx.actor(record.organisation, field="organisation")
    ctx.taxonomy.membership_roles.validate(record.role, field="role")
    if record.until and record.since and record.until < record.since:
        raise InvalidValueError("until", f"{record.until} is before since {record.since}")
    key = ctx.key(record.id, "membership", member.id, organisation.id, record.role, record.since)
    row = ctx.load(Membership, key) or Membership(id=key)
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
    key = ctx.key(record.id, "channel", record.name, *sorted(str(a.id) for a in actors))
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
    channel = ctx.load(Channel, key) or Channel(id=key)
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
    key = ctx.key(record.id, "engagement", channel.id, record.kind, record.start, record.summary)
    row = ctx.load(Engagement, key) or Engagement(id=key)
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
    key = ctx.key(record.id, "agreement", record.name)
    row = ctx.load(Agreement, key) or Agreement(id=key)
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
    key = ctx.key(record.id, "objective", record.title)
    row = ctx.load(Objective, key) or Objective(id=key)
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


def apply_vetting(ctx: Context, record: VettingRecord) -> Vetting:
    subject = ctx.actor(record.subject, field="subject")
    decided = full_date(record.date, field="date")
    key = ctx.key(record.id, "vetting", subject.id, record.date, record.status)
    row = ctx.load(Vetting, key) or Vetting(id=key)
    row.subject_id, row.status, row.date = subject.id, record.status, decided
    row.notes, row.source = record.notes, record.source
    ctx.session.add(row)
    ctx.session.flush()
    return row


def apply_organisation(ctx: Context, record: OrganisationRecord) -> Organisation:
    """Organisations named by labels: existing ones are kept; only the local administrator
    may add new ones."""
    found = get_organisation(ctx.session, record.name, missing_ok=True)
    if found is not None:
        return found
    return add_organisation(ctx.session, record.name, description=record.description)


APPLY: dict[str, Callable[[Context, Any], Any]] = {
    "organisations": apply_organisation,
    "terms": apply_term,
    "actors": apply_actor,
    "memberships": apply_membership,
    "channels": apply_channel,
    "agreements": apply_agreement,
    "engagements": apply_engagement,
    "objectives": apply_objective,
    "vetting": apply_vetting,
}


def apply_record(ctx: Context, kind: str, record: Item) -> object:
    """Apply one record for the context's principal: checks, labels, and an audit entry when
    anything changed."""
    ctx.principal.require_write()
    ctx.kind, ctx.before = kind, None
    row: Any = APPLY[kind](ctx, record)
    if not isinstance(record, Labelled):
        return row
    apply_labels(
        ctx.session,
        row,
        is_new=ctx.before is None,
        classification=record.classification,
        owner=record.owner,
        releasable_to=record.releasable_to,
    )
    ctx.session.flush()
    after = snapshot(ctx.session, kind, row)
    if after != ctx.before:
        append(
            ctx.session,
            action="create" if ctx.before is None else "update",
            entity=kind,
            entity_id=str(row.id),
            before=ctx.before,
            after=after,
        )
    return row


def save(session: Session, kind: str, record: Item) -> Any:
    """Apply one record on its own (the ``add`` commands, forms, the API)."""
    return apply_record(Context.of(session), kind, record)


#: What a record may not be deleted under: other labelled records pointing at it (read below
#: the gate, so a record another organisation built on is never deleted from under it).
REFERENCES: dict[str, tuple[Any, ...]] = {
    "actors": (
        Membership.member_id,
        Membership.organisation_id,
        ChannelParticipant.actor_id,
        EngagementParticipant.actor_id,
        AgreementParty.actor_id,
        AgreementAction.actor_id,
        Objective.actor_id,
        Actor.parent_id,
        Vetting.subject_id,
    ),
    "channels": (Engagement.channel_id, Objective.channel_id),
    "agreements": (Objective.agreement_id,),
    "memberships": (),
    "engagements": (),
    "objectives": (),
    "vetting": (),
}
MODELS: dict[str, Any] = {
    "actors": Actor,
    "memberships": Membership,
    "channels": Channel,
    "engagements": Engagement,
    "agreements": Agreement,
    "objectives": Objective,
    "vetting": Vetting,
}


def delete_record(session: Session, kind: str, record_id: uuid.UUID) -> None:
    """Delete one record: its owner organisation's editors only (the local administrator any),
    never while other records refer to it; audited. A hidden record is a missing one."""
    principal = principal_of(session)
    principal.require_write()
    model = MODELS[kind]
    row = session.scalars(select(model).where(model.id == record_id)).first()
    if row is None:
        raise NotFoundError(kind.removesuffix("s"), str(record_id))
    if not principal.system and row.owner_id != principal.organisation_id:
        raise AccessDenied("records owned by another organisation cannot be deleted")
    connection = session.connection()
    # Every reference counts, seen or not: deleting would delete or orphan the records that
    # refer to this one, and records the caller cannot see are not theirs to lose. The answer
    # names only the kinds of referring records the caller can see (read through the gate),
    # so it is the same whether hidden ones refer to it too.
    referred, seen = False, set()
    for column in REFERENCES[kind]:
        table = column.table
        used = connection.execute(
            select(func.count()).select_from(table).where(column == record_id)
        ).scalar()
        if used:
            referred = True
            shown = session.scalar(select(func.count(column.class_.id)).where(column == record_id))
            if shown:
                seen.add(table.name)
    if referred:
        raise InUseError(kind.removesuffix("s"), str(record_id), sorted(seen))
    before = snapshot(session, kind, row)
    session.delete(row)
    session.flush()
    release = Release.__table__
    assert isinstance(release, Table)
    connection.execute(delete(release).where(release.c.record_id == record_id))
    append(session, action="delete", entity=kind, entity_id=str(record_id), before=before)
