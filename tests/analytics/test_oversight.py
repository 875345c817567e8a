"""Oversight on stored records: vetting standings and warnings (parents included), follow-ups
due and overdue, accountability on the demo world, and evidence from the demo event data
checked against the GDELT files themselves."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from multitrack.analytics.evidence import evidence_for
from multitrack.analytics.oversight import accountability, follow_ups
from multitrack.errors import InUseError
from multitrack.exchange.apply import delete_record, save
from multitrack.exchange.records import (
    ActorRecord,
    ChannelRecord,
    EngagementRecord,
    VettingRecord,
)
from multitrack.model import AuditEntry, Vetting
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.actors import resolve_actor
from multitrack.services.event_tables import EventTables
from multitrack.services.setup import init_database, load_demo, load_demo_events
from multitrack.services.vetting import Vettings, engagement_warnings, list_vetting
from multitrack.store import Store, open_store

# --------------------------------------------------------------------------------------------
# The vetting rule, on a small world: a state, its army, a battalion, a person


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[Store]:
    store = open_store(db_url, state_dir=tmp_path / "state")
    init_database(store)
    with store.session(LOCAL_ADMIN) as s:
        for record in (
            {"kind": "state_organ", "name": "Ruritanian Army", "country": "NOR", "parent": "NOR"},
            {"kind": "state_organ", "name": "First Battalion", "parent": "Ruritanian Army"},
            {"kind": "individual", "name": "Colonel Example", "country": "NOR"},
        ):
            save(s, "actors", ActorRecord.model_validate(record))
        save(
            s,
            "channels",
            ChannelRecord.model_validate(
                {
                    "name": "Training line",
                    "track": "1",
                    "sector": "military",
                    "participants": ["SWE", "NOR"],
                }
            ),
        )
    yield store
    store.dispose()


def vet(s: Any, subject: str, status: str, on: str) -> Vetting:
    row: Vetting = save(
        s, "vetting", VettingRecord(subject=subject, status=status, date=on, source="test")
    )
    return row


def engagement(s: Any, kind: str, *participants: str) -> Any:
    record = {
        "channel": "Training line",
        "kind": kind,
        "start": "2024-05-01",
        "summary": f"{kind} with {', '.join(participants)} {uuid.uuid4()}",
        "participants": list(participants),
    }
    return save(s, "engagements", EngagementRecord.model_validate(record))


def warned(s: Any, row: Any) -> dict[str, str]:
    return {w.standing.actor.name: w.standing.status for w in engagement_warnings(s, row)}


def test_units_people_and_flags_warn_in_police_or_military_engagements(world: Store) -> None:
    with world.session(LOCAL_ADMIN) as s:
        row = engagement(s, "military_training", "First Battalion", "Colonel Example", "SWE")
        # nothing recorded: the unit and the person are unvetted; the state is not vetted
        assert warned(s, row) == {"First Battalion": "unvetted", "Colonel Example": "unvetted"}
        vet(s, "First Battalion", "cleared", "2024-01-10")
        vet(s, "Colonel Example", "pending", "2024-02-01")
        assert warned(s, row) == {"Colonel Example": "pending"}
        # a flag on the army reaches the battalion: its clearance is older than the flag
        vet(s, "Ruritanian Army", "flagged", "2024-03-01")
        found = {w.standing.actor.name: w.standing for w in engagement_warnings(s, row)}
        assert found["First Battalion"].status == "flagged"
        assert found["First Battalion"].via is not None
        assert found["First Battalion"].via.name == "Ruritanian Army"
        # re-vetted and cleared after the flag: it stands cleared again
        vet(s, "First Battalion", "cleared", "2024-04-01")
        assert warned(s, row) == {"Colonel Example": "pending"}
        # a flag on a state warns for the state itself too
        vet(s, "SWE", "flagged", "2024-04-02")
        assert warned(s, row) == {"Colonel Example": "pending", "Sweden": "flagged"}
        # not a police or military kind: no warning at all
        talk = engagement(s, "negotiation_conflict_resolution", "First Battalion", "SWE")
        assert warned(s, talk) == {}


def test_the_newest_record_decides_and_a_flag_weighs_more_on_the_same_day(world: Store) -> None:
    with world.session(LOCAL_ADMIN) as s:
        battalion = resolve_actor(s, "First Battalion")
        vet(s, "First Battalion", "flagged", "2023-01-01")
        vet(s, "First Battalion", "cleared", "2024-01-01")
        assert Vettings(s).standing(battalion).status == "cleared"
        vet(s, "First Battalion", "flagged", "2024-01-01")
        assert Vettings(s).standing(battalion).status == "flagged"


def test_vetting_records_crud_on_both_backends(world: Store) -> None:
    with world.session(LOCAL_ADMIN) as s:
        row = vet(s, "First Battalion", "pending", "2024-01-10")
        key = row.id
        again = vet(s, "First Battalion", "pending", "2024-01-10")  # same natural key
        assert again.id == key
        assert [v.id for v in list_vetting(s, subject="First Battalion")] == [key]
        with pytest.raises(InUseError):  # an actor with a vetting record stays
            delete_record(s, "actors", resolve_actor(s, "First Battalion").id)
    with world.session(LOCAL_ADMIN) as s:
        updated = save(
            s,
            "vetting",
            VettingRecord(
                id=str(key), subject="First Battalion", status="cleared", date="2024-02-01"
            ),
        )
        assert (updated.status, updated.date) == ("cleared", date(2024, 2, 1))
        delete_record(s, "vetting", key)
    with world.session(LOCAL_ADMIN) as s:
        assert list_vetting(s) == []
        entries = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "vetting")).all()
        assert sorted(entries) == ["create", "delete", "update"]


# --------------------------------------------------------------------------------------------
# Follow-ups


def test_follow_ups_due_within_the_horizon_and_overdue(world: Store) -> None:
    with world.session(LOCAL_ADMIN) as s:
        record = {
            "channel": "Training line",
            "kind": "military_training",
            "start": "2024-05-01",
            "summary": "Course",
            "follow_ups": [
                {"action": "late", "due": "2024-05-20"},
                {"action": "later", "due": "2024-06-01"},
                {"action": "done late", "due": "2024-05-01", "done": True},
                {"action": "soon", "due": "2024-06-15"},
                {"action": "today", "due": "2024-06-10"},
                {"action": "far", "due": "2024-12-01"},
                {"action": "undated"},
            ],
        }
        save(s, "engagements", EngagementRecord.model_validate(record))
        due, overdue = follow_ups(s, today=date(2024, 6, 10), horizon_days=30)
    assert [(f["action"], f["days_late"]) for f in overdue] == [("late", 21), ("later", 9)]
    assert [(f["action"], f["days_left"]) for f in due] == [("today", 0), ("soon", 5)]


# --------------------------------------------------------------------------------------------
# The demo world with its event data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, EventTables]]:
    folder = tmp_path_factory.mktemp("oversight-demo")
    store = open_store(f"sqlite:///{folder / 'multitrack.db'}", state_dir=folder / "state")
    load_demo(store)
    load_demo_events(folder / "events")
    yield store, EventTables(folder / "events")
    store.dispose()


def test_the_demo_world_shows_vetting_warnings_computed_from_its_data(
    demo: tuple[Store, EventTables],
) -> None:
    store, events = demo
    with store.session(LOCAL_ADMIN) as s:
        found = accountability(s, today=date(2026, 11, 26), events=events).to_dict()
    warnings = {(w["actor"]["name"], w["status"]) for w in found["vetting_warnings"]}
    assert ("Special Air Service Regiment", "flagged") in warnings
    sasr = next(w for w in found["vetting_warnings"] if w["actor"]["name"].startswith("Special"))
    assert sasr["engagement"]["kind"] == "counter_terrorism_cooperation"
    assert "defence.gov.au" in sasr["record"]["source"]
    assert sasr["evidence"]["match"] == {"code": None, "country": "AUS",
                                         "types": ["MIL", "COP", "SPY"]}  # fmt: skip
    statuses = {o["title"][:30]: o["status"] for o in found["objectives"]}
    assert statuses["Israeli-Palestinian permanent "] == "missed"
    assert statuses["Ratification of the ASEAN Conv"] == "on track"
    assert sum(found["status_counts"].values()) == len(found["objectives"])


def gdelt_adverse(path: Path, country: str, types: set[str]) -> set[str]:
    """Event ids of adverse events by a country's forces, read straight from a GDELT 2.0 file."""
    ids = set()
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            adverse = row[28] in ("18", "19", "20") and row[7] == country
            if adverse and {row[12], row[13], row[14]} & types:
                ids.add(row[0])
    return ids


