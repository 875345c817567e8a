"""The network view: actors and channels, laid out on the server, filtered in the browser."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.services.network import channel_graph, graph_summary
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.graph import network_svg

router = APIRouter(route_class=WebRoute)


@router.get("/network")
def network(request: Request) -> Response:
    with page_session(request) as (_, principal, session):
        graph = channel_graph(session)
        taxonomy = taxonomy_for(session)
        channels = [d for _, d in graph.nodes(data=True) if d["kind"] == "channel"]
        used_tracks = {d["track"] for d in channels}
        used_sectors = {d["sector"] for d in channels}
        context = {
            "title": "Network",
            "drawing": network_svg(graph, label="Actors and the channels that tie them"),
            "summary": graph_summary(graph),
            "tracks": [t for t in taxonomy.tracks if t.id in used_tracks],
            "sectors": [s for s in taxonomy.sectors if s.id in used_sectors],
        }
        return render(request, "network.html", context, principal=principal)
