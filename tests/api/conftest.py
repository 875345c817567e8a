"""Fixtures of the API tests: the app on a template database with three users and their tokens.

* ``api`` — a fresh SQLite copy of the countries-only database per test (for writes);
* ``demo_api`` — one database per module holding the demo world and the real GDELT 2.0
  samples in its event store (for reads).

Users: ``ed`` (Desk, editor, SECRET), ``vi`` (Desk, viewer, UNCLASSIFIED), ``ot`` (Other,
editor, SECRET). ``api.get(path, as_="vi")`` calls with that user's token.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from multitrack.api.app import create_app
from multitrack.config import Settings
from multitrack.events.ingest import ingest
from multitrack.security import accounts
from multitrack.security.principal import system_context
from multitrack.services.setup import init_database, load_demo
from multitrack.store import Store, open_store

USERS = {
    "ed": ("Desk", "editor", "SECRET"),
    "vi": ("Desk", "viewer", "UNCLASSIFIED"),
    "ot": ("Other", "editor", "SECRET"),
}
PASSWORD = "correct horse battery"
GDELT2 = ("20151027220000.export.CSV", "20190121220000.export.CSV", "20191024143000.export.CSV")


@dataclass
class Api:
    """The app under test, with one token per user."""

    client: TestClient
    store: Store
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, as_: str | None) -> dict[str, str]:
        return {} if as_ is None else {"Authorization": f"Bearer {self.tokens[as_]}"}

    def call(self, method: str, path: str, *, as_: str | None = "ed", **kw: Any) -> httpx.Response:
        return self.client.request(method, path, headers=self.headers(as_), **kw)

    def get(self, path: str, *, as_: str | None = "ed", **kw: Any) -> httpx.Response:
        return self.call("GET", path, as_=as_, **kw)

    def post(self, path: str, body: Any, *, as_: str | None = "ed") -> httpx.Response:
        return self.call("POST", path, as_=as_, json=body)

    def put(self, path: str, body: Any, *, as_: str | None = "ed") -> httpx.Response:
        return self.call("PUT", path, as_=as_, json=body)

    def delete(self, path: str, *, as_: str | None = "ed") -> httpx.Response:
        return self.call("DELETE", path, as_=as_)

    def ok(self, method: str, path: str, *, as_: str | None = "ed", **kw: Any) -> Any:
        response = self.call(method, path, as_=as_, **kw)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None


def add_users(store: Store) -> dict[str, str]:
    tokens: dict[str, str] = {}
    with store.session(system_context("test")) as session:
        for org in ("Desk", "Other"):
            if accounts.get_organisation(session, org, missing_ok=True) is None:
                accounts.add_organisation(session, org)
        for name, (org, role, clearance) in USERS.items():
            accounts.add_user(
                session,
                name,
                organisation_name=org,
                role=role,
                clearance=clearance,
                password=PASSWORD,
            )
            tokens[name] = accounts.create_token(session, name)
    return tokens


def make_api(url: str, folder: Path, tokens: dict[str, str] | None = None) -> Api:
    settings = Settings(db_url=url, events_dir=folder / "events")
    store = open_store(url, state_dir=folder / "state")
    if tokens is None:
        init_database(store)
        tokens = add_users(store)
    client = TestClient(create_app(settings, store=store, secret_key="test"))
    return Api(client=client, store=store, settings=settings, tokens=tokens)


@pytest.fixture(scope="session")
def api_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("api-template")
    path = folder / "multitrack.db"
    store = open_store(f"sqlite:///{path}", state_dir=folder / "state")
    init_database(store)
    tokens = add_users(store)
    store.dispose()
    return path, tokens


@pytest.fixture
def api(api_template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Api]:
    """The app on a fresh copy of the countries-only database (SQLite)."""
    template, tokens = api_template
    for file in template.parent.glob(template.name + "*"):
        shutil.copy(file, tmp_path / file.name)
    made = make_api(f"sqlite:///{tmp_path / template.name}", tmp_path, tokens)
    yield made
    made.store.dispose()


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Api]:
    """The demo world and the GDELT 2.0 samples; for tests that only read."""
    folder = tmp_path_factory.mktemp("demo-api")
    url = f"sqlite:///{folder / 'multitrack.db'}"
    store = open_store(url, state_dir=folder / "state")
    load_demo(store)
    tokens = add_users(store)
    store.dispose()
    reports = ingest(
        [shared_data / "gdelt2" / name for name in GDELT2], events_dir=folder / "events"
    )
    assert all(r.ok for r in reports)
    made = make_api(url, folder, tokens)
    yield made
    made.store.dispose()
