"""Engagements: dated activities on a channel, and the follow-ups they leave."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.actors import Actor
from multitrack.model.base import Base, Record, Timestamps, partial_date_column
from multitrack.model.channels import Channel


class Engagement(Record, Timestamps, Base):
    __tablename__ = "engagement"

    channel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("channel.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60), index=True)
    start: Mapped[str] = mapped_column(String(10), index=True)
    end: Mapped[str | None] = partial_date_column()
    place: Mapped[str | None] = mapped_column(String(300), default=None)
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text, default=None)

    channel: Mapped[Channel] = relationship(lazy="joined")
    participants: Mapped[list[EngagementParticipant]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="EngagementParticipant.position",
        lazy="selectin",
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="FollowUp.position",
        lazy="selectin",
    )


class EngagementParticipant(Base):
    __tablename__ = "engagement_participant"
    __table_args__ = (UniqueConstraint("engagement_id", "actor_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("engagement.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    engagement: Mapped[Engagement] = relationship(back_populates="participants")
    actor: Mapped[Actor] = relationship(lazy="joined")


class FollowUp(Base):
    __tablename__ = "follow_up"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("engagement.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    engagement: Mapped[Engagement] = relationship(back_populates="follow_ups")
