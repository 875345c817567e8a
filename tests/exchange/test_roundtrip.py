"""Export -> import into an empty database -> export gives the same bytes, on both backends.

The dataset below is written by the test (every entity kind, nested lists, references by name,
alias, code and country name, records with and without ids); the demo world is checked the same
way. Importing a file twice creates nothing new, and an id left out is derived the same each time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from multitrack.exchange.importer import import_path
from multitrack.model import (
    Actor,
    ActorAlias,
    Agreement,
    AgreementAction,
    AgreementParty,
    Channel,
    ChannelChange,
    ChannelParticipant,
    CustomTerm,
    Engagement,
    EngagementParticipant,
    FollowUp,
    Indicator,
    Measurement,
    Membership,
    Objective,
    Obligation,
)
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import load_demo
from multitrack.store import Store
from multitrack.store.migrate import upgrade

NewDbUrl = Callable[..., str]
OpenDb = Callable[[str], Store]
Snapshot = Callable[[Store, str], dict[str, bytes]]
WriteRecords = Callable[[Path, str, str, Sequence[Mapping[str, Any]]], Path]

FORMATS = ["jsonl", "csv"]
KINDS = ["terms", "actors", "memberships", "channels", "agreements", "engagements", "objectives"]
TABLES = [
    Actor,
    ActorAlias,
    Membership,
    Channel,
    ChannelParticipant,
    ChannelChange,
    Engagement,
    EngagementParticipant,
    FollowUp,
    Agreement,
    AgreementParty,
    AgreementAction,
    Obligation,
    Objective,
    Indicator,
    Measurement,
    CustomTerm,
]

UN_ID = "0b5c2f43-8a0e-4c55-9d38-4b8e6f1d2a01"
CHANNEL_ID = "6f2d7e0a-3c1b-4d4e-8f6a-9b0c1d2e3f40"

# A small but rich dataset: every kind and every nested list, references in every form.
DATASET: dict[str, list[dict[str, Any]]] = {
    "terms": [
        {
            "vocabulary": "sectors",
            "id": "maritime_security",
            "name": "Maritime security",
            "parent": "security",
            "description": "Safety of sea lanes, ports and fisheries.",
            "source": "Test fixture",
        },
        {
            "vocabulary": "engagement_kinds",
            "id": "port_call",
            "name": "Naval port call",
            "parent": "military_exercises",
            "description": "A warship visits a partner's port.",
            "source": "Test fixture",
        },
    ],
    "actors": [
        {
            "id": UN_ID,
            "kind": "igo",
            "name": "United Nations",
            "aliases": ["UN", "Organisation des Nations unies"],
            "description": "Universal intergovernmental organisation.",
            "source": "https://www.un.org/",
        },
        {
            "kind": "state_organ",
            "name": "Ministry of Foreign Affairs of Norway",
            "aliases": ["Norwegian MFA", "Utenriksdepartementet"],
            "country": "Norway",
            "parent": "NOR",
        },
        {
            # the parent is defined further down the same file
            "kind": "state_organ",
            "name": "Section for Peace and Reconciliation",
            "country": "NOR",
            "parent": "Norwegian MFA",
        },
        {
            "kind": "ngo",
            "name": "Centre for Humanitarian Dialogue",
            "aliases": ["HD Centre", "HD"],
            "country": "Switzerland",
            "description": 'Private diplomacy; "mediation", commas, and semicolons; all kept.'
            "\u2028Line separator, next line\x85 and a lone\rcarriage return too.",
            "source": "004_88d7a75539daf0f6.txt",
        },
        {"kind": "individual", "name": "Jan Egeland", "country": "NOR", "cow_code": 385},
        {"kind": "armed_group", "name": "Example Front", "cameo_code": "XFR"},
    ],
    "memberships": [
        {"member": "Türkiye", "organisation": "UN", "since": "1945-10-24", "note": "original"},
        {"member": "NO", "organisation": UN_ID, "since": "1945-11", "source": "un.org"},
        {
            "member": "Switzerland",
            "organisation": "United Nations",
            "role": "observer",
            "since": "1948",
            "until": "2002-09-10",
        },
        {"member": "CHE", "organisation": "United Nations", "since": "2002-09-10"},
    ],
    "channels": [
        {
            "id": CHANNEL_ID,
            "name": "Oslo back channel",
            "track": "1.5",
            "sector": "peace_process",
            "status": "dormant",
            "started": "1992",
            "participants": [
                {"actor": "Norwegian MFA", "role": "facilitator"},
                "ISR",
                {"actor": "Jan Egeland"},
            ],
            "history": [
                {"date": "1992", "track": "2", "status": "active", "note": "academic contacts"},
                {"date": "1993-01", "track": "1.5", "status": "active", "source": "seed 004"},
                {"date": "1996-05-29", "track": "1.5", "status": "dormant"},
            ],
            "description": "Multi-line\ndescription, with a comma.",
        },
        {
            "name": "Maritime dialogue",
            "track": "1",
            "sector": "maritime_security",
            "status": "active",
            "started": "2019-03-01",
            "participants": ["NOR", "Türkiye"],
        },
        {
            "name": "Track 2 workshop series",
            "track": "2",
            "sector": "political",
            "participants": ["HD Centre", "Example Front", "CHE"],
        },
    ],
    "agreements": [
        {
            "name": "Declaration of Principles",
            "kind": "declaration",
            "status": "signed",
            "adopted": "1993-09-13",
            "sector": "peace_process",
            "parties": ["ISR", {"actor": "Norway", "role": "witness"}],
            "actions": [
                {"actor": "ISR", "action": "signature", "date": "1993-09-13"},
                {"actor": "NOR", "action": "signature", "date": "1993-09", "note": "witness"},
            ],
            "obligations": ["Withdraw forces; in stages", "Hold elections"],
            "summary": "Interim self-government arrangements.",
            "url": "https://example.org/dop",
        },
        {
            "name": "Maritime MoU",
            "kind": "mou",
            "status": "proposed",
            "parties": ["NOR", "TUR"],
        },
    ],
    "engagements": [
        {
            "channel": "Oslo back channel",
            "kind": "negotiation_conflict_resolution",
            "start": "1993-01-20",
            "end": "1993-01-22",
            "place": "Sarpsborg, Norway",
            "participants": ["Jan Egeland", "ISR"],
            "summary": "First secret round.",
            "outcome": "Agreement to continue",
            "follow_ups": [
                {"action": "Draft a declaration", "due": "1993-02-15", "done": True},
                {"action": "Report to ministers"},
            ],
            "source": "004_88d7a75539daf0f6.txt",
        },
        {
            "channel": CHANNEL_ID,
            "kind": "negotiation_conflict_resolution",
            "start": "1993-08",
            "summary": "Final round, initialled text.",
        },
        {
            "channel": "Maritime dialogue",
            "kind": "port_call",
            "start": "2020",
            "summary": "Frigate visit; crew exchange.",
            "participants": ["NOR"],
        },
    ],
    "objectives": [
        {
            "title": "Keep the back channel usable",
            "description": "Contacts stay warm",
            "sector": "peace_process",
            "actor": "Norwegian MFA",
            "channel": "Oslo back channel",
            "agreement": "Declaration of Principles",
            "target_date": "2030-12-31",
            "indicators": [
                {
                    "name": "Meetings a year",
                    "unit": "meetings",
                    "baseline": 0,
                    "target": 4.5,
                    "measurements": [
                        {"date": "2021-12-31", "value": 2, "note": "two rounds"},
                        {"date": "2020-12-31", "value": 0.1, "source": "internal"},
                    ],
                },
                {"name": "Trust (survey)", "target": 0.75},
            ],
            "source": "planning note",
        },
        {"title": "Maritime MoU signed", "agreement": "Maritime MoU"},
    ],
}

#: Rows each table holds after DATASET is imported (on top of the seeded countries).
EXPECTED = {
    Membership: 4,
    Channel: 3,
    ChannelChange: 4,  # 3 given + 1 made from `started`; none for the one without `started`
    ChannelParticipant: 8,
    Engagement: 3,
    FollowUp: 2,
    Agreement: 2,
    AgreementAction: 2,
    Obligation: 2,
    Objective: 2,
    Indicator: 2,
    Measurement: 2,
    CustomTerm: 2,
}


def schema_only(store: Store) -> Store:
    """An empty database with Multitrack's schema and no rows (no countries either)."""
    upgrade(store.engine)
    return store


