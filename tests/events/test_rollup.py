"""The dyad rollup and the prepared queries give exactly what the events give, and never go stale.

Every figure from the rollup route (:func:`multitrack.events.relations.series_on` /
``table_on``) is compared with the raw-event route (``dyad_series`` / ``dyad_table``) and with the
independent csv-module computation of ``test_relations``; every change to the stored files must
make the rollup unused until it is rebuilt.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.events import engines, rollup
from multitrack.events.engines import EventSource, connect
from multitrack.events.parties import Party
from multitrack.events.periods import PERIODS, Period
from multitrack.events.relations import (
    counts_on,
    dyad_series,
    dyad_table,
    rollup_level,
    series_on,
    table_on,
)
from multitrack.events.store import EventStore
from tests.events.relations_data import write_store
from tests.events.test_relations import busiest_dyads, check_against, expected

USA, CHN, RUS = Party.state("USA"), Party.state("CHN"), Party.state("RUS")


def copy_store(gdelt2_events: Path, to: Path) -> Path:
    """A private copy of the real-sample store (its ``events/`` folder), so rollups built here
    never reach the other tests' store."""
    target = to / "events"
    shutil.copytree(gdelt2_events, target)
    return target


@pytest.fixture(scope="module")
def rolled(gdelt2_events: Path, tmp_path_factory: pytest.TempPathFactory) -> EventSource:
    """The real samples (one of them stored twice) with a rollup built."""
    events = copy_store(gdelt2_events, tmp_path_factory.mktemp("rolled"))
    assert rollup.build(events) is not None
    source = connect("duckdb", events)
    assert not source.unique  # the duplicate file: the rollup had to dedupe
    assert source.rollup("day") is not None
    assert source.rollup("month") is not None
    return source


def table_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted(
        (r["source"], r["target"], str(r["period_start"])[:10], r["events"], r["verbal_coop"],
         r["material_coop"], r["verbal_conflict"], r["material_conflict"], r["goldstein_n"],
         round(r["goldstein_sum"], 6), round(r["goldstein_sq"], 6))
        for r in table.to_pylist()
    )  # fmt: skip


# ------------------------------------------------------------------------------------------
# Same figures as the events


@pytest.mark.parametrize("by", PERIODS)
def test_rollup_series_match_the_raw_file_and_the_events(
    rolled: EventSource, gdelt2_raw: list[list[str]], by: Period
) -> None:
    for source, target in [("USA", "CHN"), *busiest_dyads(gdelt2_raw, 5)]:
        a, b = Party.state(source), Party.state(target)
        records = series_on(rolled, a, b, by).records()
        check_against(records, expected(gdelt2_raw, by, source=source, target=target))
        assert records == dyad_series(rolled.events, a, b, by).records()


RANGES: list[tuple[date | None, date | None]] = [
    (None, None),
    (date(2015, 10, 1), date(2019, 10, 31)),  # whole months: the month rollup
    (date(2015, 10, 27), date(2019, 1, 21)),  # cut inside months: the day rollup
    (date(2019, 1, 1), None),
    (None, date(2019, 1, 20)),
]


@pytest.mark.parametrize(("start", "end"), RANGES)
@pytest.mark.parametrize("dataset", [None, "gdelt2", ["gdelt2", "other"], "other"])
def test_ranges_and_datasets_agree(
    rolled: EventSource,
    start: date | None,
    end: date | None,
    dataset: str | list[str] | None,
) -> None:
    for by in PERIODS:
        for a, b in [(USA, CHN), (CHN, USA), (USA, RUS)]:
            window: dict[str, Any] = {"start": start, "end": end, "dataset": dataset}
            got = series_on(rolled, a, b, by, **window).records()
            assert got == dyad_series(rolled.events, a, b, by, **window).records(), (by, a, b)
        for domestic in (False, True):
            mine = table_on(rolled, by=by, domestic=domestic, **window)
            theirs = dyad_table(rolled.events, by=by, domestic=domestic, **window).to_pyarrow()
            assert table_rows(mine) == table_rows(theirs), (by, domestic)
            assert mine.schema == theirs.schema


def test_the_month_rollup_only_answers_whole_months() -> None:
    assert rollup_level("month", None, None) == "month"
    assert rollup_level("year", date(2015, 1, 1), date(2019, 2, 28)) == "month"
    assert rollup_level("quarter", date(2016, 2, 1), date(2016, 2, 29)) == "month"
    assert rollup_level("month", date(2015, 1, 2), None) == "day"
    assert rollup_level("month", None, date(2019, 2, 27)) == "day"
    assert rollup_level("week", None, None) == "day"
    assert rollup_level("day", date(2015, 1, 1), date(2015, 1, 31)) == "day"
    assert rollup_level("year", date(1, 1, 1), date(9999, 12, 31)) == "month"
    assert rollup_level("month", date(2016, 2, 1), date(2016, 2, 28)) == "day"


