"""Sealed sharing: the sequence numbers of share packages and the receipts of imported ones."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from multitrack.model.base import Base, utcnow


class ShareCounter(Base):
    """The newest sequence number of the packages from one organisation to another.

    ``direction`` is ``out`` for packages this installation sent (the last number given) and
    ``in`` for packages it imported (the last number accepted: older ones are refused).
    """

    __tablename__ = "share_counter"

    sender_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class ShareReceipt(Base):
    """Provenance of one imported share package."""

    __tablename__ = "share_receipt"

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sender_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: JSON: records per kind in the package, and how many were added, updated, kept.
    counts: Mapped[str] = mapped_column(Text)
