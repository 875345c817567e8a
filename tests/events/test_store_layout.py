"""The stored layout ingest writes for fast queries: sorted row groups, the uniqueness manifest,
and the fast path's agreement with the staged path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from multitrack.events.engines import connect
from multitrack.events.formats.gdelt import GDELT2_EXPORT, GdeltFormat
from multitrack.events.ingest import ingest_file
from multitrack.events.parties import Party
from multitrack.events.pipeline import FilePipeline
from multitrack.events.relations import dyad_series, dyad_table
from multitrack.events.schema import COLUMNS
from multitrack.events.store import EventStore
from tests.events.ingest_data import GDELT2_FILES


def test_compact_sorts_each_month_into_one_file(shared_data: Path, tmp_path: Path) -> None:
    for name in GDELT2_FILES:
        ingest_file(shared_data / "gdelt2" / name, events_dir=tmp_path)
    store = EventStore(tmp_path)
    con = store.connect()
    before = con.execute("SELECT * FROM events ORDER BY ALL").fetchall()
    months = {f"month={m}" for (m,) in con.execute("SELECT DISTINCT month FROM events").fetchall()}
    assert [p.parent.name for p in store.files()] == ["gdelt2"] * len(GDELT2_FILES)  # incoming
    done = store.compact()
    assert sum(c.rows for c in done) == len(before)
    assert store.is_unique()
    assert store.incoming_files() == []
    assert {p.parent.name for p in store.files()} == months
    assert all(p.name == "compacted-0.parquet" for p in store.files())
    assert store.connect().execute("SELECT * FROM events ORDER BY ALL").fetchall() == before
    assert store.compact() == []  # nothing left to do
    ingest_file(shared_data / "gdelt2" / GDELT2_FILES[0], events_dir=tmp_path)  # adds nothing
    assert store.connect().execute("SELECT count(*) FROM events").fetchone() == (len(before),)
    for part in store.files():
        table = pq.read_table(part, columns=["source_country", "target_country", "date"])
        keys = [
            (s or "\uffff", t or "\uffff", d)
            for s, t, d in zip(*(c.to_pylist() for c in table.columns), strict=True)
        ]
        assert keys == sorted(keys)


def test_ingested_store_is_unique_and_queries_agree(shared_data: Path, tmp_path: Path) -> None:
    for name in GDELT2_FILES:
        ingest_file(shared_data / "gdelt2" / name, events_dir=tmp_path)
    store = EventStore(tmp_path)
    assert store.is_unique()
    source = connect("duckdb", store.events_path)
    assert source.unique
    usa, isr = Party.state("USA"), Party.state("ISR")
    fast = dyad_series(source.events, usa, isr, "month", unique=True)
    safe = dyad_series(source.events, usa, isr, "month")
    assert fast == safe
    assert fast.rows

    def rounded(unique: bool) -> list[tuple[object, ...]]:
        rows = dyad_table(source.events, by="month", unique=unique).to_pyarrow().to_pylist()
        return sorted(
            tuple(round(v, 6) if isinstance(v, float) else v for v in row.values()) for row in rows
        )

    assert rounded(True) == rounded(False)
    # a file put in the store by hand: no longer known unique
    first = store.files()[0]
    shutil.copy(first, first.with_name("by-hand.parquet"))
    assert not store.is_unique()
    assert not connect("duckdb", store.events_path).unique


def test_fast_path_and_staged_path_store_the_same_rows(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "gdelt2" / GDELT2_FILES[1]).read_text("utf-8").splitlines()
    clean = tmp_path / "clean.CSV"
    clean.write_text("\n".join(lines) + "\n", "utf-8")
    blank = tmp_path / "blank.CSV"  # one blank line at the end sends it down the staged path
    blank.write_text("\n".join(lines) + "\n\n", "utf-8")
    a = ingest_file(clean, events_dir=tmp_path / "a")
    b = ingest_file(blank, events_dir=tmp_path / "b")
    assert (a.rows_stored, b.rows_stored, b.rows_quarantined) == (len(lines), len(lines), 1)

    def rows(root: Path) -> list[tuple[object, ...]]:
        con = EventStore(root).connect()
        return con.execute("SELECT * EXCLUDE (file) FROM events ORDER BY ALL").fetchall()

    assert rows(tmp_path / "a") == rows(tmp_path / "b")


def _all_rows(root: Path) -> list[tuple[object, ...]]:
    con = EventStore(root).connect()
    return con.execute("SELECT * FROM events ORDER BY ALL").fetchall()


def test_ingest_writes_one_file_and_compaction_splits_it_by_month(
    shared_data: Path, tmp_path: Path
) -> None:
    first = shared_data / "gdelt2" / GDELT2_FILES[0]
    second = tmp_path / "second.CSV"  # the same months, other event ids
    second.write_text(
        "".join("9" + line for line in first.read_text("utf-8").splitlines(keepends=True)),
        "utf-8",
    )
    report = ingest_file(first, events_dir=tmp_path)
    store = EventStore(tmp_path)
    [written] = store.files()
    assert written == store.incoming_path / "gdelt2" / "20151027220000.export-0.parquet"
    table = pq.read_table(written)
    assert table.num_rows == report.rows_stored
    assert "month" not in table.column_names  # readers derive it from the date
    [month] = EventStore(tmp_path).connect().execute(
        "SELECT count(*) FILTER (WHERE month <> strftime(date, '%Y-%m')) FROM events"
    ).fetchone() or (None,)
    assert month == 0
    assert table.column("line").to_pylist() == list(range(1, report.rows_stored + 1))
    alone = _all_rows(tmp_path)
    done = store.compact()
    assert store.incoming_files() == []
    assert store.is_unique()
    assert sum(c.rows for c in done) == report.rows_stored
    assert _all_rows(tmp_path) == alone
    # a second file: incoming beside compacted months, read together, merged by compaction
    ingest_file(second, events_dir=tmp_path)
    assert len(store.incoming_files()) == 1
    both = _all_rows(tmp_path)
    assert len(both) == 2 * len(alone)
    months_before = {p.parent.name for p in store.month_files()}
    done = store.compact()
    assert store.incoming_files() == []
    assert store.is_unique()
    assert _all_rows(tmp_path) == both
    merged = [c for c in done if c.folder.rsplit("/", 1)[-1] in months_before]
    assert len(merged) == len(months_before)
    assert all(c.files == 2 for c in merged)  # the old compacted file and the split part
    assert len({p.parent for p in store.files()}) == len(store.files())  # one file a month
    for part in store.files():
        assert part.name.startswith("compacted-")
        keys = pq.read_table(part, columns=["source_country", "target_country", "date"])
        rows = list(zip(*(c.to_pylist() for c in keys.columns), strict=True))
        assert rows == sorted(rows, key=lambda r: (r[0] or "\uffff", r[1] or "\uffff", r[2]))
    # re-ingesting either file adds nothing, against compacted months and incoming alike
    assert ingest_file(first, events_dir=tmp_path).rows_stored == 0
    assert store.incoming_files() == []
    assert _all_rows(tmp_path) == both


@pytest.fixture
def polars_passes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each polars pass tried stood (True) or gave the file to DuckDB (False)."""
    taken: list[bool] = []
    polars_pass = FilePipeline._fast_polars

    def spy(self: FilePipeline, *args: object) -> object:
        result = polars_pass(self, *args)  # type: ignore[arg-type]
        taken.append(result is not None)
        return result

    monkeypatch.setattr(FilePipeline, "_fast_polars", spy)
    return taken


