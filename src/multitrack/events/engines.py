"""The edge where a backend is chosen: DuckDB (default, in-process) or Apache Spark.

The relations analytics are Ibis expressions over the ``events`` table; :func:`connect` gives
that table on one engine. DuckDB reads the Parquet dataset in place (one in-memory connection
per call). Spark runs in local mode through one shared :func:`spark_session`, created on first
use and reused for the life of the process (``local[2]``, UI off, UTC, few shuffle partitions).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import ibis
import ibis.expr.types as ir

from multitrack.errors import MultitrackError

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

_spark_lock = threading.Lock()
_spark: Any = None


class EventStoreError(MultitrackError):
    """The event store is missing, empty or cannot be read by the chosen engine."""

    exit_code = 6


@dataclass(frozen=True)
class EventSource:
    """One engine's view of the event store: the Ibis backend and the ``events`` table."""

    engine: Engine
    backend: Any
    events: ir.Table
    #: every (dataset, event_id) is stored once (ingest wrote every file, see
    #: ``EventStore.is_unique``): the relations queries may skip their dedupe (``unique=``)
    unique: bool = False


def check_engine(value: str) -> Engine:
    for engine in ENGINES:
        if value == engine:
            return engine
    raise MultitrackError(f"unknown engine {value!r}; use one of {', '.join(ENGINES)}")


def spark_session() -> Any:
    """The one local SparkSession of this process (created lazily; about 5-8 s the first time)."""
    global _spark
    with _spark_lock:
        if _spark is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError as error:  # pragma: no cover - the spark extra is installed in CI
                raise EventStoreError(
                    "the Spark engine needs the 'spark' extra: uv sync --extra spark"
                ) from error
            _spark = (
                SparkSession.builder.master("local[2]")
                .appName("multitrack")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
                .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
                .getOrCreate()
            )
            _spark.sparkContext.setLogLevel("ERROR")
        return _spark


def _parquet_files(events_path: Path) -> list[Path]:
    if not events_path.is_dir():
        raise EventStoreError(
            f"no event store at {events_path}: ingest event files first (multitrack events ingest)"
        )
    files = sorted(events_path.glob("dataset=*/month=*/*.parquet"))
    if not files:
        raise EventStoreError(f"the event store at {events_path} holds no events yet")
    return files


def connect(engine: Engine, events_path: Path | str) -> EventSource:
    """The events table of the Parquet dataset ``events_path`` on ``engine``.

    ``events_path`` is the dataset root (``dataset=NAME/month=YYYY-MM/*.parquet``); the
    partition columns come back as strings (``dataset``, ``month``).
    """
    root = Path(events_path)
    _parquet_files(root)
    from multitrack.events.store import EventStore

    unique = EventStore(root.parent).events_path == root and EventStore(root.parent).is_unique()
    if engine == "duckdb":
        backend = ibis.duckdb.connect()
        backend.raw_sql("SET parquet_metadata_cache = true")  # repeated queries skip footers
        events = backend.read_parquet(
            str(root / "dataset=*" / "month=*" / "*.parquet"),
            table_name="events",
            hive_partitioning=True,
            hive_types_autocast=False,
        )
    elif engine == "spark":
        backend = ibis.pyspark.connect(spark_session())
        events = backend.read_parquet(str(root), basePath=str(root))
    else:  # pragma: no cover - Literal guards it
        raise EventStoreError(f"unknown engine {engine!r}")
    return EventSource(engine=engine, backend=backend, events=events, unique=unique)


def memory_source(table: Any) -> EventSource:
    """An in-memory DuckDB events table from an Arrow table (for tests and small inputs).

    Registered on the DuckDB connection directly: Ibis 12's ``create_table``/``memtable`` emit
    ``DROP VIEW IF EXISTS`` without a name, which DuckDB 2.0 refuses.
    """
    backend = ibis.duckdb.connect()
    backend.con.register("events", table)
    events = backend.table("events")
    return EventSource(engine="duckdb", backend=backend, events=events)


def stop_spark() -> None:
    """Stops the shared SparkSession, if one was started (the next use starts a new one)."""
    global _spark
    with _spark_lock:
        if _spark is not None:
            _spark.stop()
            _spark = None
