"""Browser tests: the app served by uvicorn on a loopback port, driven by Debian's Chromium.

One app for the session: the demo world, the GDELT 2.0 samples in its event store, an editor
(SECRET clearance) and a viewer (RESTRICTED) of one organisation with random passwords, and one
SECRET actor made by the editor. Without ``/usr/bin/chromium`` the tests fail when ``CI`` is set
(``scripts/test.sh`` installs it) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.needs import missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
_saved: list[Path] = []


def _require_chromium() -> None:
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does)"
    missing("the browser tests need Chromium", reason)


@dataclass(frozen=True)
class WebApp:
    url: str
    editor: tuple[str, str]
    viewer: tuple[str, str]
    secret_actor_id: str
    screenshots: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served on a free loopback port in a thread; yields its URL, stops it after."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning",
                       lifespan="off")
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start", pytrace=False)
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_app(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path, repo_root: Path
) -> Iterator[WebApp]:
    _require_chromium()

    from multitrack.api.app import create_app
    from multitrack.config import Settings
    from multitrack.events.ingest import ingest
    from multitrack.events.store import EventStore
    from multitrack.exchange.apply import save
    from multitrack.exchange.records import ActorRecord
    from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
    from multitrack.security.principal import system_context
    from multitrack.services.setup import load_demo
    from multitrack.store import open_store

    base = tmp_path_factory.mktemp("web")
    settings = Settings(db_url=f"sqlite:///{base}/multitrack.db", events_dir=base / "events")
    store = open_store(settings.db_url, state_dir=base / "state")
    load_demo(store)
    if EventStore(settings.events_dir).is_empty():  # the demo does not load events (yet)
        samples = sorted((shared_data / "gdelt2").glob("*.export.CSV"))
        assert samples, "no GDELT 2.0 samples in shared/data/gdelt2"
        ingest(samples, events_dir=settings.events_dir)
    editor = ("desk-editor", secrets.token_urlsafe(12))
    viewer = ("desk-viewer", secrets.token_urlsafe(12))
    with store.session(system_context("web-tests")) as session:
        add_organisation(session, "Desk")
        add_user(
            session,
            editor[0],
            organisation_name="Desk",
            role="editor",
            clearance="SECRET",
            password=editor[1],
        )
        add_user(
            session,
            viewer[0],
            organisation_name="Desk",
            role="viewer",
            clearance="RESTRICTED",
            password=viewer[1],
        )
    with store.session(system_context("web-tests")) as session:
        principal = principal_for(get_user(session, editor[0]))
    with store.session(principal) as session:
        secret = save(
            session,
            "actors",
            ActorRecord(
                kind="individual", name="Confidential source Kestrel", classification="SECRET"
            ),
        )
        secret_id = str(secret.id)

    app = create_app(settings, store=store, secret_key=secrets.token_urlsafe(32))
    screenshots = repo_root / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    try:
        with serving(app) as url:
            yield WebApp(
                url=url,
                editor=editor,
                viewer=viewer,
                secret_actor_id=secret_id,
                screenshots=screenshots,
            )
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def browser(web_app: WebApp) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(page: Page, web_app: WebApp, user: tuple[str, str]) -> None:
    page.goto(f"{web_app.url}/login")
    page.get_by_label("User name").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def _context(browser: Browser, web_app: WebApp, user: tuple[str, str]) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web_app.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, web_app, user)
    page.close()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def editor_context(browser: Browser, web_app: WebApp) -> Iterator[BrowserContext]:
    yield from _context(browser, web_app, web_app.editor)


@pytest.fixture(scope="session")
def viewer_context(browser: Browser, web_app: WebApp) -> Iterator[BrowserContext]:
    yield from _context(browser, web_app, web_app.viewer)


@pytest.fixture
def page(editor_context: BrowserContext) -> Iterator[Page]:
    """A page of the logged-in editor (1280 x 900)."""
    tab = editor_context.new_page()
    try:
        yield tab
    finally:
        tab.close()


def screenshot(page: Page, web_app: WebApp, name: str) -> Path:
    """Saves a full-page screenshot as ``artifacts/screenshots/<name>.png``."""
    path = web_app.screenshots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _saved.append(path)
    return path


@pytest.fixture
def shoot(web_app: WebApp) -> Callable[[Page, str], Path]:
    """Saves a page's screenshot under its name (see :func:`screenshot`)."""
    return lambda page, name: screenshot(page, web_app, name)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _saved:
        terminalreporter.section("screenshots")
        for path in sorted(set(_saved)):
            terminalreporter.write_line(str(path))
