"""Small helpers of the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page


def visible_count(page: Page, selector: str) -> int:
    """How many elements matching ``selector`` are rendered (not ``display: none``)."""
    count: int = page.evaluate(
        "s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length > 0).length",
        selector,
    )
    return count
