"""The API on each backend (SQLite and a real PostgreSQL): CRUD of every entity, hidden ==
missing, totals through the gate, and values the database would refuse answered as 4xx."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, make_api
from tests.api.test_crud import CASES, world, written
from tests.api.test_visibility import KINDS, secret_world


@pytest.fixture
def any_api(db_url: str, tmp_path: Path) -> Iterator[Api]:
    made = make_api(db_url, tmp_path)
    yield made
    made.store.dispose()


def test_crud_of_every_entity(any_api: Api) -> None:
    made = world(any_api)
    for kind, (create, replacement, changed) in CASES.items():
        record = written(kind, any_api.ok("POST", f"/api/v1/{kind}", json=create(made)))
        url = f"/api/v1/{kind}/{record['id']}"
        assert any_api.ok("GET", url) == record
        assert any_api.ok("PUT", url, json=replacement(made))[changed] == replacement(made)[changed]
        assert any_api.delete(url).status_code == 204
        assert any_api.get(url).status_code == 404


def test_hidden_is_missing_and_not_counted(any_api: Api) -> None:
    hidden = secret_world(any_api)
    for kind in KINDS:
        as_hidden = any_api.get(f"/api/v1/{kind}/{hidden[kind]}", as_="ot")
        as_missing = any_api.get(f"/api/v1/{kind}/{uuid.uuid4()}", as_="ot")
        assert as_hidden.status_code == as_missing.status_code == 404
        assert as_hidden.content == as_missing.content
        page = any_api.ok("GET", f"/api/v1/{kind}", params={"limit": 1}, as_="ot")
        full = any_api.ok("GET", f"/api/v1/{kind}", params={"limit": 1})
        assert page["total"] < full["total"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "ngo", "name": "Nul\u0000name"},
        {"kind": "ngo", "name": "x" * 301},
        {"kind": "ngo", "name": "Big", "cow_code": 2**40},
        {"kind": "ngo", "name": "Long code", "cameo_code": "X" * 21},
    ],
)
def test_values_the_database_would_refuse_are_4xx(any_api: Api, body: dict[str, object]) -> None:
    response = any_api.post("/api/v1/actors", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_search_with_like_wildcards_is_literal(any_api: Api) -> None:
    any_api.ok("POST", "/api/v1/actors", json={"kind": "ngo", "name": "100% Aid"})
    assert any_api.ok("GET", "/api/v1/actors", params={"q": "100%"})["total"] == 1
    made = world(any_api)
    assert made
    assert any_api.ok("GET", "/api/v1/channels", params={"q": "%"})["total"] == 0
    assert any_api.ok("GET", "/api/v1/channels", params={"q": "_"})["total"] == 0
    assert any_api.ok("GET", "/api/v1/channels", params={"q": "HEALTH"})["total"] == 1
