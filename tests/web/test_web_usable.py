"""Usable: keyboard reachable, semantic, and readable at phone width."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

Shoot = Callable[[Page, str], Path]


def test_skip_link_is_the_first_stop_and_focus_is_visible(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to content")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_headings_in_order_and_tables_with_scoped_headers(page: Page) -> None:
    for path in ("/", "/network", "/search?q=Oslo"):
        page.goto(path)
        levels = page.evaluate(
            "() => [...document.querySelectorAll('main h1, main h2, main h3')]"
            ".map(h => Number(h.tagName[1]))"
        )
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
        unscoped = page.locator("main th:not([scope])").count()
        assert unscoped == 0, path
        assert page.locator("header nav, main").count() == 2


def test_dashboard_fits_a_phone_without_horizontal_scrolling(
    editor_context: BrowserContext, shoot: Shoot
) -> None:
    page = editor_context.new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        for path, name in (("/", "dashboard-phone"), ("/search?q=Oslo", None)):
            page.goto(path)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
            if name:
                shoot(page, name)
    finally:
        page.close()
