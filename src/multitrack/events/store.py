"""The event store: Parquet files partitioned by dataset and month, and DuckDB over them.

Layout under the events dir (``Settings.events_dir``)::

    events/_incoming/NAME/<file-stem>-<n>.parquet   what ingest wrote, one file per ingested file
    events/dataset=NAME/month=YYYY-MM/compacted-<n>.parquet   compacted events, one file a month
    events/_ingested.txt                                        the files ingest wrote
    quarantine/NAME/<file>.csv                                  rejected lines, with reasons
    catalogue.json                                              datasets and ingested files

Ingest writes each ingested file as **one** Parquet file under ``_incoming/NAME/`` (the
columns of ``EVENT_SCHEMA``, in the order of the input; text columns may be dictionary-encoded):
one sequential write, no partitioned writer, no ``month`` column. Month folders hold the columns
of ``EVENT_SCHEMA`` but ``dataset``; the partition columns ``dataset`` and ``month`` live in
their paths (hive style). Readers take both: :meth:`EventStore.source_sql` (DuckDB) and
``engines.connect`` (DuckDB and Spark) read the month folders with hive partitioning and add the
incoming files, whose ``dataset`` is a column and whose ``month`` readers derive from ``date``
(:data:`INCOMING_MONTH`). (The folder name starts with ``_``, so Spark's partition discovery
over ``events/`` skips it, and holds no ``=``, so DuckDB does not read it as a partition.)

:meth:`EventStore.compact` (``multitrack events compact``) splits the incoming files by month and
rewrites each touched month folder as one file, ``compacted-<n>.parquet``, sorted by
``(source_country, target_country, date)`` in row groups of 16,384 rows: a query for one dyad
skips most row groups on their min/max statistics, a month filter skips whole folders, and there
are few files to open. It sorts one month at a time (bounded by DuckDB's ``memory_limit``); a
month folder already compacted and not touched by incoming rows is left alone.

**Uniqueness.** Ingest stores each ``(dataset, event_id)`` at most once (it drops ids already
stored and repeats within a file). ``_ingested.txt`` lists the files ingest wrote; when every
Parquet file of the store is listed there (:meth:`EventStore.is_unique`), queries may skip
their own dedupe. A file put in the store by other means makes the store "not known unique",
and queries deduplicate again. (Two ingests running at once into one store are not supported.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from multitrack.events.schema import COLUMNS, EVENT_SCHEMA

MEMORY_LIMIT = "1GB"
#: The folder (under ``events/``) of ingested files not yet split by month.
INCOMING = "_incoming"
#: Rows per Parquet row group in compacted files: small enough that one dyad's rows (sorted
#: together) fall in one or two row groups of a month, large enough to compress well.
ROW_GROUP_SIZE = 16384
COMPACTED = "compacted-"
#: The list of files ingest and compaction wrote, under ``events/`` (see "Uniqueness" above).
MANIFEST = "_ingested.txt"
#: The ``month`` of an incoming file's row, in DuckDB SQL (ingest does not write the column).
INCOMING_MONTH = "strftime(date, '%Y-%m') AS month"


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
        return self.events_path / MANIFEST

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
        """Split the incoming files by month and rewrite each touched month folder (and each
        folder holding more than one file or one not yet compacted) as one file sorted by
        (source_country, target_country, date); see the module doc.

        New files are written under temporary names and their row counts checked before any is
        renamed into place; then the old files of those months and the incoming files are
        removed (a reader in between may see both)."""
        done: list[Compacted] = []
        listed = (
            set(self.manifest_path.read_text("utf-8").splitlines())
            if self.manifest_path.exists()
            else set()
        )
        names = [dataset] if dataset else self.datasets()
        work = self.work_path / f"compact-{uuid.uuid4().hex}"
        con = duckdb.connect()
        try:
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            con.execute(f"SET temp_directory = {_quote(work / 'spill')}")
            con.execute("SET preserve_insertion_order = false")
            for name in names:
                done += self._compact_dataset(con, name, work, listed)
        finally:
            con.close()
            shutil.rmtree(work, ignore_errors=True)
            with contextlib.suppress(OSError):
                self.work_path.rmdir()
        if done:
            tmp_manifest = self.manifest_path.with_suffix(".tmp")
            tmp_manifest.write_text("".join(f"{r}\n" for r in sorted(listed)), "utf-8")
            os.replace(tmp_manifest, self.manifest_path)
        return done

    def _compact_dataset(
        self, con: duckdb.DuckDBPyConnection, name: str, work: Path, listed: set[str]
    ) -> list[Compacted]:
        incoming = self.incoming_files(name)
        split: dict[str, list[Path]] = {}
        if incoming:  # one pass over the incoming files, split by month (lz4: read once)
            target = work / "split" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"COPY (SELECT {', '.join(STORED)}, {INCOMING_MONTH} "
                f"FROM read_parquet({_list(incoming)}, "
                "hive_partitioning = false, union_by_name = true)) "
                f"TO {_quote(target)} (FORMAT parquet, COMPRESSION lz4_raw, "
                "PARTITION_BY (month), FILENAME_PATTERN 'part-{i}')"
            )
            for part in sorted(target.glob("month=*/*.parquet")):
                split.setdefault(part.parent.name, []).append(part)
        folders = {p.name: p for p in (self.events_path / f"dataset={name}").glob("month=*")}
        plan: list[tuple[Path, list[Path], list[Path]]] = []  # (folder, old files, new parts)
        for month in sorted(set(folders) | set(split)):
            folder = folders.get(month, self.events_path / f"dataset={name}" / month)
            old = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
            parts = split.get(month, [])
            if not parts and (not old or (len(old) == 1 and old[0].name.startswith(COMPACTED))):
                continue
            plan.append((folder, old, parts))
        written: list[tuple[Path, Path, int]] = []  # (folder, temporary file, rows)
        try:
            for folder, old, parts in plan:
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / f".{uuid.uuid4().hex}.tmp"
                files = _list([*old, *parts])
                row = con.execute(
                    f"COPY (SELECT {', '.join(STORED)} FROM read_parquet({files}, "
                    "hive_partitioning = false, union_by_name = true) "
                    "ORDER BY source_country, target_country, date, file, line) "
                    f"TO {_quote(tmp)} "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
                ).fetchone()
                rows = int(row[0]) if row else 0
                written.append((folder, tmp, rows))
                first = con.execute(
                    f"SELECT count(*) FROM read_parquet({files}, hive_partitioning = false)"
                ).fetchone()
                if first is None or int(first[0]) != rows:
                    raise RuntimeError(f"compacting {folder}: row counts differ; nothing changed")
        except BaseException:
            for _, tmp, _ in written:
                tmp.unlink(missing_ok=True)
            raise
        inputs = [f.relative_to(self.events_path).as_posix() for f in incoming]
        unique_in = all(r in listed for r in inputs)
        done = []
        for (folder, old, parts), (_, tmp, rows) in zip(plan, written, strict=True):
            n = 0
            while (folder / f"{COMPACTED}{n}.parquet").exists():
                n += 1
            target = folder / f"{COMPACTED}{n}.parquet"
            os.replace(tmp, target)
            relative = [f.relative_to(self.events_path).as_posix() for f in old]
            unique = unique_in and all(r in listed for r in relative)
            for f in old:
                f.unlink()
            listed.difference_update(relative)
            if unique:
                listed.add(target.relative_to(self.events_path).as_posix())
            done.append(
                Compacted(
                    folder=folder.relative_to(self.events_path).as_posix(),
                    files=len(old) + len(parts),
                    rows=rows,
                )
            )
        for f in incoming:
            f.unlink()
        listed.difference_update(inputs)
        with contextlib.suppress(OSError):
            (self.incoming_path / name).rmdir()
        return done

    def glob(self, dataset: str | None = None) -> str:
        """The Parquet glob of the month folders (or of one dataset's); see also ``files``."""
        part = f"dataset={dataset}" if dataset else "dataset=*"
        return str(self.events_path / part / "month=*" / "*.parquet")

    @property
    def incoming_path(self) -> Path:
        return self.events_path / INCOMING

    def month_files(self, dataset: str | None = None) -> list[Path]:
        part = f"dataset={dataset}" if dataset else "dataset=*"
        return sorted(self.events_path.glob(f"{part}/month=*/*.parquet"))

    def incoming_files(self, dataset: str | None = None) -> list[Path]:
        return incoming_files(self.events_path, dataset)

    def files(self, dataset: str | None = None) -> list[Path]:
        """Every stored Parquet file: month folders and incoming files."""
        return self.month_files(dataset) + self.incoming_files(dataset)

    def is_empty(self, dataset: str | None = None) -> bool:
        return not self.files(dataset)

    def datasets(self) -> list[str]:
        names = {
            p.name.removeprefix("dataset=")
            for p in self.events_path.glob("dataset=*")
            if p.is_dir() and any(p.glob("month=*/*.parquet"))
        }
        names.update(p.parent.name for p in self.incoming_files())
        return sorted(names)

    def source_sql(self, dataset: str | None = None) -> str:
        """A SELECT giving EVENT_SCHEMA columns + ``month`` (empty, but typed, with no files)."""
        if self.is_empty(dataset):
            typed = ", ".join(f"NULL::{duckdb_type(c)} AS {c}" for c in COLUMNS)
            return f"SELECT {typed}, NULL::VARCHAR AS month WHERE false"
        return read_sql(self.events_path, dataset)

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


#: The columns a month folder's files hold (``dataset`` and ``month`` are in the path).
STORED: tuple[str, ...] = tuple(c for c in COLUMNS if c != "dataset")


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _list(paths: list[Path]) -> str:
    return "[" + ", ".join(_quote(p) for p in paths) + "]"


def incoming_files(events_path: Path, dataset: str | None = None) -> list[Path]:
    """The ingested files not yet split by month (``events/_incoming/NAME/*.parquet``)."""
    return sorted((events_path / INCOMING).glob(f"{dataset or '*'}/*.parquet"))


def read_sql(events_path: Path, dataset: str | None = None) -> str:
    """DuckDB SQL reading every stored event under ``events_path`` (``EVENT_SCHEMA`` columns and
    ``month``, in that order): the month folders (hive partitioned) and the incoming files.
    Raises ``ValueError`` when there is no file."""
    columns = ", ".join(COLUMNS)
    parts = []
    part = f"dataset={dataset}" if dataset else "dataset=*"
    months = list(events_path.glob(f"{part}/month=*/*.parquet"))
    if months:
        glob = _quote(events_path / part / "month=*" / "*.parquet")
        # ingest and compaction write every file with the same columns (the manifest lists
        # them); matching each file's columns by name, needed for files from elsewhere, costs
        # 10-20 ms a query at 60 files
        manifest = events_path / MANIFEST
        listed = set(manifest.read_text("utf-8").splitlines()) if manifest.exists() else set()
        same = all(f.relative_to(events_path).as_posix() in listed for f in months)
        by_name = "" if same else ", union_by_name = true"
        parts.append(
            f"SELECT {columns}, month FROM read_parquet({glob}, hive_partitioning = true, "
            f"hive_types = {{'dataset': VARCHAR, 'month': VARCHAR}}{by_name})"
        )
    incoming = incoming_files(events_path, dataset)
    if incoming:
        parts.append(
            f"SELECT {columns}, {INCOMING_MONTH} FROM read_parquet({_list(incoming)}, "
            "hive_partitioning = false, "
            "union_by_name = true)"
        )
    if not parts:
        raise ValueError(f"no Parquet files under {events_path}")
    return " UNION ALL ".join(parts)
