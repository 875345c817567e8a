"""Human-rights vetting of actors and units: a dated finding that clears or flags a subject."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multitrack.model.actors import Actor
from multitrack.model.base import Base, Record, Timestamps

#: What a vetting record finds about its subject.
VETTING_STATUSES: tuple[str, ...] = ("cleared", "flagged", "pending")


class Vetting(Record, Timestamps, Base):
    """One vetting decision (or a request still pending) about one actor: a state's unit or
    force, an individual, or any other actor whose conduct matters before engaging it.

    ``source`` (from :class:`Record`) cites the finding; a subject's newest record by ``date``
    is its standing (see :mod:`multitrack.services.vetting`).
    """

    __tablename__ = "vetting"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("actor.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text, default=None)

    subject: Mapped[Actor] = relationship(lazy="joined")
