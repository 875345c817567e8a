"""``GET /api/v1/impact/{record_id}``: the answer of ``multitrack impact --format json``; hidden
records answer like absent ones; bad parameters are 4xx; no event store is a 400 problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from tests.api.conftest import Api, make_api

ABSENT = "00000000-0000-4000-8000-000000000000"


def cli_json(api: Api, *args: str) -> Any:
    result = CliRunner().invoke(
        app,
        ["--db", api.settings.db_url, "--events-dir", str(api.settings.events_dir), *args],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def icrc_engagement(api: Api) -> str:
    """The ICRC engagement of October 2023 with Israel and Hamas, found through the API."""
    page = api.ok(
        "GET",
        "/api/v1/engagements",
        params={"actor": "Hamas", "since": "2023-10", "until": "2023-10"},
    )
    found = [e["id"] for e in page["items"]]
    assert len(found) == 1
    return str(found[0])


@pytest.mark.parametrize(
    "params", [{}, {"window": "30", "by": "day"}, {"window": "365", "by": "month"}]
)
def test_impact_equals_the_cli(demo_api: Api, params: dict[str, str]) -> None:
    ref = icrc_engagement(demo_api)
    answer = demo_api.ok("GET", f"/api/v1/impact/{ref}", params=params)
    options = [f"--{k}={v}" for k, v in params.items()]
    assert answer == cli_json(demo_api, "impact", ref, *options, "--format", "json")
    assert answer["record"]["id"] == ref
    assert [s["label"] for s in answer["sides"]] == ["ISR", "PSE"]
    assert len(answer["dyads"]) == 2
    # the GDELT 2.0 samples alone cover a few days: too little history to judge, and it says so
    assert {d["verdict"] for d in answer["dyads"]} == {"insufficient"}
    assert all(d["reason"] for d in answer["dyads"])


def test_bad_parameters_are_4xx(demo_api: Api) -> None:
    ref = icrc_engagement(demo_api)
    for params in ({"window": "0"}, {"window": "9999"}, {"by": "year"}, {"milestone": "end"}):
        response = demo_api.get(f"/api/v1/impact/{ref}", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


def test_hidden_answers_exactly_like_absent(demo_api: Api) -> None:
    ref = icrc_engagement(demo_api)
    engagement = demo_api.get(f"/api/v1/engagements/{ref}").json()
    secret = demo_api.ok(
        "POST",
        "/api/v1/engagements",
        json={
            "channel": engagement["channel"],
            "kind": engagement["kind"],
            "start": "2019-10-24",
            "participants": ["ISR", "PSE"],
            "summary": "Confidential round",
            "classification": "SECRET",
        },
    )
    assert demo_api.get(f"/api/v1/impact/{secret['id']}", as_="ed").status_code == 200
    hidden = demo_api.get(f"/api/v1/impact/{secret['id']}", as_="vi")
    absent = demo_api.get(f"/api/v1/impact/{ABSENT}", as_="vi")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.content == absent.content
    assert demo_api.get("/api/v1/impact/not-an-id").status_code == 404


def test_no_event_store_is_a_problem_without_paths(demo_api: Api, tmp_path: Path) -> None:
    bare = make_api(demo_api.settings.db_url, tmp_path, demo_api.tokens)
    try:
        ref = icrc_engagement(bare)
        response = bare.get(f"/api/v1/impact/{ref}")
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "no event data" in response.json()["detail"]
        assert str(tmp_path) not in response.text
        assert bare.get(f"/api/v1/impact/{ABSENT}").status_code == 404
    finally:
        bare.store.dispose()
