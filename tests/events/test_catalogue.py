"""The dataset catalogue, the store helpers and the `multitrack events` commands."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.events.catalogue import datasets, mark_synthetic
from multitrack.events.ingest import ingest
from multitrack.events.schema import COLUMNS
from multitrack.events.store import EventStore
from tests.events.ingest_data import GDELT2_FILES


def _fallback(code: str) -> bool:
    return len(code) == 2 or (len(code) == 3 and code.endswith("0"))


def test_empty_store(tmp_path: Path) -> None:
    store = EventStore(tmp_path)
    assert store.is_empty()
    con = store.connect()
    names = [d[0] for d in con.execute("SELECT * FROM events").description]
    assert names == [*COLUMNS, "month"]
    assert con.execute("SELECT count(*) FROM events").fetchone() == (0,)
    assert datasets(tmp_path) == []
    assert store.glob().endswith("events/dataset=*/month=*/*.parquet")


def test_datasets_after_ingest(shared_data: Path, tmp_path: Path) -> None:
    paths = [shared_data / "gdelt2" / name for name in GDELT2_FILES]
    ingest(paths, events_dir=tmp_path)
    ingest(paths[:1], events_dir=tmp_path)  # a re-ingest is listed, and adds nothing
    [info] = datasets(tmp_path)
    lines = [line.split("\t") for p in paths for line in p.read_text("utf-8").splitlines()]
    assert (info.name, info.scheme, info.synthetic, info.rows) == ("gdelt2", "CAMEO", False, 5856)
    dates = sorted(fields[1] for fields in lines)
    assert info.first_date is not None
    assert info.last_date is not None
    assert (info.first_date.strftime("%Y%m%d"), info.last_date.strftime("%Y%m%d")) == (
        dates[0],
        dates[-1],
    )
    expected = sum(_fallback(fields[26]) for fields in lines) / len(lines)
    assert info.fallback_share is not None
    assert abs(info.fallback_share - expected) < 1e-9
    assert [f.name for f in info.files] == [*GDELT2_FILES, GDELT2_FILES[0]]
    assert info.files[0].sha256 == hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert (info.files[-1].rows_stored, info.files[-1].rows_duplicate) == (0, 2116)


def test_synthetic_datasets_are_marked(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "gdelt2" / GDELT2_FILES[1]
    ingest([path], events_dir=tmp_path, dataset="gdelt2-synthetic", synthetic=True)
    ingest([path], events_dir=tmp_path)
    found = {d.name: d for d in datasets(tmp_path)}
    assert found["gdelt2-synthetic"].synthetic
    assert not found["gdelt2"].synthetic
    assert found["gdelt2"].rows == found["gdelt2-synthetic"].rows == 1629
    mark_synthetic(tmp_path, "gdelt2")
    assert all(d.synthetic for d in datasets(tmp_path))


def test_spark_style_reading_of_the_partitions(shared_data: Path, tmp_path: Path) -> None:
    """The hive layout after compaction: dataset and month come back from the paths (ingest's
    own files wait in ``_incoming``, which hive readers skip)."""
    import pyarrow.dataset as ds

    ingest([shared_data / "gdelt1" / "events.csv"], events_dir=tmp_path)
    store = EventStore(tmp_path)

    def hive() -> pa.Table:
        return ds.dataset(store.events_path, format="parquet", partitioning="hive").to_table()

    assert hive().num_rows == 0
    assert store.compact()
    table = hive()
    assert table.num_rows == 710
    assert set(table.column("dataset").to_pylist()) == {"gdelt1"}
    months = {d.strftime("%Y-%m") for d in table.column("date").to_pylist()}
    assert set(table.column("month").to_pylist()) == months


def test_cli_ingest_and_datasets(shared_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    events_dir = tmp_path / "events"
    base = ["--db", str(tmp_path / "m.db"), "--events-dir", str(events_dir)]
    result = runner.invoke(
        app, [*base, "events", "ingest", str(shared_data / "gdelt1" / "events.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "710" in result.output
    result = runner.invoke(app, [*base, "events", "datasets", "--format", "json"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.output)
    assert (item["name"], item["rows"], item["first_date"]) == ("gdelt1", 710, "1982-01-02")
    refused = runner.invoke(
        app,
        [
            *base,
            "events",
            "ingest",
            "--format",
            "gdelt2",
            str(shared_data / "gdelt1" / "events.csv"),
        ],
    )
    assert refused.exit_code != 0
    assert "refused" in refused.output


def test_cli_events_dir_from_the_environment(shared_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "--db",
            str(tmp_path / "m.db"),
            "events",
            "ingest",
            str(shared_data / "gdelt2" / GDELT2_FILES[1]),
        ],
        env={"MULTITRACK_EVENTS_DIR": str(tmp_path / "env-events")},
    )
    assert result.exit_code == 0, result.output
    assert not EventStore(tmp_path / "env-events").is_empty()
