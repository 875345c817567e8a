"""The same analytics on Apache Spark (local mode) give the same figures as on DuckDB.

All Spark tests share one session-scoped SparkSession (``spark``); Java 17 and PySpark come with
``uv sync --all-extras``, so these tests run in CI rather than skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from multitrack.events.asymmetry import asymmetry
from multitrack.events.engines import EventSource, connect, spark_session, stop_spark
from multitrack.events.parties import Party
from multitrack.events.partners import top_partners
from multitrack.events.periods import PERIODS, Period
from multitrack.events.relations import dyad_series, dyad_table
from multitrack.events.warnings import early_warnings, watch
from tests.events import test_warnings as synthetic
from tests.events.relations_data import write_store
from tests.events.test_relations import busiest_dyads

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The one local SparkSession of the test session (its start-up time is reported)."""
    began = time.perf_counter()
    session = spark_session()
    session.range(1).count()
    print(f"\nSpark session ready in {time.perf_counter() - began:.1f} s")
    yield session
    stop_spark()


@pytest.fixture(scope="module")
def engines(spark: Any, gdelt2_events: Path) -> tuple[EventSource, EventSource]:
    return connect("duckdb", gdelt2_events), connect("spark", gdelt2_events)


@pytest.fixture(scope="module")
def synthetic_engines(
    spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[EventSource, EventSource]:
    events = synthetic.dyad_events("AAA", "BBB", seed=1, breaks={20: synthetic.BREAK})
    events += synthetic.dyad_events("CCC", "DDD", seed=2, breaks={23: synthetic.BREAK})
    events += synthetic.dyad_events("EEE", "FFF", seed=3)
    root = write_store(tmp_path_factory.mktemp("synthetic-spark") / "events", events)
    return connect("duckdb", root), connect("spark", root)


def test_spark_sees_the_store_like_duckdb(engines: tuple[EventSource, EventSource]) -> None:
    duck, spark = engines
    assert spark.engine == "spark"
    assert spark.events.count().to_pyarrow().as_py() == duck.events.count().to_pyarrow().as_py()
    assert str(spark.events.month.type()) == "string"


@pytest.mark.parametrize("by", PERIODS)
def test_dyad_series_are_identical(
    engines: tuple[EventSource, EventSource], gdelt2_raw: list[list[str]], by: Period
) -> None:
    duck, spark = engines
    for source, target in [("USA", "CHN"), *busiest_dyads(gdelt2_raw, 4)]:
        a, b = Party.state(source), Party.state(target)
        on_duck = dyad_series(duck.events, a, b, by).records()
        assert on_duck
        assert dyad_series(spark.events, a, b, by).records() == on_duck


def test_coded_actors_ranges_and_datasets_are_identical(
    engines: tuple[EventSource, EventSource],
) -> None:
    from datetime import date

    duck, spark = engines
    args: dict[str, Any] = {
        "source": Party.coded("USAGOV"),
        "target": Party.state("RUS"),
        "by": "week",
        "start": date(2018, 12, 20),
        "end": date(2019, 10, 31),
        "dataset": "gdelt2",
    }
    assert dyad_series(spark.events, **args).records() == dyad_series(duck.events, **args).records()


def test_partners_asymmetry_and_dyad_table_are_identical(
    engines: tuple[EventSource, EventSource],
) -> None:
    duck, spark = engines
    usa, chn = Party.state("USA"), Party.state("CHN")
    assert top_partners(spark.events, usa, 10) == top_partners(duck.events, usa, 10)
    assert top_partners(spark.events, usa, 5, "code") == top_partners(duck.events, usa, 5, "code")
    assert asymmetry(spark.events, usa, chn, "quarter") == asymmetry(
        duck.events, usa, chn, "quarter"
    )

    def rows(source: EventSource) -> list[tuple[Any, ...]]:
        table = dyad_table(source.events, by="month").to_pyarrow().to_pylist()
        return sorted(
            (r["source"], r["target"], str(r["period_start"])[:10], r["events"],
             r["material_conflict"], round(r["goldstein_sum"], 6))
            for r in table
        )  # fmt: skip

    assert rows(spark) == rows(duck)


def test_warnings_and_watch_are_identical(
    synthetic_engines: tuple[EventSource, EventSource],
) -> None:
    duck, spark = synthetic_engines
    a, b = Party.state("AAA"), Party.state("BBB")
    on_duck = early_warnings(duck.events, dyad_series(duck.events, a, b, "month"))
    on_spark = early_warnings(spark.events, dyad_series(spark.events, a, b, "month"))
    assert [w.period for w in on_duck] == ["2018-09"]
    assert on_spark == on_duck
    assert watch(spark.events, top=3) == watch(duck.events, top=3)
    assert [w.source for w in watch(duck.events, top=3)] == ["CCC"]


def test_the_rollup_route_is_identical_on_spark(
    spark: Any, gdelt2_events: Path, tmp_path: Path
) -> None:
    """``series_on`` / ``table_on`` read the dyad rollup on both engines (same Ibis code)."""
    import shutil
    from datetime import date

    from multitrack.events import rollup
    from multitrack.events.relations import series_on, table_on

    events = tmp_path / "events"
    shutil.copytree(gdelt2_events, events)
    assert rollup.build(events) is not None
    duck, on_spark = connect("duckdb", events), connect("spark", events)
    assert on_spark.rollup("day") is not None
    usa, chn = Party.state("USA"), Party.state("CHN")
    cases: list[tuple[Period, date | None, date | None]] = [
        ("month", None, None),
        ("week", date(2015, 10, 27), date(2019, 10, 24)),
        ("quarter", date(2015, 10, 1), date(2019, 12, 31)),
    ]
    for by, start, end in cases:
        want = series_on(duck, usa, chn, by, start, end).records()
        assert want == dyad_series(duck.events, usa, chn, by, start, end).records()
        assert series_on(on_spark, usa, chn, by, start, end).records() == want

    def rows(source: EventSource) -> list[tuple[Any, ...]]:
        table = table_on(source, by="month").to_pylist()
        return sorted(
            (r["source"], r["target"], str(r["period_start"])[:10], r["events"],
             r["material_conflict"], round(r["goldstein_sum"], 6))
            for r in table
        )  # fmt: skip

    assert rows(on_spark) == rows(duck)


def test_incoming_and_compacted_files_read_alike(
    spark: Any, shared_data: Path, tmp_path: Path
) -> None:
    """Ingest writes one file per input under ``_incoming`` and compaction splits it by month:
    Spark reads a store holding both kinds as DuckDB does, before and after compaction."""
    from multitrack.events.ingest import ingest_file
    from multitrack.events.store import EventStore
    from tests.events.ingest_data import GDELT2_FILES

    store = EventStore(tmp_path)
    ingest_file(shared_data / "gdelt2" / GDELT2_FILES[0], events_dir=tmp_path)
    store.compact()
    for name in GDELT2_FILES[1:]:
        ingest_file(shared_data / "gdelt2" / name, events_dir=tmp_path)
    assert store.month_files()
    assert store.incoming_files()

    def rows(source: EventSource) -> list[tuple[Any, ...]]:
        table = dyad_table(source.events, by="quarter").to_pyarrow().to_pylist()
        return sorted(
            (r["source"], r["target"], str(r["period_start"])[:10], r["events"],
             r["verbal_coop"], round(r["goldstein_sum"], 6))
            for r in table
        )  # fmt: skip

    for _ in range(2):
        duck, on_spark = connect("duckdb", store.events_path), connect("spark", store.events_path)
        count = duck.events.count().to_pyarrow().as_py()
        assert count == on_spark.events.count().to_pyarrow().as_py() > 5000
        assert rows(on_spark) == rows(duck)
        usa, chn = Party.state("USA"), Party.state("CHN")
        assert (
            dyad_series(on_spark.events, usa, chn, "month").records()
            == dyad_series(duck.events, usa, chn, "month").records()
        )
        store.compact()
    assert not store.incoming_files()
