"""Property tests of the exchange format (SQLite only; bounded: about 50-100 examples each).

(a) Actor records with awkward text (commas, quotes, semicolons, line breaks, spaces at the ends,
    any Unicode) written by the exporter's writers and read back are the same records.
(b) Any bytes, any text, any JSON given to ``read_records`` either parse or are refused with
    ImportFileError: never another exception.
(c) import -> export -> import -> export of generated datasets is a fixed point.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from multitrack.errors import ImportFileError
from multitrack.exchange.exporter import export_all, write_csv, write_jsonl
from multitrack.exchange.importer import import_path
from multitrack.exchange.reader import read_records
from multitrack.exchange.records import KINDS, RECORDS, ActorRecord
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.store import open_store
from multitrack.store.migrate import upgrade
from multitrack.taxonomy import load_taxonomy

BOUNDED = settings(
    max_examples=80,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text as people and other tools write it: the CSV and JSON specials, every kind of line break
# (including the ones str.splitlines() knows and JSON leaves unescaped), spaces, any Unicode.
SPECIALS = ",;\"'\n\r\t []{}\\\u2028\u2029\x85\x0b\x0c\x1c\x1e\u00a0\ufeff"
CHARS = st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8", exclude_characters="\0"))
TEXT = st.text(CHARS, max_size=24)
SOME_TEXT = TEXT.filter(lambda t: t.strip() != "")
ACTOR_KINDS = ["ngo", "igo", "company", "academia", "media", "individual", "armed_group"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


# --------------------------------------------------------------------------------------------
# (a) records survive the writers and the reader


@st.composite
def actor_records(draw: st.DrawFn) -> ActorRecord:
    raw: dict[str, Any] = {
        "id": draw(st.none() | st.uuids().map(str)),
        "kind": draw(st.sampled_from(ACTOR_KINDS)),
        "name": draw(SOME_TEXT),
        "aliases": draw(st.lists(SOME_TEXT, max_size=3)),
        "iso3": draw(st.none() | st.sampled_from(["NOR", "CHE"])),
        "cameo_code": draw(st.none() | st.text("ABCXYZ", min_size=1, max_size=6)),
        "cow_code": draw(st.none() | st.integers(0, 2**31 - 1)),
        "country": draw(st.none() | TEXT),
        "parent": draw(st.none() | SOME_TEXT),
        "description": draw(st.none() | TEXT),
        "source": draw(st.none() | TEXT),
    }
    return ActorRecord.model_validate(raw)


@BOUNDED
@given(
    records=st.lists(actor_records(), min_size=1, max_size=4), fmt=st.sampled_from(["jsonl", "csv"])
)
def test_actor_records_survive_writing_and_reading(
    records: list[ActorRecord], fmt: str, workdir: Path
) -> None:
    path = workdir / f"actors.{fmt}"
    rows = iter([record.model_dump() for record in records])
    written = write_jsonl(path, rows) if fmt == "jsonl" else write_csv(path, "actors", rows)
    assert written == len(records)
    read = read_records(path, kind="actors")
    assert [row.record for row in read] == records
    if fmt == "jsonl":  # one record a line, whatever its text holds
        assert [row.line for row in read] == list(range(1, len(records) + 1))


# --------------------------------------------------------------------------------------------
# (b) anything is read or refused with ImportFileError


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def near_valid_content(draw: st.DrawFn, kind: str, fmt: str) -> bytes:
    """Files that get past the first checks: the kind's field names, values of any JSON type."""
    fields = list(RECORDS[kind].model_fields)
    keys = st.sampled_from(fields) | TEXT
    records = draw(st.lists(st.dictionaries(keys, JSON_VALUES, max_size=6), max_size=4))
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    columns = draw(st.lists(keys, min_size=1, max_size=6, unique=True))
    lines = [",".join(json.dumps(c) for c in columns)]
    for record in records:
        cells = [json.dumps(json.dumps(record.get(c)) if c in record else "") for c in columns]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


