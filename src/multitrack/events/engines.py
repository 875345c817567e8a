"""The edge where a backend is chosen: DuckDB (default, in-process) or Apache Spark.

The relations analytics are Ibis expressions over the ``events`` table; :func:`connect` gives
that table on one engine. DuckDB reads the Parquet dataset in place (one in-memory connection
per call). Spark runs in local mode through one shared :func:`spark_session`, created on first
use and reused for the life of the process (``local[2]``, UI off, UTC, few shuffle partitions).

An :class:`EventSource` also offers the store's dyad rollup (:mod:`multitrack.events.rollup`)
while it matches the stored files, and runs queries through :meth:`EventSource.run`: on DuckDB an
Ibis expression is compiled once per query *shape* into SQL with named parameters, so a repeated
question with other actors or dates skips building and compiling the expression (about 6 ms).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

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
    """One engine's view of the event store: the Ibis backend and the ``events`` table.

    ``events`` is made on first use (``make_events``): a question the dyad rollup answers never
    needs it. ``kind`` names the shape of the tables behind a store's source (see
    :func:`connect`); sources of the same kind share compiled SQL (:meth:`run`)."""

    engine: Engine
    backend: Any
    make_events: Callable[[], ir.Table] = field(compare=False, repr=False)
    #: every (dataset, event_id) is stored once (ingest wrote every file, see
    #: ``EventStore.is_unique``): the relations queries may skip their dedupe (``unique=``)
    unique: bool = False
    #: the store's ``events/`` folder (None for in-memory sources: no rollup)
    path: Path | None = None
    #: what the tables behind a store's source look like, or None (in-memory: not shared)
    kind: str | None = None
    _state: _SourceState = field(default_factory=lambda: _SourceState(), compare=False, repr=False)

    @property
    def events(self) -> ir.Table:
        state = self._state
        if state.events is None:
            state.events = self.make_events()
        return state.events

    def has_rollup(self, level: RollupLevel) -> bool:
        """Whether a dyad rollup matches the store as it is now (checked on every call: an
        ingest or compaction since the last call makes it False); on DuckDB its views
        ``rollup_day`` and ``rollup_month`` then exist on this connection."""
        if self.path is None:
            return False
        from multitrack.events.rollup import current

        found = current(self.path)
        state = self._state
        if found is None:
            return False
        if state.rollup_print != found.fingerprint:
            state.rollups = {}
            state.rollup_paths = dict(found.paths)
            if self.engine == "duckdb":
                for name, path in found.paths.items():
                    quoted = str(path).replace("'", "''")
                    self.backend.con.execute(
                        f"CREATE OR REPLACE TEMP VIEW rollup_{name} AS "
                        f"SELECT * FROM read_parquet('{quoted}')"
                    )
            state.rollup_print = found.fingerprint
        return level in state.rollup_paths

    def rollup(self, level: RollupLevel) -> ir.Table | None:
        """The dyad rollup table of ``level`` if one matches the store as it is now, else None
        (see :meth:`has_rollup`)."""
        if not self.has_rollup(level):
            return None
        state = self._state
        if level not in state.rollups:
            view = f"rollup_{level}"
            if self.engine == "duckdb":
                state.rollups[level] = self.backend.table(view)
            else:
                path = str(state.rollup_paths[level])
                state.rollups[level] = self.backend.read_parquet(path, table_name=view)
        return state.rollups[level]

    def run(
        self,
        shape: Hashable,
        build: Callable[[Mapping[str, Any]], ir.Table],
        values: Mapping[str, Any],
    ) -> pa.Table:
        """The result of ``build(values)`` as Arrow.

        ``build`` must use ``values`` (strings and dates) only as literals, and ``shape`` must
        name everything else the expression depends on (which values are None, how many there
        are, the period...). On DuckDB the expression is compiled once per shape, with the
        values turned into named parameters; when that cannot be done reliably (a value's
        literal not found in the SQL) the expression is built and run each time, as on Spark.
        """
        if self.engine != "duckdb":
            return build(values).to_pyarrow()
        if self.kind is None:
            cache, key = self._state.sql, shape
        else:  # the same tables in every source of this kind: shared by the process
            cache, key = _SHARED_SQL, (self.kind, shape)
        if key not in cache:
            cache[key] = _template(self.backend, build, values)
        template = cache[key]
        if template is None:
            return build(values).to_pyarrow()
        sql, binders, schema, tables = template
        if "events" in tables:  # the view this connection makes on first use
            self.events  # noqa: B018
        params = {name: bind(values) for name, bind in binders.items()}
        result: pa.Table = self.backend.con.sql(sql, params=params).to_arrow_table()
        return result.cast(schema)  # the types Ibis gives (DuckDB sums integers as HUGEINT)


RollupLevel = Literal["day", "month"]


@dataclass
class _SourceState:
    """What an EventSource learns as it runs: its events table, compiled SQL per shape (for
    in-memory sources), the rollup it reads."""

    events: ir.Table | None = None
    sql: dict[Hashable, _Template | None] = field(default_factory=dict)
    rollup_print: str | None = None
    rollup_paths: dict[RollupLevel, Path] = field(default_factory=dict)
    rollups: dict[RollupLevel, ir.Table] = field(default_factory=dict)


#: SQL with $parameters, how to bind each, the result's Arrow schema, the tables it reads
_Template = tuple[str, dict[str, Callable[[Mapping[str, Any]], Any]], pa.Schema, frozenset[str]]
#: compiled SQL of store sources, by (kind, shape): every store source of a kind has the same
#: views (``events``, ``rollup_day``, ``rollup_month``) with the same columns and types
_SHARED_SQL: dict[Hashable, _Template | None] = {}


def _template(
    backend: Any, build: Callable[[Mapping[str, Any]], ir.Table], values: Mapping[str, Any]
) -> _Template | None:
    """SQL of ``build`` with each value replaced by a ``$parameter``, or None if unsure.

    The expression is built once with sentinel values (strings and dates nothing else can
    contain); every literal the compiler made from a sentinel becomes a parameter. A date
    also appears as its ``YYYY-MM`` month (the partition filter of ``relations.scope``)."""
    sentinels: dict[str, Any] = {}
    replace: list[tuple[str, str, Callable[[Mapping[str, Any]], Any]]] = []
    for i, (name, value) in enumerate(sorted(values.items())):
        if value is None:
            sentinels[name] = None
        elif isinstance(value, str):
            token = f"mtparam{i}x{name}"
            sentinels[name] = token
            replace.append((f"'{token}'", name, _getter(name)))
        elif isinstance(value, date):
            day = date(1001 + i, 2, 3)
            sentinels[name] = day
            replace.append((f"MAKE_DATE({day.year}, 2, 3)", name, _getter(name)))
            replace.append((f"'{day.year}-02'", f"{name}__month", _month(name)))
        else:
            return None
    try:
        expr = build(sentinels)
        sql = str(backend.compile(expr))
        schema = expr.schema().to_pyarrow()
        tables = frozenset(t.name for t in expr.op().find(ops.PhysicalTable))
    except Exception:  # any compiler trouble: run the plain way
        return None
    binders: dict[str, Callable[[Mapping[str, Any]], Any]] = {}
    for literal, param, bind in replace:
        if literal in sql:
            sql = sql.replace(literal, f"${param}")
            binders[param] = bind
    for name, value in sentinels.items():
        if value is None:
            continue
        text = str(value.year) if isinstance(value, date) else value
        if text in sql or (name not in binders):
            return None  # a sentinel left in another form, or a value the SQL never used
    return sql, binders, schema, tables


def _getter(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda values: values[name]


def _month(name: str) -> Callable[[Mapping[str, Any]], Any]:
    def bind(values: Mapping[str, Any]) -> str:
        day: date = values[name]
        return f"{day.year}-{day.month:02d}"

    return bind


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
    from multitrack.events.store import incoming_files

    files = sorted(events_path.glob("dataset=*/month=*/*.parquet"))
    files += incoming_files(events_path)
    if not files:
        raise EventStoreError(f"the event store at {events_path} holds no events yet")
    return files


_databases_lock = threading.Lock()
_databases: OrderedDict[tuple[str, str], duckdb.DuckDBPyConnection] = OrderedDict()
#: DuckDB databases kept open (one per store state recently read)
KEEP_DATABASES = 4


def _database(root: Path, print_: str) -> duckdb.DuckDBPyConnection:
    """A cursor on the in-memory DuckDB database of the store at ``root`` in the state
    ``print_`` (``rollup.fingerprint``), opened once: a new database costs about 8 ms, a cursor
    nothing. Its Parquet footer cache (on for each cursor: repeated reads skip the footers)
    serves every source of that state; a changed store gets a new database, so no footer of a
    rewritten file is ever reused."""
    key = (str(root), print_)
    with _databases_lock:
        database = _databases.get(key)
        if database is None:
            database = duckdb.connect()
            _databases[key] = database
            while len(_databases) > KEEP_DATABASES:  # closed when its last cursor goes
                _databases.popitem(last=False)
        _databases.move_to_end(key)
        cursor = database.cursor()
    cursor.execute("SET parquet_metadata_cache = true")  # a setting of each connection
    return cursor


def connect(engine: Engine, events_path: Path | str) -> EventSource:
    """The events table of the Parquet dataset ``events_path`` on ``engine``.

    ``events_path`` is the dataset root (``dataset=NAME/month=YYYY-MM/*.parquet``); the
    partition columns come back as strings (``dataset``, ``month``). On DuckDB the source is a
    cursor of the store state's database (:func:`_database`) with its own temporary views.
    """
    root = Path(events_path)
    _parquet_files(root)
    from multitrack.events.rollup import fingerprint
    from multitrack.events.schema import COLUMNS
    from multitrack.events.store import INCOMING, EventStore, incoming_files, read_sql

    unique = EventStore(root.parent).events_path == root and EventStore(root.parent).is_unique()
    # files ingest wrote and compaction has not yet split by month (``store`` module doc)
    incoming = incoming_files(root)
    months = any(root.glob("dataset=*/month=*/*.parquet"))
    kind = f"{engine}:{'months' if months else ''}+{'incoming' if incoming else ''}"
    make_events: Callable[[], ir.Table]
    if engine == "duckdb":
        backend = ibis.duckdb.from_connection(_database(root, fingerprint(root) or ""))
        con = backend.con

        def make_events() -> ir.Table:
            con.execute(f"CREATE OR REPLACE TEMP VIEW events AS {read_sql(root)}")
            return backend.table("events")

    elif engine == "spark":
        backend = ibis.pyspark.connect(spark_session())
        columns = [*COLUMNS, "month"]

        def make_events() -> ir.Table:
            parts = []
            if months:  # Spark's partition discovery skips the ``_incoming`` folder
                parts.append(backend.read_parquet(str(root), basePath=str(root)).select(columns))
            if incoming:  # no month column: derived from the date (``store.INCOMING_MONTH``)
                read = backend.read_parquet(str(root / INCOMING), recursiveFileLookup="true")
                parts.append(read.mutate(month=read.date.strftime("%Y-%m")).select(columns))
            return parts[0] if len(parts) == 1 else parts[0].union(parts[1])

    else:  # pragma: no cover - Literal guards it
        raise EventStoreError(f"unknown engine {engine!r}")
    return EventSource(
        engine=engine,
        backend=backend,
        make_events=make_events,
        unique=unique,
        path=root,
        kind=kind,
    )


def memory_source(table: Any) -> EventSource:
    """An in-memory DuckDB events table from an Arrow table (for tests and small inputs).

    Registered on the DuckDB connection directly: Ibis 12's ``create_table``/``memtable`` emit
    ``DROP VIEW IF EXISTS`` without a name, which DuckDB 2.0 refuses.
    """
    backend = ibis.duckdb.connect()
    backend.con.register("events", table)
    events = backend.table("events")
    return EventSource(engine="duckdb", backend=backend, make_events=lambda: events)


def stop_spark() -> None:
    """Stops the shared SparkSession, if one was started (the next use starts a new one)."""
    global _spark
    with _spark_lock:
        if _spark is not None:
            _spark.stop()
            _spark = None
