"""Visibility on every endpoint: a hidden record answers exactly like a missing one, and
lists and totals leave hidden records out."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import Api

KINDS = ("actors", "memberships", "channels", "engagements", "agreements", "objectives")


def secret_world(api: Api) -> dict[str, str]:
    """One SECRET record of each kind, owned by Desk (ed); vi (Desk, UNCLASSIFIED) and ot
    (Other) see none of them."""
    secret = {"classification": "SECRET"}
    actor = api.ok(
        "POST",
        "/api/v1/actors",
        json={"kind": "ngo", "name": "Hidden Hand", "cameo_code": "NGOHID", **secret},
    )
    igo = api.ok("POST", "/api/v1/actors", json={"kind": "igo", "name": "Open Council"})
    membership = api.ok(
        "POST", "/api/v1/memberships", json={"member": "NOR", "organisation": igo["id"], **secret}
    )
    channel = api.ok(
        "POST",
        "/api/v1/channels",
        json={
            "name": "Hidden channel",
            "track": "2",
            "sector": "health",
            "participants": ["NOR", "SWE"],
            **secret,
        },
    )
    engagement = api.ok(
        "POST",
        "/api/v1/engagements",
        json={
            "channel": channel["id"],
            "kind": "diplomatic_political",
            "start": "2020",
            "summary": "Hidden meeting",
            **secret,
        },
    )
    agreement = api.ok(
        "POST",
        "/api/v1/agreements",
        json={"name": "Hidden accord", "kind": "treaty", "status": "signed", **secret},
    )
    objective = api.ok("POST", "/api/v1/objectives", json={"title": "Hidden aim", **secret})
    return {
        "actors": actor["id"],
        "memberships": membership["id"],
        "channels": channel["id"],
        "engagements": engagement["id"],
        "agreements": agreement["id"],
        "objectives": objective["id"],
    }


@pytest.mark.parametrize("user", ["vi", "ot"])
def test_hidden_answers_exactly_like_missing(api: Api, user: str) -> None:
    hidden = secret_world(api)
    for kind in KINDS:
        seen = api.get(f"/api/v1/{kind}/{hidden[kind]}")
        assert seen.status_code == 200
        for method in ("GET", "DELETE"):
            as_hidden = api.call(method, f"/api/v1/{kind}/{hidden[kind]}", as_=user)
            as_missing = api.call(method, f"/api/v1/{kind}/{uuid.uuid4()}", as_=user)
            if user == "vi" and method == "DELETE":
                # a viewer may not delete at all: the role is refused before any lookup
                assert as_hidden.status_code == as_missing.status_code == 403
                continue
            assert as_hidden.status_code == as_missing.status_code == 404, (kind, method)
            assert as_hidden.content == as_missing.content
            assert dict(as_hidden.headers) == dict(as_missing.headers)


def test_replacing_a_hidden_record_is_404(api: Api) -> None:
    hidden = secret_world(api)
    body = {"kind": "ngo", "name": "Taken over"}
    as_hidden = api.put(f"/api/v1/actors/{hidden['actors']}", body, as_="ot")
    as_missing = api.put(f"/api/v1/actors/{uuid.uuid4()}", body, as_="ot")
    assert as_hidden.status_code == as_missing.status_code == 404
    assert as_hidden.json() == as_missing.json()


@pytest.mark.parametrize("kind", KINDS)
def test_lists_and_totals_leave_hidden_records_out(api: Api, kind: str) -> None:
    hidden = secret_world(api)
    full = api.ok("GET", f"/api/v1/{kind}", params={"limit": 500})
    for user in ("vi", "ot"):
        page = api.ok("GET", f"/api/v1/{kind}", params={"limit": 500}, as_=user)
        assert hidden[kind] not in {r["id"] for r in page["items"]}
        assert page["total"] == len(page["items"])
        assert page["total"] < full["total"]
        one = api.ok("GET", f"/api/v1/{kind}", params={"limit": 1}, as_=user)
        assert one["total"] == page["total"]


def test_hidden_records_are_not_found_by_search_or_filters(api: Api) -> None:
    hidden = secret_world(api)
    assert api.ok("GET", "/api/v1/actors", params={"q": "hidden hand"})["total"] == 1
    assert api.ok("GET", "/api/v1/actors", params={"q": "hidden hand"}, as_="vi")["total"] == 0
    # a hidden actor as a filter value is refused exactly like an unknown one
    as_hidden = api.get("/api/v1/channels", params={"actor": hidden["actors"]}, as_="vi")
    as_missing = api.get("/api/v1/channels", params={"actor": str(uuid.uuid4())}, as_="vi")
    assert as_hidden.status_code == as_missing.status_code == 422
    assert as_hidden.json()["detail"].replace(hidden["actors"], "X") == as_missing.json()[
        "detail"
    ].replace(as_missing.request.url.params["actor"], "X")


def test_me_says_who_and_what_clearance(api: Api) -> None:
    assert api.ok("GET", "/api/v1/me", as_="vi") == {
        "name": "vi",
        "role": "viewer",
        "clearance": "UNCLASSIFIED",
        "organisation": "Desk",
    }
