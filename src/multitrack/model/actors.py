"""Actors, their names and their memberships of organisations."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.base import Base, Record, Timestamps, partial_date_column


class Actor(Record, Timestamps, Base):
    __tablename__ = "actor"

    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    iso3: Mapped[str | None] = mapped_column(String(3), unique=True, default=None)
    cameo_code: Mapped[str | None] = mapped_column(String(20), index=True, default=None)
    cow_code: Mapped[int | None] = mapped_column(Integer, default=None)
    country: Mapped[str | None] = mapped_column(String(3), index=True, default=None)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="SET NULL"), index=True, default=None
    )
    description: Mapped[str | None] = mapped_column(Text, default=None)

    parent: Mapped[Actor | None] = relationship(remote_side="Actor.id", lazy="joined")
    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor",
        cascade="all, delete-orphan",
        order_by="ActorAlias.position",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"Actor({self.name!r}, kind={self.kind!r})"


class ActorAlias(Base):
    """Another name or a code an actor is known by. ``norm`` is what resolution matches on."""

    __tablename__ = "actor_alias"
    __table_args__ = (UniqueConstraint("actor_id", "norm"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    actor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(300))
    norm: Mapped[str] = mapped_column(String(300), index=True)
    #: ``name`` (the canonical name), ``alias`` (given by a user or the data) or ``code``
    #: (ISO 3166 alpha-2/alpha-3, CAMEO) -- codes are matched exactly, names loosely.
    origin: Mapped[str] = mapped_column(String(10), default="alias")
    position: Mapped[int] = mapped_column(Integer, default=0)

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Membership(Record, Timestamps, Base):
    """An actor's membership of an organisation, from ``since`` until ``until`` (open: current)."""

    __tablename__ = "membership"

    member_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40), default="member")
    since: Mapped[str | None] = partial_date_column()
    until: Mapped[str | None] = partial_date_column()
    note: Mapped[str | None] = mapped_column(Text, default=None)

    member: Mapped[Actor] = relationship(foreign_keys=[member_id], lazy="joined")
    organisation: Mapped[Actor] = relationship(foreign_keys=[organisation_id], lazy="joined")
