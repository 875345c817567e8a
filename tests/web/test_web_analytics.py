"""The analytics pages draw their charts: coverage gaps, track transitions, network measures."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

Shoot = Callable[[Page, str], Path]


def test_coverage_page_ranks_gaps_with_reasons_and_a_chart(page: Page, shoot: Shoot) -> None:
    page.goto("/coverage/USA")
    expect(page.get_by_role("heading", level=2, name="Gaps, ranked")).to_be_visible()
    bars = page.locator("svg.gap-bars rect.bar.gap")
    items = page.locator("ol.gaps > li")
    assert bars.count() == items.count() > 0
    scores = [float(bars.nth(i).get_attribute("data-score") or "nan") for i in range(bars.count())]
    assert scores == sorted(scores, reverse=True)
    assert items.first.locator("ul.reasons li").count() >= 1
    assert page.locator('ol.gaps > li[data-kind="track1_only"]').count() > 0
    shoot(page, "coverage-gaps")


def test_transitions_page_draws_the_oslo_moves(page: Page, shoot: Shoot) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transitions").click()
    expect(page.get_by_role("heading", level=1, name="Track transitions")).to_be_visible()
    moves = page.locator("svg.transitions circle.move")
    pairs = [
        (moves.nth(i).get_attribute("data-from"), moves.nth(i).get_attribute("data-to"))
        for i in range(moves.count())
    ]
    assert pairs == [("2", "1.5"), ("1.5", "1")]
    tracks = page.locator("svg.transitions rect.segment")
    assert [tracks.nth(i).get_attribute("data-track") for i in range(tracks.count())] == [
        "2",
        "1.5",
        "1",
    ]
    expect(page.locator("ul.journeys")).to_contain_text("Track 2 → Track 1.5 → Track 1")
    shoot(page, "transitions")
    page.get_by_label("Actor", exact=True).fill("Kuwait")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No channel has moved between tracks.")).to_be_visible()


def test_network_page_shows_measures_panel(page: Page, shoot: Shoot) -> None:
    page.goto("/network#measures")
    expect(page.get_by_role("heading", level=2, name="Network measures")).to_be_visible()
    bars = page.locator("svg.centrality rect.bar.centrality")
    assert bars.count() > 0
    values = [float(bars.nth(i).get_attribute("data-value") or "nan") for i in range(bars.count())]
    assert values == sorted(values, reverse=True)
    assert page.locator("ul.bridges li").count() > 0
    assert page.locator("ol.communities li").count() > 1
    assert page.locator("table.overlap tbody tr").count() > 0
    shoot(page, "network-measures")
    page.get_by_label("Only on").select_option("1.5")
    page.get_by_role("button", name="Measure").click()
    expect(page.locator("#measures")).to_contain_text("Track 1.5 only")
    assert page.locator("svg.centrality rect.bar.centrality").count() > 0


def test_analytics_pages_have_ordered_headings_and_scoped_table_headers(page: Page) -> None:
    for path in ("/coverage/NOR", "/transitions", "/network"):
        page.goto(path)
        levels = page.evaluate(
            "() => [...document.querySelectorAll('main h1, main h2, main h3')]"
            ".map(h => Number(h.tagName[1]))"
        )
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
        assert page.locator("main th:not([scope])").count() == 0, path
        assert page.locator("main svg.chart[role='img'][aria-label]").count() >= 1, path
