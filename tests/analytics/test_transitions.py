"""Track transitions from the channels' dated history: the Oslo moves on the demo world (both
backends), the rules on a made-up history, and a hidden channel's moves kept from the viewer."""

from __future__ import annotations

import pytest

from multitrack.analytics.transitions import (
    direction_of,
    journeys,
    same_time,
    transitions,
    transitions_dict,
)
from multitrack.errors import NotFoundError
from tests.analytics.analytics_world import (
    SECRET_CHANNEL,
    AnalyticsWorld,
    analytics_events,
    world,
)

__all__ = ["analytics_events", "world"]


def test_oslo_moves_from_track_2_to_track_1_through_1_5(world: AnalyticsWorld) -> None:
    with world.store.session(world.admin) as s:
        found = [t for t in transitions(s) if t.channel == "Oslo back channel"]
    assert [(t.from_track, t.to_track, t.date) for t in found] == [
        ("2", "1.5", "1993-05"),
        ("1.5", "1", "1993-08-20"),
    ]
    assert [t.since for t in found] == ["1993-01-20", "1993-05"]
    assert {t.direction for t in found} == {"towards official"}
    # who took part: the engagements dated at each move
    assert found[0].participants_from == "engagements"
    assert "Uri Savir" in {p.name for p in found[0].participants}
    assert "Joel Singer" in {p.name for p in found[1].participants}
    (oslo,) = [j for j in journeys(found)]
    assert (oslo.from_track, oslo.to_track, oslo.path) == ("2", "1", ("2", "1.5", "1"))
    assert oslo.started == "1993-01-20"


def test_status_changes_alone_are_no_transition(world: AnalyticsWorld) -> None:
    """The family peace camp went from active to closed on Track 4: no move."""
    with world.store.session(world.admin) as s:
        names = {t.channel for t in transitions(s)}
    assert "Oseh Shalom - Sanea al-Salam Family Peacemakers Camp" not in names


def test_actor_filter_takes_the_actors_channels(world: AnalyticsWorld) -> None:
    with world.store.session(world.admin) as s:
        assert {t.channel for t in transitions(s, "Norway")} == {
            "Oslo back channel",
            SECRET_CHANNEL,
        }
        assert transitions(s, "Kuwait") == []
        with pytest.raises(NotFoundError):
            transitions(s, "no such actor anywhere")


def test_hidden_channel_moves_are_not_shown(world: AnalyticsWorld) -> None:
    with world.store.session(world.editor) as s:
        assert SECRET_CHANNEL in {t.channel for t in transitions(s)}
    with world.store.session(world.viewer) as s:
        seen = transitions_dict(transitions(s))
    assert SECRET_CHANNEL not in str(seen)
    assert [j["channel"]["name"] for j in seen["journeys"]] == ["Oslo back channel"]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("2", "1", "towards official"),
        ("2", "1.5", "towards official"),
        ("1.5", "1", "towards official"),
        ("1", "2", "away from official"),
        ("1.5", "6", "away from official"),
        ("2", "5", "between non-official tracks"),
    ],
)
def test_direction(before: str, after: str, expected: str) -> None:
    assert direction_of(before, after) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("1993-05", "1993-05-20", True), ("1993", "1993-08-20", True), ("1993-05", "1993-06", False)],
)
def test_same_time_of_partial_dates(a: str, b: str, same: bool) -> None:
    assert same_time(a, b) is same
    assert same_time(b, a) is same
