"""Create, read, replace and delete every registry entity through the API (as ``ed``), and
the audit trail each change leaves."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from multitrack.model import AuditEntry
from multitrack.security.principal import system_context
from tests.api.conftest import Api

Body = dict[str, Any]


def world(api: Api) -> dict[str, str]:
    """A small world built through the API: an IGO, a channel, an agreement."""
    igo = api.ok("POST", "/api/v1/actors", json={"kind": "igo", "name": "Nordic Council"})
    channel = api.ok(
        "POST",
        "/api/v1/channels",
        json={
            "name": "Barents health dialogue",
            "track": "2",
            "sector": "health",
            "participants": ["Norway", {"actor": "RUS", "role": "host"}],
            "started": "2019",
        },
    )
    agreement = api.ok(
        "POST",
        "/api/v1/agreements",
        json={
            "name": "Barents health accord",
            "kind": "mou",
            "status": "signed",
            "parties": ["NOR", "RUS"],
        },
    )
    return {"igo": igo["id"], "channel": channel["id"], "agreement": agreement["id"]}


CASES: dict[str, tuple[Callable[[dict[str, str]], Body], Callable[[dict[str, str]], Body], str]] = {
    # kind: (create body, replacement body, a field whose value the replacement changes)
    "actors": (
        lambda w: {"kind": "ngo", "name": "Arctic Aid", "country": "NOR", "aliases": ["AA"]},
        lambda w: {
            "kind": "ngo",
            "name": "Arctic Aid",
            "country": "NOR",
            "description": "Relief in the High North",
        },
        "description",
    ),
    "memberships": (
        lambda w: {"member": "NOR", "organisation": w["igo"], "since": "1952"},
        lambda w: {"member": "NOR", "organisation": w["igo"], "since": "1952", "note": "founder"},
        "note",
    ),
    "channels": (
        lambda w: {
            "name": "Fisheries talks",
            "track": "1",
            "sector": "climate",
            "participants": ["NOR", "ISL"],
        },
        lambda w: {
            "name": "Fisheries talks",
            "track": "1",
            "sector": "climate",
            "status": "dormant",
            "participants": ["NOR", "ISL"],
        },
        "status",
    ),
    "engagements": (
        lambda w: {
            "channel": w["channel"],
            "kind": "diplomatic_political",
            "start": "2020-02-03",
            "summary": "First round",
            "participants": ["NOR"],
            "follow_ups": [{"action": "Send minutes", "due": "2020-03-01"}],
        },
        lambda w: {
            "channel": w["channel"],
            "kind": "diplomatic_political",
            "start": "2020-02-03",
            "summary": "First round",
            "outcome": "Agreed to meet again",
        },
        "outcome",
    ),
    "agreements": (
        lambda w: {
            "name": "Fisheries protocol",
            "kind": "treaty",
            "status": "signed",
            "adopted": "2021-05",
            "parties": ["NOR", "ISL"],
        },
        lambda w: {
            "name": "Fisheries protocol",
            "kind": "treaty",
            "status": "in_force",
            "adopted": "2021-05",
            "parties": ["NOR", "ISL"],
        },
        "status",
    ),
    "objectives": (
        lambda w: {
            "title": "Keep the dialogue alive",
            "channel": w["channel"],
            "indicators": [
                {
                    "name": "meetings a year",
                    "target": 2,
                    "measurements": [{"date": "2020-12-31", "value": 1}],
                }
            ],
        },
        lambda w: {
            "title": "Keep the dialogue alive",
            "channel": w["channel"],
            "description": "At least two meetings a year",
        },
        "description",
    ),
}


def written(kind: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The record of a create or replace answer: an engagement's answer also carries the
    vetting warnings of its participants (a list), which the record itself does not keep."""
    if kind == "engagements":
        assert isinstance(answer.pop("warnings"), list)
    return answer


@pytest.mark.parametrize("kind", list(CASES))
def test_create_get_replace_delete(api: Api, kind: str) -> None:
    made = world(api)
    create, replacement, changed = CASES[kind]
    created = api.call("POST", f"/api/v1/{kind}", json=create(made))
    assert created.status_code == 201, created.text
    record = written(kind, created.json())
    assert record["owner"] == "Desk"
    assert record["releasable_to"] == []  # a user's new record stays in their organisation
    assert record["classification"] == "UNCLASSIFIED"
    url = f"/api/v1/{kind}/{record['id']}"
    assert api.ok("GET", url) == record

    replaced = written(kind, api.ok("PUT", url, json=replacement(made)))
    assert replaced["id"] == record["id"]
    assert replaced[changed] == replacement(made)[changed]
    assert api.ok("GET", url) == replaced
    listed = api.ok("GET", f"/api/v1/{kind}", params={"limit": 500})
    assert replaced in listed["items"]

    deleted = api.delete(url)
    assert deleted.status_code == 204
    assert not deleted.content
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404

    with api.store.session(system_context("test")) as session:
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == record["id"])
                .order_by(AuditEntry.seq)
            )
        ]
    assert actions == ["create", "update", "delete"]


