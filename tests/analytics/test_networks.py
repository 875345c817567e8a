"""Network measures on the demo world (both backends): bridges checked by removing each actor,
communities, organisation overlap against the real member lists, filters, the ego network,
and a hidden channel that only those who may see it count."""

from __future__ import annotations

import pytest

from multitrack.analytics.networks import ego_network, measures
from multitrack.errors import InvalidValueError
from multitrack.services.brief import counterpart
from multitrack.services.queries import list_channels
from multitrack.taxonomy import load_taxonomy
from tests.analytics.analytics_world import (
    SECRET_CHANNEL,
    AnalyticsWorld,
    analytics_events,
    world,
)

__all__ = ["analytics_events", "world"]


def _parts(ties: dict[str, set[str]], without: str | None = None) -> int:
    """Connected parts of the actor graph, counted by a plain search (no networkx)."""
    seen: set[str] = set()
    parts = 0
    for start in ties:
        if start in seen or start == without:
            continue
        parts += 1
        stack = [start]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(n for n in ties[node] if n != without and n not in seen)
    return parts


def test_cut_actors_are_those_whose_removal_splits_the_network(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s:
        found = measures(s)
        ties: dict[str, set[str]] = {}
        for channel in list_channels(s):
            members = {str(counterpart(s, p.actor).id) for p in channel.participants}
            for a in members:
                ties.setdefault(a, set()).update(members - {a})
    assert found.actors == len(ties)
    assert found.components == _parts(ties)
    brute = {a for a in ties if _parts(ties, without=a) > _parts(ties) - (not ties[a])}
    assert {c.id for c in found.cut_actors} == brute
    assert "Association of Southeast Asian Nations" in {c.name for c in found.cut_actors}


def test_centrality_ranking_and_communities(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s:
        found = measures(s)
    ranked = [(c.betweenness, c.degree) for c in found.centrality]
    assert [b for b, _ in ranked] == sorted((b for b, _ in ranked), reverse=True)
    members = [m for c in found.communities for m in c.members]
    assert sorted(members) == sorted(c.name for c in found.centrality)  # each actor once
    community = {c.name: c.community for c in found.centrality}
    asean = ("Indonesia", "Malaysia", "Philippines", "Singapore", "Thailand", "Cambodia")
    assert len({community[n] for n in asean}) == 1
    assert found.modularity is not None
    assert 0 < found.modularity < 1


def test_organisation_overlap_from_the_member_lists(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s:
        overlap = {(o.a, o.b): o for o in measures(s).organisations}
    eu_nato = overlap[("European Union", "North Atlantic Treaty Organization")]
    # 27 EU members, 32 NATO members; Austria, Cyprus, Ireland and Malta are not in NATO
    assert (eu_nato.a_members, eu_nato.b_members, eu_nato.shared) == (27, 32, 23)
    assert eu_nato.jaccard == pytest.approx(23 / 36, abs=1e-4)
    nato_osce = overlap[
        (
            "North Atlantic Treaty Organization",
            "Organization for Security and Co-operation in Europe",
        )
    ]
    assert nato_osce.overlap == 1.0  # every NATO member takes part in the OSCE


def test_track_and_sector_filters(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s:
        whole = measures(s)
        on_15 = measures(s, track="1.5")
        security = measures(s, sector="security")
        n_15 = len(list_channels(s, track="1.5"))
        whole_channels = list_channels(s)
        with pytest.raises(InvalidValueError):
            measures(s, track="10")
        with pytest.raises(InvalidValueError):
            measures(s, sector="astrology")
    assert on_15.channels == n_15 < whole.channels
    # sub-sectors count: counter-terrorism and transnational crime channels are security ones
    sectors = load_taxonomy().sectors
    under = {t.id for t in sectors.terms if "security" in {a.id for a in sectors.ancestors(t.id)}}
    assert (
        security.channels
        == len([c for c in whole_channels if c.sector in under | {"security"}])
        > len([c for c in whole_channels if c.sector == "security"])
    )
    names = {c.name for c in security.centrality}
    assert "INTERPOL" in names  # transnational_crime
    assert "Hamas" not in names  # humanitarian and peace process only


def test_hidden_channel_counts_only_for_those_who_see_it(world: AnalyticsWorld) -> None:
    with world.store.session(world.editor) as s:
        editor = measures(s)
        ego_editor = ego_network(s, "Norway")
    with world.store.session(world.viewer) as s:
        viewer = measures(s)
        ego_viewer = ego_network(s, "Norway")
    assert editor.channels == viewer.channels + 1
    norway = {m: {c.name: c.channels for c in x.centrality}["Norway"] for m, x in
              (("editor", editor), ("viewer", viewer))}  # fmt: skip
    assert norway["editor"] == norway["viewer"] + 1
    assert SECRET_CHANNEL in {n["label"] for n in ego_editor.nodes}
    assert SECRET_CHANNEL not in str(ego_viewer.to_dict())


def test_ego_network_of_norway(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s:
        ego = ego_network(s, "NOR")
        wider = ego_network(s, "NOR", radius=2)
        with pytest.raises(InvalidValueError):
            ego_network(s, "NOR", radius=0)
    labels = {n["label"] for n in ego.nodes}
    assert {"Norway", "Oslo back channel", "Israel"} <= labels
    assert ego.nodes[0]["label"] == "Norway"
    ids = {n["node"] for n in ego.nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in ego.edges)
    assert all(e["source"].startswith("channel:") for e in ego.edges)
    assert len(wider.nodes) > len(ego.nodes)
