"""Creating records through the forms, with an inline validation error shown and corrected."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

Shoot = Callable[[Page, str], Path]


def test_create_actor_channel_and_engagement_then_see_them_on_the_actor_page(
    page: Page, shoot: Shoot
) -> None:
    tag = secrets.token_hex(3)
    actor_name = f"Bergen Peace Research Institute {tag}"
    channel_name = f"Bergen–Ramallah water dialogue {tag}"

    # an actor; a state without its ISO3 code is refused next to the field first
    page.goto("/actors/new")
    page.get_by_label("Name (required)").fill(actor_name)
    page.get_by_label("Kind (required)").select_option("state")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#error-iso3")
    expect(error).to_contain_text("ISO 3166")
    expect(page.get_by_label("Name (required)")).to_have_value(actor_name)  # values kept
    expect(page.get_by_label("ISO 3166 alpha-3 code")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Kind (required)").select_option("academia")
    page.get_by_label("Country").fill("Norway")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name=actor_name)).to_be_visible()
    actor_url = page.url

    # a channel: one participant is refused inline, two are saved
    page.goto("/channels/new")
    page.get_by_label("Name (required)").fill(channel_name)
    page.get_by_label("Track (required)").select_option("2")
    page.get_by_label("Sector (required)").select_option("water")
    page.get_by_label("Started").fill("2024-03")
    page.get_by_label("Participants (required)").fill(f"{actor_name} | host")
    page.get_by_label("Classification").select_option("RESTRICTED")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-participants")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_visible()
    page.get_by_label("Participants (required)").fill(f"{actor_name} | host\nPSE | party")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name=channel_name)).to_be_visible()
    assert page.locator("svg.timeline rect.segment").count() == 1

    # an engagement on it, with a bad date corrected
    page.goto("/engagements/new")
    page.get_by_label("Channel (required)").select_option(label=channel_name)
    page.get_by_label("Kind (required)").select_option("dialogue_group")
    page.get_by_label("Start (required)").fill("2024-13-40")
    page.get_by_label("Summary (required)").fill(f"First dialogue on shared aquifers {tag}")
    page.get_by_label("Follow-ups").fill("Circulate the workshop report | 2024-06-01 | no")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-start")).to_contain_text("invalid date")
    shoot(page, "form")
    page.get_by_label("Start (required)").fill("2024-04-12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("First dialogue")

    # all three on the actor page
    page.goto(actor_url)
    expect(page.locator("ul.channel-list").get_by_role("link", name=channel_name)).to_be_visible()
    expect(page.locator("table.matrix")).to_contain_text("Palestine")
    expect(page.locator("#h-engagements ~ div table")).to_contain_text("First dialogue")
    assert page.locator("svg.timeline circle.engagement").count() == 1


def test_edit_form_shows_the_stored_record(page: Page) -> None:
    page.goto("/search?q=Oslo")
    page.get_by_role("link", name="Oslo back channel").first.click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Name (required)")).to_have_value("Oslo back channel")
    history = page.get_by_label("Track and status history").input_value()
    assert history.splitlines()[0].startswith("1993-01-20 | 2 | active")
    labels = page.evaluate(
        "() => [...document.querySelectorAll('form.record-form input:not([type=hidden]),"
        " form.record-form select, form.record-form textarea')]"
        ".filter(e => !document.querySelector(`label[for='${e.id}']`)).length"
    )
    assert labels == 0
