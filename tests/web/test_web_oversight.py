"""The oversight page draws its charts from the computed statuses; a vetting record made in
its form shows up as a warning on a military engagement made in the engagement form."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

Shoot = Callable[[Page, str], Path]


def test_oversight_page_charts_statuses_and_shows_vetting_warnings(
    page: Page, shoot: Shoot
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Oversight").click()
    expect(page.get_by_role("heading", level=1, name="Oversight")).to_be_visible()
    bars = page.locator("svg.status-bars rect.bar")
    assert bars.count() == 4
    counts = {
        bars.nth(i).get_attribute("data-status"): int(bars.nth(i).get_attribute("data-count") or 0)
        for i in range(4)
    }
    rows = page.locator("#h-progress ~ div table tbody tr")
    assert sum(counts.values()) == rows.count()
    assert counts["missed"] == rows.filter(has_text="missed").count() >= 1  # Oslo, 1999
    progress = page.locator("svg.progress-chart rect.bar")
    assert progress.count() >= 2
    fill = progress.first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")  # coloured by its status
    warnings = page.locator("ul.vetting-warnings li")
    expect(warnings.filter(has_text="Special Air Service Regiment")).to_contain_text("flagged")
    shoot(page, "oversight")


def test_vetting_form_and_engagement_warning(page: Page) -> None:
    unit = f"Harbour Guard Unit {secrets.token_hex(3)}"
    page.goto("/actors/new")
    page.get_by_label("Name (required)").fill(unit)
    page.get_by_label("Kind (required)").select_option("state_organ")
    page.get_by_label("Country").fill("Norway")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name=unit)).to_be_visible()

    page.goto("/vetting/new")
    page.get_by_label("Subject (required)").fill(unit)
    page.get_by_label("Status (required)").select_option("flagged")
    page.get_by_label("Date (required)").fill("2024-13-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-date")).to_be_visible()  # refused next to its field
    page.get_by_label("Date (required)").fill("2024-03-01")
    page.get_by_label("Source").fill("https://example.org/finding")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit)
    expect(page.locator("dl.record")).to_contain_text("flagged")

    page.goto("/engagements/new")
    page.get_by_label("Channel (required)").select_option(label="NATO-EU strategic partnership")
    page.get_by_label("Kind (required)").select_option("military_exercises")
    page.get_by_label("Start (required)").fill("2024-06-01")
    page.get_by_label("Summary (required)").fill(f"Harbour drill with {unit}")
    page.get_by_label("Participants").fill(unit)
    page.get_by_role("button", name="Save").click()
    warning = page.locator("section.vetting-warnings")
    expect(warning).to_contain_text(f"{unit} is flagged")
    page.goto("/vetting?status=flagged")
    expect(page.locator("table.data")).to_contain_text(unit)
