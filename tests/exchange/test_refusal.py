"""A malformed file is refused whole: the error names file, line and field; nothing lands.

Each case is one file with one problem at a known line. The database is checked by comparing
its full export before and after (on both backends). The same files go through the CLI, which
must exit non-zero with one line on stderr naming file:line and field, and no traceback.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.errors import ImportFileError
from multitrack.exchange.importer import import_path
from multitrack.exchange.records import RECORDS
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.store import Store, open_store

Snapshot = Callable[[Store, str], dict[str, bytes]]
WriteRecords = Callable[[Path, str, str, Sequence[Mapping[str, Any]]], Path]

# --------------------------------------------------------------------------------------------
# Building file contents


def jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def csv_rows(kind: str, *records: dict[str, Any], header: Sequence[str] | None = None) -> str:
    """A CSV file of ``kind``: the given header (default: every column) and records."""
    columns = list(header or RECORDS[kind].model_fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(
            [
                json.dumps(v) if isinstance(v, list) else "" if v is None else str(v)
                for v in (record.get(c) for c in columns)
            ]
        )
    return buffer.getvalue()


# Records that import cleanly into the base database (below).
ACTOR = {"kind": "ngo", "name": "Peace Works", "country": "NOR"}
MEMBER = {"member": "SWE", "organisation": "Alpha Group", "since": "2001"}
CHANNEL = {"name": "New channel", "track": "2", "sector": "water", "participants": ["NOR", "SWE"]}
ENGAGEMENT = {"channel": "Existing channel", "kind": "relief", "start": "2020", "summary": "Talks"}

GOOD_ACTORS = [{"kind": "ngo", "name": f"Good NGO {i}", "parent": "Alpha Group"} for i in range(50)]
GOOD_MEMBERS = [
    {"member": "Alpha Group", "organisation": "Existing org", "since": str(1950 + i)}
    for i in range(50)
]


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # its name tells kind and format
    content: str | bytes
    line: int
    field: str | None
    says: str  # a fragment of the message
    good: str | None = None  # the same file without its bad row, for cases that have one


CASES = [
    Case(
        "bad date",
        "memberships.jsonl",
        jsonl(MEMBER, {**MEMBER, "since": "2002"}, {**MEMBER, "since": "2021-02-30"}),
        line=3,
        field="since",
        says="invalid date '2021-02-30'",
    ),
    Case(
        "bad date in a nested item",
        "channels.jsonl",
        jsonl(
            CHANNEL,
            {
                **CHANNEL,
                "name": "Other",
                "history": [
                    {"date": "2001", "track": "1", "status": "active"},
                    {"date": "2001-13", "track": "2", "status": "active"},
                ],
            },
        ),
        line=2,
        field="history.1.date",
        says="invalid date '2001-13'",
    ),
    Case(
        "bad full date in CSV JSON cell",
        "engagements.csv",
        csv_rows(
            "engagements",
            ENGAGEMENT,
            {**ENGAGEMENT, "follow_ups": [{"action": "x", "due": "2020-05"}]},
        ),
        line=3,
        field="follow_ups.0.due",
        says="expected YYYY-MM-DD",
    ),
    Case(
        "unknown track",
        "channels.jsonl",
        jsonl(CHANNEL, {**CHANNEL, "name": "B"}, {**CHANNEL, "name": "C", "track": "11"}),
        line=3,
        field="track",
        says="11",
    ),
    Case(
        "unknown engagement kind",
        "engagements.csv",
        csv_rows("engagements", ENGAGEMENT, {**ENGAGEMENT, "kind": "tea_party"}),
        line=3,
        field="kind",
        says="tea_party",
    ),
    Case(
        "unknown actor reference",
        "memberships.jsonl",
        jsonl(MEMBER, {**MEMBER, "member": "Atlantis Federation", "since": "1999"}),
        line=2,
        field="member",
        says="Atlantis Federation",
    ),
    Case(
        "ambiguous actor reference",
        "memberships.csv",
        csv_rows(
            "memberships",
            MEMBER,
            MEMBER | {"since": "1990"},
            {**MEMBER, "organisation": "The Twins"},
        ),
        line=4,
        field="organisation",
        says="matches 2 actors",
    ),
    Case(
        "ambiguous reference in a nested list",
        "channels.jsonl",
        jsonl({**CHANNEL, "participants": ["NOR", "SWE", {"actor": "the twins", "role": "host"}]}),
        line=1,
        field="participants.2",
        says="matches 2 actors",
    ),
    Case(
        "missing CSV column",
        "actors.csv",
        csv_rows("actors", {"kind": "ngo"}, header=["kind", "country"]),
        line=1,
        field="name",
        says="missing column",
    ),
    Case(
        "unknown CSV column",
        "actors.csv",
        csv_rows("actors", ACTOR, header=["kind", "name", "nickname"]),
        line=1,
        field="nickname",
        says="unknown column",
    ),
    Case(
        "latin-1 bytes in CSV",
        "actors.csv",
        "kind,name\nngo,Peace Works\nngo,Café Diplomacy\n".encode("latin-1"),
        line=3,
        field=None,
        says="not UTF-8",
    ),
    Case(
        "latin-1 bytes in JSONL",
        "actors.jsonl",
        (jsonl(ACTOR) + jsonl({"kind": "ngo", "name": "Société"})).encode("latin-1"),
        line=2,
        field=None,
        says="not UTF-8",
    ),
    Case(
        "truncated JSONL line",
        "actors.jsonl",
        jsonl(ACTOR, {**ACTOR, "name": "B"}) + '{"kind": "ngo", "name": "Cu',
        line=3,
        field=None,
        says="not valid JSON",
    ),
    Case(
        "truncated JSONL line in the middle",
        "memberships.jsonl",
        jsonl(MEMBER) + '{"member": "SWE", "organisation": "Alpha\n' + jsonl(MEMBER),
        line=2,
        field=None,
        says="not valid JSON",
    ),
    Case(
        "truncated CSV row",
        "memberships.csv",
        "member,organisation,since\nSWE,Alpha Group,2001\nSWE,Alpha Group,2002\nSWE,Alpha\n",
        line=4,
        field=None,
        says="expected 3 fields, found 2",
    ),
    Case(
        "unterminated CSV quote",
        "actors.csv",
        'kind,name,description\nngo,Peace Works,fine\nngo,"Open quote,never closed\nngo,B,c\n',
        line=3,
        field=None,
        says="unreadable CSV",
    ),
    Case(
        "an integer too long to read",
        "actors.jsonl",
        jsonl(ACTOR) + '{"kind": "ngo", "name": "Big", "cow_code": ' + "9" * 5000 + "}\n",
        line=2,
        field=None,
        says="not valid JSON",
    ),
    Case(
        "JSON nested too deep",
        "actors.csv",
        csv_rows("actors", ACTOR, {**ACTOR, "name": "Deep", "aliases": "[" * 100_000}),
        line=3,
        field="aliases",
        says="not valid JSON",
    ),
    Case(
        "a number out of the database's range",
        "actors.jsonl",
        jsonl(ACTOR, {**ACTOR, "name": "Big", "cow_code": 2**40}),
        line=2,
        field="cow_code",
        says="less than or equal to",
    ),
    Case(
        "a NUL character (PostgreSQL cannot store it)",
        "actors.jsonl",
        jsonl(ACTOR, {**ACTOR, "name": "Nul", "description": "before\u0000after"}),
        line=2,
        field="description",
        says="NUL",
    ),
    Case(
        "a NUL character in a nested list",
        "channels.csv",
        csv_rows("channels", CHANNEL, {**CHANNEL, "participants": ["NOR", "SWE\u0000"]}),
        line=3,
        field="participants",
        says="NUL",
    ),
    Case(
        "NaN as a measurement (SQLite would keep NULL)",
        "objectives.jsonl",
        '{"title": "T", "indicators": [{"name": "n", "measurements": '
        '[{"date": "2020-01-01", "value": NaN}]}]}\n',
        line=1,
        field="indicators.0.measurements.0.value",
        says="finite number",
    ),
    Case(
        "a name longer than the database keeps",
        "channels.jsonl",
        jsonl(CHANNEL, {**CHANNEL, "name": "x" * 301}),
        line=2,
        field="name",
        says="at most 300 characters",
    ),
    Case(
        "an alias longer than the database keeps",
        "actors.csv",
        csv_rows("actors", ACTOR, {**ACTOR, "aliases": ["ok", "y" * 301]}),
        line=3,
        field="aliases.1",
        says="at most 300 characters",
    ),
    Case(
        "a record the database refuses (a second actor with ISO3 NOR)",
        "actors.jsonl",
        jsonl(
            ACTOR,
            {
                "id": "d2f1c7a0-1b8e-4c1e-9a55-2f1d3c4b5a69",
                "kind": "state",
                "name": "N2",
                "iso3": "NOR",
            },
        ),
        line=2,
        field=None,
        says="the database refused it",
    ),
    Case(
        "a channel with one participant",
        "channels.jsonl",
        jsonl(CHANNEL, {**CHANNEL, "name": "Solo", "participants": ["NOR"]}),
        line=2,
        field="participants",
        says="at least 2 items",
    ),
    Case(
        "a channel with one participant named twice",
        "channels.csv",
        csv_rows("channels", CHANNEL, {**CHANNEL, "name": "Solo", "participants": "NOR; Norway"}),
        line=3,
        field="participants",
        says="two or more distinct participants",
    ),
    Case(
        "until before since",
        "memberships.csv",
        csv_rows("memberships", MEMBER, {**MEMBER, "since": "2010-05", "until": "2009-12-31"}),
        line=3,
        field="until",
        says="is before since 2010-05",
    ),
    Case(
        "line numbers count the lines of multi-line cells",
        "actors.csv",
        csv_rows("actors", {**ACTOR, "description": "one\ntwo\nthree"}, {**ACTOR, "kind": "club"}),
        line=5,
        field="kind",
        says="club",
    ),
    Case(
        "50 good rows, then an unknown parent (JSONL)",
        "actors.jsonl",
        jsonl(*GOOD_ACTORS, {"kind": "ngo", "name": "Orphan", "parent": "Nobody at all"}),
        line=51,
        field="parent",
        says="Nobody at all",
        good=jsonl(*GOOD_ACTORS),
    ),
    Case(
        "50 good rows, then until before since (CSV)",
        "memberships.csv",
        csv_rows("memberships", *GOOD_MEMBERS, {**MEMBER, "since": "2001", "until": "2000"}),
        line=52,
        field="until",
        says="is before since 2001",
        good=csv_rows("memberships", *GOOD_MEMBERS),
    ),
    Case(
        "50 good rows, then a bad date (CSV)",
        "memberships.csv",
        csv_rows("memberships", *GOOD_MEMBERS, {**MEMBER, "since": "20O1"}),
        line=52,
        field="since",
        says="invalid date",
        good=csv_rows("memberships", *GOOD_MEMBERS),
    ),
]

BASE = {
    "actors": [
        {"kind": "ngo", "name": "Alpha Group", "aliases": ["The Twins"]},
        {"kind": "ngo", "name": "Alpha Guild", "aliases": ["The Twins"]},
        {"kind": "igo", "name": "Existing org"},
    ],
    "memberships": [{"member": "NOR", "organisation": "Existing org", "since": "1990"}],
    "channels": [
        {"name": "Existing channel", "track": "1", "sector": "water", "participants": ["NOR", "SE"]}
    ],
}


@dataclass
class Base:
    store: Store
    export: dict[str, bytes]  # its full export (jsonl), as every refused file must leave it
    intact: bool = True  # False while a case runs; set again when the case proved it


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def shared_base(
    request: pytest.FixtureRequest,
    databases: Any,
    snapshot: Snapshot,
    write_records: WriteRecords,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[], Base]]:
    """One initialised database per backend with a few records of its own (two actors share an
    alias), shared by the refusal cases: each case proves it leaves the database as it was. After
    a case that failed (and may have changed it), the next case gets a new one.
    """
    made: list[tuple[str, Base]] = []

    def current() -> Base:
        if made and made[-1][1].intact:
            return made[-1][1]
        url: str = databases.new(request.param, request, init=True)
        store = open_store(url)
        folder = tmp_path_factory.mktemp("base")
        for kind, records in BASE.items():
            write_records(folder, kind, "jsonl", records)
        import_path(store, folder, principal=LOCAL_ADMIN)
        made.append((url, Base(store, snapshot(store, "jsonl"))))
        return made[-1][1]

    yield current
    for url, base in made:
        base.store.dispose()
        databases.drop(url)


@pytest.fixture
def base(shared_base: Callable[[], Base]) -> Base:
    shared = shared_base()
    shared.intact = False
    return shared


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_bad_file_is_refused_whole(
    case: Case, base: Base, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = write(tmp_path / "in", case.file, case.content)

    with pytest.raises(ImportFileError) as caught:
        import_path(base.store, path, principal=LOCAL_ADMIN)
    error = caught.value
    assert error.path == str(path)
    first = error.problems[0]
    assert (first.line, first.field) == (case.line, case.field), str(error)
    assert case.says in first.message
    assert len(error.problems) == 1, "exactly one problem in the file"
    assert str(error).startswith(f"{path}:{case.line}:")
    if case.field:
        assert f"field {case.field!r}" in str(error)
    assert snapshot(base.store, "jsonl") == base.export

    result = CliRunner().invoke(app, ["--db", base.store.url, "import", str(path)])
    assert result.exit_code == ImportFileError.exit_code  # not 0, and not a crash (1)
    assert f"{path}:{case.line}:" in result.stderr
    if case.field:
        assert f"field {case.field!r}" in result.stderr
    assert case.says in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(base.store, "jsonl") == base.export
    base.intact = True


@pytest.mark.parametrize("case", [c for c in CASES if c.good], ids=lambda case: case.id)
def test_without_the_bad_row_the_good_rows_land(
    case: Case, store: Store, tmp_path: Path, snapshot: Snapshot
) -> None:
    """The control of the 50-row cases above: their good rows alone do change the database."""
    assert case.good is not None
    for kind, records in BASE.items():
        (tmp_path / "base").mkdir(exist_ok=True)
        write(tmp_path / "base", f"{kind}.jsonl", jsonl(*records))
    import_path(store, tmp_path / "base", principal=LOCAL_ADMIN)
    before = snapshot(store, "jsonl")
    report = import_path(store, write(tmp_path / "in", case.file, case.good), principal=LOCAL_ADMIN)
    assert sum(report.counts.values()) == 50
    assert snapshot(store, "jsonl") != before