def counts(store: Store) -> dict[str, int]:
    with store.session(LOCAL_ADMIN) as session:
        return {
            table.__name__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }


def import_dataset(store: Store, folder: Path, fmt: str, write_records: WriteRecords) -> None:
    for kind in KINDS:
        write_records(folder, kind, fmt, DATASET[kind])
    import_path(store, folder, principal=LOCAL_ADMIN)


def roundtrip(
    source: Store,
    fmt: str,
    tmp_path: Path,
    empty_store: Callable[[], Store],
    snapshot: Snapshot,
) -> dict[str, bytes]:
    """Export ``source``, import that into an empty database, export again: both exports."""
    first_dir = tmp_path / f"first-{fmt}"
    first = snapshot(source, fmt)
    first_dir.mkdir()
    for name, data in first.items():
        (first_dir / name).write_bytes(data)
    target = empty_store()
    import_path(target, first_dir, principal=LOCAL_ADMIN)
    second = snapshot(target, fmt)
    assert sorted(second) == sorted(first)
    for name in first:
        assert second[name] == first[name], f"{name} differs after the round trip"
    assert counts(target) == counts(source)
    return first


@pytest.mark.parametrize(
    ("source_fmt", "export_fmt", "target"),
    [
        ("csv", "jsonl", "schema only"),  # the export alone rebuilds the database, states too
        ("jsonl", "csv", "initialised"),  # ... or replaces what init_database made
    ],
)
def test_dataset_round_trip_is_byte_identical(
    store: Store,
    source_fmt: str,
    export_fmt: str,
    target: str,
    tmp_path: Path,
    new_db_url: NewDbUrl,
    open_db: OpenDb,
    snapshot: Snapshot,
    write_records: WriteRecords,
) -> None:
    import_dataset(store, tmp_path / "input", source_fmt, write_records)
    first = roundtrip(
        store,
        export_fmt,
        tmp_path,
        lambda: (
            open_db(new_db_url(init=True))
            if target == "initialised"
            else schema_only(open_db(new_db_url()))
        ),
        snapshot,
    )
    for kind in KINDS:
        assert first[f"{kind}.{export_fmt}"].count(b"\n") >= 2, f"{kind} exported no record"


