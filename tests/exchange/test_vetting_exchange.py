"""Vetting records in the exchange format: import, export and re-import on both backends, the
labels they carry, and the refusals (whole file, with line and field)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from multitrack.errors import ImportFileError
from multitrack.exchange.importer import import_path
from multitrack.security.accounts import add_organisation
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.vetting import list_vetting
from multitrack.store import Store
from multitrack.store.migrate import upgrade
from tests.exchange.conftest import Snapshot, WriteRecords

UNIT = {"kind": "state_organ", "name": "Coastal Brigade", "country": "NOR", "parent": "NOR"}
RECORDS = [
    {
        "subject": "Coastal Brigade",
        "status": "flagged",
        "date": "2024-03-01",
        "notes": 'Finding, with a comma, and "quotes"',
        "source": "https://example.org/finding",
        "classification": "RESTRICTED",
        "owner": "Desk",
        "releasable_to": ["Partner"],
    },
    {"subject": "NOR", "status": "cleared", "date": "2023-12-31"},
    {"subject": "Coastal Brigade", "status": "pending", "date": "2024-01-15"},
]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_vetting_round_trip(
    fmt: str,
    store: Store,
    new_db_url: Callable[..., str],
    open_db: Callable[[str], Store],
    write_records: WriteRecords,
    snapshot: Callable[[Store, str], Snapshot],
    tmp_path: Path,
) -> None:
    with store.session(LOCAL_ADMIN) as s:
        for name in ("Desk", "Partner"):
            add_organisation(s, name)
    write_records(tmp_path / "in", "actors", fmt, [UNIT])
    write_records(tmp_path / "in", "vetting", fmt, RECORDS)
    report = import_path(store, tmp_path / "in", principal=LOCAL_ADMIN)
    assert report.counts["vetting"] == 3
    first = snapshot(store, fmt)
    rows = [json.loads(x) for x in snapshot(store, "jsonl")["vetting.jsonl"].splitlines()]
    flagged = next(r for r in rows if r["status"] == "flagged")
    assert (flagged["classification"], flagged["owner"], flagged["releasable_to"]) == (
        "RESTRICTED",
        "Desk",
        ["Partner"],
    )
    assert flagged["notes"] == RECORDS[0]["notes"]

    import_path(store, tmp_path / "in", principal=LOCAL_ADMIN)  # again: nothing new
    assert snapshot(store, fmt) == first

    (tmp_path / "out").mkdir()
    for name, data in first.items():
        (tmp_path / "out" / name).write_bytes(data)
    other = open_db(new_db_url())
    upgrade(other.engine)
    import_path(other, tmp_path / "out", principal=LOCAL_ADMIN)
    assert snapshot(other, fmt) == first


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"subject": "NOR", "status": "suspect", "date": "2024-01-01"}, "status"),
        ({"subject": "NOR", "status": "cleared", "date": "2024-13-01"}, "date"),
        ({"subject": "NOR", "status": "cleared", "date": "2024"}, "date"),
        ({"subject": "Nobody at all", "status": "cleared", "date": "2024-01-01"}, "subject"),
        ({"status": "cleared", "date": "2024-01-01"}, "subject"),
    ],
)
def test_a_bad_vetting_record_refuses_the_whole_file(
    record: dict[str, str], field: str, store: Store, write_records: WriteRecords, tmp_path: Path
) -> None:
    good = {"subject": "NOR", "status": "pending", "date": "2024-01-01"}
    path = write_records(tmp_path, "vetting", "jsonl", [good, record])
    with pytest.raises(ImportFileError) as refused:
        import_path(store, path, principal=LOCAL_ADMIN)
    problem = refused.value.problems[0]
    assert (problem.line, problem.field) == (2, field)
    with store.session(LOCAL_ADMIN) as s:
        assert list_vetting(s) == []
