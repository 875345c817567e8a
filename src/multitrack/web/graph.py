"""The network view's drawing: a networkx layout computed here, rendered as SVG.

Every element carries what the page's script needs to filter and highlight without a reload:
channels and edges their ``data-track`` and ``data-sector``, edges the ids of both ends, nodes
their id (``data-node``).
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from markupsafe import Markup

from multitrack.services.network import Graph
from multitrack.web.svg import svg, tag, text, title, track_class

WIDTH, HEIGHT, MARGIN, LABEL_ROOM = 1000, 720, 30, 150


def _spring(graph: Graph, box: tuple[float, float, float, float]) -> dict[str, Any]:
    """A seeded spring layout of ``graph`` fitted into ``box`` (x, y, width, height)."""
    x, y, width, height = box
    if graph.number_of_nodes() == 1:
        return {node: (x + width / 2, y + height / 2) for node in graph}
    k = 2.5 / math.sqrt(graph.number_of_nodes())
    raw: dict[str, Any] = nx.spring_layout(graph, seed=7, k=k, iterations=120)
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx, sy = width / ((x1 - x0) or 1), height / ((y1 - y0) or 1)
    return {
        node: (x + (float(p[0]) - x0) * sx, y + (float(p[1]) - y0) * sy) for node, p in raw.items()
    }


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Positions in SVG units: the largest connected part in the main area, smaller parts
    stacked in a column on the right (a spring layout lets them drift to the edges)."""
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)))
    if not parts:
        return {}
    usable = WIDTH - 2 * MARGIN - LABEL_ROOM
    main_width = usable if len(parts) == 1 else usable * 0.75
    where = _spring(graph.subgraph(parts[0]), (MARGIN, MARGIN, main_width, HEIGHT - 2 * MARGIN))
    rest = parts[1:]
    if rest:
        column_x = MARGIN + main_width + 40
        slot = (HEIGHT - 2 * MARGIN) / len(rest)
        for i, part in enumerate(rest):
            size = 60 * math.sqrt(len(part))  # small parts stay small
            box = (
                column_x,
                MARGIN + i * slot,
                min(usable - main_width - 40, size),
                min(slot * 0.8, size),
            )
            where.update(_spring(graph.subgraph(part), box))
    return where


def _dom_id(node: str) -> str:
    return node.replace(":", "-")


def network_svg(graph: Graph, *, label: str) -> Markup:
    where = layout(graph)
    edges: list[str] = []
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = where[a], where[b]
        edges.append(
            tag(
                "line",
                class_=f"edge {track_class(data['track'])}",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                data_track=data["track"],
                data_sector=data["sector"],
                data_a=_dom_id(a),
                data_b=_dom_id(b),
            )
        )
    nodes: list[str] = []
    for node, data in sorted(graph.nodes(data=True), key=lambda n: n[1]["kind"]):
        x, y = where[node]
        degree = graph.degree(node)
        if data["kind"] == "channel":
            shape = tag(
                "rect",
                title(
                    f"{data['label']} — track {data['track']}, {data['sector']}, {data['status']}"
                ),
                class_=f"node channel {track_class(data['track'])} {data['status']}",
                x=x - 7,
                y=y - 7,
                width=14,
                height=14,
                rx=2,
            )
            href = f"/channels/{data['id']}"
            extra = {"data_track": data["track"], "data_sector": data["sector"]}
        else:
            radius = min(4 + 1.5 * degree, 14)
            shape = tag(
                "circle",
                title(f"{data['label']} — {degree} channel ties"),
                class_=f"node actor {data['actor_kind']}",
                cx=x,
                cy=y,
                r=radius,
            )
            href = f"/actors/{data['id']}"
            extra = {}
        caption = ""
        if data["kind"] == "channel" or degree >= 4:
            name = data["label"] if len(data["label"]) <= 26 else data["label"][:25] + "…"
            caption = text(name, x=x + 9, y=y + 4, class_="node-label")
        nodes.append(
            tag(
                "a",
                [shape, caption],
                href=href,
                class_=f"graph-node {data['kind']}",
                id=_dom_id(node),
                data_node=_dom_id(node),
                **extra,
            )
        )
    return svg(
        [tag("g", edges, class_="edges"), tag("g", nodes, class_="nodes")],
        width=WIDTH,
        height=HEIGHT,
        label=label,
        class_="network",
    )