def test_evidence_is_the_adverse_events_of_the_subjects_forces(
    demo: tuple[Store, EventTables], shared_data: Path
) -> None:
    store, events = demo
    expected: set[str] = set()
    for path in sorted((shared_data / "gdelt2").glob("*.export.CSV")):
        expected |= gdelt_adverse(path, "BDI", {"MIL", "COP", "SPY"})
    assert expected, "the Burundi demo record needs real events to show"
    with store.session(LOCAL_ADMIN) as s:
        record = list_vetting(s, subject="Burundi National Police")[0]
        evidence = evidence_for(record, events).to_dict()
    assert evidence["total"] == len(expected)
    assert {e["event_id"] for e in evidence["events"]} == expected
    assert all(e["dataset"] == "gdelt2" for e in evidence["events"])  # synthetic left out
    assert evidence["synthetic_datasets_left_out"] == ["demo-synthetic"]
    assert all(e["source_url"].startswith("http") for e in evidence["events"])
    assert set(evidence["by_root"]) <= {"18", "19", "20"}


def test_evidence_by_a_cameo_code_and_without_an_event_store(
    demo: tuple[Store, EventTables], shared_data: Path, tmp_path: Path
) -> None:
    store, events = demo
    expected = set()
    for path in sorted((shared_data / "gdelt2").glob("*.export.CSV")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if row[28] in ("18", "19", "20") and row[5].startswith("IMGMOSALQ"):
                    expected.add(row[0])
    with store.session(LOCAL_ADMIN) as s:
        save(
            s,
            "vetting",
            VettingRecord(subject="al-Qaeda", status="flagged", date="2001-09-28", source="x"),
        )
        record = list_vetting(s, subject="al-Qaeda")[0]
        coded = evidence_for(record, events)
        empty = evidence_for(record, EventTables(tmp_path / "none"))
        s.rollback()
    assert coded.match is not None
    assert coded.match.code == "IMGMOSALQ"
    assert {e["event_id"] for e in coded.events} == expected
    assert (empty.total, empty.events) == (0, ())
    assert empty.note is not None
