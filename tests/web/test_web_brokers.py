"""The brokers page: a form with labelled fields, the reach / neutrality bars, the reasons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

Shoot = Callable[[Page, str], Path]


def test_brokers_page_draws_bars_and_reasons(page: Page, shoot: Shoot) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Brokers").click()
    page.get_by_label("First side").fill("Israel")
    page.get_by_label("Second side").fill("Palestine")
    page.get_by_role("button", name="Rank brokers").click()
    expect(page.get_by_role("heading", level=1, name="Brokers for mediation")).to_be_visible()
    reach = page.locator("svg.broker-bars rect.bar.reach")
    neutrality = page.locator("svg.broker-bars rect.bar.neutrality")
    brokers = page.locator("ol.brokers > li")
    expect(brokers.first).to_be_visible()
    assert reach.count() == neutrality.count() == brokers.count() > 0
    widths = [float(reach.nth(i).get_attribute("width") or "0") for i in range(reach.count())]
    assert max(widths) > 100  # drawn, scaled to the largest reach
    names = [brokers.nth(i).locator("h2").inner_text() for i in range(brokers.count())]
    assert "Norway" in names
    assert brokers.first.locator("ul.reasons li").count() >= 1
    expect(
        page.locator("ol.brokers").get_by_role("link", name="Oslo back channel").first
    ).to_be_visible()
    shoot(page, "brokers")


def test_an_unknown_side_is_said_on_the_form(page: Page) -> None:
    page.goto("/brokers?a=Israel&b=Nowhere+Land+XYZ")
    expect(page.get_by_role("alert")).to_contain_text("Nowhere Land XYZ")
    assert page.locator("svg.broker-bars").count() == 0
