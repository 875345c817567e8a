"""The event store: Parquet files partitioned by dataset and month, and DuckDB over them.

Layout under the events dir (``Settings.events_dir``)::

    events/dataset=NAME/month=YYYY-MM/<file-stem>-<n>.parquet   the events (EVENT_SCHEMA, zstd)
    events/_ingested.txt                                        the files ingest wrote
    quarantine/NAME/<file>.csv                                  rejected lines, with reasons
    catalogue.json                                              datasets and ingested files

The partition columns ``dataset`` and ``month`` live in the paths only (hive style), so DuckDB
(``hive_partitioning``) and Spark (``spark.read.parquet(store.events_path)``) both read them
back as columns.

Ingest writes one file per ingested file and month, in the order of the input.
:meth:`EventStore.compact` (``multitrack events compact``) then rewrites each month folder as one
file, ``compacted-<n>.parquet``, sorted by ``(source_country, target_country, date)`` in row
groups of 16,384 rows: a query for one dyad skips most row groups on their min/max statistics,
a month filter skips whole folders, and there are few files to open. It works one month at a
time (a sort of one month, bounded by DuckDB's ``memory_limit``); a folder already compacted
is left alone.

**Uniqueness.** Ingest stores each ``(dataset, event_id)`` at most once (it drops ids already
stored and repeats within a file). ``_ingested.txt`` lists the files ingest wrote; when every
Parquet file of the store is listed there (:meth:`EventStore.is_unique`), queries may skip
their own dedupe. A file put in the store by other means makes the store "not known unique",
and queries deduplicate again. (Two ingests running at once into one store are not supported.)
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from multitrack.events.schema import COLUMNS, EVENT_SCHEMA

MEMORY_LIMIT = "1GB"
#: Rows per Parquet row group in compacted files: small enough that one dyad's rows (sorted
#: together) fall in one or two row groups of a month, large enough to compress well.
ROW_GROUP_SIZE = 16384
COMPACTED = "compacted-"


@dataclass(frozen=True)
class Compacted:
    """One month folder rewritten by :meth:`EventStore.compact`."""

    folder: str
    files: int
    rows: int


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

    @property
    def manifest_path(self) -> Path:
        """The files ingest wrote (relative to ``events_path``), one a line."""
        return self.events_path / "_ingested.txt"

    def record_ingested(self, path: Path) -> None:
        """Note a file written by ingest (it holds no event already stored)."""
        with self.manifest_path.open("a", encoding="utf-8") as manifest:
            manifest.write(path.relative_to(self.events_path).as_posix() + "\n")

    def is_unique(self) -> bool:
        """True when ingest wrote every stored file: each (dataset, event_id) is stored once."""
        files = self.files()
        if not files or not self.manifest_path.exists():
            return False
        listed = set(self.manifest_path.read_text("utf-8").splitlines())
        return all(f.relative_to(self.events_path).as_posix() in listed for f in files)

    def compact(self, dataset: str | None = None) -> list[Compacted]:
        """Rewrite each month folder holding more than one file (or one not yet compacted) as
        one file sorted by (source_country, target_country, date); see the module doc.

        The new file is written under a temporary name, its row count checked, then renamed
        into place before the old files are removed (a reader in between may see both)."""
        done: list[Compacted] = []
        listed = (
            set(self.manifest_path.read_text("utf-8").splitlines())
            if self.manifest_path.exists()
            else set()
        )
        changed = False
        part = f"dataset={dataset}" if dataset else "dataset=*"
        con = duckdb.connect()
        try:
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            for folder in sorted(p for p in self.events_path.glob(f"{part}/month=*") if p.is_dir()):
                files = sorted(folder.glob("*.parquet"))
                if not files or (len(files) == 1 and files[0].name.startswith(COMPACTED)):
                    continue
                names = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                tmp = folder / f".{uuid.uuid4().hex}.tmp"
                row = con.execute(
                    f"COPY (SELECT * FROM read_parquet([{names}], hive_partitioning = false, "
                    "union_by_name = true) ORDER BY source_country, target_country, date, "
                    f"file, line) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
                ).fetchone()
                rows = int(row[0]) if row else 0
                first = con.execute(
                    f"SELECT count(*) FROM read_parquet([{names}], hive_partitioning = false)"
                ).fetchone()
                if first is None or int(first[0]) != rows:
                    tmp.unlink(missing_ok=True)
                    raise RuntimeError(f"compacting {folder}: row counts differ; nothing changed")
                n = 0
                while (folder / f"{COMPACTED}{n}.parquet").exists():
                    n += 1
                target = folder / f"{COMPACTED}{n}.parquet"
                os.replace(tmp, target)
                relative = [f.relative_to(self.events_path).as_posix() for f in files]
                unique = all(r in listed for r in relative)
                for f in files:
                    f.unlink()
                listed.difference_update(relative)
                if unique:
                    listed.add(target.relative_to(self.events_path).as_posix())
                changed = True
                done.append(
                    Compacted(
                        folder=folder.relative_to(self.events_path).as_posix(),
                        files=len(files),
                        rows=rows,
                    )
                )
        finally:
            con.close()
        if changed:
            tmp_manifest = self.manifest_path.with_suffix(".tmp")
            tmp_manifest.write_text("".join(f"{r}\n" for r in sorted(listed)), "utf-8")
            os.replace(tmp_manifest, self.manifest_path)
        return done

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
