"""Coverage and gaps on the demo world (both backends): the matrix of active channels, each kind
of gap computed from the registry and the event store, the score formula, no event store, and
a hidden channel that changes the answer only for those who may see it."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from multitrack.analytics.coverage import Coverage, Traffic, coverage, gap_score
from multitrack.errors import InvalidValueError, NotFoundError
from multitrack.events.parties import Party
from multitrack.events.partners import top_partners
from multitrack.services.event_tables import EventTables
from tests.analytics.analytics_world import (
    SECRET_CHANNEL,
    AnalyticsWorld,
    analytics_events,
    world,
)

__all__ = ["analytics_events", "world"]

TODAY = date(2026, 11, 26)  # the synthetic demo events run to 2026-10


def of(w: AnalyticsWorld, who: str, ref: str, **kw: object) -> Coverage:
    principal = {"admin": w.admin, "viewer": w.viewer, "editor": w.editor}[who]
    with w.store.session(principal) as s:
        return coverage(s, ref, events=w.events, today=TODAY, **kw)  # type: ignore[arg-type]


def gaps_of(found: Coverage, kind: str) -> dict[tuple[str, str | None], dict[str, object]]:
    return {(g.counterpart.name, g.sector): g.to_dict() for g in found.gaps if g.kind == kind}


def test_matrix_holds_the_active_channels_by_counterpart_sector_and_track(
    world: AnalyticsWorld,
) -> None:
    found = of(world, "viewer", "Norway")
    cells = {(c.counterpart.name, c.sector, c.track): set(c.channels) for c in found.cells}
    assert cells[("United States", "security", "1")] == {
        "CSCE/OSCE Helsinki process",
        "North Atlantic Council consultations",
    }
    assert cells[("INTERPOL", "transnational_crime", "1")] == {
        "INTERPOL police information network"
    }
    # Oslo is closed: it is in no cell
    assert "Oslo back channel" not in {n for c in found.cells for n in c.channels}
    assert found.window == ("2025-11-01", "2026-10-31")


def test_heavy_traffic_without_a_channel_in_its_sector(world: AnalyticsWorld) -> None:
    found = of(world, "viewer", "Norway")
    traffic = gaps_of(found, "traffic_without_channel")
    israel = traffic[("Israel", "political")]
    assert israel["evidence"]["events"] >= 10  # type: ignore[index]
    assert "Oslo back channel (closed)" in " ".join(israel["reasons"])  # type: ignore[arg-type]
    # a sector with an active channel (security, with the United States) is no gap
    assert ("United States", "security") not in traffic
    assert ("United States", "military") not in traffic  # military is under security


def test_traffic_counts_agree_with_the_partners_query(world: AnalyticsWorld) -> None:
    """Israel's events in the window (all sectors) are the partners query's count for ISR."""
    found = of(world, "viewer", "Norway")
    (row,) = [r for r in found.counterparts if r.counterpart.name == "Israel"]
    start, end = (date.fromisoformat(d) for d in found.window or ("", ""))
    source = world.events.source()
    partners = top_partners(source.events, Party.state("NOR"), 50, "country", start, end)
    (isr,) = [p for p in partners if p.partner == "ISR"]
    assert row.events == isr.events > 0


def test_relations_carried_only_by_track_1(world: AnalyticsWorld) -> None:
    found = of(world, "viewer", "Norway")
    only = gaps_of(found, "track1_only")
    assert ("United States", None) in only
    assert only[("United States", None)]["track"] == "1"
    # the United States and the United Kingdom share the Track 1.5 Tripartite Commission
    assert ("United Kingdom", None) not in gaps_of(of(world, "viewer", "USA"), "track1_only")


def test_dormant_channels_with_worsening_relations(world: AnalyticsWorld) -> None:
    found = of(world, "viewer", "United States")
    dormant = [g for g in found.gaps if g.kind == "dormant_worsening"]
    assert dormant, "the demo's old Track 1 channels and the worsening USA-Russia dyad"
    russia = [g for g in dormant if g.counterpart.name == "Russia"]
    assert russia
    for gap in russia:
        assert gap.channel is not None
        assert any("worsening" in r for r in gap.reasons)
        trends = gap.evidence["trends"]
        assert min(t["change"] for t in trends if t["change"] is not None) < 0


def test_gaps_are_ranked_by_their_documented_score(world: AnalyticsWorld) -> None:
    found = of(world, "viewer", "Norway")
    scores = [g.score for g in found.gaps]
    assert scores == sorted(scores, reverse=True)
    for g in found.gaps:
        if g.kind == "traffic_without_channel":
            events, share = g.evidence["events"], g.evidence["conflict_share"]
            expected = (1 + math.log2(1 + events)) * (1 + share)
            assert g.score == pytest.approx(expected, abs=0.01)
    assert gap_score("track1_only", Traffic()) == 0.5
    assert gap_score("dormant_worsening", Traffic(3, 3), 1.0) == pytest.approx(2 * 3 * 2)


def test_min_events_and_window_narrow_the_traffic_gaps(world: AnalyticsWorld) -> None:
    loose = of(world, "viewer", "Norway", min_events=1)
    strict = of(world, "viewer", "Norway", min_events=100)
    assert len(gaps_of(strict, "traffic_without_channel")) < len(
        gaps_of(loose, "traffic_without_channel")
    )
    assert all(
        g["evidence"]["events"] >= 100  # type: ignore[index]
        for g in gaps_of(strict, "traffic_without_channel").values()
    )
    assert of(world, "viewer", "Norway", window_months=3).window == ("2026-08-01", "2026-10-31")
    with pytest.raises(InvalidValueError):
        of(world, "viewer", "Norway", window_months=2)


def test_without_events_there_are_only_registry_gaps(world: AnalyticsWorld, tmp_path: Path) -> None:
    for events in (None, EventTables(tmp_path / "empty")):
        with world.store.session(world.viewer) as s:
            found = coverage(s, "Norway", events=events, today=TODAY)
        assert found.window is None
        assert "no event store" in found.events_note
        assert {g.kind for g in found.gaps} == {"track1_only"}
        assert all(r.events is None for r in found.counterparts)


def test_an_actor_without_codes_gets_no_event_gaps(world: AnalyticsWorld) -> None:
    found = of(world, "viewer", "Fafo")
    assert "no ISO3 or CAMEO code" in found.events_note
    assert found.window is None


def test_hidden_channel_changes_coverage_only_for_those_who_see_it(world: AnalyticsWorld) -> None:
    editor, viewer = of(world, "editor", "Norway"), of(world, "viewer", "Norway")
    assert SECRET_CHANNEL in {n for c in editor.cells for n in c.channels}
    assert SECRET_CHANNEL not in str(viewer.to_dict())
    # the hidden peace-process channel covers political traffic with Israel for the editor only
    assert ("Israel", "political") in gaps_of(viewer, "traffic_without_channel")
    assert ("Israel", "political") not in gaps_of(editor, "traffic_without_channel")
    # with Israel, the viewer sees Track 1 alone; the editor also the hidden Track 1.5 line
    assert ("Israel", None) in gaps_of(viewer, "track1_only")
    assert ("Israel", None) not in gaps_of(editor, "track1_only")


def test_unknown_and_hidden_actors_are_not_found(world: AnalyticsWorld) -> None:
    with world.store.session(world.viewer) as s, pytest.raises(NotFoundError) as error:
        coverage(s, "no such actor anywhere", events=world.events, today=TODAY)
    assert "no such actor anywhere" in str(error.value)
