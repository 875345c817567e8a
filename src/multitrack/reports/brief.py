"""The actor brief: who the actor is, its memberships, channels, coverage, relations trend,
ego network, recent engagements, agreements in force and open follow-ups."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from multitrack.analytics.coverage import coverage
from multitrack.analytics.networks import ego_network
from multitrack.errors import MultitrackError
from multitrack.model import Actor
from multitrack.reports.document import Report
from multitrack.reports.figures import Edge, Node, ego_network_svg, relations_figure
from multitrack.reports.marking import marking
from multitrack.security.gate import principal_of
from multitrack.services.actors import find_actors, resolve_actor
from multitrack.services.brief import brief
from multitrack.services.queries import actor_detail
from multitrack.services.vocabulary import taxonomy_for

if TYPE_CHECKING:
    from multitrack.services.event_tables import EventTables

PARTNERS = 5
HEAT_STEPS = 4


GAP_KINDS = {
    "traffic_without_channel": "no channel for the traffic",
    "track1_only": "Track 1 only",
    "dormant_worsening": "dormant, worsening",
}
#: The gaps a brief lists (the highest scores; the coverage command lists them all).
GAPS = 10


def heat_map(found: dict[str, Any]) -> dict[str, Any]:
    """Counterpart × sector from the coverage matrix: the active channels in each cell (with
    their tracks); a cell where event traffic has no channel is marked as a gap."""
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for c in found["matrix"]:
        cell = cells.setdefault(
            (c["counterpart"]["id"], c["sector"]), {"active": 0, "tracks": [], "gap": None}
        )
        cell["active"] += c["count"]
        cell["tracks"].append(c["track"])
    rows = [r["counterpart"] for r in found["counterparts"]]
    shown = {r["id"] for r in rows}
    for gap in found["gaps"]:
        if gap["kind"] == "traffic_without_channel" and gap["counterpart"]["id"] in shown:
            cell = cells.setdefault(
                (gap["counterpart"]["id"], gap["sector"]), {"active": 0, "tracks": [], "gap": None}
            )
            cell["gap"] = gap["evidence"].get("events")
    most = max((c["active"] for c in cells.values()), default=0)
    for cell in cells.values():
        share = cell["active"] / most if most else 0
        cell["heat"] = 0 if not cell["active"] else max(1, round(share * HEAT_STEPS))
    sectors = sorted({sector for _, sector in cells})
    return {
        "sectors": sectors,
        "rows": [
            {
                "counterpart": r,
                "cells": {s: cells[(r["id"], s)] for s in sectors if (r["id"], s) in cells},
            }
            for r in rows
        ],
        "most": most,
    }


def relations_trend(
    session: Session, actor: Actor, tables: EventTables | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The actor's top partners in the event store and the monthly relations with the first
    of them, both directions; or why there is none."""
    if tables is None:
        return None, "No event data has been ingested (multitrack events ingest)."
    events = tables.source()
    from multitrack.events.parties import Party, party_of
    from multitrack.events.partners import top_partners
    from multitrack.events.periods import period_end
    from multitrack.events.relations import dyad_series
    from multitrack.web.charts import relations_chart
    from multitrack.web.impact import chart_marks

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
    first, last = min(starts), max(ends)
    marks = chart_marks(session, own, other, first, period_end(last, "month"))
    charts = []
    for a, b in ((own, other), (other, own)):
        rows = dyad_series(events.events, a, b, "month", start=first, end=last).rows
        label = f"{a.name or a.label} → {b.name or b.label}"
        chart = relations_chart(rows, label=f"Events {label} by month", markers=marks)
        charts.append(
            {
                "label": label,
                "events": sum(r.events for r in rows),
                "svg": relations_figure(chart),
            }
        )
    marked = [
        {
            "date": m.date.isoformat(),
            "kind": m.kind,
            "label": m.label,
            "id": m.href.rstrip("/").rsplit("/", 1)[-1],  # the record's id, for the marking
        }
        for m in marks
    ]
    return {"partner": top, "partners": partners, "charts": charts, "marks": marked}, None


def ego_drawing(found: dict[str, Any]) -> dict[str, Any]:
    """The ego network of :func:`multitrack.analytics.networks.ego_network`, drawn."""
    nodes = [
        Node(n["node"], n["label"], n["kind"], n.get("track"), n.get("status"))
        for n in found["nodes"]
    ]
    edges = [Edge(e["source"], e["target"], e.get("track")) for e in found["edges"]]
    channels = sum(n.kind == "channel" for n in nodes)
    centre = found["centre"]
    return {
        "of": {"id": centre["id"], "name": centre["name"]},
        "nodes": [n["id"] for n in found["nodes"]],
        "channels": channels,
        "actors": max(len(nodes) - channels - 1, 0),
        "svg": ego_network_svg(
            nodes, edges, centre=centre["node"], label=f"Ego network of {centre['name']}"
        ),
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
    session: Session, ref: str, *, events: EventTables | None = None, today: date | None = None
) -> Report:
    """The brief of the actor ``ref`` as the session's principal may see it; ``events``: the
    event store for the relations trend and the event-based coverage gaps."""
    if events is not None and events.store.is_empty():
        events = None  # nothing ingested: the sections say so
    data = brief(session, ref, today=today)
    key = data["actor"]["id"]
    actor = resolve_actor(session, key)
    found = coverage(session, key, events=events, today=today).to_dict()
    taxonomy = taxonomy_for(session)
    relations, relations_note = relations_trend(session, actor, events)
    context: dict[str, Any] = {
        "actor": _actor(session, actor),
        "memberships": data["memberships"],
        "channels": data["channels"],
        "engagements": [_engagement(e) for e in data["recent_engagements"]],
        "agreements": [_agreement(a) for a in data["agreements_in_force"]],
        "follow_ups": data["open_follow_ups"],
        "track_names": {t.id: t.name for t in taxonomy.tracks},
        "sector_names": {s.id: s.name for s in taxonomy.sectors},
        "heat": heat_map(found),
        "gaps": found["gaps"][:GAPS],
        "gap_count": len(found["gaps"]),
        "gap_kinds": GAP_KINDS,
        "coverage_note": found["events_note"],
        "relations": relations,
        "relations_note": relations_note,
        "network": ego_drawing(ego_network(session, key).to_dict()),
    }
    sections = [
        "Memberships",
        "Channels",
        "Coverage",
        "Coverage gaps",
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
