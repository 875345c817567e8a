"""Objectives, their indicators and the dated measurements of those indicators."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.base import Base, Record, Timestamps


class Objective(Record, Timestamps, Base):
    """What cooperation is meant to achieve; it may concern an actor, channel or agreement."""

    __tablename__ = "objective"

    title: Mapped[str] = mapped_column(String(400))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    sector: Mapped[str | None] = mapped_column(String(60), default=None)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="SET NULL"), index=True, default=None
    )
    channel_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("channel.id", ondelete="SET NULL"), index=True, default=None
    )
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agreement.id", ondelete="SET NULL"), index=True, default=None
    )
    target_date: Mapped[date | None] = mapped_column(Date, default=None)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="objective",
        cascade="all, delete-orphan",
        order_by="Indicator.position",
        lazy="selectin",
    )


class Indicator(Base):
    __tablename__ = "indicator"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    objective_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(400))
    unit: Mapped[str | None] = mapped_column(String(60), default=None)
    baseline: Mapped[float | None] = mapped_column(Float, default=None)
    target: Mapped[float | None] = mapped_column(Float, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    objective: Mapped[Objective] = relationship(back_populates="indicators")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        order_by="(Measurement.date, Measurement.position)",
        lazy="selectin",
    )


class Measurement(Base):
    __tablename__ = "measurement"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    indicator_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")
