"""``/api/v1/relations``: the same figures as ``multitrack relations --format json``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from tests.api.conftest import Api


def cli_json(api: Api, *args: str) -> object:
    result = CliRunner().invoke(
        app,
        [
            "--db",
            api.settings.db_url,
            "--events-dir",
            str(api.settings.events_dir),
            *args,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("source", "target", "extra"),
    [
        ("USA", "CHN", {}),
        ("United States", "China", {"by": "quarter"}),
        ("USA", "RUS", {"by": "day", "from": "2019-01-01", "to": "2019-12"}),
        ("CHN", "USA", {"by": "year", "dataset": "gdelt2"}),
        ("Norway", "Sweden", {"by": "month", "from": "2015", "to": "2015"}),
    ],
)
def test_relations_equal_the_cli(
    demo_api: Api, source: str, target: str, extra: dict[str, str]
) -> None:
    params = {"source": source, "target": target, **extra}
    answer = demo_api.ok("GET", "/api/v1/relations", params=params)
    options = [f"--{k}={v}" for k, v in extra.items()]
    expected = cli_json(demo_api, "relations", source, target, *options)
    assert answer["rows"] == expected
    assert answer["by"] == extra.get("by", "month")
    assert answer["source"]["label"] == answer["rows"][0]["source"] if answer["rows"] else True
    # asked again: the same answer (from the cache)
    assert demo_api.ok("GET", "/api/v1/relations", params=params) == answer


def test_some_relations_have_events(demo_api: Api) -> None:
    rows = demo_api.ok("GET", "/api/v1/relations", params={"source": "USA", "target": "CHN"})[
        "rows"
    ]
    assert sum(r["events"] for r in rows) > 0


def test_partners_equal_the_cli(demo_api: Api) -> None:
    answer = demo_api.ok("GET", "/api/v1/relations/partners", params={"actor": "USA", "top": 5})
    assert answer["rows"] == cli_json(demo_api, "partners", "USA", "--top", "5")


def test_watch_equals_the_cli(demo_api: Api) -> None:
    answer = demo_api.ok("GET", "/api/v1/relations/watch", params={"by": "day", "top": 5})
    assert answer == cli_json(demo_api, "watch", "--by", "day", "--top", "5")


def test_a_range_too_long_to_list_is_refused(demo_api: Api) -> None:
    response = demo_api.get(
        "/api/v1/relations",
        params={"source": "USA", "target": "CHN", "from": "0001", "to": "9999", "by": "day"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "by"


def test_a_hidden_actor_cannot_be_named(demo_api: Api) -> None:
    made = demo_api.ok(
        "POST",
        "/api/v1/actors",
        json={
            "kind": "ngo",
            "name": "Covert Group",
            "cameo_code": "NGOCOV",
            "classification": "SECRET",
        },
    )
    try:
        seen = demo_api.get("/api/v1/relations", params={"source": "NGOCOV", "target": "USA"})
        assert seen.status_code == 200
        hidden = demo_api.get(
            "/api/v1/relations", params={"source": "NGOCOV", "target": "USA"}, as_="vi"
        )
        missing = demo_api.get(
            "/api/v1/relations", params={"source": "NGOXXX", "target": "USA"}, as_="vi"
        )
        assert hidden.status_code == missing.status_code == 422
        assert hidden.json()["detail"].replace("NGOCOV", "?") == missing.json()["detail"].replace(
            "NGOXXX", "?"
        )
    finally:
        demo_api.ok("DELETE", f"/api/v1/actors/{made['id']}")
