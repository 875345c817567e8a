"""The coverage heat map of a focal actor: counterpart × sector, by number of active channels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from multitrack.services.brief import brief
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)
HEAT_STEPS = 4


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
        context = {
            "title": f"Coverage of {summary['actor']['name']}",
            "actor": summary["actor"],
            "heat": heat_map(summary["coverage"]),
            "sector_names": sector_names,
        }
        return render(request, "coverage.html", context, principal=principal)