@st.composite
def any_content(draw: st.DrawFn) -> tuple[str, str, bytes]:
    kind = draw(st.sampled_from(KINDS))
    fmt = draw(st.sampled_from(["jsonl", "csv"]))
    content = draw(
        st.one_of(
            st.binary(max_size=200),
            TEXT.map(str.encode),
            st.lists(TEXT, max_size=5).map(lambda ls: "\n".join(ls).encode()),
            near_valid_content(kind, fmt),
        )
    )
    return kind, fmt, content


@BOUNDED
@given(case=any_content())
@example(case=("actors", "jsonl", b"[" * 100_000))
@example(case=("actors", "csv", b"kind,name,aliases\nngo,A," + b"[" * 100_000 + b"\n"))
@example(
    case=("actors", "jsonl", b'{"kind": "ngo", "name": "A", "cow_code": ' + b"9" * 5000 + b"}")
)
@example(case=("actors", "csv", b'kind,name,aliases\nngo,A,"[' + b"1" * 5000 + b']"\n'))
@example(case=("actors", "csv", b'kind,name\nngo,"A\0B"\n'))
@example(
    case=("objectives", "jsonl", b'{"title": "t", "indicators": [{"name": "n", "baseline": NaN}]}')
)
@example(case=("channels", "csv", b"\xef\xbb\xbfname\n\n\n"))
@example(case=("terms", "csv", b""))
@example(case=("terms", "jsonl", b"\xff\xfe"))
def test_anything_is_read_or_refused_cleanly(case: tuple[str, str, bytes], workdir: Path) -> None:
    kind, fmt, content = case
    path = workdir / f"{kind}.{fmt}"
    path.write_bytes(content)
    try:
        rows = read_records(path, kind=kind)
    except ImportFileError as error:
        refused: ImportFileError | None = error
    else:
        refused = None
        assert all(isinstance(row.record, RECORDS[kind]) for row in rows)
    if refused is not None:
        assert refused.path == str(path)
        assert refused.problems
        assert all(p.line >= 1 for p in refused.problems)
        assert str(refused).startswith(f"{path}:")


# --------------------------------------------------------------------------------------------
# (c) import -> export -> import -> export is a fixed point

