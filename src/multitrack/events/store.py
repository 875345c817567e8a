"""The event store: Parquet files partitioned by dataset and month, and DuckDB over them.

Layout under the events dir (``Settings.events_dir``)::

    events/dataset=NAME/month=YYYY-MM/<file-stem>-<n>.parquet   the events (EVENT_SCHEMA, zstd)
    quarantine/NAME/<file>.csv                                  rejected lines, with reasons
    catalogue.json                                              datasets and ingested files

The partition columns ``dataset`` and ``month`` live in the paths only (hive style), so DuckDB
(``hive_partitioning``) and Spark (``spark.read.parquet(store.events_path)``) both read them
back as columns.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from multitrack.events.schema import COLUMNS, EVENT_SCHEMA

MEMORY_LIMIT = "1GB"

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.int8(): "TINYINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
}


def duckdb_type(name: str) -> str:
    return _DUCK_TYPES[EVENT_SCHEMA.field(name).type]


class EventStore:
    """One events dir; cheap to create, holds no open handles."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @property
    def events_path(self) -> Path:
        return self.root / "events"

    @property
    def quarantine_path(self) -> Path:
        return self.root / "quarantine"

    @property
    def catalogue_path(self) -> Path:
        return self.root / "catalogue.json"

    @property
    def work_path(self) -> Path:
        """Scratch space for ingest (staging files, DuckDB spill); emptied after each file."""
        return self.root / ".work"

    def glob(self, dataset: str | None = None) -> str:
        """The Parquet glob of all stored events (or of one dataset)."""
        part = f"dataset={dataset}" if dataset else "dataset=*"
        return str(self.events_path / part / "month=*" / "*.parquet")

    def files(self, dataset: str | None = None) -> list[Path]:
        part = f"dataset={dataset}" if dataset else "dataset=*"
        return sorted(self.events_path.glob(f"{part}/month=*/*.parquet"))

    def is_empty(self, dataset: str | None = None) -> bool:
        return not self.files(dataset)

    def datasets(self) -> list[str]:
        return sorted(
            p.name.removeprefix("dataset=")
            for p in self.events_path.glob("dataset=*")
            if p.is_dir() and any(p.glob("month=*/*.parquet"))
        )

    def source_sql(self, dataset: str | None = None) -> str:
        """A SELECT giving EVENT_SCHEMA columns + ``month`` (empty, but typed, with no files)."""
        columns = ", ".join(COLUMNS)
        if self.is_empty(dataset):
            typed = ", ".join(f"NULL::{duckdb_type(c)} AS {c}" for c in COLUMNS)
            return f"SELECT {typed}, NULL::VARCHAR AS month WHERE false"
        glob = self.glob(dataset).replace("'", "''")
        return (
            f"SELECT {columns}, month FROM read_parquet('{glob}', hive_partitioning = true, "
            "hive_types = {'dataset': VARCHAR, 'month': VARCHAR}, union_by_name = true)"
        )

    def create_view(self, con: duckdb.DuckDBPyConnection, name: str = "events") -> None:
        """(Re)create the view ``name`` over the stored events on ``con``."""
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {self.source_sql()}")

    def duckdb_relation(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
        """The stored events as a relation on ``con`` (EVENT_SCHEMA columns + month)."""
        return con.sql(self.source_sql())

    def connect(self, *, memory_limit: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with the view ``events`` over the store."""
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{memory_limit}'")
        self.create_view(con)
        return con
