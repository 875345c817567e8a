"""Channels: standing lines of contact between actors, on a track, in a sector."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.actors import Actor
from multitrack.model.base import Base, Record, Timestamps, partial_date_column


class Channel(Record, Timestamps, Base):
    """A line of contact. ``track`` and ``status`` mirror the newest entry of its history."""

    __tablename__ = "channel"

    name: Mapped[str] = mapped_column(String(300))
    track: Mapped[str] = mapped_column(String(10), index=True)
    sector: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    started: Mapped[str | None] = partial_date_column()
    description: Mapped[str | None] = mapped_column(Text, default=None)

    participants: Mapped[list[ChannelParticipant]] = relationship(
        back_populates="channel",
        cascade="all, delete-orphan",
        order_by="ChannelParticipant.position",
        lazy="selectin",
    )
    history: Mapped[list[ChannelChange]] = relationship(
        back_populates="channel",
        cascade="all, delete-orphan",
        order_by="(ChannelChange.date, ChannelChange.position)",
        lazy="selectin",
    )


class ChannelParticipant(Base):
    __tablename__ = "channel_participant"
    __table_args__ = (UniqueConstraint("channel_id", "actor_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    channel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("channel.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(100), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    channel: Mapped[Channel] = relationship(back_populates="participants")
    actor: Mapped[Actor] = relationship(lazy="joined")


class ChannelChange(Base):
    """One dated entry of a channel's history: the track and status it had from ``date`` on."""

    __tablename__ = "channel_change"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    channel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("channel.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[str] = mapped_column(String(10))
    track: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    channel: Mapped[Channel] = relationship(back_populates="history")
