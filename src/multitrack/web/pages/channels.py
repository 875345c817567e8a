"""The channel page: participants, engagements, and its track/status history as a timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.services.queries import (
    channel_view,
    engagement_view,
    get_channel,
    list_engagements,
)
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.charts import channel_timeline
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.impact import channel_relations

router = APIRouter(route_class=WebRoute)


@router.get("/channels/{ref}")
def channel_page(request: Request, ref: str, dyad: str | None = None) -> Response:
    with page_session(request) as (_, principal, session):
        channel = get_channel(session, ref)
        view = channel_view(channel)
        taxonomy = taxonomy_for(session)
        context = {
            "title": channel.name,
            "channel": view,
            "track_name": taxonomy.tracks.get(channel.track).name,
            "sector_name": taxonomy.sectors.get(channel.sector).name,
            "engagements": [
                engagement_view(e) for e in list_engagements(session, channel=str(channel.id))
            ],
            "timeline": channel_timeline(
                view["history"], label=f"Track and status history of {channel.name}"
            ),
            "relations": channel_relations(request, session, channel, dyad),
        }
        return render(request, "channel.html", context, principal=principal)
