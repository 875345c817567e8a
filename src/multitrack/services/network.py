"""The network of actors and channels: who is tied to whom through which channel."""

from __future__ import annotations

from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from multitrack.services.brief import counterpart
from multitrack.services.queries import list_channels

#: A networkx graph (networkx ships no type hints).
Graph = Any


def channel_graph(session: Session) -> Graph:
    """A bipartite graph: one node per visible channel and per actor speaking on one (organs and
    people folded into the actor they speak for), an edge per participation.

    Node attributes: ``kind`` (``channel`` or ``actor``), ``label``, ``id`` (the record id) and,
    for channels, ``track``, ``sector`` and ``status``; edge attributes: ``track``, ``sector``.
    """
    graph: Graph = nx.Graph()
    for channel in list_channels(session):
        node = f"channel:{channel.id}"
        graph.add_node(
            node,
            kind="channel",
            label=channel.name,
            id=str(channel.id),
            track=channel.track,
            sector=channel.sector,
            status=channel.status,
        )
        for participant in channel.participants:
            actor = counterpart(session, participant.actor)
            other = f"actor:{actor.id}"
            if other not in graph:
                graph.add_node(
                    other, kind="actor", label=actor.name, id=str(actor.id), actor_kind=actor.kind
                )
            graph.add_edge(node, other, track=channel.track, sector=channel.sector)
    return graph


def graph_summary(graph: Graph) -> dict[str, Any]:
    kinds = [data["kind"] for _, data in graph.nodes(data=True)]
    return {
        "channels": kinds.count("channel"),
        "actors": kinds.count("actor"),
        "ties": graph.number_of_edges(),
    }
