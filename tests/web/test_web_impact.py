"""Our engagements and agreement dates marked on the event-data charts, and the record page's
"did it move the dyad?" panel, on the demo world with its event data (real GDELT samples and
the marked synthetic set). A SECRET engagement is marked for the editor, never for the viewer."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import WebApp, log_in, serving

Shoot = Callable[[Page, str], Path]


@dataclass(frozen=True)
class ImpactApp:
    app: WebApp
    engagement: str  # the ICRC engagement of October 2023 (Israel, Hamas)
    channel: str
    secret: str  # a SECRET engagement of Israel and Palestine, June 2022


@pytest.fixture(scope="module")
def impact_app(tmp_path_factory: pytest.TempPathFactory, web_app: WebApp) -> Iterator[ImpactApp]:
    from sqlalchemy import select

    from multitrack.api.app import create_app
    from multitrack.config import Settings
    from multitrack.exchange.apply import save
    from multitrack.exchange.records import EngagementRecord
    from multitrack.model import Engagement
    from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
    from multitrack.security.principal import system_context
    from multitrack.services.setup import load_demo
    from multitrack.store import open_store

    base = tmp_path_factory.mktemp("web-impact")
    settings = Settings(db_url=f"sqlite:///{base}/multitrack.db", events_dir=base / "events")
    store = open_store(settings.db_url, state_dir=base / "state")
    load_demo(store, events_dir=settings.events_dir)
    editor = ("impact-editor", secrets.token_urlsafe(12))
    viewer = ("impact-viewer", secrets.token_urlsafe(12))
    with store.session(system_context("web-tests")) as session:
        add_organisation(session, "Desk")
        for (name, password), clearance, role in (
            (editor, "SECRET", "editor"),
            (viewer, "RESTRICTED", "viewer"),
        ):
            add_user(session, name, organisation_name="Desk", role=role, clearance=clearance,
                     password=password)  # fmt: skip
    with store.session(system_context("web-tests")) as session:
        principal = principal_for(get_user(session, editor[0]))
    with store.session(principal) as session:
        icrc = next(
            e
            for e in session.scalars(select(Engagement).where(Engagement.start == "2023-10"))
            .unique()
            .all()
            if any(p.actor.name == "Hamas" for p in e.participants)
        )
        secret = save(
            session,
            "engagements",
            EngagementRecord(
                channel=str(icrc.channel_id),
                kind=icrc.kind,
                start="2022-06-15",
                participants=["ISR", "PSE"],
                summary="Confidential round",
                classification="SECRET",
            ),
        )
        ids = (str(icrc.id), str(icrc.channel_id), str(secret.id))
    app = create_app(settings, store=store, secret_key=secrets.token_urlsafe(32))
    try:
        with serving(app) as url:
            yield ImpactApp(WebApp(url, editor, viewer, "", web_app.screenshots), *ids)
    finally:
        store.dispose()


def _page(browser: Browser, app: ImpactApp, user: tuple[str, str]) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=app.app.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, app.app, user)
    return page


def test_markers_on_the_actor_page_chart(
    browser: Browser, impact_app: ImpactApp, shoot: Shoot
) -> None:
    page = _page(browser, impact_app, impact_app.app.editor)
    page.goto("/actors/ISR?partner=PSE")
    chart = page.locator("svg.relations").first
    expect(chart).to_be_visible()
    marker = chart.locator(f'a.chart-marker[href="/engagements/{impact_app.engagement}"]')
    expect(marker).to_have_count(1)
    assert marker.get_attribute("data-date") == "2023-10-01"
    assert (marker.get_attribute("aria-label") or "").startswith("Engagement 2023-10-01")
    assert marker.locator("line.marker").count() == 1
    assert chart.locator(f'a.chart-marker[href="/engagements/{impact_app.secret}"]').count() == 1
    shoot(page, "actor-relations-marked")
    # markers a month apart on a 40-year chart overlap: the list under the charts names each
    page.locator(f'details.chart-marks a[href="/engagements/{impact_app.engagement}"]').click()
    expect(page.get_by_role("heading", level=2, name="Did it move the dyad?")).to_be_visible()
    expect(page.locator("table.impact-table tbody tr.verdict-moved")).to_have_count(2)
    assert page.locator("svg.impact path.milestone-change").count() == 2
    assert page.locator("svg.impact circle.reference").count() > 19
    shoot(page, "engagement-impact-panel")
    page.context.close()

    seen_by_viewer = _page(browser, impact_app, impact_app.app.viewer)
    seen_by_viewer.goto("/actors/ISR?partner=PSE")
    chart = seen_by_viewer.locator("svg.relations").first
    expect(
        chart.locator(f'a.chart-marker[href="/engagements/{impact_app.engagement}"]')
    ).to_have_count(1)
    assert chart.locator(f'a.chart-marker[href="/engagements/{impact_app.secret}"]').count() == 0
    assert impact_app.secret not in seen_by_viewer.content()
    seen_by_viewer.context.close()


def test_markers_on_the_channel_page_chart(browser: Browser, impact_app: ImpactApp) -> None:
    page = _page(browser, impact_app, impact_app.app.editor)
    page.goto(f"/channels/{impact_app.channel}")
    chart = page.locator("svg.relations").first
    expect(chart).to_be_visible()
    assert (
        chart.locator(f'a.chart-marker[href="/engagements/{impact_app.engagement}"]').count() == 1
    )
    page.context.close()
