"""The dashboard: recent engagements, current early warnings, overdue follow-ups, tracks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request, Response

from multitrack.events.warnings import watch
from multitrack.services.queries import (
    engagement_view,
    list_channels,
    list_engagements,
    open_follow_ups,
)
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.charts import track_bars
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.events import event_source

router = APIRouter(route_class=WebRoute)

RECENT = 10
WARNINGS = 10


def current_warnings(request: Request) -> list[dict[str, Any]]:
    source = event_source(request)
    if source is None:
        return []
    return [{**w.record, "explanation": w.explanation} for w in watch(source.events)[:WARNINGS]]


@router.get("/")
def dashboard(request: Request) -> Response:
    with page_session(request) as (_, principal, session):
        channels = list_channels(session)
        tracks = taxonomy_for(session).tracks
        counted = Counter(c.track for c in channels)
        by_track = [(t.id, t.name, counted[t.id]) for t in tracks if counted[t.id]]
        follow_ups = [f for f in open_follow_ups(session) if f["overdue"]]
        context = {
            "title": "Dashboard",
            "recent": [engagement_view(e) for e in list_engagements(session, limit=RECENT)],
            "follow_ups": follow_ups,
            "by_track": by_track,
            "track_chart": track_bars(by_track, label="Channels by track"),
            "channel_count": len(channels),
            "warnings": current_warnings(request),
        }
        return render(request, "dashboard.html", context, principal=principal)
