"""Agreements and frameworks, their parties' actions and their obligations."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.actors import Actor
from multitrack.model.base import Base, Record, Timestamps, partial_date_column


class Agreement(Record, Timestamps, Base):
    __tablename__ = "agreement"

    name: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(30))
    adopted: Mapped[str | None] = partial_date_column()
    in_force: Mapped[str | None] = partial_date_column()
    sector: Mapped[str | None] = mapped_column(String(60), default=None)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementParty.position",
        lazy="selectin",
    )
    actions: Mapped[list[AgreementAction]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="(AgreementAction.date, AgreementAction.position)",
        lazy="selectin",
    )
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="Obligation.position",
        lazy="selectin",
    )


class AgreementParty(Base):
    __tablename__ = "agreement_party"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40), default="party")
    position: Mapped[int] = mapped_column(Integer, default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    actor: Mapped[Actor] = relationship(lazy="joined")


class AgreementAction(Base):
    """A party's dated action on an agreement, as the UN Treaty Collection records them."""

    __tablename__ = "agreement_action"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    date: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="actions")
    actor: Mapped[Actor] = relationship(lazy="joined")


class Obligation(Base):
    __tablename__ = "obligation"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="obligations")
