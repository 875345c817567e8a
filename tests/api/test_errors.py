"""Errors: one problem+json shape for every failure, 401 without a token, and 4xx (never 5xx)
for any bad input."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

PROBLEM_KEYS = {"type", "title", "status", "detail"}
NORWAY = "6f0123ee-0d0b-5c74-969b-ce7905709aff"


def assert_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) >= PROBLEM_KEYS
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body  # type: ignore[no-any-return]


def test_error_shape_is_pinned(api: Api) -> None:
    """Like datasette's test_error_shape: the exact members of a validation problem."""
    body = assert_problem(api.get("/api/v1/actors?limit=0"), 422)
    assert body == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "query.limit: Input should be greater than or equal to 1",
        "errors": [
            {"field": "query.limit", "message": "Input should be greater than or equal to 1"}
        ],
    }
    body = assert_problem(api.get("/api/v1/actors/00000000-0000-0000-0000-000000000000"), 404)
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "not found",
    }
    body = assert_problem(api.get("/api/v1/channels?track=12"), 422)
    assert body["field"] == "track"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/actors"),
        ("GET", f"/api/v1/actors/{NORWAY}"),
        ("POST", "/api/v1/actors"),
        ("DELETE", f"/api/v1/actors/{NORWAY}"),
        ("GET", "/api/v1/relations?source=NOR&target=SWE"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/taxonomy/tracks"),
    ],
)
def test_no_token_is_401(api: Api, method: str, path: str) -> None:
    response = api.call(method, path, as_=None)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer mt_" + "x" * 43, "Basic abc", "Bearer"])
def test_a_wrong_token_is_401(api: Api, header: str) -> None:
    assert_problem(api.client.get("/api/v1/actors", headers={"Authorization": header}), 401)


BAD_REQUESTS = [
    # (method, path, body, status)
    ("GET", "/api/v1/actors/not-a-uuid", None, 422),
    ("GET", "/api/v1/actors/6f0123ee-0d0b-5c74-969b", None, 422),
    ("GET", "/api/v1/actors?limit=100000", None, 422),
    ("GET", "/api/v1/actors?limit=-1", None, 422),
    ("GET", "/api/v1/actors?limit=abc", None, 422),
    ("GET", "/api/v1/actors?offset=99999999999999999999999", None, 422),
    ("GET", "/api/v1/actors?sort=password", None, 422),
    ("GET", "/api/v1/actors?kind=spaceship", None, 422),
    ("GET", "/api/v1/actors?country=Atlantis", None, 422),
    ("GET", "/api/v1/actors?q=%00", None, 422),
    ("GET", "/api/v1/channels?track=12", None, 422),
    ("GET", "/api/v1/channels?actor=Nobody%20at%20all", None, 422),
    ("GET", "/api/v1/engagements?since=2020-13-45", None, 422),
    ("GET", "/api/v1/engagements?until=yesterday", None, 422),
    ("GET", "/api/v1/engagements?channel=00000000-0000-0000-0000-000000000000", None, 422),
    ("GET", "/api/v1/agreements?status=maybe", None, 422),
    ("GET", "/api/v1/taxonomy/colours", None, 422),
    ("GET", "/api/v1/relations?source=NOR", None, 422),
    ("GET", "/api/v1/relations?source=NOR&target=SWE&by=fortnight", None, 422),
    ("GET", "/api/v1/relations?source=NOR&target=SWE&from=2019-02-30", None, 422),
    ("GET", "/api/v1/relations?source=Nowhere&target=SWE", None, 422),
    ("GET", "/api/v1/relations/partners?actor=NOR&top=0", None, 422),
    ("GET", "/api/v1/relations/watch?as_of=soon", None, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo"}, 422),
    ("POST", "/api/v1/actors", {"kind": "spaceship", "name": "X"}, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo", "name": 12}, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo", "name": "X", "cow_code": "many"}, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo", "name": "X", "colour": "red"}, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo", "name": "X", "classification": "COSMIC"}, 422),
    ("POST", "/api/v1/actors", {"kind": "ngo", "name": "X", "parent": "Nobody"}, 422),
    ("POST", "/api/v1/actors", [1, 2], 422),
    ("POST", "/api/v1/actors", "null", 422),
    (
        "POST",
        "/api/v1/channels",
        {"name": "C", "track": "12", "sector": "health", "participants": ["NOR", "SWE"]},
        422,
    ),
    (
        "POST",
        "/api/v1/channels",
        {"name": "C", "track": "2", "sector": "health", "participants": ["NOR", "NOR"]},
        422,
    ),
    (
        "POST",
        "/api/v1/engagements",
        {"channel": "None such", "kind": "diplomatic_political", "start": "2020", "summary": "s"},
        422,
    ),
    (
        "POST",
        "/api/v1/memberships",
        {"member": "NOR", "organisation": "SWE", "since": "2020-02-31"},
        422,
    ),
    ("POST", "/api/v1/objectives", {"title": "T", "target_date": "2020"}, 422),
    (
        "POST",
        "/api/v1/agreements",
        {"name": "A", "kind": "treaty", "status": "signed", "adopted": "1990-1-1"},
        422,
    ),
    (
        "PUT",
        f"/api/v1/actors/{NORWAY}",
        {
            "id": "00000000-0000-0000-0000-000000000000",
            "kind": "state",
            "name": "Norway",
            "iso3": "NOR",
        },
        422,
    ),
    (
        "PUT",
        "/api/v1/actors/00000000-0000-0000-0000-000000000000",
        {"kind": "ngo", "name": "X"},
        404,
    ),
    ("DELETE", "/api/v1/actors/00000000-0000-0000-0000-000000000000", None, 404),
    ("DELETE", "/api/v1/actors/zzz", None, 422),
    ("PATCH", f"/api/v1/actors/{NORWAY}", None, 405),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), BAD_REQUESTS)
def test_bad_input_is_a_4xx_problem(
    api: Api, method: str, path: str, body: object, status: int
) -> None:
    kwargs: dict[str, object] = {}
    if isinstance(body, str):
        kwargs["content"] = body
        kwargs["headers"] = {**api.headers("ed"), "content-type": "application/json"}
        response = api.client.request(method, path, **kwargs)  # type: ignore[arg-type]
    else:
        response = api.call(method, path, json=body) if body is not None else api.call(method, path)
    assert_problem(response, status)


def test_a_malformed_json_body_is_422(api: Api) -> None:
    response = api.client.post(
        "/api/v1/actors",
        content=b'{"kind": "ngo", "name": ',
        headers={**api.headers("ed"), "content-type": "application/json"},
    )
    assert_problem(response, 422)


def test_a_viewer_may_not_write(api: Api) -> None:
    assert_problem(api.post("/api/v1/actors", {"kind": "ngo", "name": "V"}, as_="vi"), 403)
