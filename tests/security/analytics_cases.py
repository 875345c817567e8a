"""Visibility cases of the analytics read paths (coverage, transitions, network measures), for
the CLI (``READ_PATHS`` of ``test_visibility.py``) and the API (``API_READ_PATHS`` of
``test_api_visibility.py``): what each user gets is compared with what the generated world and
the visibility rule say, computed here in plain Python.

The generated worlds have no event store (so coverage has only registry gaps) and no channel
history (so no transitions): the moves of a hidden channel are checked on the demo world in
``analytics/test_transitions.py`` (``test_hidden_channel_moves_are_not_shown``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

API = "/api/v1"


def _parent(world: Any, sees: Any, actor: int) -> int | None:
    parent = world.actors[actor].parent
    return parent if parent is not None and parent in sees.actors else None


def _family(world: Any, sees: Any, actor: int) -> set[int]:
    family, frontier = {actor}, {actor}
    while frontier:
        frontier = {j for j in sees.actors if world.actors[j].parent in frontier} - family
        family |= frontier
    return family


def _speaks_for(world: Any, sees: Any, actor: int) -> int:
    seen = {actor}
    while (parent := _parent(world, sees, actor)) is not None and parent not in seen:
        actor = parent
        seen.add(actor)
    return actor


def expected_coverage(world: Any, sees: Any, actor: int) -> tuple[set[tuple[str, ...]], set[str]]:
    """The matrix as (counterpart, track, channel) and the counterparts on Track 1 only."""
    family = _family(world, sees, actor)
    cells: set[tuple[str, ...]] = set()
    tracks: dict[str, set[str]] = {}
    for c in sorted(sees.channels):
        channel = world.channels[c]
        if not set(channel.participants) & family:
            continue
        others = {
            _speaks_for(world, sees, a)
            for a in channel.participants
            if a in sees.actors and a not in family
        }
        for other in others - family:
            name = world.actors[other].name
            cells.add((name, channel.track, channel.name))
            tracks.setdefault(name, set()).add(channel.track)
    return cells, {name for name, ts in tracks.items() if ts == {"1"}}


def check_coverage(probe: Any, data: dict[str, Any], actor: int) -> None:
    from tests.security.test_visibility import same

    cells, only_1 = expected_coverage(probe.world, probe.sees, actor)
    name = probe.world.actors[actor].name
    got = {
        (c["counterpart"]["name"], c["track"], channel)
        for c in data["matrix"]
        for channel in c["channels"]
    }
    same(probe, f"coverage {name}: matrix (counterpart, track, channel)", got, cells)
    same(probe, f"coverage {name}: actor", data["actor"]["id"], str(probe.world.actors[actor].id))
    same(
        probe,
        f"coverage {name}: Track 1 only gaps",
        {g["counterpart"]["name"] for g in data["gaps"] if g["kind"] == "track1_only"},
        only_1,
    )
    same(probe, f"coverage {name}: no event gaps", {g["kind"] for g in data["gaps"]} - {
        "track1_only"}, set())  # fmt: skip


def expected_network(world: Any, sees: Any) -> dict[str, Any]:
    actors = {
        str(world.actors[_speaks_for(world, sees, a)].id)
        for c in sees.channels
        for a in world.channels[c].participants
        if a in sees.actors
    }
    members: dict[int, set[int]] = {}
    for i in sees.memberships:
        m = world.memberships[i]
        if m.until is None and m.role == "member":
            members.setdefault(m.organisation, set()).add(m.member)
    overlap = set()
    orgs = sorted(members)
    for n, a in enumerate(orgs):
        for b in orgs[n + 1 :]:
            shared = len(members[a] & members[b])
            if shared:
                names = frozenset((world.actors[a].name, world.actors[b].name))
                overlap.add((names, shared))
    return {"channels": len(sees.channels), "actors": actors, "overlap": overlap}


def check_network(probe: Any, data: dict[str, Any]) -> None:
    from tests.security.test_visibility import same

    wanted = expected_network(probe.world, probe.sees)
    same(probe, "network: channels", data["summary"]["channels"], wanted["channels"])
    same(probe, "network: actors", {c["id"] for c in data["centrality"]}, wanted["actors"])
    same(
        probe,
        "network: communities hold each actor once",
        sorted(i for c in data["communities"] for i in c["ids"]),
        sorted(wanted["actors"]),
    )
    same(
        probe,
        "network: organisation overlap",
        {(frozenset((o["a"], o["b"])), o["shared"]) for o in data["organisation_overlap"]},
        wanted["overlap"],
    )


def check_transitions(probe: Any, data: dict[str, Any]) -> None:
    from tests.security.test_visibility import same

    visible = {str(probe.world.channels[c].id) for c in probe.sees.channels}
    moved = {t["channel"]["id"] for t in data["transitions"]}
    same(probe, "transitions: only visible channels", moved - visible, set())


def _transitions_tested() -> None:
    text = (Path(__file__).resolve().parents[1] / "analytics" / "test_transitions.py").read_text()
    assert "test_hidden_channel_moves_are_not_shown" in text, "the transitions visibility test"


# --------------------------------------------------------------------------------------------
# CLI


def case_coverage(p: Any) -> None:
    from tests.security.test_visibility import hidden_looks_absent

    for i in p.pick(p.actors()):
        check_coverage(p, p.json("coverage", str(p.world.actors[i].id)), i)
    hidden_looks_absent(p, p.hidden(p.world.actors, p.sees.actors), "coverage", "{}")


def case_transitions(p: Any) -> None:
    from tests.security.test_visibility import hidden_looks_absent

    check_transitions(p, p.json("transitions"))
    for i in p.pick(p.actors())[:1]:
        check_transitions(p, p.json("transitions", "--actor", str(p.world.actors[i].id)))
    hidden = p.hidden(p.world.actors, p.sees.actors)
    hidden_looks_absent(p, hidden, "transitions", "--actor", "{}")
    _transitions_tested()


def case_network(p: Any) -> None:
    check_network(p, p.json("network"))


# --------------------------------------------------------------------------------------------
# API


def api_case_coverage(p: Any) -> None:
    from tests.security.test_api_visibility import hidden_looks_absent

    for i in sorted(p.sees.actors)[:3]:
        check_coverage(p, p.ok(f"{API}/coverage/{p.world.actors[i].id}"), i)
    hidden = [str(a.id) for i, a in enumerate(p.world.actors) if i not in p.sees.actors]
    hidden_looks_absent(p, f"{API}/coverage/{{}}", hidden[:2], status=404)


def api_case_transitions(p: Any) -> None:
    from tests.security.test_api_visibility import hidden_looks_absent

    check_transitions(p, p.ok(f"{API}/transitions"))
    hidden = [str(a.id) for i, a in enumerate(p.world.actors) if i not in p.sees.actors]
    hidden_looks_absent(p, f"{API}/transitions", hidden[:2], {"actor": "{}"}, status=404)
    _transitions_tested()


def api_case_network(p: Any) -> None:
    check_network(p, p.ok(f"{API}/network/measures"))