TAX = load_taxonomy()
PARTIAL_DATES = (
    st.dates()
    .map(lambda d: d.isoformat())
    .flatmap(lambda iso: st.sampled_from([iso, iso[:7], iso[:4]]))
    .filter(lambda d: d >= "1000")
)
FULL_DATES = st.dates(min_value=date(1000, 1, 1)).map(lambda d: d.isoformat())
FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def named(text: str, marker: str) -> str:
    """A generated name made unique by its last word (names match with punctuation folded)."""
    return f"{text} {marker}"


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(2, 4))
    actors: list[dict[str, Any]] = []
    refs: list[str] = []  # how other records name actor i
    for i in range(n):
        actor: dict[str, Any] = {
            "kind": draw(st.sampled_from(ACTOR_KINDS)),
            "name": named(draw(TEXT), f"n{i}"),
            "aliases": [named(draw(TEXT), f"a{i}x{j}") for j in range(draw(st.integers(0, 2)))],
            "description": draw(st.none() | TEXT),
            "country": draw(st.none() | st.sampled_from(["NOR", "Switzerland", "Türkiye"])),
            "source": draw(st.none() | TEXT),
        }
        if draw(st.booleans()):
            actor["id"] = str(draw(st.uuids()))
        if i and draw(st.booleans()):
            actor["parent"] = refs[draw(st.integers(0, i - 1))]
        actors.append(actor)
        names = [actor["name"], *actor["aliases"]]
        refs.append(draw(st.sampled_from([*names, actor["id"]] if "id" in actor else names)))
    actor_refs = st.sampled_from(refs)
    distinct_refs = st.lists(st.integers(0, n - 1), unique=True, min_size=2, max_size=n).map(
        lambda idx: [refs[i] for i in idx]
    )

    memberships = []
    for _ in range(draw(st.integers(0, 3))):
        member, organisation = draw(
            st.lists(st.integers(0, n - 1), unique=True, min_size=2, max_size=2)
        )
        since, until = sorted(draw(st.lists(PARTIAL_DATES, min_size=2, max_size=2)))
        memberships.append(
            {
                "member": refs[member],
                "organisation": refs[organisation],
                "role": draw(st.sampled_from(TAX.membership_roles.ids)),
                "since": draw(st.none() | st.just(since)),
                "until": draw(st.none() | st.just(until)) if until > since else None,
                "note": draw(st.none() | TEXT),
            }
        )

    channels = []
    for k in range(draw(st.integers(0, 2))):
        dates = sorted(draw(st.lists(PARTIAL_DATES, unique=True, max_size=3)))
        history = [
            {
                "date": date,
                "track": draw(st.sampled_from(TAX.tracks.ids)),
                "status": draw(st.sampled_from(TAX.channel_statuses.ids)),
                "note": draw(st.none() | TEXT),
            }
            for date in dates
        ]
        channels.append(
            {
                "name": named(draw(TEXT), f"c{k}"),
                "track": history[-1]["track"] if history else draw(st.sampled_from(TAX.tracks.ids)),
                "sector": draw(st.sampled_from(TAX.sectors.ids)),
                "status": history[-1]["status"] if history else "active",
                "started": draw(st.none() | PARTIAL_DATES),
                "participants": [
                    {"actor": ref, "role": draw(st.none() | TEXT)} for ref in draw(distinct_refs)
                ],
                "history": history,
                "description": draw(st.none() | TEXT),
            }
        )

    agreements = []
    for k in range(draw(st.integers(0, 2))):
        actions = draw(
            st.lists(
                st.tuples(
                    st.integers(0, n - 1), st.sampled_from(TAX.agreement_actions.ids), PARTIAL_DATES
                ),
                unique=True,
                max_size=3,
            )
        )
        agreements.append(
            {
                "name": named(draw(TEXT), f"g{k}"),
                "kind": draw(st.sampled_from(TAX.agreement_kinds.ids)),
                "status": draw(st.sampled_from(TAX.agreement_statuses.ids)),
                "adopted": draw(st.none() | PARTIAL_DATES),
                "parties": [
                    {"actor": ref, "role": draw(st.none() | st.text("abc", min_size=1, max_size=8))}
                    for ref in draw(distinct_refs)
                ],
                "actions": [
                    {
                        "actor": refs[a],
                        "action": action,
                        "date": date,
                        "note": draw(st.none() | TEXT),
                    }
                    for a, action, date in actions
                ],
                "obligations": draw(st.lists(SOME_TEXT, max_size=2)),
                "summary": draw(st.none() | TEXT),
            }
        )

    engagements = []
    for k in range(draw(st.integers(0, 3)) if channels else 0):
        start, end = sorted(draw(st.lists(PARTIAL_DATES, min_size=2, max_size=2)))
        engagements.append(
            {
                "channel": draw(st.sampled_from([c["name"] for c in channels])),
                "kind": draw(st.sampled_from(TAX.engagement_kinds.ids)),
                "start": start,
                "end": draw(st.none() | st.just(end)),
                "place": draw(st.none() | TEXT),
                "participants": draw(st.lists(actor_refs, unique=True, max_size=2)),
                "summary": named(draw(TEXT), f"s{k}"),
                "follow_ups": [
                    {
                        "action": draw(SOME_TEXT),
                        "due": draw(st.none() | FULL_DATES),
                        "done": draw(st.booleans()),
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
            }
        )

    objectives = []
    for k in range(draw(st.integers(0, 2))):
        objectives.append(
            {
                "title": named(draw(TEXT), f"o{k}"),
                "description": draw(st.none() | TEXT),
                "actor": draw(st.none() | actor_refs),
                "channel": draw(st.none() | st.sampled_from([c["name"] for c in channels]))
                if channels
                else None,
                "agreement": draw(st.none() | st.sampled_from([a["name"] for a in agreements]))
                if agreements
                else None,
                "target_date": draw(st.none() | FULL_DATES),
                "indicators": [
                    {
                        "name": named(draw(TEXT), f"i{j}"),
                        "unit": draw(st.none() | st.text("%$€ab", max_size=5)),
                        "baseline": draw(st.none() | FLOATS),
                        "target": draw(st.none() | FLOATS),
                        "measurements": [
                            {
                                "date": draw(FULL_DATES),
                                "value": draw(FLOATS),
                                "note": draw(st.none() | TEXT),
                            }
                            for _ in range(draw(st.integers(0, 2)))
                        ],
                    }
                    for j in range(draw(st.integers(0, 2)))
                ],
            }
        )

    terms = [
        {
            "vocabulary": "sectors",
            "id": f"custom_{k}",
            "name": named(draw(TEXT), f"t{k}"),
            "parent": draw(st.sampled_from([None, "security"])),
            "description": "A sector of our own.",
            "source": "Generated",
        }
        for k in range(draw(st.integers(0, 1)))
    ]
    order = draw(st.permutations(range(n)))  # a parent may come after its child in the file
    return {
        "terms": terms,
        "actors": [actors[i] for i in order],
        "memberships": memberships,
        "channels": channels,
        "agreements": agreements,
        "engagements": engagements,
        "objectives": objectives,
    }


@pytest.fixture(scope="module")
def schema_only_db(workdir: Path) -> Path:
    """A SQLite file holding Multitrack's schema and no rows (no countries: they are slow)."""
    path = workdir / "schema.db"
    store = open_store(f"sqlite:///{path}")
    upgrade(store.engine)
    store.dispose()
    return path


def _export(url: str, folder: Path, fmt: str) -> dict[str, bytes]:
    store = open_store(url)
    try:
        export_all(store, folder, fmt=fmt, principal=LOCAL_ADMIN)
    finally:
        store.dispose()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _import(url: str, folder: Path) -> None:
    store = open_store(url)
    try:
        import_path(store, folder, principal=LOCAL_ADMIN)
    finally:
        store.dispose()


@settings(BOUNDED, max_examples=50)
@given(
    dataset=datasets(),
    source_fmt=st.sampled_from(["jsonl", "csv"]),
    export_fmt=st.sampled_from(["jsonl", "csv"]),
)
def test_import_export_is_a_fixed_point(
    dataset: dict[str, list[dict[str, Any]]],
    source_fmt: str,
    export_fmt: str,
    schema_only_db: Path,
) -> None:
    with tempfile.TemporaryDirectory() as scratch_dir:  # one per example, not per test
        scratch = Path(scratch_dir)
        urls = []
        for name in ("one.db", "two.db"):
            shutil.copyfile(schema_only_db, scratch / name)
            urls.append(f"sqlite:///{scratch / name}")
        source = scratch / "source"
        source.mkdir()
        for kind, records in dataset.items():
            path = source / f"{kind}.{source_fmt}"
            rows = iter([{k: v for k, v in r.items() if v is not None} for r in records])
            write_jsonl(path, rows) if source_fmt == "jsonl" else write_csv(path, kind, rows)
        _import(urls[0], source)
        first = _export(urls[0], scratch / "first", export_fmt)
        _import(urls[1], scratch / "first")
        second = _export(urls[1], scratch / "second", export_fmt)
        assert second == first
        exported = read_records(scratch / "first" / f"actors.{export_fmt}", kind="actors")
        assert len(exported) == len(dataset["actors"])
