"""Declarative base and the columns every registry record shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, MetaData, String, Text, Uuid, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: ISO 8601 dates of reduced precision ("1993", "1993-08", "1993-08-20") are kept as text, which
#: sorts in time order; the value type in :mod:`multitrack.values` validates them.
PARTIAL_DATE_LENGTH = 10


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Record:
    """Columns shared by every top-level registry record: a stable UUID, a citation, labels.

    The labels decide who sees the record (see :mod:`multitrack.security.gate`): a rank of
    classification, an owner organisation (none for records of the installation itself, such as
    the countries and the demo world), and whether it is released to everyone; otherwise the
    ``release`` table lists the organisations it is released to.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    source: Mapped[str | None] = mapped_column(Text, default=None)
    classification: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="RESTRICT"), default=None, index=True
    )
    #: Fails closed in Python (a record made outside the labelled paths is released to no one);
    #: the server default releases rows that existed before labels did, as they were.
    releasable_to_all: Mapped[bool] = mapped_column(Boolean, default=False, server_default=true())


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


def partial_date_column(*, nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(String(PARTIAL_DATE_LENGTH), nullable=nullable, default=None)