def test_actors_that_are_not_states_read_the_events(rolled: EventSource) -> None:
    """A country rollup cannot answer a code-prefix match; the events do (same figures)."""
    for a, b in [
        (Party.coded("USAGOV"), CHN),
        (USA, Party.coded("CHN")),
        (Party.coded("USA"), RUS),
        (Party.coded("RUS"), Party.coded("UKR")),
    ]:
        for by in ("week", "month"):
            got = series_on(rolled, a, b, by).records()
            assert got
            assert got == dyad_series(rolled.events, a, b, by).records()
    # actors coded USA... and events whose source country is USA are not the same events
    code = sum(r["events"] for r in series_on(rolled, Party.coded("USA"), RUS, "year").records())
    state = sum(r["events"] for r in series_on(rolled, USA, RUS, "year").records())
    assert (code, state) == (4, 5)


# ------------------------------------------------------------------------------------------
# Prepared queries: one compiled statement per shape, the values bound each time


def test_one_statement_serves_every_dyad_of_a_shape(
    gdelt2_events: Path, gdelt2_raw: list[list[str]]
) -> None:
    engines._SHARED_SQL.clear()
    source = connect("duckdb", gdelt2_events)  # no rollup: the events, deduplicated
    dyads = [("USA", "CHN"), *busiest_dyads(gdelt2_raw, 6)]
    for s, t in dyads:
        a, b = Party.state(s), Party.state(t)
        window: dict[str, Any] = {"start": date(2015, 10, 27), "end": date(2019, 10, 30)}
        got = series_on(source, a, b, "week", dataset="gdelt2", **window).records()
        assert got == dyad_series(source.events, a, b, "week", dataset="gdelt2", **window).records()
        check_against(
            series_on(source, a, b, "month").records(),
            expected(gdelt2_raw, "month", source=s, target=t),
        )
    shapes = {k: v for k, v in engines._SHARED_SQL.items() if k[0] == source.kind}
    assert len(shapes) == 2
    assert all(v is not None for v in shapes.values())
    sql = "\n".join(v[0] for v in shapes.values() if v is not None)
    assert "$a" in sql
    assert "$start" in sql
    assert "USA" not in sql
    assert "2015" not in sql
    # a new connection to the store reuses the statements (its own events view made on use)
    again = connect("duckdb", gdelt2_events)
    s, t = dyads[-1]
    got = series_on(again, Party.state(s), Party.state(t), "month").records()
    assert got == series_on(source, Party.state(s), Party.state(t), "month").records()
    assert len(engines._SHARED_SQL) == len(shapes)
    assert not again._state.sql


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    by=st.sampled_from(PERIODS),
    first=st.dates(date(2015, 9, 1), date(2019, 12, 31)),
    days=st.integers(0, 1600),
)
def test_bound_values_give_the_figures_of_literals(
    rolled: EventSource,
    gdelt2_raw: list[list[str]],
    data: st.DataObject,
    by: Period,
    first: date,
    days: int,
) -> None:
    countries = sorted({r[7] for r in gdelt2_raw if r[7]} | {"USA", "CHN", "XXX"})
    a = Party.state(data.draw(st.sampled_from(countries)))
    b = Party.state(data.draw(st.sampled_from(countries)))
    end = date.fromordinal(min(first.toordinal() + days, date(2019, 12, 31).toordinal()))
    window: dict[str, Any] = {"start": first, "end": end}
    assert series_on(rolled, a, b, by, **window) == dyad_series(rolled.events, a, b, by, **window)


# ------------------------------------------------------------------------------------------
# Never stale


def extra_events() -> list[dict[str, Any]]:
    """Ten new USA → CHN events in a month the samples already hold."""
    return [
        {
            "dataset": "gdelt2",
            "event_id": f"9{i:08d}",
            "date": date(2019, 1, 21),
            "source_country": "USA",
            "target_country": "CHN",
            "event_code": "042",
            "root_code": "04",
            "quad_class": 1,
            "goldstein": 1.9,
            "mentions": 1,
            "sources": 1,
            "file": "late.CSV",
            "line": i + 1,
        }
        for i in range(10)
    ]


def month_events(source: EventSource, month: str = "2019-01") -> int:
    rows = series_on(source, USA, CHN, "month").rows
    return next(r.events for r in rows if r.period == month)


