"""The coverage of a focal actor: the heat map counterpart × sector by number of active
channels, and its gaps ranked with their reasons (:mod:`multitrack.analytics.coverage`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from multitrack.analytics.coverage import coverage
from multitrack.api.routes.relations import tables
from multitrack.services.brief import brief
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.analytics_charts import GAP_LABELS, gap_bars
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)
HEAT_STEPS = 4
#: Gaps listed and drawn on the page (all of them are in the API and the CLI's JSON).
GAPS_SHOWN = 20


def heat_map(coverage: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows per counterpart, columns per sector used; each cell counts the active channels
    and lists every channel with its track and status (for the tooltip)."""
    sectors: set[str] = set()
    rows = []
    for entry in coverage:
        cells: dict[str, dict[str, Any]] = {}
        for track, channels in entry["tracks"].items():
            for c in channels:
                sectors.add(c["sector"])
                cell = cells.setdefault(c["sector"], {"active": 0, "channels": [], "tracks": set()})
                cell["active"] += c["status"] == "active"
                cell["tracks"].add(track)
                cell["channels"].append(f"{c['channel']} (track {track}, {c['status']})")
        rows.append({"counterpart": entry["counterpart"], "cells": cells})
    most = max((c["active"] for r in rows for c in r["cells"].values()), default=0)
    for row in rows:
        for cell in row["cells"].values():
            cell["tracks"] = sorted(cell["tracks"])
            share = cell["active"] / most if most else 0
            cell["heat"] = 0 if not cell["active"] else max(1, round(share * HEAT_STEPS))
    return {"sectors": sorted(sectors), "rows": rows, "most": most}


@router.get("/coverage/{ref}")
def coverage_page(request: Request, ref: str) -> Response:
    with page_session(request) as (_, principal, session):
        summary = brief(session, ref)
        sector_names = {s.id: s.name for s in taxonomy_for(session).sectors}
        found = tables(request)
        events = None if found.store.is_empty() else found
        result = coverage(session, summary["actor"]["id"], events=events).to_dict()
        gaps = result["gaps"][:GAPS_SHOWN]
        context = {
            "title": f"Coverage of {summary['actor']['name']}",
            "actor": summary["actor"],
            "heat": heat_map(summary["coverage"]),
            "sector_names": sector_names,
            "gaps": gaps,
            "gap_total": len(result["gaps"]),
            "gap_labels": GAP_LABELS,
            "gap_chart": gap_bars(gaps, label=f"Gaps of {summary['actor']['name']}, ranked"),
            "events_note": result["events_note"],
        }
        return render(request, "coverage.html", context, principal=principal)
