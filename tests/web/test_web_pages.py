"""The main pages render what they promise, drawn elements included; one screenshot each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.tests_web_support import visible_count

Shoot = Callable[[Page, str], Path]


def test_dashboard_shows_recent_engagements_tracks_and_follow_ups(page: Page, shoot: Shoot) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=2, name="Recent engagements")).to_be_visible()
    assert page.locator("#h-recent ~ div tbody tr").count() == 10
    assert page.locator("svg.track-bars rect.bar").count() > 0
    expect(page.get_by_role("heading", level=2, name="Early warnings")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Overdue follow-ups")).to_be_visible()
    shoot(page, "dashboard")


def test_actor_page_draws_relations_chart_from_events(page: Page, shoot: Shoot) -> None:
    page.goto("/search?q=Israel")
    page.locator("#h-actors ~ ul a", has_text="Israel").first.click()
    expect(page.get_by_role("heading", level=1, name="Israel")).to_be_visible()
    chart = page.locator("svg.relations").first
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar").count() > 0
    assert (
        page.locator(
            "svg.relations rect.bar.material_conflict, svg.relations rect.bar.verbal_coop"
        ).count()
        > 0
    )
    line = chart.locator("path.goldstein")
    assert (line.get_attribute("d") or "").startswith("M")
    assert page.locator("table.matrix tbody tr").count() > 0
    assert page.locator("svg.timeline circle.engagement").count() > 0
    shoot(page, "actor")


def test_oslo_channel_timeline_shows_three_tracks(page: Page, shoot: Shoot) -> None:
    page.goto("/search?q=Oslo")
    page.get_by_role("link", name="Oslo back channel").first.click()
    expect(page.get_by_role("heading", level=1, name="Oslo back channel")).to_be_visible()
    segments = page.locator("svg.timeline rect.segment")
    tracks = [segments.nth(i).get_attribute("data-track") for i in range(segments.count())]
    assert tracks[0] == "2"
    assert tracks[-1] == "1"
    assert set(tracks) == {"2", "1.5", "1"}
    assert page.locator("table tbody tr").count() > 10  # the participants
    shoot(page, "channel")


def test_network_renders_and_track_filter_hides_elements(page: Page, shoot: Shoot) -> None:
    page.goto("/network")
    svg = page.locator("svg.network")
    expect(svg).to_be_visible()
    edges, nodes = svg.locator(".edge"), svg.locator(".graph-node")
    total_edges, total_nodes = edges.count(), nodes.count()
    assert total_edges > 0
    assert total_nodes > 0
    assert visible_count(page, "svg.network .edge") == total_edges
    shoot(page, "network")
    track_one = svg.locator('.edge[data-track="1"]').count()
    assert track_one > 0
    page.get_by_label("Track 1", exact=True).uncheck()
    assert visible_count(page, "svg.network .edge") == total_edges - track_one
    assert visible_count(page, "svg.network .graph-node") < total_nodes
    assert svg.locator('.edge[data-track="1"]:not(.hidden)').count() == 0
    page.get_by_label("Track 1", exact=True).check()
    page.get_by_label("Sector").select_option(index=1)
    assert 0 < visible_count(page, "svg.network .edge") < total_edges
    page.locator("svg.network a.graph-node.channel:not(.hidden)").first.hover()
    assert svg.locator(".edge.lit").count() > 0


def test_coverage_heat_map_colours_cells(page: Page, shoot: Shoot) -> None:
    page.goto("/search?q=Norway")
    page.locator("#h-actors ~ ul a", has_text="Norway").first.click()
    page.get_by_role("link", name="Coverage heat map").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coverage of Norway")
    cells = page.locator("table.heatmap td.cell[data-active]:not(.gap)")
    assert cells.count() > 0
    assert "track" in (cells.first.get_attribute("title") or "")
    shoot(page, "coverage")


def test_search_finds_oslo(page: Page, shoot: Shoot) -> None:
    page.goto("/")
    page.get_by_label("Search actors, engagements, agreements").fill("Oslo")
    page.get_by_label("Search actors, engagements, agreements").press("Enter")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("channels")
    expect(page.locator("#h-channels ~ ul")).to_contain_text("Oslo back channel")
    assert page.locator("#h-engagements ~ ul a").count() > 0
    assert page.locator("#h-agreements ~ ul a").count() > 0
    shoot(page, "search")