def test_a_changed_store_is_answered_from_the_events_until_rebuilt(
    gdelt2_events: Path, tmp_path: Path
) -> None:
    events = copy_store(gdelt2_events, tmp_path)
    built = rollup.build(events)
    assert built is not None
    source = connect("duckdb", events)  # one long-lived source, as the API keeps
    before = month_events(source)
    assert source.rollup("month") is not None

    write_store(events, extra_events(), part="late-arrival")  # an ingest, or a hand-made file
    assert source.rollup("month") is None
    assert rollup.current(events) is None
    assert month_events(source) == before + 10  # the events, not the old rollup
    assert series_on(source, USA, CHN, "day") == dyad_series(source.events, USA, CHN, "day")

    again = rollup.build(events)
    assert again is not None
    assert again.fingerprint != built.fingerprint
    assert source.rollup("month") is not None
    assert month_events(source) == before + 10
    assert connect("duckdb", events).rollup("day") is not None

    # a file rewritten in place (same name) changes the fingerprint too
    late = next(events.rglob("late-arrival.parquet"))
    write_store(events, extra_events()[:4], part="late-arrival")
    os.utime(late, ns=(late.stat().st_atime_ns, late.stat().st_mtime_ns + 1_000))
    assert source.rollup("day") is None
    assert month_events(source) == before + 4

    # removing the file brings back exactly the first state, whose rollup is still kept
    for path in events.rglob("late-arrival.parquet"):
        path.unlink()
    back = rollup.current(events)
    assert back is not None
    assert back.fingerprint == built.fingerprint
    assert month_events(source) == before
    # a month rewritten under another name (a compaction): not found again until rebuilt
    folder = next(events.glob("dataset=gdelt2/month=2019-01"))
    for path in folder.glob("*.parquet"):
        path.rename(path.with_name("compacted-" + path.name))
    assert source.rollup("month") is None
    assert month_events(source) == before


def test_old_rollups_are_pruned(gdelt2_events: Path, tmp_path: Path) -> None:
    events = copy_store(gdelt2_events, tmp_path)
    prints = []
    for i in range(3):
        write_store(events, extra_events()[i:], part=f"part-{i}")
        made = rollup.build(events)
        assert made is not None
        prints.append(made.fingerprint)
    kept = {p.stem.split("-", 1)[1] for p in rollup.rollup_dir(events).glob("*.parquet")}
    assert kept == set(prints[-1 - rollup.KEEP_OLD :])
    assert not list(rollup.rollup_dir(events).glob(".*.tmp"))


def test_a_build_that_sees_the_store_change_keeps_nothing(
    gdelt2_events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = copy_store(gdelt2_events, tmp_path)
    real = rollup.fingerprint
    calls: list[int] = []

    def changing(path: Path) -> str | None:
        calls.append(1)
        found = real(path)
        return found if len(calls) < 3 else "changed-meanwhile"

    monkeypatch.setattr(rollup, "fingerprint", changing)
    assert rollup.build(events) is None
    monkeypatch.undo()
    assert rollup.current(events) is None
    assert not [p for p in rollup.rollup_dir(events).iterdir()]


def test_an_empty_store_has_no_rollup(tmp_path: Path) -> None:
    assert rollup.fingerprint(tmp_path / "events") is None
    assert rollup.build(tmp_path / "events") is None


def test_in_memory_sources_have_no_rollup(rolled: EventSource) -> None:
    from multitrack.events.engines import memory_source

    table = rolled.events.limit(50).to_pyarrow()
    memory = memory_source(table)
    assert memory.rollup("day") is None
    assert counts_on(memory, source=USA, target=CHN, by="year") is not None


# ------------------------------------------------------------------------------------------
# The CLI rebuilds it after ingest and compaction


def test_cli_ingest_and_compact_rebuild_the_rollup(
    shared_data: Path, tmp_path: Path, gdelt2_raw: list[list[str]]
) -> None:
    runner = CliRunner()
    events_dir = tmp_path / "store"
    base = ["--db", str(tmp_path / "m.db"), "--events-dir", str(events_dir)]
    samples = sorted((shared_data / "gdelt2").glob("*.export.CSV"))
    result = runner.invoke(app, [*base, "events", "ingest", *map(str, samples)])
    assert result.exit_code == 0, result.output
    store = EventStore(events_dir)
    ingested = rollup.current(store.events_path)
    assert ingested is not None
    source = connect("duckdb", store.events_path)
    assert source.unique
    assert source.rollup("month") is not None
    check_against(
        series_on(source, USA, CHN, "month").records(),
        expected(gdelt2_raw, "month", source="USA", target="CHN"),
    )

    result = runner.invoke(app, [*base, "events", "compact"])
    assert result.exit_code == 0, result.output
    compacted = rollup.current(store.events_path)
    assert compacted is not None
    assert compacted.fingerprint != ingested.fingerprint
    assert source.rollup("month") is not None
    check_against(
        series_on(source, USA, CHN, "quarter").records(),
        expected(gdelt2_raw, "quarter", source="USA", target="CHN"),
    )
