"""Ingest event files into the store: streaming, with every row accounted for.

For each file: scan its bytes (``inputs``, SHA-256 and line count in a background thread),
recognise its format and layout or refuse it (``formats.sniff``), then (``pipeline``):

0. **one pass** for a clean file — polars (formats with a polars plan: GDELT) or DuckDB reads the
   file, numbers the lines, checks and projects every row and writes the good ones to one
   Parquet file; the result stands only if every line was a good row and no id repeats or is
   already stored, else it is discarded and the file takes the staged path:
1. **stage** — DuckDB ``read_csv`` with the codebook's column names, all VARCHAR,
   ``store_rejects``; each row gets its ordinal ``k`` and is projected onto the normalised
   schema with a ``reason`` (NULL when the row is good), written to a staging Parquet file;
2. **line numbers** — lines DuckDB did not return as rows (header, blank lines, rejected
   lines) are known after the scan; an ASOF join turns ``k`` into the physical line;
3. **dedupe** — the first row of each ``event_id`` in the file, minus ids already stored for
   the dataset (anti-join on the stored Parquet);
4. **write** — new rows as one zstd Parquet file, ``events/_incoming/<dataset>/<stem>-<n>.parquet``
   (``EventStore.compact`` later splits it by month and sorts); quarantined rows (reason,
   rejected and blank lines) to ``quarantine/<dataset>/<file>.csv``.

Rows read = stored + duplicate + quarantined, checked before anything is committed.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from multitrack.errors import InvalidValueError, LayoutError
from multitrack.events import catalogue
from multitrack.events.formats import FORMATS, get_format
from multitrack.events.formats.sniff import recognise
from multitrack.events.inputs import prepare
from multitrack.events.pipeline import FilePipeline, FileReport, IngestError
from multitrack.events.store import EventStore

__all__ = ["FileReport", "IngestError", "ProgressCallback", "ingest", "ingest_file"]

#: Called with (file name, fraction done in 0..1).
ProgressCallback = Callable[[str, float], None]


def ingest(
    paths: Iterable[Path | str],
    *,
    events_dir: Path,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    dataset: str | None = None,
    synthetic: bool = False,
) -> list[FileReport]:
    """Ingest files in order; a refused file is reported (``refused``) and the rest go on."""
    reports = []
    for path in paths:
        try:
            reports.append(
                ingest_file(
                    Path(path),
                    events_dir=events_dir,
                    fmt=fmt,
                    progress=progress,
                    dataset=dataset,
                    synthetic=synthetic,
                )
            )
        except LayoutError as error:
            reports.append(FileReport(path=str(path), format=fmt, refused=str(error)))
    return reports


def ingest_file(
    path: Path,
    *,
    events_dir: Path,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    dataset: str | None = None,
    synthetic: bool = False,
) -> FileReport:
    """Ingest one file; raises :class:`LayoutError` (nothing written) when it is refused."""
    chosen = None
    if fmt is not None:
        chosen = get_format(fmt)
        if chosen is None:
            raise InvalidValueError("format", f"unknown format {fmt!r}; one of {sorted(FORMATS)}")
    if not path.is_file():
        raise LayoutError(str(path), "no such file")
    store = EventStore(events_dir)
    work = store.work_path / uuid.uuid4().hex
    work.mkdir(parents=True)
    started = time.perf_counter()

    done = [0.0]

    def tell(fraction: float) -> None:  # monotonic: the byte scan reports from its thread
        if progress is not None and fraction > done[0]:
            done[0] = fraction
            progress(path.name, fraction)

    try:
        try:
            context = prepare(path, work, progress=lambda f: tell(0.3 * f))
            with context as prepared:
                format_, layout = recognise(str(path), prepared.head, FORMATS, chosen)
                name = dataset or format_.name
                job = FilePipeline(prepared, format_, layout, name, store, work)
                report = job.run(tell)
        except (OSError, EOFError) as error:
            raise LayoutError(str(path), f"cannot read the file: {error}") from error
        catalogue.record_file(
            events_dir,
            dataset=report.dataset or "",
            scheme=format_.scheme.value,
            synthetic=synthetic,
            record=catalogue.FileRecord(
                name=path.name,
                sha256=report.sha256 or "",
                format=format_.name,
                rows_read=report.rows_read,
                rows_stored=report.rows_stored,
                rows_duplicate=report.rows_duplicate,
                rows_quarantined=report.rows_quarantined,
                ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                quarantine=report.quarantine,
            ),
        )
        tell(1.0)
        return FileReport(**{**report.__dict__, "seconds": time.perf_counter() - started})
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            store.work_path.rmdir()
