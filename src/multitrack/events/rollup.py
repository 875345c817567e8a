"""Dyad rollups: the relations measures summed per state dyad and day (and month), kept beside
the event store and used only while they describe exactly the files stored.

A rollup row holds, for one ``(dataset, source_country, target_country, date)``, the sums that
:func:`multitrack.events.relations.measures` computes from raw events: ``events``, the four
quad-class counts, ``goldstein_sum``, ``goldstein_n`` and ``goldstein_sq``. Adding up rollup rows
gives the same figures as aggregating the events themselves, for every period (day to year), any
date range, any dataset and any pair of **states** (events whose two countries are known).
Non-state actors match on their own codes (see :mod:`multitrack.events.parties`), which a country
rollup cannot answer: those queries always read the events.

Two levels are written: ``day`` (any period, any range) and ``month`` (month, quarter and year
series whose range is whole months; about 30 times fewer rows).

**Never stale.** A rollup is named after the *fingerprint* of the store it was built from: the
path, size and modification time (ns) of every Parquet file under ``events/``. A query recomputes
the fingerprint (a directory listing and one ``stat`` a file, well under a millisecond for a
compacted store) and uses the rollup only when one with that exact name exists; any ingest,
compaction or hand-made change gives a new fingerprint, so the old rollup is simply not found
and queries read the events until :func:`build` runs again. Each file is written under a
temporary name and renamed into place (atomic); a build that sees the store change while it runs
discards its result. Duplicates are removed as the raw queries do (one row per
``(dataset, event_id)``) unless every stored file was written by ingest.

Layout: ``<events dir>/rollup/{day,month}-<fingerprint>.parquet``, sorted by
``(source_country, target_country, date)``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["day", "month"]
LEVELS: tuple[Level, ...] = ("day", "month")
ROLLUP_DIR = "rollup"
#: the measure columns of a rollup row, in order (the keys of ``relations.measures``)
MEASURES: tuple[str, ...] = (
    "events",
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
    "goldstein_sum",
    "goldstein_n",
    "goldstein_sq",
)
KEYS: tuple[str, ...] = ("dataset", "source_country", "target_country", "date")
ROW_GROUP_SIZE = 16384
#: rollups of earlier store states kept after a build (a reader may still be using one)
KEEP_OLD = 1


@dataclass(frozen=True)
class Rollup:
    """The rollup files of one store state (``paths`` by level)."""

    fingerprint: str
    paths: dict[Level, Path]


def rollup_dir(events_path: Path) -> Path:
    return events_path.parent / ROLLUP_DIR


def fingerprint(events_path: Path) -> str | None:
    """A digest of every stored Parquet file's path, size and mtime; None when there are none."""
    lines: list[str] = []
    try:
        datasets = [e for e in os.scandir(events_path) if e.name.startswith("dataset=")]
    except FileNotFoundError:
        return None
    for ds in datasets:
        if not ds.is_dir():
            continue
        for month in os.scandir(ds.path):
            if not (month.name.startswith("month=") and month.is_dir()):
                continue
            for f in os.scandir(month.path):
                if f.name.endswith(".parquet") and f.is_file():
                    st = f.stat()
                    lines.append(f"{ds.name}/{month.name}/{f.name}\t{st.st_size}\t{st.st_mtime_ns}")
    from multitrack.events.store import incoming_files

    for path in incoming_files(events_path):  # ingested, not yet split by month
        st = path.stat()
        name = path.relative_to(events_path).as_posix()
        lines.append(f"{name}\t{st.st_size}\t{st.st_mtime_ns}")
    if not lines:
        return None
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def path_of(events_path: Path, level: Level, print_: str) -> Path:
    return rollup_dir(events_path) / f"{level}-{print_}.parquet"


def current(events_path: Path) -> Rollup | None:
    """The rollup matching the store as it is now, or None (absent or the store changed)."""
    print_ = fingerprint(events_path)
    if print_ is None:
        return None
    paths = {level: path_of(events_path, level, print_) for level in LEVELS}
    if not all(p.is_file() for p in paths.values()):
        return None
    return Rollup(fingerprint=print_, paths=paths)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build(events_path: Path | str) -> Rollup | None:
    """(Re)build the rollup of the store at ``events_path`` (the ``events/`` folder); a no-op
    when the current one exists. Returns None when the store is empty or changed meanwhile."""
    from multitrack.events.engines import connect
    from multitrack.events.relations import DYAD_FIELDS, measures, unique_events

    root = Path(events_path)
    before = fingerprint(root)
    if before is None:
        return None
    found = current(root)
    if found is not None:
        return found
    source = connect("duckdb", root)
    t = source.events
    t = t.filter(t.source_country.notnull(), t.target_country.notnull())
    if not source.unique:
        t = unique_events(t, DYAD_FIELDS)
    day = t.group_by(list(KEYS)).aggregate(**measures(t))
    folder = rollup_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {level: path_of(root, level, before) for level in LEVELS}
    tmp = {level: folder / f".{uuid.uuid4().hex}.tmp" for level in LEVELS}
    order = "ORDER BY source_country, target_country, date, dataset"
    options = f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
    con = source.backend.con
    try:
        con.execute(
            f"COPY ({source.backend.compile(day)} {order}) TO {_quote(tmp['day'])} {options}"
        )
        sums = ", ".join(
            f"CAST(sum({m}) AS {'DOUBLE' if m.startswith('goldstein_s') else 'BIGINT'}) AS {m}"
            for m in MEASURES
        )
        con.execute(
            f"COPY (SELECT dataset, source_country, target_country, "
            f"CAST(date_trunc('month', date) AS DATE) AS date, {sums} "
            f"FROM read_parquet({_quote(tmp['day'])}) GROUP BY ALL {order}) "
            f"TO {_quote(tmp['month'])} {options}"
        )
        if fingerprint(root) != before:  # the store changed while we read it
            return None
        for level in LEVELS:
            os.replace(tmp[level], paths[level])
    finally:
        for path in tmp.values():
            path.unlink(missing_ok=True)
        con.close()
    _prune(folder, before)
    return Rollup(fingerprint=before, paths=paths)


def _prune(folder: Path, keep: str) -> None:
    """Remove rollups of older store states (the newest ``KEEP_OLD`` others stay a while)."""
    others: dict[str, list[Path]] = {}
    for path in folder.glob("*.parquet"):
        print_ = path.stem.split("-", 1)[-1]
        if print_ != keep:
            others.setdefault(print_, []).append(path)
    by_age = sorted(others.values(), key=lambda ps: max(p.stat().st_mtime_ns for p in ps))
    for paths in by_age[: max(len(by_age) - KEEP_OLD, 0)]:
        for path in paths:
            path.unlink(missing_ok=True)
