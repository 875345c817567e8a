"""The figures of a report, drawn as inline SVG (a PDF takes no page styles into an SVG, so
each carries its own): the ego network and the styles of the relations chart."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from multitrack.reports.document import styled
from multitrack.web.svg import svg, tag, text, title, track_class

TRACK_COLOURS = {
    "1": "#1f5fae",
    "1.5": "#6a51a3",
    "2": "#2ca25f",
    "3": "#d95f0e",
    "4": "#7f7f7f",
    "5": "#17becf",
    "6": "#e7298a",
    "7": "#a6761d",
    "8": "#666600",
    "9": "#0b7a75",
}
TRACK_CSS = " ".join(f".{track_class(t)}{{fill:{c};stroke:{c}}}" for t, c in TRACK_COLOURS.items())

RELATIONS_CSS = (
    "text{font-family:'DejaVu Sans',sans-serif;font-size:11px;fill:#333}"
    ".axis,.tick{stroke:#777;stroke-width:1}.zero{stroke:#999;stroke-dasharray:3 3}"
    ".bar.verbal_coop{fill:#9ecae1}.bar.material_coop{fill:#3182bd}"
    ".bar.verbal_conflict{fill:#fcae91}.bar.material_conflict{fill:#cb181d}"
    ".goldstein{fill:none;stroke:#222;stroke-width:2}.goldstein-point{fill:#222}"
    ".marker{stroke:#6a3d9a;stroke-width:2;stroke-dasharray:4 3}.marker-head{fill:#6a3d9a}"
)

NETWORK_CSS = (
    "text{font-family:'DejaVu Sans',sans-serif;font-size:10px;fill:#1d2733}"
    ".edge{stroke-width:1.5;fill:none;opacity:.7}.edge.plain{stroke:#8a94a3}"
    ".node.actor{fill:#fff;stroke:#1d2733;stroke-width:1.5}"
    ".node.ego{fill:#14324f;stroke:#14324f}.node.channel{stroke:#fff;stroke-width:1}"
    ".node.channel.dormant,.node.channel.ended{opacity:.45}" + TRACK_CSS
)


def relations_figure(chart: Markup) -> Markup:
    return styled(chart, RELATIONS_CSS)


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    kind: str  # "actor" or "channel"
    track: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    track: str | None = None


WIDTH, HEIGHT = 760, 560
MAX_LABEL = 28
LABEL_ROOM = 170  # SVG units: a label of MAX_LABEL characters at 10 px


def _rings(nodes: Sequence[Node], edges: Sequence[Edge], centre: str) -> list[list[Node]]:
    """Nodes by their distance from the centre (breadth first); unreachable ones last."""
    by_key = {n.key: n for n in nodes}
    around: dict[str, list[str]] = {n.key: [] for n in nodes}
    for e in edges:
        if e.a in around and e.b in around:
            around[e.a].append(e.b)
            around[e.b].append(e.a)
    distance = {centre: 0}
    queue = deque([centre])
    while queue:
        here = queue.popleft()
        for there in sorted(around[here], key=lambda k: by_key[k].label):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    far = max(distance.values(), default=0) + 1
    rings: list[list[Node]] = [[] for _ in range(far + 1)]
    for node in nodes:
        rings[distance.get(node.key, far)].append(node)
    return [sorted(r, key=lambda n: (n.kind, n.label)) for r in rings if r]


def _mean_angle(values: list[float]) -> float:
    """The circular mean of angles, from −π/2 round the circle (as the rings are laid out)."""
    if not values:
        return 2 * math.pi
    mean = math.atan2(sum(map(math.sin, values)), sum(map(math.cos, values)))
    return (mean + math.pi / 2) % (2 * math.pi)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def ego_network_svg(
    nodes: Sequence[Node], edges: Sequence[Edge], *, centre: str, label: str
) -> Markup:
    """The ego network on concentric rings: the actor in the middle, what it is tied to on the
    first ring (its channels), who is on those on the second, each ring spread evenly."""
    if centre not in {n.key for n in nodes}:
        return styled(
            svg(
                [text("No channels recorded", x=20, y=40)],
                width=WIDTH,
                height=80,
                label=label,
                class_="chart network",
            ),
            NETWORK_CSS,
        )
    rings = _rings(nodes, edges, centre)
    cx, cy = WIDTH / 2, HEIGHT / 2
    # rings are ellipses: room for labels (up to MAX_LABEL characters) left and right
    step_x = (cx - LABEL_ROOM) / max(len(rings) - 1, 1)
    step_y = (cy - 30) / max(len(rings) - 1, 1)
    around: dict[str, list[str]] = {n.key: [] for n in nodes}
    for e in edges:
        if e.a in around and e.b in around:
            around[e.a].append(e.b)
            around[e.b].append(e.a)
    angles: dict[str, float] = {}
    where: dict[str, tuple[float, float]] = {}
    for depth, ring in enumerate(rings):
        rx, ry = depth * step_x, depth * step_y
        if depth > 1:  # beside what they are tied to on the ring within: fewer crossings
            ring = sorted(
                ring, key=lambda n: _mean_angle([angles[k] for k in around[n.key] if k in angles])
            )
        offset = 0.5 if depth % 2 else 0.0  # stagger rings so spokes do not line up
        for i, node in enumerate(ring):
            angle = 2 * math.pi * (i + offset) / max(len(ring), 1) - math.pi / 2
            angles[node.key] = angle
            where[node.key] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle))
        rings[depth] = ring
    parts: list[str] = []
    for e in edges:
        if e.a not in where or e.b not in where:
            continue
        (x1, y1), (x2, y2) = where[e.a], where[e.b]
        css = f"edge {track_class(e.track)}" if e.track else "edge plain"
        parts.append(tag("line", class_=css, x1=x1, y1=y1, x2=x2, y2=y2))
    for node in (n for ring in rings for n in ring):
        x, y = where[node.key]
        if node.kind == "channel":
            shape = tag(
                "rect",
                title(f"{node.label}: track {node.track}, {node.status}"),
                class_=f"node channel {track_class(node.track or '')} {node.status or ''}",
                x=x - 6,
                y=y - 6,
                width=12,
                height=12,
                rx=2,
            )
        else:
            ego = " ego" if node.key == centre else ""
            shape = tag(
                "circle",
                title(node.label),
                class_=f"node actor{ego}",
                cx=x,
                cy=y,
                r=10 if ego else 6,
            )
        if node.key == centre:
            caption = text(_short(node.label), x=x, y=y + 24, text_anchor="middle")
        else:
            anchor = "start" if x >= cx else "end"
            dx = 9 if anchor == "start" else -9
            caption = text(_short(node.label), x=x + dx, y=y + 4, text_anchor=anchor)
        parts.append(tag("g", [shape, caption]))
    return styled(
        svg(parts, width=WIDTH, height=HEIGHT, label=label, class_="chart network"), NETWORK_CSS
    )
