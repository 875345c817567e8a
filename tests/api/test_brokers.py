"""``/api/v1/brokers``: the ranking of ``multitrack brokers --format json``, and its refusals."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from multitrack.cli.main import app
from tests.api.conftest import Api

PATH = "/api/v1/brokers"


def test_brokers_equal_the_cli(demo_api: Api) -> None:
    got = demo_api.ok("GET", PATH, params={"a": "Israel", "b": "Palestine", "limit": 5})
    result = CliRunner().invoke(
        app,
        ["--db", demo_api.settings.db_url, "--events-dir", str(demo_api.settings.events_dir),
         "brokers", "Israel", "Palestine", "--limit", "5", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert got == json.loads(result.stdout)
    assert got["events_used"] is True
    names = [b["actor"]["name"] for b in got["brokers"]]
    assert "Norway" in names
    assert "Egypt" in names
    for broker in got["brokers"]:
        assert abs(broker["score"] - broker["reach"] * broker["neutrality"]) < 0.002
        assert all(r["text"] for r in broker["reasons"])


def test_bad_requests_are_4xx(demo_api: Api) -> None:
    for params in (
        {"a": "Israel"},
        {"a": "Israel", "b": "Israel"},
        {"a": "Israel", "b": "Palestine", "limit": 0},
        {"a": "Israel", "b": "Palestine", "limit": 1000},
        {"a": "Israel", "b": "Nowhere Land XYZ"},
    ):
        response = demo_api.get(PATH, params=params)
        assert 400 <= response.status_code < 500, (params, response.status_code, response.text)


def test_a_hidden_actor_answers_like_an_absent_one(demo_api: Api) -> None:
    made = demo_api.ok(
        "POST",
        "/api/v1/actors",
        json={"kind": "ngo", "name": "Covert Broker Group", "classification": "SECRET"},
    )
    try:
        seen = demo_api.get(PATH, params={"a": "Covert Broker Group", "b": "Israel"})
        assert seen.status_code == 200
        hidden = demo_api.get(PATH, params={"a": "Covert Broker Group", "b": "Israel"}, as_="vi")
        missing = demo_api.get(PATH, params={"a": "Overt Broker Group", "b": "Israel"}, as_="vi")
        assert hidden.status_code == missing.status_code == 422
        assert hidden.json()["field"] == missing.json()["field"] == "a"
        assert hidden.json()["detail"].replace("Covert", "?") == missing.json()["detail"].replace(
            "Overt", "?"
        )
    finally:
        demo_api.ok("DELETE", f"/api/v1/actors/{made['id']}")
