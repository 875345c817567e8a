"""One file through polars or DuckDB: one pass, or stage, number the lines, dedupe, write, account
(see ``ingest``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from multitrack.errors import LayoutError, MultitrackError
from multitrack.events import reference
from multitrack.events.formats import EventFormat, Layout
from multitrack.events.formats.base import PROJECTED, PolarsPlan
from multitrack.events.inputs import Prepared
from multitrack.events.schema import EVENT_SCHEMA
from multitrack.events.store import MEMORY_LIMIT, EventStore

if TYPE_CHECKING:
    import polars as pl

#: Read as NULL only where DuckDB pads a short line; empty fields stay '' (then NULL by nullif).
_PAD = "\x1e\x1f\x1e"
_LAYOUT_ERRORS = ("TOO MANY COLUMNS", "MISSING COLUMNS")


class IngestError(MultitrackError):
    """Ingest could not account for every row of a file: nothing was written."""


@dataclass(frozen=True)
class FileReport:
    """What happened to one file. ``refused`` holds the message when it was refused whole."""

    path: str
    dataset: str | None = None
    format: str | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    quarantine: str | None = None
    sha256: str | None = None
    seconds: float = 0.0
    refused: str | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class FilePipeline:
    """One file: one pass (polars or DuckDB), or stage, number lines, dedupe, write, account."""

    def __init__(
        self,
        prepared: Prepared,
        fmt: EventFormat,
        layout: Layout,
        dataset: str,
        store: EventStore,
        work: Path,
    ) -> None:
        self.p = prepared
        self.fmt = fmt
        self.sniffed = layout
        self.layout = fmt.read_layout(layout)
        self.dataset = dataset
        self.store = store
        self.work = work
        self.stage_file = _literal(str(work / "stage.parquet"))
        self.stage = (
            f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS k "
            f"FROM read_parquet({self.stage_file}, file_row_number = true))"
        )
        self.scan = prepared.scan
        self.out = work / "out.parquet"
        self._con: duckdb.DuckDBPyConnection | None = None  # opened on first use

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (the polars pass of a file into an empty dataset needs none)."""
        if self._con is None:
            self._con = self._connect(tables=False)
        return self._con

    @con.setter
    def con(self, value: duckdb.DuckDBPyConnection) -> None:
        self._con = value

    def _connect(self, *, tables: bool = True) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection; with the code tables' macros unless ``tables`` is false (the
        polars pass needs none)."""
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = {_literal(str(self.work / 'spill'))}")
        if tables:
            reference.register(con)
        return con

    def run(self, tell: Callable[[float], None]) -> FileReport:
        try:
            if not self.fmt.quote and any(line.strip() for line in self.p.head):
                plan = self.fmt.polars_plan(self.sniffed) if not self.fmt.header else None
                if plan is not None:
                    fast = self._fast_polars(plan, tell)
                else:
                    reference.register(self.con)
                    fast = self._fast(tell)
                if fast is not None:
                    return fast
                if self._con is not None:  # start afresh: new rejects table, no temp tables
                    self._con.close()
                self.out.unlink(missing_ok=True)
                self.con = self._connect()
            else:
                reference.register(self.con)
            return self._run(tell)
        finally:
            if self._con is not None:
                self._con.close()

    # -- the fast paths ------------------------------------------------------------------------

    def _fast_polars(self, plan: PolarsPlan, tell: Callable[[float], None]) -> FileReport | None:
        """One pass for a clean file in polars: parse, number the lines (a row index before the
        filter), check, project, write one Parquet file. polars parses only the columns the
        plan reads and runs on every core; with no window and no partitioned writer the pass
        costs little more than polars' bare read and write. Then the same test as
        :meth:`_fast` decides whether the result stands."""
        import polars as pl

        header = int(self.fmt.header)
        schema = {name: plan.types.get(name, pl.String) for name in self.sniffed.columns}
        frame = pl.scan_csv(
            self.p.path,
            separator=self.fmt.delimiter,
            has_header=False,
            schema=schema,
            quote_char=None,
            encoding="utf8",
        ).with_row_index("_row", offset=1 + header)
        kinds = _polars_types()
        select = [
            _constant(self.dataset).alias("dataset"),
            *(_typed(plan.columns[c], kinds[c]).alias(c) for c in PROJECTED),
            _constant(self.p.name).alias("file"),
            pl.col("_row").cast(pl.Int64).alias("line"),
        ]
        try:
            frame.filter(plan.good).select(select).sink_parquet(self.out, compression="zstd")
        except pl.exceptions.PolarsError:
            self.scan = self.p.wait()
            return None
        written = _count_rows(self.out)
        return self._fast_stands(written, tell, _polars_ids_unique)

    def _fast(self, tell: Callable[[float], None]) -> FileReport | None:
        """One pass for a clean file in DuckDB (formats with no polars plan): parse, check,
        number (``row_number() OVER ()`` streams in scan order) and write the good rows to one
        file, no staging. The result stands only if :meth:`_fast_stands` says so."""
        header = int(self.fmt.header)
        columns = ", ".join(("event_id", "date", *_MIDDLE))
        try:
            row = self.con.execute(
                f"COPY (SELECT {_literal(self.dataset)} AS dataset, {columns}, "
                f"{_literal(self.p.name)} AS file, (k + {header})::BIGINT AS line FROM ("
                f"SELECT row_number() OVER () AS k, {self.fmt.select(self.layout)} "
                f"FROM {self._read_csv()} src) WHERE reason IS NULL) "
                f"TO {_literal(str(self.out))} (FORMAT parquet, COMPRESSION zstd)"
            ).fetchone()
        except duckdb.Error:
            self.scan = self.p.wait()
            return None
        written = int(row[0]) if row else 0
        rejected = self.con.execute("SELECT count(*) FROM rejects").fetchone()
        if rejected != (0,):
            self.scan = self.p.wait()
            return None
        return self._fast_stands(written, tell)

    def _fast_stands(
        self,
        written: int,
        tell: Callable[[float], None],
        ids_unique: Callable[[Path], bool] | None = None,
    ) -> FileReport | None:
        """The one-pass result stands only if every line of the file was a good row (no header
        but the format's, no blank, rejected or invalid line: so ``line`` = ordinal + header)
        and no event id is repeated nor already stored; otherwise it is discarded and the file
        takes the staged path."""
        header = int(self.fmt.header)
        # every line a written row: no blank line either (it would be a line and no row), so
        # the scan need not look for blank lines
        self.scan = self.p.wait(blank=False)
        clean = not self.scan.found_cr and written > 0 and written + header == self.scan.lines
        if not clean:
            self.scan = self.p.wait()
            return None
        if _count_rows(self.out) != written:
            raise IngestError(f"{self.p.source}: the written file does not hold {written} rows")
        tell(0.8)
        out = _literal(str(self.out))
        if ids_unique is not None:
            if not ids_unique(self.out):
                return None
        else:
            row = self.con.execute(
                f"SELECT count(*) - count(DISTINCT event_id) FROM read_parquet({out})"
            ).fetchone()
            if row is None or row[0]:
                return None
        stored = self.store.files(self.dataset)
        if stored:
            row = self.con.execute(
                f"SELECT count(*) FROM read_parquet({out}) o SEMI JOIN (SELECT event_id FROM "
                f"read_parquet({_files(stored)}, hive_partitioning = false, "
                "union_by_name = true)) st USING (event_id)"
            ).fetchone()
            if row is None or row[0]:
                return None
        tell(0.95)
        self._commit_quarantine(0)
        self._commit_events(self.out)
        return FileReport(
            path=str(self.p.source),
            dataset=self.dataset,
            format=self.fmt.name,
            rows_read=written,
            rows_stored=written,
            sha256=self.scan.sha256,
        )

    # -- steps ---------------------------------------------------------------------------------

    def _read_csv(self) -> str:
        columns = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in self.layout.columns)
        quote = _literal(self.fmt.quote)
        return (
            f"read_csv({_literal(str(self.p.path))}, delim = {_literal(self.fmt.delimiter)}, "
            f"header = {str(self.fmt.header).lower()}, quote = {quote}, escape = {quote}, "
            f"comment = '', null_padding = true, nullstr = {_literal(_PAD)}, "
            f"auto_detect = false, store_rejects = true, rejects_table = 'rejects', "
            f"rejects_scan = 'reject_scans', columns = {{{columns}}})"
        )

    def _stage(self) -> None:
        """Parse and project; the row order of the file is kept (insertion order preserved), so
        the staged file's row number is the ordinal ``k``. The stage is written and read once:
        lz4 (cheap) rather than zstd."""
        self.con.execute(
            f"COPY (SELECT {self.fmt.select(self.layout)} FROM {self._read_csv()} src) "
            f"TO {self.stage_file} (FORMAT parquet, COMPRESSION lz4_raw)"
        )

    def _stage_checked(self) -> None:
        """Stage; if the file holds carriage returns, stage again from a cleaned copy."""
        failure: duckdb.Error | None = None
        try:
            self._stage()
        except duckdb.Error as error:
            failure = error
        self.scan = self.p.wait()
        if self.scan.found_cr and self.p.path == self.p.source:
            self.con.close()
            self.p.clean_copy(self.work)
            self.scan = self.p.scan
            self.con = self._connect()
            self._stage()
        elif failure is not None:
            raise IngestError(f"{self.p.source}: DuckDB could not read the file: {failure}")

    def _skipped(self) -> int:
        """Lines that are not rows: header, blank, stray CR, rejected. Returns rejected count."""
        con = self.con
        con.execute(
            "CREATE TEMP TABLE rejected AS SELECT line, min(error_type) AS error_type, "
            "min(error_message) AS message, min(csv_line) AS text FROM rejects GROUP BY line"
        )
        con.execute(
            "CREATE TEMP TABLE blank_lines AS SELECT unnest(?::BIGINT[]) AS line",
            [self.scan.blank],
        )
        con.execute(
            "CREATE TEMP TABLE stray_lines AS SELECT unnest(?::BIGINT[]) AS line, "
            "unnest(?::VARCHAR[]) AS text",
            [[n for n, _ in self.scan.stray_cr], [t for _, t in self.scan.stray_cr]],
        )
        header = "SELECT 1::BIGINT AS line UNION ALL " if self.fmt.header else ""
        con.execute(
            "CREATE TEMP TABLE skipmap AS WITH s AS (SELECT line, row_number() OVER "
            f"(ORDER BY line) AS j FROM (SELECT DISTINCT line FROM ({header}"
            "SELECT line FROM blank_lines UNION ALL SELECT line FROM stray_lines "
            "UNION ALL SELECT line FROM rejected))) "
            "SELECT line - j AS g, max(j) AS j FROM s GROUP BY g"
        )
        row = con.execute("SELECT count(*) FROM rejected").fetchone()
        return int(row[0]) if row else 0

    def _staged(self) -> str:
        """The staged rows with their physical ``line``."""
        row = self.con.execute("SELECT count(*) FROM skipmap").fetchone()
        if row is None or row[0] == 0:
            return f"SELECT *, k AS line FROM {self.stage}"
        return (
            f"SELECT s.*, s.k + coalesce(m.j, 0) AS line FROM {self.stage} s "
            "ASOF LEFT JOIN skipmap m ON s.k > m.g"
        )

    def _dedupe(self) -> str:
        """The predicate over the staged rows ``s`` that keeps a row: good, the first of its
        ``event_id`` in the file, and not stored yet. Only the (few) ids seen twice in the file
        and the ids already stored are materialised, not one entry per row."""
        con = self.con
        con.execute(
            f"CREATE TEMP TABLE dups AS SELECT event_id, min(k) AS k FROM {self.stage} "
            "WHERE reason IS NULL GROUP BY event_id HAVING count(*) > 1"
        )
        keep = ["s.reason IS NULL"]
        row = con.execute("SELECT count(*) FROM dups").fetchone()
        if row is not None and row[0]:
            keep.append(
                "NOT EXISTS (SELECT 1 FROM dups d WHERE d.event_id = s.event_id AND d.k <> s.k)"
            )
        stored = self.store.files(self.dataset)
        if stored:
            con.execute(
                f"CREATE TEMP TABLE old AS SELECT DISTINCT s.event_id FROM {self.stage} s "
                f"SEMI JOIN (SELECT event_id FROM read_parquet({_files(stored)}, "
                "hive_partitioning = false, union_by_name = true))"
                " st ON st.event_id = s.event_id WHERE s.reason IS NULL"
            )
            row = con.execute("SELECT count(*) FROM old").fetchone()
            if row is not None and row[0]:
                keep.append("s.event_id NOT IN (SELECT event_id FROM old)")
        return " AND ".join(keep)

    def _write_events(self, keep: str) -> tuple[Path, int]:
        """Write the kept rows to one file (splitting by month and sorting are left to
        ``EventStore.compact``). Returns the file and the rows written."""
        columns = ", ".join(f"s.{c}" for c in ("event_id", "date", *_MIDDLE))
        row = self.con.execute(
            f"COPY (SELECT {_literal(self.dataset)} AS dataset, {columns}, "
            f"{_literal(self.p.name)} AS file, s.line::BIGINT AS line "
            f"FROM ({self._staged()}) s WHERE {keep}) "
            f"TO {_literal(str(self.out))} (FORMAT parquet, COMPRESSION zstd)"
        ).fetchone()
        return self.out, int(row[0]) if row else 0

    def _write_quarantine(self, target: Path) -> None:
        name = _literal(self.p.name)
        self.con.execute(
            f"COPY (SELECT * FROM ("
            f"SELECT {name} AS file, line, reason, event_id, NULL::VARCHAR AS text "
            f"FROM ({self._staged()}) WHERE reason IS NOT NULL "
            f"UNION ALL SELECT {name}, line, 'unreadable line: ' || message, NULL, text "
            "FROM rejected "
            f"UNION ALL SELECT {name}, line, 'blank line', NULL, NULL FROM blank_lines "
            f"UNION ALL SELECT {name}, line, 'carriage return inside the line', NULL, text "
            f"FROM stray_lines) ORDER BY line) TO {_literal(str(target))} (HEADER, DELIMITER ',')"
        )

    def _refuse_if_no_line_fits(self, read: int) -> None:
        row = self.con.execute(
            f"SELECT (SELECT count(*) FROM {self.stage} "
            "WHERE reason LIKE 'too few fields%'), "
            "(SELECT count(*) FROM rejected WHERE error_type IN "
            f"({', '.join(_literal(e) for e in _LAYOUT_ERRORS)}))"
        ).fetchone()
        wrong = int(row[0]) + int(row[1]) if row else 0
        nonblank = read - len(self.scan.blank) - len(self.scan.stray_cr)
        if nonblank > 0 and wrong == nonblank:
            columns = ", ".join(self.layout.columns)
            counts = " or ".join(str(len(lay.columns)) for lay in self.fmt.layouts)
            raise LayoutError(
                str(self.p.source),
                f"every line has the wrong number of columns for {self.fmt.name}: expected "
                f"{counts} ({columns})",
                expected=list(self.layout.columns),
            )

    # -- the whole ------------------------------------------------------------------------------

    def _run(self, tell: Callable[[float], None]) -> FileReport:
        parsed, invalid = 0, 0
        if any(line.strip() for line in self.p.head):
            self._stage_checked()
        else:  # nothing but blank lines: DuckDB has nothing to read
            self.scan = self.p.wait()
            self.con.execute(
                f"COPY (SELECT NULL::VARCHAR AS event_id, NULL::DATE AS date, "
                f"NULL::VARCHAR AS reason WHERE false) TO {self.stage_file} (FORMAT parquet)"
            )
            self.con.execute(
                "CREATE TEMP TABLE rejects AS SELECT 0::BIGINT AS line, ''::VARCHAR AS "
                "error_type, ''::VARCHAR AS error_message, ''::VARCHAR AS csv_line WHERE false"
            )
        tell(0.75)
        con = self.con
        rejected = self._skipped()
        row = con.execute(f"SELECT count(*), count(reason) FROM {self.stage}").fetchone()
        if row is not None:
            parsed, invalid = int(row[0]), int(row[1])
        blank, stray = len(self.scan.blank), len(self.scan.stray_cr)
        read = parsed + rejected + blank + stray
        self._refuse_if_no_line_fits(read)
        if not self.fmt.quote and read + int(self.fmt.header) != self.scan.lines:
            raise IngestError(
                f"{self.p.source}: {self.scan.lines} lines in the file but {read} rows accounted "
                "for; nothing was ingested"
            )
        keep = self._dedupe()
        row = con.execute(f"SELECT count(*) FROM {self.stage} s WHERE {keep}").fetchone()
        stored = int(row[0]) if row else 0
        quarantined = invalid + rejected + blank + stray
        duplicate = parsed - invalid - stored
        assert read == stored + duplicate + quarantined  # no row silently dropped
        out, written = self._write_events(keep) if stored else (None, 0)
        tell(0.95)
        if out is not None and _count_rows(out) != written:
            raise IngestError(f"{self.p.source}: the written files do not hold {written} rows")
        if written != stored:
            raise IngestError(f"{self.p.source}: wrote {written} rows, expected {stored}")
        quarantine = self._commit_quarantine(quarantined)
        if out is not None:
            self._commit_events(out)
        return FileReport(
            path=str(self.p.source),
            dataset=self.dataset,
            format=self.fmt.name,
            rows_read=read,
            rows_stored=stored,
            rows_duplicate=duplicate,
            rows_quarantined=quarantined,
            quarantine=quarantine,
            sha256=self.scan.sha256,
        )

    def _commit_quarantine(self, quarantined: int) -> str | None:
        target = self.store.quarantine_path / self.dataset / f"{self.p.name}.csv"
        if not quarantined:
            target.unlink(missing_ok=True)
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = self.work / "quarantine.csv"
        self._write_quarantine(staged)
        shutil.move(staged, target)
        return str(target.relative_to(self.store.root))

    def _commit_events(self, out: Path) -> None:
        """Move the written file into the store, ``events/_incoming/NAME/<stem>-<n>.parquet``
        (one rename: readers see all of it or none)."""
        folder = self.store.incoming_path / self.dataset
        folder.mkdir(parents=True, exist_ok=True)
        n = 0
        while (folder / f"{self.p.stem}-{n}.parquet").exists():
            n += 1
        target = folder / f"{self.p.stem}-{n}.parquet"
        shutil.move(out, target)
        self.store.record_ingested(target)


_MIDDLE = (
    "source_code",
    "source_name",
    "source_country",
    "target_code",
    "target_name",
    "target_country",
    "event_code",
    "root_code",
    "quad_class",
    "goldstein",
    "mentions",
    "sources",
    "place_country",
    "lat",
    "lon",
    "source_url",
)


def _count_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _polars_ids_unique(path: Path) -> bool:
    """No ``event_id`` repeats in the file (written in input order). Ids that all read as
    integers and rise from row to row (GDELT's do) are distinct, and so are their texts; that is
    one cheap pass. Otherwise the integers, then the texts, are counted."""
    import polars as pl

    ids = pl.scan_parquet(path).select(pl.col("event_id"))
    number = pl.col("event_id").cast(pl.Int64, strict=False)
    row = ids.select(
        rows=pl.len(), rising=(number.diff() > 0).all(), unread=number.null_count()
    ).collect()
    rows, unread = int(row.item(0, "rows")), int(row.item(0, "unread"))
    if unread == 0 and row.item(0, "rising"):
        return True
    if unread == 0 and int(ids.select(number.n_unique()).collect().item()) == rows:
        return True
    return int(ids.select(pl.col("event_id").n_unique()).collect().item()) == rows


def _files(paths: list[Path]) -> str:
    return "[" + ", ".join(_literal(str(p)) for p in paths) + "]"


def _constant(value: str) -> pl.Expr:
    """A text column holding one value on every row, as a one-value Enum: written as a
    dictionary-encoded string column (read back as text), without a string copy per row."""
    import polars as pl

    return pl.lit(value, pl.Enum([value]))


def _typed(expr: pl.Expr, kind: Any) -> pl.Expr:
    """``expr`` as ``kind``; text stays as the plan made it (String, or an Enum the Parquet
    file stores as dictionary-encoded text)."""
    import polars as pl

    return expr if kind == pl.String else expr.cast(kind)


@cache
def _polars_types() -> dict[str, Any]:
    """EVENT_SCHEMA's types in polars (polars is imported only when a file needs it)."""
    import polars as pl

    kinds = {
        pa.string(): pl.String,
        pa.date32(): pl.Date,
        pa.int8(): pl.Int8,
        pa.int32(): pl.Int32,
        pa.int64(): pl.Int64,
        pa.float64(): pl.Float64,
    }
    return {f.name: kinds[f.type] for f in EVENT_SCHEMA}