def test_labels_can_be_set_and_kept(api: Api) -> None:
    body = {
        "kind": "ngo",
        "name": "Quiet Friends",
        "classification": "CONFIDENTIAL",
        "releasable_to": ["Desk", "Other"],
    }
    record = api.ok("POST", "/api/v1/actors", json=body)
    assert (record["classification"], record["releasable_to"]) == (
        "CONFIDENTIAL",
        ["Desk", "Other"],
    )
    replaced = api.ok(
        "PUT",
        f"/api/v1/actors/{record['id']}",
        json={"kind": "ngo", "name": "Quiet Friends", "description": "d"},
    )
    assert (replaced["classification"], replaced["releasable_to"]) == (
        "CONFIDENTIAL",
        ["Desk", "Other"],
    )


def test_posting_the_same_record_twice_changes_nothing(api: Api) -> None:
    body = {"kind": "ngo", "name": "Twice Told"}
    first = api.ok("POST", "/api/v1/actors", json=body)
    second = api.ok("POST", "/api/v1/actors", json=body)
    assert first == second
    assert api.ok("GET", "/api/v1/actors", params={"q": "twice told"})["total"] == 1


def test_a_record_in_use_cannot_be_deleted(api: Api) -> None:
    made = world(api)
    response = api.delete(f"/api/v1/channels/{made['channel']}")
    assert response.status_code == 204  # nothing refers to it yet
    made = world(api)
    api.ok("POST", "/api/v1/objectives", json={"title": "T", "channel": made["channel"]})
    response = api.delete(f"/api/v1/channels/{made['channel']}")
    assert response.status_code == 409
    assert response.json()["used_by"] == ["objective"]


def _channel_others_may_see(api: Api, name: str) -> str:
    body = {"name": name, "track": "2", "sector": "health", "participants": ["NOR", "RUS"]}
    body["releasable_to"] = ["Other"]
    made: str = api.ok("POST", "/api/v1/channels", json=body)["id"]
    return made


def _refusal(api: Api, channel: str) -> dict[str, Any]:
    response = api.delete(f"/api/v1/channels/{channel}")
    assert response.status_code == 409, response.text
    body: dict[str, Any] = response.json()
    return json.loads(json.dumps(body).replace(channel, "CHANNEL"))


def test_a_refused_delete_does_not_tell_of_hidden_records(api: Api) -> None:
    """A record hidden from the caller still keeps the record it refers to from being deleted
    (it is not the caller's to lose), but the refusal names only what the caller can see: the
    same answer with or without the hidden referrer, and none of its kind when it is alone."""
    hidden_only, both, visible_only = (
        _channel_others_may_see(api, name) for name in ("Hidden only", "Both", "Visible only")
    )
    for channel in (hidden_only, both):  # Other's objectives: ed cannot see them
        body = {"title": f"Theirs on {channel}", "channel": channel}
        api.ok("POST", "/api/v1/objectives", json=body, as_="ot")
    for channel in (both, visible_only):
        api.ok(
            "POST", "/api/v1/objectives", json={"title": f"Ours on {channel}", "channel": channel}
        )
    assert api.ok("GET", "/api/v1/objectives", params={"channel": hidden_only})["total"] == 0
    assert _refusal(api, both) == _refusal(api, visible_only)
    alone = _refusal(api, hidden_only)
    assert alone["used_by"] == []
    assert "objective" not in json.dumps(alone)
    assert set(alone) == set(_refusal(api, both))  # the same shape
    for channel in (hidden_only, both, visible_only):  # nothing was deleted
        api.ok("GET", f"/api/v1/channels/{channel}")


def test_records_of_another_organisation_cannot_be_changed(api: Api) -> None:
    record = api.ok(
        "POST", "/api/v1/actors", json={"kind": "ngo", "name": "Shared", "releasable_to": ["Other"]}
    )
    url = f"/api/v1/actors/{record['id']}"
    assert api.get(url, as_="ot").status_code == 200
    assert api.put(url, {"kind": "ngo", "name": "Mine now"}, as_="ot").status_code == 403
    assert api.delete(url, as_="ot").status_code == 403
    assert api.delete("/api/v1/actors/6f0123ee-0d0b-5c74-969b-ce7905709aff").status_code == 403
