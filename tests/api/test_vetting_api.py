"""``/api/v1/vetting`` CRUD, the vetting warnings in engagement create/replace answers (and the
OpenAPI schema), ``/api/v1/oversight``, and evidence on the demo world with real GDELT rows."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from multitrack.model import AuditEntry
from multitrack.security.principal import system_context
from tests.api.conftest import Api

BASE = "/api/v1/vetting"


def setup_world(api: Api) -> None:
    unit = {"kind": "state_organ", "name": "Coastal Brigade", "country": "NOR", "parent": "NOR"}
    api.ok("POST", "/api/v1/actors", json=unit)
    line = {"name": "Defence line", "track": "1", "sector": "military",
            "participants": ["NOR", "SWE"]}  # fmt: skip
    api.ok("POST", "/api/v1/channels", json=line)


def test_vetting_crud_with_audit(api: Api) -> None:
    setup_world(api)
    body = {"subject": "Coastal Brigade", "status": "pending", "date": "2024-01-10",
            "source": "request 17"}  # fmt: skip
    created = api.post(BASE, body)
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["status"], record["classification"], record["owner"]) == (
        "pending",
        "UNCLASSIFIED",
        "Desk",
    )
    key = record["id"]
    listed = api.ok("GET", BASE, params={"subject": "Coastal Brigade"})
    assert [r["id"] for r in listed["items"]] == [key]
    assert api.ok("GET", BASE, params={"status": "flagged"})["total"] == 0
    one = api.ok("GET", f"{BASE}/{key}")
    assert one["standing"]["status"] == "pending"
    assert one["evidence"]["match"]["country"] == "NOR"

    replaced = api.put(f"{BASE}/{key}", {**body, "status": "cleared", "date": "2024-02-01"})
    assert replaced.status_code == 200, replaced.text
    assert api.ok("GET", f"{BASE}/{key}")["standing"]["status"] == "cleared"
    # the other organisation sees nothing of Desk's own record
    assert api.get(f"{BASE}/{key}", as_="ot").status_code == 404
    assert api.delete(f"{BASE}/{key}", as_="ot").status_code == 404
    assert api.delete(f"{BASE}/{key}").status_code == 204
    assert api.get(f"{BASE}/{key}").status_code == 404
    with api.store.session(system_context("test")) as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "vetting")).all()
    assert sorted(actions) == ["create", "delete", "update"]


def test_bad_vetting_input_is_a_problem_not_a_crash(api: Api) -> None:
    setup_world(api)
    for body, field in (
        ({"subject": "NOR", "status": "suspect", "date": "2024-01-01"}, "status"),
        ({"subject": "NOR", "status": "cleared", "date": "yesterday"}, "date"),
        ({"subject": "Nobody", "status": "cleared", "date": "2024-01-01"}, "subject"),
    ):
        answer = api.post(BASE, body)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert field in answer.text
    assert api.get(BASE, params={"status": "suspect"}).status_code == 422
    assert api.get(f"{BASE}/{uuid.uuid4()}").status_code == 404
    assert api.post(BASE, {"subject": "NOR", "status": "cleared", "date": "2024-01-01"},
                    as_="vi").status_code == 403  # fmt: skip


def engagement(api: Api, summary: str, *participants: str) -> dict[str, Any]:
    body = {"channel": "Defence line", "kind": "military_exercises", "start": "2024-06-01",
            "summary": summary, "participants": list(participants)}  # fmt: skip
    answer = api.post("/api/v1/engagements", body)
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_engagement_answers_carry_vetting_warnings(api: Api) -> None:
    setup_world(api)
    first = engagement(api, "Exercise", "Coastal Brigade", "NOR")
    assert [(w["actor"]["name"], w["status"]) for w in first["warnings"]] == [
        ("Coastal Brigade", "unvetted")
    ]
    assert "has not been vetted" in first["warnings"][0]["message"]
    api.ok("POST", BASE, json={"subject": "Coastal Brigade", "status": "flagged",
                               "date": "2024-03-01", "source": "finding"})  # fmt: skip
    body = {"channel": "Defence line", "kind": "military_exercises", "start": "2024-06-01",
            "summary": "Exercise", "participants": ["Coastal Brigade", "NOR"]}  # fmt: skip
    again = api.put(f"/api/v1/engagements/{first['id']}", body)
    assert again.status_code == 200, again.text
    warning = again.json()["warnings"][0]
    assert (warning["status"], warning["record"]["source"]) == ("flagged", "finding")
    # GET keeps the record's own shape; the warnings are in the oversight report
    assert "warnings" not in api.ok("GET", f"/api/v1/engagements/{first['id']}")
    report = api.ok("GET", "/api/v1/oversight")
    assert [(w["engagement"]["id"], w["status"]) for w in report["vetting_warnings"]] == [
        (first["id"], "flagged")
    ]
    schema = api.client.get("/openapi.json").json()
    written = schema["components"]["schemas"]["EngagementWritten"]
    assert "warnings" in written["required"]
    post = schema["paths"]["/api/v1/engagements"]["post"]["responses"]["201"]
    assert post["content"]["application/json"]["schema"]["$ref"].endswith("EngagementWritten")


def test_oversight_endpoint(api: Api) -> None:
    answer = api.ok("GET", "/api/v1/oversight", params={"today": "2024-07-01", "horizon": "5"})
    assert (answer["today"], answer["horizon_days"]) == ("2024-07-01", 5)
    assert set(answer["status_counts"]) == {"on track", "at risk", "missed", "no data"}
    assert api.get("/api/v1/oversight", params={"today": "2024-99-01"}).status_code == 422
    assert api.get("/api/v1/oversight", as_=None).status_code == 401


def test_demo_vetting_evidence_links_to_sources(demo_api: Api) -> None:
    listed = demo_api.ok("GET", BASE, params={"subject": "Burundi National Police"})
    record = demo_api.ok("GET", f"{BASE}/{listed['items'][0]['id']}")
    evidence = record["evidence"]
    assert evidence["total"] >= 1
    assert all(e["source_url"].startswith("http") for e in evidence["events"])
    assert all(e["root_code"] in ("18", "19", "20") for e in evidence["events"])
    assert all(e["source_code"].startswith("BDI") for e in evidence["events"])
    report = demo_api.ok("GET", "/api/v1/oversight")
    assert ("Special Air Service Regiment", "flagged") in {
        (w["actor"]["name"], w["status"]) for w in report["vetting_warnings"]
    }
