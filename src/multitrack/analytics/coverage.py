"""Coverage of a focal actor: its active channels by counterpart × sector × track, and the gaps.

The focal actor speaks through itself and its organs (:func:`~multitrack.services.brief.
family_of`); a counterpart is whom another participant speaks for (an organ its state, a
person their state: :func:`~multitrack.services.brief.counterpart`), as in the brief.

Gaps, each scored and explained (``docs/analytics.md``, "Coverage and gaps", says why):

* ``traffic_without_channel`` — a counterpart with heavy event traffic with the focal actor in a
  sector (both directions, over the recent window, sectors from the CAMEO mapping) and no
  active channel with it in that sector, its parent sector or a sub-sector;
* ``track1_only`` — a counterpart whose every active channel is Track 1: no Track 1.5 or
  non-official line to fall back on;
* ``dormant_worsening`` — a counterpart on dormant channels (by status, or active without an
  engagement for :data:`QUIET_DAYS`) while relations with it are worsening (the Theil–Sen
  trend of :mod:`multitrack.events.trends` over the window, in either direction, judged on a
  direction with ``min_events`` events and means in half of the window's months); one gap per
  counterpart, listing its dormant channels.

Every gap's ``score`` is ``weight × (1 + log2(1 + events)) × (1 + conflict share) × (1 +
worsening)``. Without an event store (or when the focal actor has no code to find it in event
data) there are no event-based gaps, and the result says so.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.analytics.traffic import Traffic, dyad_trends, event_window, traffic_by_counterpart
from multitrack.errors import InvalidValueError
from multitrack.events.parties import Party, party_of
from multitrack.model import Actor, Channel, ChannelParticipant, Engagement
from multitrack.services.actors import resolve_actor
from multitrack.services.brief import counterpart, family_of
from multitrack.services.vocabulary import taxonomy_for
from multitrack.taxonomy import load_taxonomy

if TYPE_CHECKING:  # the event analytics load Ibis: only when an event store is given
    from multitrack.services.event_tables import EventTables

GapKind = Literal["traffic_without_channel", "track1_only", "dormant_worsening"]

#: Months of events the gaps look at, ending with the latest event on or before ``today``.
WINDOW_MONTHS = 12
#: A counterpart's events in one sector over the window that make its traffic "heavy".
MIN_EVENTS = 10
#: An active channel without an engagement for this long counts as dormant.
QUIET_DAYS = 730
#: How much each kind of gap weighs in its score.
WEIGHTS: dict[GapKind, float] = {
    "traffic_without_channel": 1.0,
    "track1_only": 0.5,
    "dormant_worsening": 1.0,
}
DIGITS = 3


@dataclass(frozen=True)
class Who:
    id: str
    name: str
    kind: str

    @classmethod
    def of(cls, actor: Actor) -> Who:
        return cls(str(actor.id), actor.name, actor.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class Cell:
    """Active channels with one counterpart in one sector on one track."""

    counterpart: Who
    sector: str
    track: str
    channels: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.channels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counterpart": self.counterpart.to_dict(),
            "sector": self.sector,
            "track": self.track,
            "count": self.count,
            "channels": list(self.channels),
        }


@dataclass(frozen=True)
class CounterpartRow:
    counterpart: Who
    active: int
    inactive: int
    tracks: tuple[str, ...]
    sectors: tuple[str, ...]
    events: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "counterpart": self.counterpart.to_dict(),
            "active_channels": self.active,
            "other_channels": self.inactive,
            "tracks": list(self.tracks),
            "sectors": list(self.sectors),
            "events": self.events,
        }


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    counterpart: Who
    score: float
    reasons: tuple[str, ...]
    sector: str | None = None
    track: str | None = None
    channel: dict[str, str] | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "counterpart": self.counterpart.to_dict(),
            "sector": self.sector,
            "track": self.track,
            "channel": self.channel,
            "score": self.score,
            "reasons": list(self.reasons),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Coverage:
    actor: Who
    cells: tuple[Cell, ...]
    counterparts: tuple[CounterpartRow, ...]
    gaps: tuple[Gap, ...]
    #: the event window used (ISO dates), or None when no event-based gaps were possible
    window: tuple[str, str] | None
    #: why the event-based gaps are missing, or what they are based on
    events_note: str

    @property
    def sectors(self) -> list[str]:
        return sorted({c.sector for c in self.cells})

    @property
    def tracks(self) -> list[str]:
        order = {t.id: i for i, t in enumerate(load_taxonomy().tracks)}
        return sorted({c.track for c in self.cells}, key=lambda t: order.get(t, len(order)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor.to_dict(),
            "window": None if self.window is None else {"from": self.window[0],
                                                        "to": self.window[1]},
            "events_note": self.events_note,
            "tracks": self.tracks,
            "sectors": self.sectors,
            "matrix": [c.to_dict() for c in self.cells],
            "counterparts": [c.to_dict() for c in self.counterparts],
            "gaps": [g.to_dict() for g in self.gaps],
        }  # fmt: skip


def gap_score(kind: GapKind, traffic: Traffic, worsening: float = 0.0) -> float:
    """``weight × (1 + log2(1 + events)) × (1 + conflict share) × (1 + worsening)``."""
    value = (
        WEIGHTS[kind]
        * (1 + math.log2(1 + traffic.events))
        * (1 + traffic.conflict_share)
        * (1 + max(worsening, 0.0))
    )
    return round(value, DIGITS)


# ------------------------------------------------------------------------------------------
# The registry side


@dataclass
class _Line:
    """One channel of the focal actor with the counterparts on it."""

    channel: Channel
    counterparts: list[Actor]
    last_engagement: str | None = None


def _lines(session: Session, family: set[uuid.UUID]) -> list[_Line]:
    channels = session.scalars(
        select(Channel)
        .where(
            Channel.id.in_(
                select(ChannelParticipant.channel_id).where(ChannelParticipant.actor_id.in_(family))
            )
        )
        .order_by(Channel.name, Channel.id)
    ).unique()
    lines = []
    for channel in channels:
        found: dict[uuid.UUID, Actor] = {}
        for p in channel.participants:
            if p.actor_id in family:
                continue
            other = counterpart(session, p.actor)
            if other.id not in family:
                found.setdefault(other.id, other)
        lines.append(_Line(channel, sorted(found.values(), key=lambda a: (a.name, str(a.id)))))
    if lines:
        latest: dict[uuid.UUID, str] = {}
        rows = session.execute(
            select(Engagement.channel_id, Engagement.start).where(
                Engagement.channel_id.in_([line.channel.id for line in lines])
            )
        )
        for channel_id, start in rows:
            if start and start > latest.get(channel_id, ""):
                latest[channel_id] = start
        for line in lines:
            line.last_engagement = latest.get(line.channel.id)
    return lines


def _related(session: Session) -> dict[str, set[str]]:
    """For each sector: itself, its ancestors and its descendants (a channel in any of them
    covers events of the sector)."""
    sectors = taxonomy_for(session).sectors
    up = {t.id: {a.id for a in sectors.ancestors(t.id)} for t in sectors.terms}
    return {s: {s} | up[s] | {other for other, above in up.items() if s in above} for s in up}


def _partial_day(text: str) -> date | None:
    parts = text.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                    int(parts[2]) if len(parts) > 2 else 1)  # fmt: skip
    except (ValueError, IndexError):
        return None


def _channel_ref(channel: Channel) -> dict[str, str]:
    return {"id": str(channel.id), "name": channel.name, "status": channel.status}


def dormancy(line: _Line, today: date) -> str | None:
    """Why a channel counts as dormant, or None."""
    channel = line.channel
    if channel.status == "dormant":
        return "its status is dormant"
    if channel.status != "active":
        return None
    last = line.last_engagement or channel.started
    when = _partial_day(last) if last else None
    if when is None:
        return None
    if (today - when).days >= QUIET_DAYS:
        what = "engagement" if line.last_engagement else "record (it started)"
        return f"active, but its last {what} was on {last}"
    return None


# ------------------------------------------------------------------------------------------
# Dormant channels


def _dormant_gaps(
    tables: EventTables,
    focal: Party,
    lines: list[_Line],
    known: dict[uuid.UUID, Actor],
    by_counterpart: dict[uuid.UUID, Traffic],
    window: tuple[date, date],
    today: date,
    *,
    window_months: int,
    min_events: int,
) -> list[Gap]:
    """Counterparts on dormant channels whose relations with the focal actor worsen, judged
    only on a direction with ``min_events`` events and means in half of the window's months."""
    min_points = max(3, (window_months + 1) // 2)
    quiet: dict[uuid.UUID, list[tuple[Channel, str]]] = {}
    for line in lines:
        why = dormancy(line, today)
        if why is not None:
            for other in line.counterparts:
                quiet.setdefault(other.id, []).append((line.channel, why))
    found: list[Gap] = []
    for other_id, channels in quiet.items():
        other, traffic = known[other_id], by_counterpart.get(other_id, Traffic())
        if traffic.events < min_events:
            continue  # too few events for a trend to mean anything
        try:
            theirs = party_of(other)
        except InvalidValueError:
            continue
        trends = dyad_trends(tables, focal, theirs, *window, window_months)
        judged = [
            (tr, n)
            for tr, n in trends
            if tr.change is not None and tr.points >= min_points and n >= min_events
        ]
        if not judged:
            continue
        worst, n = min(judged, key=lambda pair: pair[0].change or 0.0)
        if worst.direction != "worsening" or worst.change is None:
            continue
        sectors = {c.sector for c, _ in channels}
        tracks = {c.track for c, _ in channels}
        reasons = (
            f"dormant channels with {other.name}: "
            + "; ".join(f"{c.name} ({why})" for c, why in channels),
            f"relations {worst.source} → {worst.target} are worsening: {worst.change:+.2f} "
            f"Goldstein points from {worst.first} to {worst.last} (Theil–Sen trend of the "
            f"monthly mean, {n} events)",
        )
        found.append(
            Gap(
                kind="dormant_worsening",
                counterpart=Who.of(other),
                sector=sectors.pop() if len(sectors) == 1 else None,
                track=tracks.pop() if len(tracks) == 1 else None,
                channel=_channel_ref(channels[0][0]),
                score=gap_score("dormant_worsening", traffic, -worst.change),
                reasons=reasons,
                evidence={
                    "events": traffic.events,
                    "conflict_share": round(traffic.conflict_share, DIGITS),
                    "channels": [_channel_ref(c) for c, _ in channels],
                    "trends": [{**tr.record, "events": k} for tr, k in trends],
                },
            )
        )
    return found


# ------------------------------------------------------------------------------------------
# The whole


def coverage(
    session: Session,
    actor_ref: str,
    *,
    events: EventTables | None = None,
    today: date | None = None,
    window_months: int = WINDOW_MONTHS,
    min_events: int = MIN_EVENTS,
) -> Coverage:
    """The coverage matrix of ``actor_ref`` and its gaps, ranked by score (highest first)."""
    if window_months < 3:
        raise InvalidValueError("window", "needs at least 3 months (a trend needs 3 points)")
    if min_events < 1:
        raise InvalidValueError("min_events", "must be 1 or more")
    today = today or date.today()
    actor = resolve_actor(session, actor_ref)
    family = family_of(session, actor)
    lines = _lines(session, family)
    related = _related(session)
    sector_names = {t.id: t.name for t in taxonomy_for(session).sectors.terms}

    cells: dict[tuple[uuid.UUID, str, str], list[str]] = {}
    known: dict[uuid.UUID, Actor] = {}
    for line in lines:
        for other in line.counterparts:
            known[other.id] = other
            if line.channel.status == "active":
                key = (other.id, line.channel.sector, line.channel.track)
                cells.setdefault(key, []).append(line.channel.name)

    # --- the event side, when there is one
    window: tuple[date, date] | None = None
    note = "no event store: only gaps from the registry (Track 1 only)"
    focal: Party | None = None
    traffic: dict[tuple[uuid.UUID, str], Traffic] = {}
    if events is not None and not events.store.is_empty():
        try:
            focal = party_of(actor)
        except InvalidValueError:
            note = f"{actor.name} has no ISO3 or CAMEO code, so event data cannot find it"
        if focal is not None:
            from multitrack.events.engines import EventStoreError

            try:
                window = event_window(events, today, window_months)
                if window is None:
                    note = f"the event store holds no events on or before {today.isoformat()}"
                else:
                    seen, traffic = traffic_by_counterpart(session, events, focal, family, *window)
                    known.update(seen)
                    note = (
                        f"events from {window[0].isoformat()} to {window[1].isoformat()} "
                        f"({window_months} months), both directions"
                    )
            except EventStoreError as error:  # a store being written, or not readable
                focal, window, traffic = None, None, {}
                note = f"the event store could not be read: {error}"
    by_counterpart: dict[uuid.UUID, Traffic] = {}
    for (other_id, _), t in traffic.items():
        by_counterpart[other_id] = by_counterpart.get(other_id, Traffic()).plus(
            t.events, t.conflict
        )

    def name(sector: str) -> str:
        return sector_names.get(sector, sector)

    gaps: list[Gap] = []
    # (a) heavy traffic in a sector, no active channel in it
    active_sectors: dict[uuid.UUID, set[str]] = {}
    for other_id, sector, _track in cells:
        active_sectors.setdefault(other_id, set()).add(sector)
    for (other_id, sector), t in traffic.items():
        if t.events < min_events:
            continue
        covered = active_sectors.get(other_id, set()) & related.get(sector, {sector})
        if covered:
            continue
        other = known[other_id]
        inactive = [
            f"{line.channel.name} ({line.channel.status})"
            for line in lines
            if other in line.counterparts and line.channel.status != "active"
            and line.channel.sector in related.get(sector, {sector})
        ]  # fmt: skip
        reasons = [
            f"{t.events} events with {other.name} in {name(sector)} between "
            f"{window[0].isoformat() if window else '?'} and "
            f"{window[1].isoformat() if window else '?'} (both directions), "
            f"{t.conflict_share:.0%} of them conflict",
            f"no active channel with {other.name} in {name(sector)} or a related sector"
            + (f"; not active: {', '.join(inactive)}" if inactive else ""),
        ]
        gaps.append(
            Gap(
                kind="traffic_without_channel",
                counterpart=Who.of(other),
                sector=sector,
                score=gap_score("traffic_without_channel", t),
                reasons=tuple(reasons),
                evidence={"events": t.events, "conflict_share": round(t.conflict_share, DIGITS)},
            )
        )
    # (b) only Track 1
    tracks_of: dict[uuid.UUID, set[str]] = {}
    for other_id, _sector, track in cells:
        tracks_of.setdefault(other_id, set()).add(track)
    for other_id, tracks in tracks_of.items():
        if tracks != {"1"}:
            continue
        other = known[other_id]
        names = sorted({n for (o, _s, _t), ns in cells.items() if o == other_id for n in ns})
        t = by_counterpart.get(other_id, Traffic())
        reasons = [
            f"every active channel with {other.name} is Track 1 ({len(names)}: "
            f"{', '.join(names)}); no Track 1.5 or non-official line",
        ]
        if focal is not None and window is not None:
            reasons.append(
                f"{t.events} events with {other.name} in the window, "
                f"{t.conflict_share:.0%} of them conflict"
            )
        gaps.append(
            Gap(
                kind="track1_only",
                counterpart=Who.of(other),
                track="1",
                score=gap_score("track1_only", t),
                reasons=tuple(reasons),
                evidence={"channels": names, "events": t.events if window else None},
            )
        )
    # (c) dormant channels while relations worsen: one gap per counterpart
    if focal is not None and window is not None and events is not None:
        gaps.extend(
            _dormant_gaps(
                events, focal, lines, known, by_counterpart, window, today,
                window_months=window_months, min_events=min_events,
            )
        )  # fmt: skip
    gaps.sort(key=lambda g: (-g.score, g.kind, g.counterpart.name, g.sector or ""))

    rows = []
    for other_id, other in known.items():
        mine = [line for line in lines if other in line.counterparts]
        active = [line for line in mine if line.channel.status == "active"]
        had = by_counterpart.get(other_id)
        if not mine and had is None:
            continue
        rows.append(
            CounterpartRow(
                counterpart=Who.of(other),
                active=len(active),
                inactive=len(mine) - len(active),
                tracks=tuple(sorted({line.channel.track for line in active})),
                sectors=tuple(sorted({line.channel.sector for line in active})),
                events=None if window is None else (had.events if had else 0),
            )
        )
    rows.sort(key=lambda r: (-r.active, -(r.events or 0), r.counterpart.name))
    return Coverage(
        actor=Who.of(actor),
        cells=tuple(
            Cell(Who.of(known[o]), s, tr, tuple(ns))
            for (o, s, tr), ns in sorted(
                cells.items(), key=lambda kv: (known[kv[0][0]].name, kv[0][1], kv[0][2])
            )
        ),
        counterparts=tuple(rows),
        gaps=tuple(gaps),
        window=None if window is None else (window[0].isoformat(), window[1].isoformat()),
        events_note=note,
    )


def events_for(events_dir: Any) -> EventTables | None:
    """The event tables of a folder, or None when it holds no events (for the shells)."""
    from multitrack.services.event_tables import EventTables

    tables = EventTables(events_dir)
    return None if tables.store.is_empty() else tables
