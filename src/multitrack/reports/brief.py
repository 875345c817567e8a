"""The actor brief: who the actor is, its memberships, channels, coverage, relations trend,
ego network, recent engagements, agreements in force and open follow-ups."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from multitrack.errors import MultitrackError
from multitrack.model import Actor
from multitrack.reports.document import Report
from multitrack.reports.figures import Edge, Node, ego_network_svg, relations_figure
from multitrack.reports.marking import marking
from multitrack.security.gate import principal_of
from multitrack.services.actors import find_actors, resolve_actor
from multitrack.services.brief import brief, counterpart
from multitrack.services.network import channel_graph
from multitrack.services.queries import actor_detail
from multitrack.services.vocabulary import taxonomy_for

if TYPE_CHECKING:
    from multitrack.events.engines import EventSource

PARTNERS = 5
HEAT_STEPS = 4


def _speakers(session: Session, channels: list[dict[str, Any]]) -> dict[str, str]:
    """Counterpart name → the id of the actor it is (whom the channels' participants speak
    for), so that every counterpart the report names carries its id."""
    found: dict[str, str] = {}
    for channel in channels:
        for summary in channel["counterparts"]:
            actor = session.get(Actor, uuid.UUID(summary["id"]))
            if actor is not None:
                speaker = counterpart(session, actor)
                found[speaker.name] = str(speaker.id)
    return found


def heat_map(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """Counterpart × sector: the active channels in each cell (with their tracks); an empty
    cell is a gap."""
    ids = _speakers(session, data["channels"])
    sectors: set[str] = set()
    rows = []
    for entry in data["coverage"]:
        cells: dict[str, dict[str, Any]] = defaultdict(lambda: {"active": 0, "tracks": set()})
        for track, channels in entry["tracks"].items():
            for c in channels:
                sectors.add(c["sector"])
                cell = cells[c["sector"]]
                cell["active"] += c["status"] == "active"
                cell["tracks"].add(track)
        rows.append(
            {
                "counterpart": entry["counterpart"],
                "id": ids.get(entry["counterpart"]),
                "cells": dict(cells),
            }
        )
    most = max((c["active"] for r in rows for c in r["cells"].values()), default=0)
    for row in rows:
        for cell in row["cells"].values():
            cell["tracks"] = sorted(cell["tracks"])
            share = cell["active"] / most if most else 0
            cell["heat"] = 0 if not cell["active"] else max(1, round(share * HEAT_STEPS))
    return {"sectors": sorted(sectors), "rows": rows, "most": most}


def relations_trend(
    session: Session, actor: Actor, events: EventSource | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The actor's top partners in the event store and the monthly relations with the first
    of them, both directions; or why there is none."""
    if events is None:
        return None, "No event data has been ingested (multitrack events ingest)."
    from multitrack.events.parties import Party, party_of
    from multitrack.events.partners import top_partners
    from multitrack.events.relations import dyad_series
    from multitrack.web.charts import relations_chart

    try:
        own = party_of(actor)
    except MultitrackError as error:
        return None, str(error)
    partners: list[dict[str, Any]] = []
    for row in top_partners(events.events, own, n=PARTNERS):
        known = find_actors(session, row.partner)
        partners.append(
            {
                "code": row.partner,
                "name": known[0].name if len(known) == 1 else row.partner,
                "id": str(known[0].id) if len(known) == 1 else None,
                "events": row.events,
                "coop_share": row.coop_share,
                "goldstein_mean": row.goldstein_mean,
            }
        )
    if not partners:
        return None, f"No events with {actor.name} in the event store."
    top = partners[0]
    other = Party.state(top["code"], top["name"])
    series = [dyad_series(events.events, a, b, "month") for a, b in ((own, other), (other, own))]
    starts = [s.rows[0].start for s in series if s.rows]
    ends = [s.rows[-1].start for s in series if s.rows]
    if not starts:
        return None, f"No events between {actor.name} and {top['name']}."
    charts = []
    for a, b in ((own, other), (other, own)):
        rows = dyad_series(events.events, a, b, "month", start=min(starts), end=max(ends)).rows
        label = f"{a.name or a.label} → {b.name or b.label}"
        charts.append(
            {
                "label": label,
                "events": sum(r.events for r in rows),
                "svg": relations_figure(relations_chart(rows, label=f"Events {label} by month")),
            }
        )
    return {"partner": top, "partners": partners, "charts": charts}, None


