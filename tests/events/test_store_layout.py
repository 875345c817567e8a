"""The stored layout ingest writes for fast queries: sorted row groups, the uniqueness manifest,
and the fast path's agreement with the staged path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from multitrack.events.engines import connect
from multitrack.events.ingest import ingest_file
from multitrack.events.parties import Party
from multitrack.events.relations import dyad_series, dyad_table
from multitrack.events.store import EventStore
from tests.events.ingest_data import GDELT2_FILES


def test_compact_sorts_each_month_into_one_file(shared_data: Path, tmp_path: Path) -> None:
    for name in GDELT2_FILES:
        ingest_file(shared_data / "gdelt2" / name, events_dir=tmp_path)
    store = EventStore(tmp_path)
    con = store.connect()
    before = con.execute("SELECT * FROM events ORDER BY ALL").fetchall()
    folders = {p.parent for p in store.files()}
    done = store.compact()
    assert sum(c.rows for c in done) == len(before)
    assert store.is_unique()
    assert {p.parent for p in store.files()} == folders
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