def test_polars_pass_agrees_with_duckdb_pass_on_every_real_sample(
    shared_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    polars_passes: list[bool],
) -> None:
    """Clean GDELT 2.0 files take the polars pass; DuckDB's one pass over the same files (the
    format's polars plan removed) stores exactly the same rows."""
    files = [shared_data / "gdelt2" / n for n in GDELT2_FILES]
    for path in files:
        ingest_file(path, events_dir=tmp_path / "polars")
    assert polars_passes == [True] * len(files)
    monkeypatch.setattr(GdeltFormat, "polars_plan", lambda self, layout: None)
    for path in files:
        ingest_file(path, events_dir=tmp_path / "duckdb")
    assert len(polars_passes) == len(files)  # no polars pass the second time
    assert _all_rows(tmp_path / "polars") == _all_rows(tmp_path / "duckdb")
    on_disk = []
    for name in ("polars", "duckdb"):  # the same columns and Parquet types on disk
        [columns] = {
            tuple(
                (c.name, c.physical_type, str(c.logical_type) == "String")
                for c in pq.ParquetFile(p).schema
            )
            for p in EventStore(tmp_path / name).files()
        }
        assert [c[0] for c in columns] == list(COLUMNS)
        on_disk.append(columns)
    assert on_disk[0] == on_disk[1]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("NumMentions", "1.0"),  # polars cannot read it as an integer: the pass fails
        ("GoldsteinScale", "12.5"),  # out of range: the row is quarantined
        ("SQLDATE", "2015102"),  # 7 digits: not accepted by the polars pass
        ("QuadClass", "7"),
        ("EventCode", "999"),
    ],
)
def test_a_doubtful_value_sends_the_file_to_duckdb(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str
) -> None:
    """Whatever polars would make of a value, the stored rows are those of DuckDB's path."""
    lines = (shared_data / "gdelt2" / GDELT2_FILES[0]).read_text("utf-8").splitlines()
    fields = lines[5].split("\t")
    fields[GDELT2_EXPORT.columns.index(column)] = value
    lines[5] = "\t".join(fields)
    path = tmp_path / "doubt.CSV"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    a = ingest_file(path, events_dir=tmp_path / "a")
    monkeypatch.setattr(GdeltFormat, "polars_plan", lambda self, layout: None)
    b = ingest_file(path, events_dir=tmp_path / "b")
    assert (a.rows_read, a.rows_stored, a.rows_quarantined) == (
        b.rows_read,
        b.rows_stored,
        b.rows_quarantined,
    )
    assert a.rows_read == len(lines)
    assert _all_rows(tmp_path / "a") == _all_rows(tmp_path / "b")


