"""``multitrack coverage``, ``transitions`` and ``network`` (table and JSON) and their API
endpoints, on the demo world and its events (SQLite): the shells give the services' answers,
bad input is a one-line error or a 4xx problem, and a hidden record stays hidden."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from multitrack.analytics.networks import measures
from multitrack.analytics.transitions import transitions, transitions_dict
from multitrack.api.app import create_app
from multitrack.cli.main import app
from multitrack.config import DB_ENV, EVENTS_DIR_ENV, STATE_DIR_ENV, Settings
from multitrack.security.accounts import create_token
from multitrack.security.principal import system_context
from tests.analytics.analytics_world import (
    SECRET_CHANNEL,
    AnalyticsWorld,
    analytics_events,
    build_world,
)

__all__ = ["analytics_events"]


@pytest.fixture(scope="module")
def shell_world(
    tmp_path_factory: pytest.TempPathFactory, analytics_events: Any
) -> Iterator[tuple[AnalyticsWorld, Path]]:
    folder = tmp_path_factory.mktemp("analytics-shells")
    made = build_world(f"sqlite:///{folder / 'multitrack.db'}", folder, analytics_events)
    yield made, folder
    made.store.dispose()


def cli(shell: tuple[AnalyticsWorld, Path], *args: str, as_: str | None = None) -> Result:
    world, folder = shell
    env = {
        DB_ENV: world.store.url,
        EVENTS_DIR_ENV: str(world.events.store.root),
        STATE_DIR_ENV: str(folder / "state"),
    }
    who = [] if as_ is None else ["--as", as_]
    return CliRunner().invoke(app, [*who, *args], env=env)


def cli_json(shell: tuple[AnalyticsWorld, Path], *args: str, as_: str | None = None) -> Any:
    result = cli(shell, *args, "--format", "json", as_=as_)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------------
# CLI


def test_transitions_json_is_the_service_answer(shell_world: tuple[AnalyticsWorld, Path]) -> None:
    data = cli_json(shell_world, "transitions", as_="vi")
    world = shell_world[0]
    with world.store.session(world.viewer) as s:
        assert data == json.loads(json.dumps(transitions_dict(transitions(s))))
    oslo = [j for j in data["journeys"] if j["channel"]["name"] == "Oslo back channel"]
    assert [(j["from_track"], j["to_track"], j["path"]) for j in oslo] == [
        ("2", "1", ["2", "1.5", "1"])
    ]
    table = cli(shell_world, "transitions", "--actor", "Norway")
    assert table.exit_code == 0
    assert "Oslo back channel" in table.stdout
    assert "2 → 1.5 → 1" in table.stdout


def test_coverage_json_and_table(shell_world: tuple[AnalyticsWorld, Path]) -> None:
    data = cli_json(shell_world, "coverage", "Norway", "--as-of", "2026-11-26", as_="vi")
    assert data["window"] == {"from": "2025-11-01", "to": "2026-10-31"}
    assert data["gaps"]
    assert {g["kind"] for g in data["gaps"]} >= {"traffic_without_channel", "track1_only"}
    assert [g["score"] for g in data["gaps"]] == sorted(
        (g["score"] for g in data["gaps"]), reverse=True
    )
    assert all(g["reasons"] for g in data["gaps"])
    assert SECRET_CHANNEL not in json.dumps(data)
    assert SECRET_CHANNEL in json.dumps(cli_json(shell_world, "coverage", "Norway", as_="ed"))
    table = cli(shell_world, "coverage", "Norway", "--as-of", "2026-11-26", "--top", "3")
    assert table.exit_code == 0
    assert "Gaps, ranked (top 3 of" in table.stdout
    assert "Event data: events from 2025-11-01 to 2026-10-31" in table.stdout


def test_network_json_and_table(shell_world: tuple[AnalyticsWorld, Path]) -> None:
    data = cli_json(shell_world, "network", "--track", "1.5", as_="vi")
    world = shell_world[0]
    with world.store.session(world.viewer) as s:
        assert data == json.loads(json.dumps(measures(s, track="1.5").to_dict()))
    assert data["filters"] == {"track": "1.5", "sector": None}
    table = cli(shell_world, "network", "--top", "3")
    assert table.exit_code == 0
    for heading in ("Centrality", "Bridges", "Communities", "Organisations by shared members"):
        assert heading in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("coverage", "no such actor anywhere"), "no actor matches"),
        (("coverage", "Norway", "--as-of", "26/11/2026"), "as-of"),
        (("coverage", "Norway", "--window", "2"), "--window"),
        (("transitions", "--actor", "no such actor anywhere"), "no actor matches"),
        (("network", "--track", "10"), "track"),
        (("network", "--sector", "astrology"), "sector"),
    ],
)
def test_bad_input_is_one_line_on_stderr(
    shell_world: tuple[AnalyticsWorld, Path], args: tuple[str, ...], message: str
) -> None:
    result = cli(shell_world, *args)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # one line, wrapped at most once
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------------------------
# API


@pytest.fixture(scope="module")
def api(shell_world: tuple[AnalyticsWorld, Path]) -> tuple[TestClient, dict[str, str]]:
    world, _folder = shell_world
    settings = Settings(db_url=world.store.url, events_dir=world.events.store.root)
    with world.store.session(system_context("test")) as s:
        tokens = {name: create_token(s, name) for name in ("vi", "ed")}
    client = TestClient(create_app(settings, store=world.store, secret_key="test"))
    return client, {n: f"Bearer {t}" for n, t in tokens.items()}


def get(api: tuple[TestClient, dict[str, str]], path: str, as_: str = "vi") -> Any:
    client, tokens = api
    return client.get(path, headers={"Authorization": tokens[as_]})


def test_api_answers_what_the_cli_prints(
    api: tuple[TestClient, dict[str, str]], shell_world: tuple[AnalyticsWorld, Path]
) -> None:
    for path, args in (
        ("/api/v1/coverage/NOR?as_of=2026-11-26", ("coverage", "NOR", "--as-of", "2026-11-26")),
        ("/api/v1/transitions?actor=Norway", ("transitions", "--actor", "Norway")),
        ("/api/v1/network/measures?sector=security", ("network", "--sector", "security")),
    ):
        response = get(api, path)
        assert response.status_code == 200, response.text
        assert response.json() == cli_json(shell_world, *args, as_="vi"), path


def test_api_hidden_records_and_errors(api: tuple[TestClient, dict[str, str]]) -> None:
    assert SECRET_CHANNEL in get(api, "/api/v1/transitions", as_="ed").text
    assert SECRET_CHANNEL not in get(api, "/api/v1/transitions").text
    assert SECRET_CHANNEL not in get(api, "/api/v1/network/measures").text
    absent = get(api, "/api/v1/coverage/no-such-actor-anywhere")
    assert absent.status_code == 404
    assert absent.headers["content-type"] == "application/problem+json"
    assert get(api, "/api/v1/transitions?actor=no-such-actor-anywhere").status_code == 404
    for path in (
        "/api/v1/network/measures?track=10",
        "/api/v1/coverage/NOR?window=2",
        "/api/v1/coverage/NOR?as_of=yesterday",
    ):
        response = get(api, path)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
