"""Taxonomy entries an organisation adds without code changes (own sectors, engagement kinds)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from multitrack.model.base import Base


class CustomTerm(Base):
    __tablename__ = "custom_term"

    vocabulary: Mapped[str] = mapped_column(String(40), primary_key=True)
    term_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(60), default=None)
    #: For an engagement kind: the sector it belongs to by default (else its parent's).
    sector: Mapped[str | None] = mapped_column(String(60), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)
