"""Network measures of the actors tied by channels, and the overlap of organisations' members.

The graph is the one of :func:`multitrack.services.network.channel_graph` (channels and the
actors speaking on them, organs and people folded into whom they speak for), narrowed to the
channels of a track and/or a sector (a sector takes its sub-sectors too). Its **actor graph**
joins two actors when they share a channel; the weight of a tie is the number of channels they
share. On it, with networkx:

* **centrality** of each actor: degree (the share of the other actors it shares a channel
  with), betweenness (the share of shortest paths between other actors that pass through it;
  ties are unweighted, as one shared channel is enough to talk) and eigenvector centrality
  (ties to well-tied actors count more; computed per connected part, scaled so that each part's
  best-tied actor has 1 and multiplied by the part's share of the actors);
* **bridges**: actors whose removal cuts the graph (articulation points), with how many actors
  would lose every path to the rest; and ties that are the only path between two groups;
* **communities**: greedy modularity maximisation (Clauset-Newman-Moore), weighted by ties;
* **organisation overlap**: for each pair of organisations, the current members they share
  (Jaccard index = shared / members of either; overlap = shared / members of the smaller one),
  from the memberships the principal may see. Track and sector do not apply to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.model import Membership
from multitrack.services.actors import resolve_actor
from multitrack.services.brief import counterpart
from multitrack.services.network import Graph, channel_graph
from multitrack.services.vocabulary import taxonomy_for
from multitrack.taxonomy import load_taxonomy

DIGITS = 4
#: Organisation pairs listed by the overlap measure: those sharing at least one member.
MIN_SHARED = 1


@dataclass(frozen=True)
class Centrality:
    id: str
    name: str
    kind: str
    channels: int
    ties: int
    degree: float
    betweenness: float
    eigenvector: float
    community: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CutActor:
    """An articulation point: without it, ``cut_off`` actors lose every path to the others."""

    id: str
    name: str
    cut_off: int
    parts: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Community:
    number: int
    members: tuple[str, ...]
    ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "size": len(self.members), "members": list(self.members),
                "ids": list(self.ids)}  # fmt: skip


@dataclass(frozen=True)
class Overlap:
    a: str
    b: str
    a_members: int
    b_members: int
    shared: int
    jaccard: float
    overlap: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NetworkMeasures:
    track: str | None
    sector: str | None
    channels: int
    actors: int
    ties: int
    components: int
    modularity: float | None
    centrality: tuple[Centrality, ...]
    cut_actors: tuple[CutActor, ...]
    bridge_ties: tuple[tuple[str, str], ...]
    communities: tuple[Community, ...]
    organisations: tuple[Overlap, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "filters": {"track": self.track, "sector": self.sector},
            "summary": {
                "channels": self.channels,
                "actors": self.actors,
                "ties": self.ties,
                "components": self.components,
                "modularity": self.modularity,
            },
            "centrality": [c.to_dict() for c in self.centrality],
            "cut_actors": [c.to_dict() for c in self.cut_actors],
            "bridge_ties": [list(pair) for pair in self.bridge_ties],
            "communities": [c.to_dict() for c in self.communities],
            "organisation_overlap": [o.to_dict() for o in self.organisations],
        }


def _round(value: float) -> float:
    return round(float(value), DIGITS) + 0.0


def filtered_graph(session: Session, *, track: str | None, sector: str | None) -> Graph:
    """The channel graph narrowed to channels of ``track`` and of ``sector`` or below it."""
    graph = channel_graph(session)
    if track is None and sector is None:
        return graph
    tracks = {load_taxonomy().tracks.validate(track, field="track")} if track else None
    sectors: set[str] | None = None
    if sector:
        vocabulary = taxonomy_for(session).sectors
        chosen = vocabulary.validate(sector, field="sector")
        sectors = {t.id for t in vocabulary.terms if t.id == chosen or chosen in
                   {a.id for a in vocabulary.ancestors(t.id)}}  # fmt: skip
    keep = [
        node
        for node, data in graph.nodes(data=True)
        if data["kind"] == "channel"
        and (tracks is None or data["track"] in tracks)
        and (sectors is None or data["sector"] in sectors)
    ]
    actors = {a for node in keep for a in graph.neighbors(node)}
    return graph.subgraph([*keep, *actors]).copy()


def actor_graph(graph: Graph) -> Graph:
    """Actors joined when they share a channel; ``weight`` = channels shared."""
    projected: Graph = nx.Graph()
    for node, data in graph.nodes(data=True):
        if data["kind"] == "actor":
            projected.add_node(node, **data, channels=graph.degree(node))
    for node, data in graph.nodes(data=True):
        if data["kind"] != "channel":
            continue
        members = sorted(graph.neighbors(node))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                weight = projected.edges[a, b]["weight"] + 1 if projected.has_edge(a, b) else 1
                projected.add_edge(a, b, weight=weight)
    return projected


def _eigenvector(graph: Graph) -> dict[str, float]:
    """Eigenvector centrality per connected part (power iteration converges on each), scaled
    so each part's top actor has 1, times the part's share of all actors."""
    scores: dict[str, float] = {}
    total = graph.number_of_nodes()
    for part in nx.connected_components(graph):
        if len(part) < 3:  # one actor or one pair: no structure to rank
            scores.update(dict.fromkeys(part, 0.0))
            continue
        sub = graph.subgraph(part)
        try:
            raw = nx.eigenvector_centrality(sub, max_iter=2000, tol=1e-9, weight="weight")
        except nx.PowerIterationFailedConvergence:  # pragma: no cover - connected: converges
            raw = dict.fromkeys(part, 0.0)
        top = max(raw.values()) or 1.0
        share = len(part) / total
        scores.update({n: v / top * share for n, v in raw.items()})
    return scores


def _cut_actors(graph: Graph) -> list[CutActor]:
    found = []
    for node in nx.articulation_points(graph):
        component = nx.node_connected_component(graph, node)
        rest = graph.subgraph(component - {node})
        parts = sorted((len(p) for p in nx.connected_components(rest)), reverse=True)
        found.append(
            CutActor(
                id=graph.nodes[node]["id"],
                name=graph.nodes[node]["label"],
                cut_off=sum(parts[1:]),
                parts=len(parts),
            )
        )
    return sorted(found, key=lambda c: (-c.cut_off, -c.parts, c.name))


def organisation_overlap(session: Session) -> list[Overlap]:
    """Pairs of organisations by shared current members (visible memberships only)."""
    rows = session.scalars(
        select(Membership).where(Membership.until.is_(None), Membership.role == "member")
    ).unique()
    members: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for m in rows:
        key = str(m.organisation_id)
        names[key] = m.organisation.name
        members.setdefault(key, set()).add(str(m.member_id))
    found = []
    keys = sorted(members, key=lambda k: names[k])
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            shared = len(members[a] & members[b])
            if shared < MIN_SHARED:
                continue
            either = len(members[a] | members[b])
            smaller = min(len(members[a]), len(members[b]))
            found.append(
                Overlap(
                    a=names[a],
                    b=names[b],
                    a_members=len(members[a]),
                    b_members=len(members[b]),
                    shared=shared,
                    jaccard=_round(shared / either),
                    overlap=_round(shared / smaller),
                )
            )
    return sorted(found, key=lambda o: (-o.jaccard, -o.shared, o.a, o.b))


def _communities(graph: Graph) -> list[set[str]]:
    if graph.number_of_edges() == 0:
        return [{n} for n in graph]
    found = nx.community.greedy_modularity_communities(graph, weight="weight")
    return [set(c) for c in found]


def measures(
    session: Session, *, track: str | None = None, sector: str | None = None
) -> NetworkMeasures:
    """Centrality, bridges, communities and organisation overlap, as the session sees them."""
    graph = filtered_graph(session, track=track, sector=sector)
    actors = actor_graph(graph)
    n = actors.number_of_nodes()
    degree = nx.degree_centrality(actors) if n > 1 else dict.fromkeys(actors, 0.0)
    betweenness = nx.betweenness_centrality(actors) if n > 2 else dict.fromkeys(actors, 0.0)
    eigen = _eigenvector(actors)
    groups = sorted(
        _communities(actors),
        key=lambda c: (-len(c), sorted(actors.nodes[m]["label"] for m in c)),
    )
    community_of = {m: i + 1 for i, c in enumerate(groups) for m in c}
    modularity = (
        _round(nx.community.modularity(actors, groups, weight="weight"))
        if actors.number_of_edges()
        else None
    )
    centrality = [
        Centrality(
            id=data["id"],
            name=data["label"],
            kind=data["actor_kind"],
            channels=data["channels"],
            ties=actors.degree(node),
            degree=_round(degree[node]),
            betweenness=_round(betweenness[node]),
            eigenvector=_round(eigen[node]),
            community=community_of[node],
        )
        for node, data in actors.nodes(data=True)
    ]
    centrality.sort(key=lambda c: (-c.betweenness, -c.degree, -c.eigenvector, c.name, c.id))

    def label(node: str) -> str:
        return str(actors.nodes[node]["label"])

    bridges = sorted(tuple(sorted((label(a), label(b)))) for a, b in nx.bridges(actors))
    return NetworkMeasures(
        track=track or None,
        sector=sector or None,
        channels=sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "channel"),
        actors=n,
        ties=actors.number_of_edges(),
        components=nx.number_connected_components(actors) if n else 0,
        modularity=modularity,
        centrality=tuple(centrality),
        cut_actors=tuple(_cut_actors(actors)),
        bridge_ties=tuple((a, b) for a, b in bridges),
        communities=tuple(
            Community(
                number=i + 1,
                members=tuple(sorted(label(m) for m in c)),
                ids=tuple(actors.nodes[m]["id"] for m in sorted(c, key=label)),
            )
            for i, c in enumerate(groups)
        ),
        organisations=tuple(organisation_overlap(session)),
    )


@dataclass(frozen=True)
class EgoNetwork:
    """An actor, the channels it speaks on and the actors on them, out to ``radius`` steps
    (one step: actor → channel → actor), for a drawing."""

    centre: dict[str, Any]
    radius: int
    nodes: tuple[dict[str, Any], ...]
    edges: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "radius": self.radius,
            "nodes": list(self.nodes),
            "edges": list(self.edges),
        }


def _node_record(node: str, data: dict[str, Any]) -> dict[str, Any]:
    keys: Iterable[str] = (
        ("kind", "label", "id", "track", "sector", "status")
        if data["kind"] == "channel"
        else ("kind", "label", "id", "actor_kind")
    )
    return {"node": node, **{k: data[k] for k in keys}}


def ego_network(session: Session, actor_ref: str, radius: int = 1) -> EgoNetwork:
    """The ego network of ``actor_ref`` (folded into whom it speaks for, as the graph is)."""
    if radius < 1:
        from multitrack.errors import InvalidValueError

        raise InvalidValueError("radius", "must be 1 or more")
    actor = counterpart(session, resolve_actor(session, actor_ref))
    centre = f"actor:{actor.id}"
    graph = channel_graph(session)
    if centre not in graph:
        graph.add_node(centre, kind="actor", label=actor.name, id=str(actor.id),
                       actor_kind=actor.kind)  # fmt: skip
    ego = nx.ego_graph(graph, centre, radius=2 * radius)
    nodes = sorted(
        (_node_record(n, d) for n, d in ego.nodes(data=True)),
        key=lambda r: (r["node"] != centre, r["kind"], r["label"], r["id"]),
    )
    edges = []
    for a, b, d in ego.edges(data=True):
        channel, actor_node = (a, b) if a.startswith("channel:") else (b, a)
        edges.append({"source": channel, "target": actor_node, "track": d["track"],
                      "sector": d["sector"]})  # fmt: skip
    edges.sort(key=lambda e: (e["source"], e["target"]))
    return EgoNetwork(
        centre={"id": str(actor.id), "name": actor.name, "kind": actor.kind, "node": centre},
        radius=radius,
        nodes=tuple(nodes),
        edges=tuple(edges),
    )
