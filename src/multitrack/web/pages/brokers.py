"""Brokers for mediation: two actors in, third parties ranked by reach and neutrality out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from multitrack.analytics.brokers import brokers, conflict_dyads, has_events
from multitrack.api.routes.relations import tables
from multitrack.errors import MultitrackError
from multitrack.web.broker_chart import broker_bars
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)
SUGGESTED_DYADS = 5
DEFAULT_LIMIT, MOST = 10, 50


@router.get("/brokers")
def brokers_page(
    request: Request, a: str | None = None, b: str | None = None, limit: str | None = None
) -> Response:
    a, b = (a or "").strip(), (b or "").strip()
    wanted = int(limit) if limit and limit.strip().isdigit() else DEFAULT_LIMIT
    events = tables(request)
    with page_session(request) as (_, principal, session):
        context: dict[str, Any] = {"title": "Brokers for mediation", "a": a, "b": b,
                                   "limit": wanted, "ranking": None, "error": None,
                                   "dyads": []}  # fmt: skip
        status = 200
        if a or b:
            try:
                if not (a and b):
                    raise MultitrackError("give both sides")
                found = brokers(session, a, b, events=events, limit=max(1, min(wanted, MOST)))
            except MultitrackError as error:
                context["error"] = str(error)
                status = 422
            else:
                ranking = found.to_dict()
                context["ranking"] = ranking
                context["title"] = (
                    f"Brokers between {ranking['a']['name']} and {ranking['b']['name']}"
                )
                context["chart"] = broker_bars(
                    ranking["brokers"],
                    label=f"Brokers between {ranking['a']['name']} and {ranking['b']['name']}: "
                    "reach and neutrality",
                )
        elif has_events(events):
            context["dyads"] = [d.record() for d in conflict_dyads(events, SUGGESTED_DYADS)]
        return render(request, "brokers.html", context, status_code=status, principal=principal)
