"""Brokers for mediation: third parties with reach to both sides of a conflict dyad, ranked for
reach and for neutrality (``docs/analytics.md``, "Brokers for mediation").

A third party's **reach** to one side adds up what ties it to that side: shared channels (one
point per track-and-sector line with an active channel, half a point otherwise), engagements
together (half a point per doubling), agreements (half a point each, either as co-party or as
witness / intermediary between both sides) and, from event data, cooperative events both ways
(the cooperative share times the log10 of their number). Its reach to the dyad is the
geometric mean of both sides' reach: zero unless it reaches both.

Its **neutrality** falls with its official ties to one side (``001_…``: an actor tied to one side
of a conflict loses influence as a conciliator): a bloc membership shared with one side only,
military cooperation (military channels and engagements, CAMEO 062/072 events), sanctions
against the other side (sanction engagements, CAMEO 163 events) and security agreements with
one side only. Ties on both sides offset: neutrality = 1 / (1 + |ties with A - ties with B|).
The score is reach × neutrality, and every figure comes with the reasons that produced it.

Every registry read goes through the caller's gated session; event data is open data.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from multitrack.analytics.third_parties import (
    ConflictDyad,
    SideFlows,
    conflict_dyad_counts,
    third_party_counts,
)
from multitrack.errors import InvalidValueError, MultitrackError
from multitrack.events.parties import Party, party_of
from multitrack.model import (
    Actor,
    Agreement,
    AgreementParty,
    Channel,
    ChannelParticipant,
    Engagement,
    Membership,
)
from multitrack.services.actors import resolve_actor
from multitrack.services.brief import counterpart, family_of
from multitrack.services.event_tables import EventTables
from multitrack.services.queries import actor_summary
from multitrack.services.vocabulary import taxonomy_for

#: ``a``, ``b`` or ``both``: the side(s) of the dyad a reason concerns.
SideKey = str

#: Weights of the reach parts (per side).
ACTIVE_LINE, OTHER_LINE = 1.0, 0.5
ENGAGEMENT_WEIGHT = 0.5  # times log2(1 + engagements)
AGREEMENT_WEIGHT = 0.5
#: Weights of the ties that cost neutrality.
BLOC_TIE = 1.0
MILITARY_CHANNEL_TIE = 1.0
MILITARY_ENGAGEMENT_TIE, MILITARY_ENGAGEMENTS_MAX = 0.25, 1.0
SANCTION_ENGAGEMENT_TIE = 1.0
SECURITY_AGREEMENT_TIE = 1.0
EVENT_TIE_MAX = 1.0  # event ties: log10(1 + n) / 2, at most this
#: An organisation is a bloc when its current members are at most this share of the states.
BLOC_SHARE = 0.5

PARTY_ROLES = frozenset({"party", "signatory"})
BETWEEN_ROLES = frozenset({"witness", "intermediary", "facilitator", "mediator", "guarantor"})
LAPSED = frozenset({"terminated", "superseded", "expired"})
#: Military kinds that tie an actor to a side; peacekeeping is meant to be impartial.
NOT_PARTISAN_KINDS = frozenset({"peacekeeping"})
SANCTION_KINDS = frozenset({"sanctions_embargoes"})
DIGITS = 3


@dataclass(frozen=True)
class Reason:
    """One reason for a rank: what part it feeds, toward which side, how much, and the records
    or figures behind it."""

    part: Literal["reach", "neutrality"]
    side: SideKey
    text: str
    points: float
    evidence: tuple[dict[str, Any], ...] = ()

    def record(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "side": self.side,
            "text": self.text,
            "points": round(self.points, DIGITS),
            "evidence": list(self.evidence),
        }


@dataclass
class Broker:
    actor: dict[str, Any]
    reach_a: float
    reach_b: float
    reach: float
    ties_a: float
    ties_b: float
    neutrality: float
    score: float
    reasons: list[Reason]

    def record(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "score": self.score,
            "reach": self.reach,
            "neutrality": self.neutrality,
            "reach_a": self.reach_a,
            "reach_b": self.reach_b,
            "ties_a": self.ties_a,
            "ties_b": self.ties_b,
            "reasons": [r.record() for r in self.reasons],
        }


@dataclass(frozen=True)
class BrokerRanking:
    a: dict[str, Any]
    b: dict[str, Any]
    events_used: bool
    basis: str
    candidates: int
    brokers: tuple[Broker, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "events_used": self.events_used,
            "basis": self.basis,
            "candidates": self.candidates,
            "brokers": [b.record() for b in self.brokers],
        }


@dataclass
class _Ledger:
    """What one third party has with each side, before scoring."""

    actor: Actor
    reach: dict[str, list[Reason]] = field(default_factory=lambda: {"a": [], "b": []})
    ties: dict[str, list[Reason]] = field(default_factory=lambda: {"a": [], "b": []})

    def add(self, reason: Reason) -> None:
        book = self.reach if reason.part == "reach" else self.ties
        for side in ("a", "b") if reason.side == "both" else (reason.side,):
            book[side].append(reason)

    def total(self, book: dict[str, list[Reason]], side: str) -> float:
        return sum(r.points for r in book[side])


def _ref(record_type: str, id_: uuid.UUID, name: str, **more: Any) -> dict[str, Any]:
    return {"type": record_type, "id": str(id_), "name": name, **more}


def _other(side: str) -> str:
    return "b" if side == "a" else "a"


def _event_tie(n: int) -> float:
    return min(EVENT_TIE_MAX, math.log10(1 + n) / 2)


def side_members(session: Session, actor: Actor) -> set[uuid.UUID]:
    """Who counts as one side: the actor and its organs; for a state also every actor of its
    country (groups, societies, people), as event data codes them."""
    members = family_of(session, actor)
    if actor.kind == "state" and actor.iso3:
        members |= set(session.scalars(select(Actor.id).where(Actor.country == actor.iso3)))
    return members


class _Study:
    """The evidence of one dyad, gathered from the gated session and the event store."""

    def __init__(self, session: Session, a: Actor, b: Actor) -> None:
        self.session = session
        self.actors = {"a": a, "b": b}
        self.members = {"a": side_members(session, a), "b": side_members(session, b)}
        if self.members["a"] & self.members["b"]:
            raise InvalidValueError("b", f"{b.name} and {a.name} overlap: choose two sides")
        self.ledgers: dict[uuid.UUID, _Ledger] = {}
        self._folded: dict[uuid.UUID, Actor] = {}
        taxonomy = taxonomy_for(session)
        self.military_kinds = {
            t.id
            for t in taxonomy.engagement_kinds
            if (t.extra.get("area") == "military_cooperation" or t.id == "military_cooperation")
            and t.id not in NOT_PARTISAN_KINDS
        }
        self.military_sectors = self._subtree(taxonomy.sectors, "military")
        self.security_sectors = self._subtree(taxonomy.sectors, "security")

    @staticmethod
    def _subtree(vocabulary: Iterable[Any], root: str) -> set[str]:
        found = {root}
        terms = list(vocabulary)
        grew = True
        while grew:
            more = {t.id for t in terms if t.parent in found} - found
            found |= more
            grew = bool(more)
        return found

    def name(self, side: str) -> str:
        return self.actors[side].name

    def fold(self, actor: Actor) -> Actor:
        if actor.id not in self._folded:
            self._folded[actor.id] = counterpart(self.session, actor)
        return self._folded[actor.id]

    def side_of(self, actor: Actor) -> str | None:
        for side in ("a", "b"):
            if actor.id in self.members[side] or self.fold(actor).id in self.members[side]:
                return side
        return None

    def ledger(self, actor: Actor) -> _Ledger:
        if actor.id not in self.ledgers:
            self.ledgers[actor.id] = _Ledger(actor)
        return self.ledgers[actor.id]

    def thirds(self, actors: Iterable[Actor]) -> dict[uuid.UUID, Actor]:
        """The third parties among ``actors``, folded into whom they speak for."""
        found: dict[uuid.UUID, Actor] = {}
        for actor in actors:
            if self.side_of(actor) is None:
                folded = self.fold(actor)
                found[folded.id] = folded
        return found

    # -- the registry ----------------------------------------------------------------------

    def channels(self) -> None:
        everyone = self.members["a"] | self.members["b"]
        rows = self.session.scalars(
            select(Channel)
            .where(
                Channel.id.in_(
                    select(ChannelParticipant.channel_id).where(
                        ChannelParticipant.actor_id.in_(everyone)
                    )
                )
            )
            .order_by(Channel.name, Channel.id)
        ).all()
        lines: dict[tuple[uuid.UUID, str], dict[tuple[str, str], list[Channel]]] = defaultdict(
            lambda: defaultdict(list)
        )
        engaged: dict[tuple[uuid.UUID, str], list[Engagement]] = defaultdict(list)
        military: dict[tuple[uuid.UUID, str], list[dict[str, Any]]] = defaultdict(list)
        sanctions: dict[tuple[uuid.UUID, str], list[dict[str, Any]]] = defaultdict(list)
        by_id = {c.id: c for c in rows}
        engagements = (
            self.session.scalars(
                select(Engagement)
                .where(Engagement.channel_id.in_(list(by_id)))
                .order_by(Engagement.start, Engagement.id)
            ).all()
            if by_id
            else []
        )
        seen: dict[uuid.UUID, Actor] = {}
        on_channel: dict[uuid.UUID, list[Engagement]] = defaultdict(list)
        for e in engagements:
            on_channel[e.channel_id].append(e)
        for channel in rows:
            people = [p.actor for p in channel.participants]
            present = {s for s in (self.side_of(a) for a in people) if s is not None}
            thirds = self.thirds(people)
            seen.update(thirds)
            is_military = channel.sector in self.military_sectors
            for third in thirds.values():
                for side in present:
                    key = (third.id, side)
                    lines[key][(channel.track, channel.sector)].append(channel)
                    if is_military and _other(side) not in present:
                        military[key].append(
                            _ref("channel", channel.id, channel.name, sector=channel.sector)
                        )
            for e in on_channel[channel.id]:
                who = [p.actor for p in e.participants] or people
                sides = {s for s in (self.side_of(a) for a in who) if s is not None}
                thirds = self.thirds(who)
                seen.update(thirds)
                for third in thirds.values():
                    for side in sides:
                        engaged[(third.id, side)].append(e)
                        ref = _ref("engagement", e.id, e.summary, kind=e.kind, start=e.start)
                        if e.kind in self.military_kinds and _other(side) not in sides:
                            military[(third.id, side)].append(ref)
                        if e.kind in SANCTION_KINDS and _other(side) not in sides:
                            sanctions[(third.id, _other(side))].append(ref)
        for third_id, side in sorted(set(lines) | set(engaged) | set(military) | set(sanctions)):
            ledger = self.ledger(seen[third_id])
            self._lines(ledger, side, lines.get((third_id, side), {}))
            self._engagements(ledger, side, engaged.get((third_id, side), []))
            self._military(ledger, side, military.get((third_id, side), []))
            self._sanctions(ledger, side, sanctions.get((third_id, side), []))

    def _lines(
        self, ledger: _Ledger, side: str, lines: dict[tuple[str, str], list[Channel]]
    ) -> None:
        if not lines:
            return
        points = 0.0
        evidence = []
        parts = []
        for _line, chans in sorted(lines.items()):
            active = any(c.status == "active" for c in chans)
            points += ACTIVE_LINE if active else OTHER_LINE
            for c in chans:
                evidence.append(
                    _ref("channel", c.id, c.name, track=c.track, sector=c.sector, status=c.status)
                )
                parts.append(
                    f"{c.name} (track {c.track}, {c.sector.replace('_', ' ')}, {c.status})"
                )
        n_active = sum(1 for e in evidence if e["status"] == "active")
        ledger.add(
            Reason(
                "reach",
                side,
                f"{len(evidence)} channel{'s' * (len(evidence) != 1)} with {self.name(side)} "
                f"({n_active} active, {len(lines)} track-and-sector line"
                f"{'s' * (len(lines) != 1)}): {'; '.join(parts)}",
                points,
                tuple(evidence),
            )
        )

    def _engagements(self, ledger: _Ledger, side: str, engagements: list[Engagement]) -> None:
        unique = {e.id: e for e in engagements}
        if not unique:
            return
        rows = sorted(unique.values(), key=lambda e: (e.start, str(e.id)))
        first, last = rows[0].start[:4], rows[-1].start[:4]
        span = first if first == last else f"{first}–{last}"
        ledger.add(
            Reason(
                "reach",
                side,
                f"{len(rows)} engagement{'s' * (len(rows) != 1)} with {self.name(side)} ({span})",
                ENGAGEMENT_WEIGHT * math.log2(1 + len(rows)),
                tuple(
                    _ref("engagement", e.id, e.summary, kind=e.kind, start=e.start) for e in rows
                ),
            )
        )

    def _military(self, ledger: _Ledger, side: str, refs: list[dict[str, Any]]) -> None:
        if not refs:
            return
        unique = list({r["id"]: r for r in refs}.values())
        chans = [r for r in unique if r["type"] == "channel"]
        engs = [r for r in unique if r["type"] == "engagement"]
        points = MILITARY_CHANNEL_TIE * len(chans) + min(
            MILITARY_ENGAGEMENTS_MAX, MILITARY_ENGAGEMENT_TIE * len(engs)
        )
        what = [f"channel {r['name']}" for r in chans]
        what += [f"{r['start']} {r['kind'].replace('_', ' ')}" for r in engs]
        ledger.add(
            Reason(
                "neutrality",
                side,
                f"Military cooperation with {self.name(side)} only: {'; '.join(what)}",
                points,
                tuple(unique),
            )
        )

    def _sanctions(self, ledger: _Ledger, side: str, refs: list[dict[str, Any]]) -> None:
        if not refs:
            return
        unique = list({r["id"]: r for r in refs}.values())
        ledger.add(
            Reason(
                "neutrality",
                side,
                f"Sanctions against {self.name(_other(side))}: "
                + "; ".join(f"{r['start']} {r['name']}" for r in unique),
                SANCTION_ENGAGEMENT_TIE * len(unique),
                tuple(unique),
            )
        )

    def agreements(self) -> None:
        everyone = self.members["a"] | self.members["b"]
        rows = self.session.scalars(
            select(Agreement)
            .where(
                Agreement.id.in_(
                    select(AgreementParty.agreement_id).where(AgreementParty.actor_id.in_(everyone))
                )
            )
            .order_by(Agreement.adopted, Agreement.name)
        ).all()
        for agreement in rows:
            sides = {
                s
                for s in (self.side_of(p.actor) for p in agreement.parties if p.role in PARTY_ROLES)
                if s is not None
            }
            if not sides:
                continue
            ref = _ref(
                "agreement", agreement.id, agreement.name, kind=agreement.kind,
                status=agreement.status, sector=agreement.sector,
            )  # fmt: skip
            for p in agreement.parties:
                if self.side_of(p.actor) is not None:
                    continue
                third = self.fold(p.actor)
                ledger = self.ledger(third)
                role = {**ref, "role": p.role}
                if p.role in BETWEEN_ROLES and sides == {"a", "b"}:
                    ledger.add(
                        Reason(
                            "reach",
                            "both",
                            f"{p.role.capitalize()} to {agreement.name} ({agreement.adopted}) "
                            f"between {self.name('a')} and {self.name('b')}",
                            AGREEMENT_WEIGHT,
                            (role,),
                        )
                    )
                elif p.role in PARTY_ROLES and len(sides) == 1:
                    (side,) = sides
                    ledger.add(
                        Reason(
                            "reach",
                            side,
                            f"Party with {self.name(side)} to {agreement.name} "
                            f"({agreement.adopted}, {agreement.status.replace('_', ' ')})",
                            AGREEMENT_WEIGHT,
                            (role,),
                        )
                    )
                    if agreement.sector in self.security_sectors and agreement.status not in LAPSED:
                        ledger.add(
                            Reason(
                                "neutrality",
                                side,
                                f"Party with {self.name(side)}, not {self.name(_other(side))}, "
                                f"to a {agreement.sector.replace('_', ' ')} agreement: "
                                f"{agreement.name} ({agreement.status.replace('_', ' ')})",
                                SECURITY_AGREEMENT_TIE,
                                (role,),
                            )
                        )

    def memberships(self) -> None:
        """Blocs (organisations holding at most half of the states) shared with one side only."""
        candidates = {ledger.actor.id for ledger in self.ledgers.values()}
        sides = {self.actors[s].id: s for s in ("a", "b")}
        rows = self.session.scalars(
            select(Membership).where(
                Membership.member_id.in_(candidates | set(sides)),
                Membership.until.is_(None),
                Membership.role == "member",
            )
        ).all()
        if not rows:
            return
        states = self.session.scalar(select(func.count(Actor.id)).where(Actor.kind == "state"))
        sizes = dict(
            self.session.execute(
                select(Membership.organisation_id, func.count(Membership.id))
                .where(
                    Membership.organisation_id.in_({m.organisation_id for m in rows}),
                    Membership.until.is_(None),
                    Membership.role == "member",
                )
                .group_by(Membership.organisation_id)
            ).all()
        )
        limit = BLOC_SHARE * (states or 0)
        side_orgs: dict[str, set[uuid.UUID]] = {"a": set(), "b": set()}
        for m in rows:
            if m.member_id in sides:
                side_orgs[sides[m.member_id]].add(m.organisation_id)
        for m in rows:
            if m.member_id not in candidates or sizes.get(m.organisation_id, 0) > limit:
                continue
            for side in ("a", "b"):
                org = m.organisation_id
                if org in side_orgs[side] and org not in side_orgs[_other(side)]:
                    self.ledgers[m.member_id].add(
                        Reason(
                            "neutrality",
                            side,
                            f"Member of {m.organisation.name} ({sizes[org]} members) with "
                            f"{self.name(side)}, not {self.name(_other(side))}",
                            BLOC_TIE,
                            (
                                _ref(
                                    "membership",
                                    m.id,
                                    m.organisation.name,
                                    organisation_id=str(org),
                                    since=m.since,
                                ),
                            ),
                        )
                    )

    # -- event data --------------------------------------------------------------------------

    def events(self, flows: dict[str, dict[str, SideFlows]]) -> None:
        codes = sorted(set(flows["a"]) | set(flows["b"]))
        if not codes:
            return
        states = {
            s.iso3: s
            for s in self.session.scalars(
                select(Actor).where(Actor.kind == "state", Actor.iso3.in_(codes))
            )
        }
        for code in codes:
            state = states.get(code)
            if state is None or self.side_of(state) is not None:
                continue
            for side in ("a", "b"):
                here = flows[side].get(code)
                if here is None:
                    continue
                both = here.both
                figures = {
                    "type": "events",
                    "third": code,
                    "side": self.name(side),
                    **here.record(),
                }
                if both.coop:
                    share = both.coop / both.events
                    self.ledger(state).add(
                        Reason(
                            "reach",
                            side,
                            f"Event data: {both.coop:,} of {both.events:,} events with "
                            f"{self.name(side)} cooperative ({share:.0%}), both directions",
                            share * math.log10(1 + both.coop),
                            (figures,),
                        )
                    )
                if both.military:
                    self.ledger(state).add(
                        Reason(
                            "neutrality",
                            side,
                            f"Event data: {both.military:,} events of military cooperation or "
                            f"aid (CAMEO 062/072) with {self.name(side)}",
                            _event_tie(both.military),
                            (figures,),
                        )
                    )
                if here.into.sanctions:
                    self.ledger(state).add(
                        Reason(
                            "neutrality",
                            _other(side),
                            f"Event data: {here.into.sanctions:,} events of sanctions or "
                            f"embargo (CAMEO 163) by {state.name} against {self.name(side)}",
                            _event_tie(here.into.sanctions),
                            (figures,),
                        )
                    )

    # -- scoring -------------------------------------------------------------------------------

    def rank(self, limit: int) -> tuple[int, list[Broker]]:
        found: list[Broker] = []
        for ledger in self.ledgers.values():
            ra, rb = ledger.total(ledger.reach, "a"), ledger.total(ledger.reach, "b")
            if ra <= 0 or rb <= 0:
                continue
            ta, tb = ledger.total(ledger.ties, "a"), ledger.total(ledger.ties, "b")
            reach = math.sqrt(ra * rb)
            lean = abs(ta - tb)
            neutrality = 1 / (1 + lean)
            reasons = _unique([*ledger.reach["a"], *ledger.reach["b"]])
            reasons += _unique([*ledger.ties["a"], *ledger.ties["b"]])
            if ta and tb:
                reasons.append(
                    Reason(
                        "neutrality",
                        "both",
                        f"Ties on both sides offset: {ta:.2f} with {self.name('a')}, "
                        f"{tb:.2f} with {self.name('b')}, a lean of {lean:.2f}",
                        0.0,
                    )
                )
            found.append(
                Broker(
                    actor={**actor_summary(ledger.actor), "iso3": ledger.actor.iso3},
                    reach_a=round(ra, DIGITS),
                    reach_b=round(rb, DIGITS),
                    reach=round(reach, DIGITS),
                    ties_a=round(ta, DIGITS),
                    ties_b=round(tb, DIGITS),
                    neutrality=round(neutrality, DIGITS),
                    score=round(reach * neutrality, DIGITS),
                    reasons=reasons,
                )
            )
        found.sort(key=lambda b: (-b.score, -b.reach, b.actor["name"]))
        return len(found), found[:limit]


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen: set[int] = set()
    out = []
    for r in reasons:
        if id(r) not in seen:
            seen.add(id(r))
            out.append(r)
    return out


def _flows(tables: EventTables, a: Party, b: Party) -> dict[str, dict[str, SideFlows]]:
    def compute(source: Any) -> dict[str, dict[str, SideFlows]]:
        return {
            "a": third_party_counts(source.events, a, unique=source.unique),
            "b": third_party_counts(source.events, b, unique=source.unique),
        }

    return tables.cached(("brokers", a, b), compute)


def _datasets_note(tables: EventTables) -> str:
    def compute(_: Any) -> str:
        from multitrack.events.catalogue import datasets

        infos = datasets(tables.store.root)
        names = [f"{i.name} (synthetic)" if i.synthetic else i.name for i in infos]
        return "datasets: " + ", ".join(names)

    return tables.cached(("brokers-datasets",), compute)


def has_events(events: EventTables | None) -> bool:
    return events is not None and not events.store.is_empty()


def brokers(
    session: Session,
    a_ref: str,
    b_ref: str,
    *,
    events: EventTables | None = None,
    limit: int = 10,
) -> BrokerRanking:
    """Third parties ranked as brokers between ``a_ref`` and ``b_ref`` (see the module)."""
    if limit < 1:
        raise InvalidValueError("limit", "must be at least 1")
    a, b = resolve_actor(session, a_ref), resolve_actor(session, b_ref)
    if a.id == b.id:
        raise InvalidValueError("b", f"{a.name} is on both sides: choose two different actors")
    study = _Study(session, a, b)
    study.channels()
    study.agreements()
    basis = "registry only: no event data in the event store"
    used = False
    if has_events(events):
        assert events is not None
        try:
            pa, pb = party_of(a), party_of(b)
        except MultitrackError as error:
            basis = f"registry only: {error}"
        else:
            study.events(_flows(events, pa, pb))
            basis = f"registry and event data ({_datasets_note(events)})"
            used = True
    study.memberships()
    considered, ranked = study.rank(limit)
    return BrokerRanking(
        a={**actor_summary(a), "iso3": a.iso3},
        b={**actor_summary(b), "iso3": b.iso3},
        events_used=used,
        basis=basis,
        candidates=considered,
        brokers=tuple(ranked),
    )


def conflict_dyads(events: EventTables | None, limit: int) -> list[ConflictDyad]:
    """The ``limit`` country dyads with the most conflictual events (quad classes 3-4, both
    directions); an empty or missing event store is an error."""
    if limit < 1:
        raise InvalidValueError("limit", "must be at least 1")
    if events is None or not has_events(events):
        raise InvalidValueError(
            "events", "no event data to find conflict dyads in: give two actors, A and B"
        )
    found = events.cached(
        ("conflict-dyads",),
        lambda source: conflict_dyad_counts(source.events, unique=source.unique),
    )
    return found[:limit]
