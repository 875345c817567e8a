"""``multitrack serve``: prints the URL and, with ``--demo-login``, a new random password for
the demo user at every start; the app it runs is the real one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.config import DB_ENV
from multitrack.security import accounts
from multitrack.security.principal import system_context
from multitrack.services.setup import init_database
from multitrack.store import open_store


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("MULTITRACK_STATE_DIR", str(tmp_path / "state"))
    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        calls.append({"app": application, **kwargs})

    monkeypatch.setattr("uvicorn.run", fake_run)
    return calls


def serve(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db, "serve", *args])
    assert result.exit_code == 0, result.stderr or result.exception
    return result.stdout


def test_serve_demo_login_sets_a_new_password_each_start(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'multitrack.db'}"
    init_database(open_store(db, state_dir=tmp_path / "state"))
    first = serve(db, "--demo-login", "--port", "8123")
    second = serve(db, "--demo-login")
    passwords = [re.search(r"login: demo / (\S+)", out) for out in (first, second)]
    assert all(passwords)
    one, two = (m.group(1) for m in passwords if m)
    assert one != two
    assert len(one) >= 12
    assert "http://127.0.0.1:8123/" in first
    assert served[0]["port"] == 8123
    assert served[0]["host"] == "127.0.0.1"
    store = open_store(db, state_dir=tmp_path / "state")
    with store.session(system_context("test")) as session, pytest.raises(accounts.LoginFailed):
        accounts.authenticate(session, "demo", one)
    with store.session(system_context("test")) as session:
        principal = accounts.authenticate(session, "demo", two)
    assert (principal.organisation, principal.role.value) == ("Demo desk", "editor")
    assert principal.clearance == 3  # SECRET


def test_serve_without_demo_login_prints_no_password(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'multitrack.db'}"
    init_database(open_store(db, state_dir=tmp_path / "state"))
    out = serve(db, "--host", "0.0.0.0", "--port", "9000")
    assert "login:" not in out
    assert "http://0.0.0.0:9000/" in out
    paths = served[0]["app"].openapi()["paths"]
    assert "/api/v1/actors" in paths
    assert "/api/v1/relations" in paths


def test_serve_refuses_an_uninitialised_database(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "serve"])
    assert result.exit_code != 0
    assert "multitrack init" in result.stderr
    assert not served