def test_dataset_lands_as_written(
    store: Store, tmp_path: Path, write_records: WriteRecords
) -> None:
    before = counts(store)
    import_dataset(store, tmp_path / "input", "jsonl", write_records)
    after = counts(store)
    for table, rows in EXPECTED.items():
        assert after[table.__name__] - before[table.__name__] == rows, table.__name__
    assert after["Actor"] - before["Actor"] == len(DATASET["actors"])
    with store.session(LOCAL_ADMIN) as session:
        section = session.scalars(
            select(Actor).where(Actor.name == "Section for Peace and Reconciliation")
        ).one()
        assert section.parent is not None
        assert section.parent.name == "Ministry of Foreign Affairs of Norway"
        assert section.parent.parent is not None
        assert section.parent.parent.iso3 == "NOR"
        channel = session.get(Channel, uuid.UUID(CHANNEL_ID))
        assert channel is not None
        assert [(h.date, h.track, h.status) for h in channel.history] == [
            ("1992", "2", "active"),
            ("1993-01", "1.5", "active"),
            ("1996-05-29", "1.5", "dormant"),
        ]
        measurements = session.scalars(select(Measurement).order_by(Measurement.date)).all()
        assert [m.value for m in measurements] == [0.1, 2.0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_importing_twice_creates_no_duplicates(
    store: Store,
    fmt: str,
    tmp_path: Path,
    write_records: WriteRecords,
    snapshot: Snapshot,
) -> None:
    folder = tmp_path / "input"
    import_dataset(store, folder, fmt, write_records)
    once, exported_once = counts(store), snapshot(store, "jsonl")
    import_path(store, folder, principal=LOCAL_ADMIN)
    for kind in KINDS:  # and file by file
        import_path(store, folder / f"{kind}.{fmt}", principal=LOCAL_ADMIN)
    assert counts(store) == once
    assert snapshot(store, "jsonl") == exported_once


#: One record of each kind, none with an id.
WITHOUT_ID: dict[str, list[dict[str, Any]]] = {
    "actors": [
        {"kind": "ngo", "name": "Geneva Call", "country": "CHE", "parent": "Red Cross"},
        {"kind": "ngo", "name": "ICRC", "aliases": ["Red Cross"]},
    ],
    "memberships": [{"member": "FRA", "organisation": "Geneva Call", "since": "2001"}],
    "channels": [{"name": "A-B", "track": "1", "sector": "water", "participants": ["FRA", "DE"]}],
    "agreements": [
        {"name": "Treaty of Tests", "kind": "treaty", "status": "adopted", "parties": ["FRA"]}
    ],
    "engagements": [
        {
            "channel": "A-B",
            "kind": "relief",
            "start": "2020-02",
            "summary": "Talks",
            "follow_ups": [{"action": "Write up"}],
        }
    ],
    "objectives": [
        {
            "title": "An objective",
            "indicators": [{"name": "n", "measurements": [{"date": "2021-01-01", "value": 1}]}],
        }
    ],
}


def test_a_record_without_id_gets_the_same_id_each_time(
    tmp_path: Path,
    new_db_url: NewDbUrl,
    open_db: OpenDb,
    snapshot: Snapshot,
    write_records: WriteRecords,
) -> None:
    added: list[dict[str, set[str]]] = []
    for fmt in FORMATS:  # two databases and two formats: the ids come from the records alone
        for kind, records in WITHOUT_ID.items():
            write_records(tmp_path / fmt, kind, fmt, records)
        target = open_db(new_db_url(init=True))
        before = snapshot(target, "jsonl")
        import_path(target, tmp_path / fmt, principal=LOCAL_ADMIN)
        import_path(target, tmp_path / fmt, principal=LOCAL_ADMIN)
        after = snapshot(target, "jsonl")
        added.append(
            {
                kind: set(after[f"{kind}.jsonl"].decode().splitlines())
                - set(before[f"{kind}.jsonl"].decode().splitlines())
                for kind in WITHOUT_ID
            }
        )
    for kind, records in WITHOUT_ID.items():
        assert len(added[0][kind]) == len(records), kind
        assert added[0][kind] == added[1][kind], kind


def test_demo_world_round_trip_is_byte_identical(
    store: Store,
    tmp_path: Path,
    new_db_url: NewDbUrl,
    open_db: OpenDb,
    snapshot: Snapshot,
) -> None:
    demo = files("multitrack.demo") / "data"
    if not demo.joinpath("actors.jsonl").is_file():
        pytest.fail("the demo world's data files (actors.jsonl ...) are not there yet")
    load_demo(store)
    for fmt in FORMATS:
        (tmp_path / fmt).mkdir()
        roundtrip(store, fmt, tmp_path / fmt, lambda: schema_only(open_db(new_db_url())), snapshot)
