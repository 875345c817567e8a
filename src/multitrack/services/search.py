"""Full-text search across actors, channels, engagements and agreements (what the principal
may see)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from multitrack.model import Agreement, Channel, Engagement
from multitrack.services.actors import list_actors
from multitrack.services.queries import actor_summary

SEARCH_LIMIT = 50


def _like(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(text.lower(), autoescape=True)


def search(session: Session, query: str, *, limit: int = SEARCH_LIMIT) -> dict[str, Any]:
    """Actors by name, alias or code; channels by name or description; engagements by summary,
    outcome or place; agreements by name or summary. Case-insensitive substring matching; each
    list at most ``limit`` long."""
    text = " ".join(query.split())
    if not text or "\x00" in text:
        return {"query": text, "actors": [], "channels": [], "engagements": [], "agreements": []}
    actors = list_actors(session, query=text)[:limit]
    channels = session.scalars(
        select(Channel)
        .where(or_(_like(Channel.name, text), _like(Channel.description, text)))
        .order_by(Channel.name, Channel.id)
        .limit(limit)
    ).all()
    engagements = session.scalars(
        select(Engagement)
        .where(
            or_(
                _like(Engagement.summary, text),
                _like(Engagement.outcome, text),
                _like(Engagement.place, text),
            )
        )
        .order_by(Engagement.start.desc(), Engagement.id)
        .limit(limit)
    ).all()
    agreements = session.scalars(
        select(Agreement)
        .where(or_(_like(Agreement.name, text), _like(Agreement.summary, text)))
        .order_by(Agreement.name, Agreement.id)
        .limit(limit)
    ).all()
    return {
        "query": text,
        "actors": [actor_summary(a) for a in actors],
        "channels": [
            {
                "id": str(c.id),
                "name": c.name,
                "track": c.track,
                "sector": c.sector,
                "status": c.status,
            }
            for c in channels
        ],
        "engagements": [
            {
                "id": str(e.id),
                "start": e.start,
                "kind": e.kind,
                "summary": e.summary,
                "channel": {"id": str(e.channel_id), "name": e.channel.name},
            }
            for e in engagements
        ],
        "agreements": [
            {
                "id": str(a.id),
                "name": a.name,
                "kind": a.kind,
                "status": a.status,
                "adopted": a.adopted,
            }
            for a in agreements
        ],
    }
