"""`multitrack demo` loads event data: real GDELT samples and a synthetic set, idempotently, and
relations, partners and watch have something to show on it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from multitrack.cli.main import app
from multitrack.demo import synthetic
from multitrack.events.catalogue import datasets
from multitrack.events.store import EventStore
from multitrack.services.setup import load_demo_events


@dataclass(frozen=True)
class Demo:
    url: str
    events_dir: Path
    first: Result

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(
            app, ["--db", self.url, "--events-dir", str(self.events_dir), *args],
            env={"COLUMNS": "200"},
        )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo-events")
    url = f"sqlite:///{folder}/multitrack.db"
    events_dir = folder / "events"
    first = CliRunner().invoke(
        app, ["--db", url, "--events-dir", str(events_dir), "demo"], env={"COLUMNS": "200"}
    )
    return Demo(url, events_dir, first)


def test_demo_command_ingests_the_event_data(demo: Demo) -> None:
    assert demo.first.exit_code == 0, demo.first.output
    for text in ("demo world loaded", "demo events ingested", "demo-synthetic", "gdelt1"):
        assert text in demo.first.stdout


def test_catalogue_marks_only_the_generated_set_synthetic(demo: Demo) -> None:
    infos = {info.name: info for info in datasets(demo.events_dir)}
    assert set(infos) == {"gdelt2", "gdelt1", "demo-synthetic"}
    assert {name for name, info in infos.items() if info.synthetic} == {"demo-synthetic"}
    assert infos["gdelt2"].rows == 5856
    assert len(infos["gdelt2"].files) == 3
    assert infos["gdelt1"].rows == 710
    assert len(infos["gdelt1"].files) == 1
    made = infos["demo-synthetic"]
    assert 100_000 <= made.rows <= 200_000
    [record] = made.files
    assert record.rows_stored == record.rows_read == made.rows  # ids unique, nothing rejected
    assert str(made.first_date) == "2015-01-01"
    assert str(made.last_date) == "2026-10-31"
    for info in infos.values():
        assert all(f.rows_quarantined == 0 for f in info.files)


def test_second_demo_adds_nothing(demo: Demo) -> None:
    store = EventStore(demo.events_dir)
    before = (store.catalogue_path.read_bytes(), store.files())
    assert load_demo_events(demo.events_dir) == ()  # the world's own idempotence: test_demo.py
    assert (store.catalogue_path.read_bytes(), store.files()) == before


def test_synthetic_rows_keep_real_code_and_goldstein_combinations(demo: Demo) -> None:
    con = EventStore(demo.events_dir).connect()
    try:
        invented = con.execute(
            """SELECT count(*) FROM (
                SELECT DISTINCT event_code, root_code, quad_class, goldstein FROM events
                WHERE dataset = 'demo-synthetic'
                EXCEPT
                SELECT DISTINCT event_code, root_code, quad_class, goldstein FROM events
                WHERE dataset = 'gdelt2')"""
        ).fetchone()
        urls = con.execute(
            "SELECT count(source_url) FROM events WHERE dataset = 'demo-synthetic'"
        ).fetchone()
    finally:
        con.close()
    assert invented == (0,)
    assert urls == (0,)


def test_synthetic_file_is_deterministic(tmp_path: Path) -> None:
    digests = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        made = synthetic.generate(folder, last=(2015, 3))
        digests.append(hashlib.sha256(made.path.read_bytes()).hexdigest())
        assert made.rows == made.background + made.watched
    assert digests[0] == digests[1]


def test_relations_israel_palestine_by_month(demo: Demo) -> None:
    result = demo.run("relations", "ISR", "PSE", "--by", "month", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 24
    busy = [r for r in rows if r["events"] >= 10]
    assert len(busy) >= 24
    table = demo.run("relations", "Israel", "Palestine", "--dataset", "demo-synthetic")
    assert table.exit_code == 0, table.output
    assert "Warning 2023-10: worse" in table.stdout


def test_partners_of_the_united_states(demo: Demo) -> None:
    result = demo.run("partners", "USA", "--format", "json")
    assert result.exit_code == 0, result.output
    top = [r["partner"] for r in json.loads(result.stdout)[:4]]
    assert {"RUS", "CHN", "ISR"} <= set(top)


def test_watch_finds_current_warnings_in_the_synthetic_data(demo: Demo) -> None:
    result = demo.run("watch", "--dataset", "demo-synthetic", "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)
    assert warnings
    assert all(w["period"] == "2026-10" for w in warnings)
    assert ("USA", "CHN", "worse") in {(w["source"], w["target"], w["direction"]) for w in warnings}
    table = demo.run("watch")
    assert table.exit_code == 0
    assert "Current warnings" in table.stdout
