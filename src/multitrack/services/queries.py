"""Read services shared by every shell: lists, details and the actor brief, as plain data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, NotFoundError
from multitrack.exchange.exporter import (
    actor_record,
    agreement_record,
    channel_record,
    engagement_record,
)
from multitrack.model import (
    Actor,
    Agreement,
    AgreementParty,
    Channel,
    ChannelParticipant,
    Engagement,
    EngagementParticipant,
    FollowUp,
    Membership,
    Objective,
)
from multitrack.services.actors import resolve_actor
from multitrack.services.vocabulary import taxonomy_for
from multitrack.taxonomy import load_taxonomy
from multitrack.values import clean_uuid, normalise_name, partial_date


def actor_summary(actor: Actor) -> dict[str, Any]:
    return {"id": str(actor.id), "name": actor.name, "kind": actor.kind}


def actor_detail(session: Session, actor: Actor) -> dict[str, Any]:
    data = actor_record(actor)
    data["parent"] = actor_summary(actor.parent) if actor.parent else None
    data["codes"] = [a.alias for a in actor.aliases if a.origin == "code"]
    data["memberships"] = [membership_view(m) for m in memberships_of(session, actor.id)]
    data["members"] = len(members_of(session, actor.id, current=True))
    data["organs"] = [
        actor_summary(a)
        for a in session.scalars(
            select(Actor).where(Actor.parent_id == actor.id).order_by(Actor.name)
        )
    ]
    return data


def membership_view(m: Membership) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "member": actor_summary(m.member),
        "organisation": actor_summary(m.organisation),
        "role": m.role,
        "since": m.since,
        "until": m.until,
    }


def memberships_of(session: Session, actor_id: uuid.UUID) -> Sequence[Membership]:
    return session.scalars(
        select(Membership)
        .where(Membership.member_id == actor_id)
        .order_by(Membership.since, Membership.id)
    ).all()


def members_of(
    session: Session, organisation_id: uuid.UUID, *, current: bool
) -> Sequence[Membership]:
    query = select(Membership).where(Membership.organisation_id == organisation_id)
    if current:
        query = query.where(Membership.until.is_(None), Membership.role == "member")
    return session.scalars(query.order_by(Membership.since, Membership.id)).all()


def channel_view(channel: Channel) -> dict[str, Any]:
    """A channel as people read it: the exchange record with its participants named."""
    return {
        **channel_record(channel),
        "participants": [{**actor_summary(p.actor), "role": p.role} for p in channel.participants],
    }


def engagement_view(row: Engagement) -> dict[str, Any]:
    return {
        **engagement_record(row),
        "channel": {"id": str(row.channel_id), "name": row.channel.name},
        "participants": [actor_summary(p.actor) for p in row.participants],
    }


def agreement_view(row: Agreement) -> dict[str, Any]:
    return {
        **agreement_record(row),
        "parties": [{**actor_summary(p.actor), "role": p.role} for p in row.parties],
        "actions": [
            {"actor": actor_summary(a.actor), "action": a.action, "date": a.date, "note": a.note}
            for a in row.actions
        ],
    }


def list_channels(
    session: Session,
    *,
    actor: str | None = None,
    track: str | None = None,
    sector: str | None = None,
    status: str | None = None,
) -> Sequence[Channel]:
    query = select(Channel).order_by(Channel.name, Channel.id)
    if actor:
        found = resolve_actor(session, actor)
        query = query.where(
            Channel.id.in_(
                select(ChannelParticipant.channel_id).where(ChannelParticipant.actor_id == found.id)
            )
        )
    # An unknown filter value is an error, not an empty list (a typo would look like "none").
    if track:
        query = query.where(Channel.track == load_taxonomy().tracks.validate(track, field="track"))
    if sector:
        sectors = taxonomy_for(session).sectors
        query = query.where(Channel.sector == sectors.validate(sector, field="sector"))
    if status:
        statuses = load_taxonomy().channel_statuses
        query = query.where(Channel.status == statuses.validate(status, field="status"))
    return session.scalars(query).all()


def get_channel(session: Session, ref: str) -> Channel:
    """A channel by id, by a unique prefix of its id, or by its exact name."""
    text = ref.strip()
    as_id = clean_uuid(text)
    if as_id is not None:
        found = session.get(Channel, as_id)
        if found is None:
            raise NotFoundError("channel", ref)
        return found
    rows = session.scalars(select(Channel).order_by(Channel.name)).all()
    norm = normalise_name(text)
    hits = [c for c in rows if normalise_name(c.name) == norm]
    if not hits and len(text) >= 4:
        hits = [c for c in rows if str(c.id).startswith(text.lower())]
    if not hits:
        raise NotFoundError("channel", ref)
    if len(hits) > 1:
        raise AmbiguousError("channel", ref, [f"{c.name} ({c.id})" for c in hits])
    return hits[0]


def list_engagements(
    session: Session,
    *,
    actor: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> Sequence[Engagement]:
    query = select(Engagement).order_by(Engagement.start.desc(), Engagement.id)
    if actor:
        found = resolve_actor(session, actor)
        on_channel = select(ChannelParticipant.channel_id).where(
            ChannelParticipant.actor_id == found.id
        )
        took_part = select(EngagementParticipant.engagement_id).where(
            EngagementParticipant.actor_id == found.id
        )
        query = query.where(
            or_(Engagement.channel_id.in_(on_channel), Engagement.id.in_(took_part))
        )
    if channel:
        query = query.where(Engagement.channel_id == get_channel(session, channel).id)
    if kind:
        kinds = taxonomy_for(session).engagement_kinds
        query = query.where(Engagement.kind == kinds.validate(kind, field="kind"))
    if since:
        query = query.where(Engagement.start >= partial_date(since, field="since"))
    if until:
        # "1993" or "1993-05" as an upper bound includes every date within that year or month
        query = query.where(Engagement.start <= partial_date(until, field="until") + "-99")
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def list_agreements(
    session: Session, *, actor: str | None = None, status: str | None = None
) -> Sequence[Agreement]:
    query = select(Agreement).order_by(Agreement.adopted, Agreement.name)
    if actor:
        found = resolve_actor(session, actor)
        query = query.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(AgreementParty.actor_id == found.id)
            )
        )
    if status:
        statuses = load_taxonomy().agreement_statuses
        query = query.where(Agreement.status == statuses.validate(status, field="status"))
    return session.scalars(query).all()


def open_follow_ups(
    session: Session, *, actor_ids: set[uuid.UUID] | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Follow-ups not done yet, soonest due first, on channels of ``actor_ids`` when given."""
    query = (
        select(FollowUp, Engagement)
        .join(Engagement, FollowUp.engagement_id == Engagement.id)
        .where(FollowUp.done.is_(False))
        .order_by(FollowUp.due, FollowUp.id)
    )
    if actor_ids is not None:
        query = query.where(
            Engagement.channel_id.in_(
                select(ChannelParticipant.channel_id).where(
                    ChannelParticipant.actor_id.in_(actor_ids)
                )
            )
        )
    today = today or date.today()
    return [
        {
            "action": f.action,
            "due": f.due.isoformat() if f.due else None,
            "overdue": bool(f.due and f.due < today),
            "engagement": {"id": str(e.id), "summary": e.summary, "start": e.start},
            "channel": e.channel.name,
        }
        for f, e in session.execute(query)
    ]


def list_objectives(session: Session) -> Sequence[Objective]:
    return session.scalars(select(Objective).order_by(Objective.title)).all()
