"""The network view: actors and channels, laid out on the server, filtered in the browser."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.analytics.networks import measures
from multitrack.services.network import channel_graph, graph_summary
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.analytics_charts import centrality_bars
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.graph import network_svg

router = APIRouter(route_class=WebRoute)
#: Actors in the centrality chart, organisation pairs in the overlap table.
TOP = 12


@router.get("/network")
def network(request: Request, track: str | None = None, sector: str | None = None) -> Response:
    with page_session(request) as (_, principal, session):
        chosen = {"track": (track or "").strip() or None, "sector": (sector or "").strip() or None}
        found = measures(session, **chosen).to_dict()
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
            "measures": found,
            "chosen": chosen,
            "overlap": found["organisation_overlap"][:TOP],
            "centrality_chart": centrality_bars(
                found["centrality"][:TOP],
                key="betweenness",
                label="Actors ranked by betweenness centrality",
            ),
        }
        return render(request, "network.html", context, principal=principal)
