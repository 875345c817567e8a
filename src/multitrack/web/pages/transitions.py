"""Track transitions: channels that moved between tracks, on a timeline and in a table."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.analytics.transitions import transitions, transitions_dict
from multitrack.web.analytics_charts import transitions_timeline
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)


@router.get("/transitions")
def transitions_page(request: Request, actor: str | None = None) -> Response:
    with page_session(request) as (_, principal, session):
        chosen = (actor or "").strip() or None
        data = transitions_dict(transitions(session, chosen))
        context = {
            "title": "Track transitions",
            "actor": chosen,
            "moves": data["transitions"],
            "journeys": data["journeys"],
            "timeline": transitions_timeline(
                data["transitions"], label="Channels that moved between tracks, over time"
            ),
        }
        return render(request, "transitions.html", context, principal=principal)