def ego_network(session: Session, actor: Actor) -> dict[str, Any]:
    """The actor (organs and people folded into whom they speak for), its channels and who
    else is on them."""
    graph = channel_graph(session)
    me = counterpart(session, actor)
    key = f"actor:{me.id}"
    nodes: list[Node] = []
    edges: list[Edge] = []
    ids: list[str] = [str(me.id)]
    if key in graph:
        ego = nx.ego_graph(graph, key, radius=2)
        for node, d in ego.nodes(data=True):
            nodes.append(Node(node, d["label"], d["kind"], d.get("track"), d.get("status")))
            ids.append(d["id"])
        edges = [Edge(a, b, d.get("track")) for a, b, d in ego.edges(data=True)]
    channels = sum(n.kind == "channel" for n in nodes)
    return {
        "of": {"id": str(me.id), "name": me.name},
        "ids": ids,
        "channels": channels,
        "actors": max(len(nodes) - channels - 1, 0),
        "svg": ego_network_svg(nodes, edges, centre=key, label=f"Ego network of {me.name}"),
    }


def _actor(session: Session, actor: Actor) -> dict[str, Any]:
    detail = actor_detail(session, actor)
    keep = ("id", "name", "kind", "iso3", "cameo_code", "codes", "parent", "description")
    return {key: detail.get(key) for key in keep}


def _engagement(e: dict[str, Any]) -> dict[str, Any]:
    """What the report shows of an engagement (and nothing more, so the marking counts only
    what is on the page)."""
    keep = ("id", "kind", "start", "end", "place", "summary", "channel", "participants")
    return {key: e.get(key) for key in keep}


def _agreement(a: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "name", "kind", "status", "adopted", "in_force", "parties")
    return {key: a.get(key) for key in keep}


def build_brief(
    session: Session, ref: str, *, events: EventSource | None = None, today: date | None = None
) -> Report:
    """The brief of the actor ``ref`` as the session's principal may see it."""
    data = brief(session, ref, today=today)
    actor = resolve_actor(session, data["actor"]["id"])
    taxonomy = taxonomy_for(session)
    relations, relations_note = relations_trend(session, actor, events)
    context: dict[str, Any] = {
        "actor": _actor(session, actor),
        "memberships": data["memberships"],
        "tracks": data["tracks"],
        "channels": data["channels"],
        "engagements": [_engagement(e) for e in data["recent_engagements"]],
        "agreements": [_agreement(a) for a in data["agreements_in_force"]],
        "follow_ups": data["open_follow_ups"],
        "track_names": {t.id: t.name for t in taxonomy.tracks},
        "sector_names": {s.id: s.name for s in taxonomy.sectors},
        "heat": heat_map(session, data),
        "relations": relations,
        "relations_note": relations_note,
        "network": ego_network(session, actor),
    }
    sections = [
        "Memberships",
        "Channels",
        "Coverage",
        "Relations trend",
        "Ego network",
        "Recent engagements",
        "Agreements in force",
        "Open follow-ups",
    ]
    omitted = [] if relations else [f"Relations trend: {relations_note}"]
    rank, name = marking(session, context)
    return Report(
        kind="brief",
        title=f"Brief: {actor.name}",
        subject=actor.name,
        classification=name,
        classification_rank=rank,
        prepared_for=principal_of(session).name,
        sections=sections,
        context=context,
        omitted=omitted,
    )
