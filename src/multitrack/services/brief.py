"""The brief of one actor: what a desk officer wants on one screen."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.model import Actor, Channel, ChannelParticipant
from multitrack.services.actors import resolve_actor
from multitrack.services.queries import (
    actor_summary,
    agreement_view,
    engagement_view,
    list_agreements,
    list_engagements,
    membership_view,
    memberships_of,
    open_follow_ups,
)
from multitrack.taxonomy import load_taxonomy

RECENT_ENGAGEMENTS = 10


def family_of(session: Session, actor: Actor) -> set[uuid.UUID]:
    """The actor and every organ under it (ministries, forces ...), at any depth."""
    family = {actor.id}
    frontier = {actor.id}
    while frontier:
        children = set(session.scalars(select(Actor.id).where(Actor.parent_id.in_(frontier))))
        frontier = children - family
        family |= frontier
    return family


def track_path(channel: Channel) -> list[dict[str, Any]]:
    """The channel's history reduced to its moves: one step per change of track or status."""
    steps: list[dict[str, Any]] = []
    for change in channel.history:
        if steps and (steps[-1]["track"], steps[-1]["status"]) == (change.track, change.status):
            continue
        steps.append({"date": change.date, "track": change.track, "status": change.status})
    return steps


def counterpart(session: Session, actor: Actor) -> Actor:
    """Whom a participant speaks for: an organ its top parent, a person their state."""
    seen = {actor.id}
    while actor.parent is not None and actor.parent.id not in seen:
        actor = actor.parent
        seen.add(actor.id)
    if actor.kind == "individual" and actor.country:
        state = session.scalars(select(Actor).where(Actor.iso3 == actor.country)).first()
        if state is not None:
            return state
    return actor


def brief(session: Session, ref: str, *, today: date | None = None) -> dict[str, Any]:
    actor = resolve_actor(session, ref)
    family = family_of(session, actor)
    channels = session.scalars(
        select(Channel)
        .where(
            Channel.id.in_(
                select(ChannelParticipant.channel_id).where(ChannelParticipant.actor_id.in_(family))
            )
        )
        .order_by(Channel.name)
    ).all()
    tracks = load_taxonomy().tracks
    track_order = {t.id: i for i, t in enumerate(tracks)}
    matrix: dict[str, dict[str, list[dict[str, Any]]]] = {}
    channel_rows = []
    for channel in channels:
        counterparts = [p.actor for p in channel.participants if p.actor_id not in family]
        speaking_for = {counterpart(session, a) for a in counterparts}
        for other in sorted(speaking_for, key=lambda a: a.name):
            if other.id in family:
                continue  # our own people and organs are not counterparts
            cell = matrix.setdefault(other.name, {}).setdefault(channel.track, [])
            cell.append(
                {"sector": channel.sector, "status": channel.status, "channel": channel.name}
            )
        channel_rows.append(
            {
                "id": str(channel.id),
                "name": channel.name,
                "track": channel.track,
                "sector": channel.sector,
                "status": channel.status,
                "counterparts": [actor_summary(a) for a in counterparts],
                "track_history": track_path(channel),
            }
        )
    engagements = list_engagements(session, actor=str(actor.id), limit=RECENT_ENGAGEMENTS)
    in_force = [a for a in list_agreements(session, actor=str(actor.id)) if a.status == "in_force"]
    return {
        "actor": {
            **actor_summary(actor),
            "iso3": actor.iso3,
            "cameo_code": actor.cameo_code,
            "country": actor.country,
            "parent": actor_summary(actor.parent) if actor.parent else None,
        },
        "memberships": [
            membership_view(m) for m in memberships_of(session, actor.id) if m.until is None
        ],
        "tracks": sorted(
            {c.track for c in channels}, key=lambda t: track_order.get(t, len(track_order))
        ),
        "coverage": [
            {"counterpart": name, "tracks": cells} for name, cells in sorted(matrix.items())
        ],
        "channels": channel_rows,
        "recent_engagements": [engagement_view(e) for e in engagements],
        "agreements_in_force": [agreement_view(a) for a in in_force],
        "open_follow_ups": open_follow_ups(session, actor_ids=family, today=today),
    }
