"""Track transitions: channels that moved between tracks, read from their dated history.

A channel's history (:class:`multitrack.model.ChannelChange`) says which track and status it
had from each date on. A **transition** is an entry whose track differs from the entry before
it; a history whose entries only change status (active → closed) has none. Who took part in a
move is read from the engagements on that channel dated at the move (same day, or the same
month or year when the history gives only that), else from the channel's participants.

The **direction** of a move compares how official the tracks are: Track 1 (government) is
official, Track 1.5 mixes official and non-official people, every other track is non-official.
Oslo 1993 went from Track 2 to 1.5 (an official Israeli negotiator joined in May) and on to
Track 1 (initialling by the governments in August): two moves "towards official", one journey
from Track 2 to Track 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.model import Actor, Channel, ChannelParticipant, Engagement
from multitrack.services.actors import resolve_actor
from multitrack.services.brief import family_of

Direction = Literal["towards official", "away from official", "between non-official tracks"]

#: How official a track is: Track 1 more than 1.5, 1.5 more than every other track.
OFFICIAL_RANK: dict[str, int] = {"1": 2, "1.5": 1}


def direction_of(from_track: str, to_track: str) -> Direction:
    before, after = OFFICIAL_RANK.get(from_track, 0), OFFICIAL_RANK.get(to_track, 0)
    if after > before:
        return "towards official"
    if after < before:
        return "away from official"
    return "between non-official tracks"


@dataclass(frozen=True)
class ActorRef:
    id: str
    name: str
    kind: str

    @classmethod
    def of(cls, actor: Actor) -> ActorRef:
        return cls(id=str(actor.id), name=actor.name, kind=actor.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class EngagementRef:
    id: str
    start: str
    kind: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "kind": self.kind, "summary": self.summary}


@dataclass(frozen=True)
class Transition:
    """One move of a channel from one track to another, on a date."""

    channel_id: str
    channel: str
    sector: str
    from_track: str
    to_track: str
    date: str
    #: since when the channel had been on ``from_track`` (the first entry of that run)
    since: str
    status: str
    direction: Direction
    note: str | None
    source: str | None
    participants: tuple[ActorRef, ...]
    #: ``engagements`` when read from the engagements dated at the move, else ``channel``
    participants_from: Literal["engagements", "channel"]
    engagements: tuple[EngagementRef, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": {"id": self.channel_id, "name": self.channel, "sector": self.sector},
            "from_track": self.from_track,
            "to_track": self.to_track,
            "date": self.date,
            "since": self.since,
            "status": self.status,
            "direction": self.direction,
            "note": self.note,
            "source": self.source,
            "participants": [p.to_dict() for p in self.participants],
            "participants_from": self.participants_from,
            "engagements": [e.to_dict() for e in self.engagements],
        }


@dataclass(frozen=True)
class Journey:
    """A channel's moves end to end: the track it started on, each track after, the dates."""

    channel_id: str
    channel: str
    path: tuple[str, ...]
    #: since when it was on its first track
    started: str
    #: the dates of its first and last move
    first: str
    last: str

    @property
    def from_track(self) -> str:
        return self.path[0]

    @property
    def to_track(self) -> str:
        return self.path[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": {"id": self.channel_id, "name": self.channel},
            "from_track": self.from_track,
            "to_track": self.to_track,
            "path": list(self.path),
            "started": self.started,
            "first": self.first,
            "last": self.last,
            "direction": direction_of(self.from_track, self.to_track),
        }


def same_time(a: str, b: str) -> bool:
    """Whether two partial dates can name the same day ("1993-05" and "1993-05-20" can)."""
    return a.startswith(b) or b.startswith(a)


def _channels(session: Session, actor_ref: str | None) -> list[Channel]:
    query = select(Channel).order_by(Channel.name, Channel.id)
    if actor_ref is not None:
        family = family_of(session, resolve_actor(session, actor_ref))
        query = query.where(
            Channel.id.in_(
                select(ChannelParticipant.channel_id).where(ChannelParticipant.actor_id.in_(family))
            )
        )
    return list(session.scalars(query).unique())


def _engagements(session: Session, channel_ids: list[Any]) -> dict[Any, list[Engagement]]:
    by_channel: dict[Any, list[Engagement]] = {}
    if not channel_ids:
        return by_channel
    rows = session.scalars(
        select(Engagement)
        .where(Engagement.channel_id.in_(channel_ids))
        .order_by(Engagement.start, Engagement.id)
    ).unique()
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    return by_channel


def _who(channel: Channel, at_move: list[Engagement]) -> tuple[tuple[ActorRef, ...], bool]:
    seen: dict[str, ActorRef] = {}
    for engagement in at_move:
        for p in engagement.participants:
            seen.setdefault(str(p.actor_id), ActorRef.of(p.actor))
    if seen:
        return tuple(seen.values()), True
    return tuple(ActorRef.of(p.actor) for p in channel.participants), False


def transitions(session: Session, actor_ref: str | None = None) -> list[Transition]:
    """Every track move of the channels the session may see (of ``actor_ref``'s channels, its
    organs' included, when given), oldest first."""
    channels = _channels(session, actor_ref)
    engagements = _engagements(session, [c.id for c in channels])
    found: list[Transition] = []
    for channel in channels:
        history = list(channel.history)
        entered = history[0].date if history else ""
        for before, after in pairwise(history):
            if before.track == after.track:
                continue
            since, entered = entered, after.date
            at_move = [e for e in engagements.get(channel.id, []) if same_time(e.start, after.date)]
            participants, from_engagements = _who(channel, at_move)
            found.append(
                Transition(
                    channel_id=str(channel.id),
                    channel=channel.name,
                    sector=channel.sector,
                    from_track=before.track,
                    to_track=after.track,
                    date=after.date,
                    since=since,
                    status=after.status,
                    direction=direction_of(before.track, after.track),
                    note=after.note,
                    source=after.source,
                    participants=participants,
                    participants_from="engagements" if from_engagements else "channel",
                    engagements=tuple(
                        EngagementRef(str(e.id), e.start, e.kind, e.summary) for e in at_move
                    ),
                )
            )
    found.sort(key=lambda t: (t.date, t.channel, t.channel_id))
    return found


def journeys(found: Sequence[Transition]) -> list[Journey]:
    """The moves of each channel joined end to end, in the order of their first move."""
    by_channel: dict[str, list[Transition]] = {}
    for t in found:
        by_channel.setdefault(t.channel_id, []).append(t)
    result = []
    for channel_id, moves in by_channel.items():
        moves.sort(key=lambda t: t.date)
        path = [moves[0].from_track, *(t.to_track for t in moves)]
        result.append(
            Journey(
                channel_id=channel_id,
                channel=moves[0].channel,
                path=tuple(path),
                started=moves[0].since,
                first=moves[0].date,
                last=moves[-1].date,
            )
        )
    return result


def transitions_dict(found: Sequence[Transition]) -> dict[str, Any]:
    """The JSON shape every shell gives: each move, and each channel's journey."""
    return {
        "transitions": [t.to_dict() for t in found],
        "journeys": [j.to_dict() for j in journeys(found)],
    }