@pytest.mark.parametrize("repeat", [False, True])
def test_text_event_ids_are_checked_for_repeats(
    shared_data: Path, tmp_path: Path, repeat: bool
) -> None:
    """Ids that are not integers are compared as texts (no repeat: the one pass stands)."""
    lines = (shared_data / "gdelt2" / GDELT2_FILES[2]).read_text("utf-8").splitlines()
    lines = [f"id-{i}\t{line.split(chr(9), 1)[1]}" for i, line in enumerate(lines)]
    if repeat:
        lines[7] = "id-3\t" + lines[7].split("\t", 1)[1]
    path = tmp_path / "text-ids.CSV"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert report.rows_read == len(lines)
    assert (report.rows_stored, report.rows_duplicate) == (len(lines) - repeat, int(repeat))
    [line] = (
        EventStore(tmp_path / "store")
        .connect()
        .execute("SELECT line FROM events WHERE event_id = 'id-3'")
        .fetchall()
    )
    assert line == (4,)


def test_falling_integer_ids_are_counted(
    shared_data: Path, tmp_path: Path, polars_passes: list[bool]
) -> None:
    """Ids that do not rise row by row are counted (unique: the one pass stands)."""
    lines = (shared_data / "gdelt2" / GDELT2_FILES[1]).read_text("utf-8").splitlines()[::-1]
    path = tmp_path / "reversed.CSV"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert polars_passes == [True]
    assert report.rows_stored == report.rows_read == len(lines)
    first = lines[0].split("\t", 1)[0]
    assert EventStore(tmp_path / "store").connect().execute(
        "SELECT line FROM events WHERE event_id = ?", [first]
    ).fetchall() == [(1,)]


def test_a_file_put_in_a_month_folder_by_hand_is_read_by_column_name(
    shared_data: Path, tmp_path: Path
) -> None:
    """Files ingest and compaction wrote share their columns and are read as they lie; a file
    from elsewhere (other column order, an extra column, one missing) is matched by name."""
    ingest_file(shared_data / "gdelt2" / GDELT2_FILES[0], events_dir=tmp_path)
    store = EventStore(tmp_path)
    store.compact()
    [first, *_] = store.month_files()
    before = _all_rows(tmp_path)
    table = pq.read_table(first)
    table = table.select(list(reversed(table.column_names)))
    table = table.append_column("note", pa.array(["by hand"] * table.num_rows))
    table = table.drop_columns(["source_url"])
    table = table.set_column(
        table.column_names.index("event_id"),
        "event_id",
        pa.array(["hand-" + e for e in table.column("event_id").to_pylist()]),
    )
    pq.write_table(table, first.parent / "by-hand.parquet")
    assert not store.is_unique()
    after = _all_rows(tmp_path)
    assert len(after) == len(before) + table.num_rows
    con = store.connect()
    rows = con.execute(
        "SELECT event_id, date, source_country FROM events WHERE event_id LIKE 'hand-%' "
        "ORDER BY event_id"
    ).fetchall()
    originals = dict(
        (f"hand-{e}", (d, c))
        for e, d, c in con.execute(
            "SELECT event_id, date, source_country FROM events WHERE event_id NOT LIKE 'hand-%'"
        ).fetchall()
    )
    assert len(rows) == table.num_rows
    assert all(originals[e] == (d, c) for e, d, c in rows)
    [(urls,)] = con.execute(
        "SELECT count(source_url) FROM events WHERE event_id LIKE 'hand-%'"
    ).fetchall()
    assert urls == 0
