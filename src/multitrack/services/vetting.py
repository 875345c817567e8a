"""Human-rights vetting: where an actor stands, and the warnings an engagement raises.

**Standing.** An actor's own newest vetting record (by date; on the same day ``flagged`` weighs
more than ``pending``, and ``pending`` more than ``cleared``) gives its standing. A flag on
one of its parents (a unit under a force, a force under a state) reaches it too, unless the
actor's own clearance is newer than that flag: a unit vetted and cleared after its army was
flagged stands cleared, a unit cleared before it stands flagged. An actor with no record of
its own and no flagged parent is ``unvetted``.

**Warnings.** An engagement of a kind the taxonomy marks ``police_or_military`` (military
cooperation: exercises, training, arms transfers, intelligence sharing, peacekeeping; law
enforcement: counter-terrorism, transnational crime, cyber, border; and an organisation's own
kinds under them) warns for each participant that is flagged, and for each participant that
is a unit, a force or a person (:data:`VETTED_KINDS`) and is not cleared (pending or
unvetted). States and organisations as a whole are not vetted, but a flag recorded on one
still warns, and reaches their units.

Everything here reads through the session's gate: a vetting record the principal may not see
does not count for them (nor does a hidden parent).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.model import Actor, Engagement, Vetting
from multitrack.model.vetting import VETTING_STATUSES
from multitrack.services.actors import resolve_actor
from multitrack.services.vocabulary import taxonomy_for
from multitrack.taxonomy import Taxonomy

#: Actor kinds vetted before a police or military engagement: a state's organs (its armed
#: forces, police and intelligence services and their units), armed groups and individuals.
VETTED_KINDS: frozenset[str] = frozenset({"state_organ", "armed_group", "individual"})

#: Standings, worst first.
STANDINGS: tuple[str, ...] = ("flagged", "pending", "unvetted", "cleared")
_WEIGHT = {"cleared": 0, "pending": 1, "flagged": 2}


def record_summary(row: Vetting) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "status": row.status,
        "date": row.date.isoformat(),
        "source": row.source,
        "notes": row.notes,
    }


def actor_summary(actor: Actor) -> dict[str, Any]:
    return {"id": str(actor.id), "name": actor.name, "kind": actor.kind}


@dataclass(frozen=True)
class Standing:
    """Where one actor stands: its status, the record that decides it, and (for a flag that
    reaches it from a parent) that parent."""

    actor: Actor
    status: str  # one of STANDINGS
    record: Vetting | None = None
    via: Actor | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": actor_summary(self.actor),
            "status": self.status,
            "record": None if self.record is None else record_summary(self.record),
            "via": None if self.via is None else actor_summary(self.via),
        }


def newest(records: Iterable[Vetting]) -> Vetting | None:
    """The record that decides: the newest, the weightier on the same day."""
    return max(records, key=lambda r: (r.date, _WEIGHT.get(r.status, 0), str(r.id)), default=None)


class Vettings:
    """Every vetting record the session sees, by subject, read once."""

    def __init__(self, session: Session) -> None:
        self.by_subject: dict[uuid.UUID, list[Vetting]] = {}
        for row in session.scalars(select(Vetting).order_by(Vetting.date, Vetting.id)):
            self.by_subject.setdefault(row.subject_id, []).append(row)

    def standing(self, actor: Actor) -> Standing:
        own = newest(self.by_subject.get(actor.id, ()))
        flag: tuple[Actor, Vetting] | None = None
        seen = {actor.id}
        parent = actor.parent
        while parent is not None and parent.id not in seen:
            seen.add(parent.id)
            theirs = newest(self.by_subject.get(parent.id, ()))
            if theirs is not None and theirs.status == "flagged":
                flag = (parent, theirs)
                break
            parent = parent.parent
        if own is not None and own.status == "flagged":
            return Standing(actor, "flagged", own)
        if flag is not None and not (
            own is not None and own.status == "cleared" and own.date > flag[1].date
        ):
            return Standing(actor, "flagged", flag[1], via=flag[0])
        if own is not None:
            return Standing(actor, own.status, own)
        return Standing(actor, "unvetted")


def police_or_military(taxonomy: Taxonomy, kind: str) -> bool:
    if kind not in taxonomy.engagement_kinds:
        return False
    return taxonomy.engagement_kinds.get(kind).extra.get("police_or_military") is True


def warns(standing: Standing) -> bool:
    if standing.status == "flagged":
        return True
    return standing.actor.kind in VETTED_KINDS and standing.status in ("pending", "unvetted")


@dataclass(frozen=True)
class VettingWarning:
    engagement: Engagement
    standing: Standing

    @property
    def message(self) -> str:
        s = self.standing
        name = s.actor.name
        if s.status == "flagged" and s.record is not None:
            where = f" through {s.via.name}" if s.via is not None else ""
            return f"{name} is flagged{where} (vetting of {s.record.date.isoformat()})"
        if s.status == "pending" and s.record is not None:
            return f"{name}: vetting pending since {s.record.date.isoformat()}"
        return f"{name} has not been vetted"

    def to_dict(self) -> dict[str, Any]:
        e = self.engagement
        return {
            "engagement": {
                "id": str(e.id),
                "summary": e.summary,
                "start": e.start,
                "kind": e.kind,
                "channel": {"id": str(e.channel_id), "name": e.channel.name},
            },
            **self.standing.to_dict(),
            "message": self.message,
        }


def engagement_warnings(
    session: Session,
    engagement: Engagement,
    *,
    vettings: Vettings | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[VettingWarning]:
    """The vetting warnings of one engagement (none unless its kind is police or military)."""
    taxonomy = taxonomy or taxonomy_for(session)
    if not police_or_military(taxonomy, engagement.kind):
        return []
    vettings = vettings or Vettings(session)
    found = []
    for participant in engagement.participants:
        standing = vettings.standing(participant.actor)
        if warns(standing):
            found.append(VettingWarning(engagement, standing))
    return found


def all_warnings(session: Session) -> list[VettingWarning]:
    """Vetting warnings of every engagement the session sees, newest engagement first, the
    worst standing first within one."""
    taxonomy = taxonomy_for(session)
    kinds = [t.id for t in taxonomy.engagement_kinds if police_or_military(taxonomy, t.id)]
    if not kinds:
        return []
    vettings = Vettings(session)
    rows = session.scalars(
        select(Engagement)
        .where(Engagement.kind.in_(kinds))
        .order_by(Engagement.start.desc(), Engagement.id)
    ).all()
    found: list[VettingWarning] = []
    for row in rows:
        mine = engagement_warnings(session, row, vettings=vettings, taxonomy=taxonomy)
        found.extend(sorted(mine, key=lambda w: STANDINGS.index(w.standing.status)))
    return found


def list_vetting(
    session: Session, *, subject: str | None = None, status: str | None = None
) -> Sequence[Vetting]:
    """Vetting records, newest first (of one subject, or with one status, when given)."""
    query = select(Vetting).order_by(Vetting.date.desc(), Vetting.id)
    if subject:
        query = query.where(Vetting.subject_id == resolve_actor(session, subject).id)
    if status:
        if status not in VETTING_STATUSES:
            raise InvalidValueError(
                "status", f"unknown status {status!r}; one of {', '.join(VETTING_STATUSES)}"
            )
        query = query.where(Vetting.status == status)
    return session.scalars(query).all()


def vetting_view(row: Vetting) -> dict[str, Any]:
    """A vetting record as people read it: its subject named, with its parent."""
    subject = row.subject
    return {
        "id": str(row.id),
        "subject": {
            **actor_summary(subject),
            "country": subject.country,
            "parent": None if subject.parent is None else actor_summary(subject.parent),
        },
        "status": row.status,
        "date": row.date.isoformat(),
        "notes": row.notes,
        "source": row.source,
    }
