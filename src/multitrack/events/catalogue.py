"""The catalogue of datasets in an events dir: what was ingested, and what the data can say.

``catalogue.json`` records per dataset its coding scheme, whether it is synthetic, and every
file ingested (name, SHA-256, rows read / stored / duplicate / quarantined, when). Coverage,
row counts and the fallback share are computed from the stored Parquet when asked, so they
cannot drift from the data.

**Fallback share** — the share of a dataset's stored events whose code is the coder's
fallback: for CAMEO-coded data (GDELT, ICEWS, and ACLED through its CAMEO mapping) a root-only
code (``01`` … ``20``) or a root's "not specified below" code (``010``, ``020``, … ``200``:
three digits ending in 0). PLOVER has no fallback code: reported as empty.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from multitrack.events.store import EventStore

VERSION = 1

FALLBACK_SQL = "(length(event_code) = 2 OR (length(event_code) = 3 AND right(event_code, 1) = '0'))"


@dataclass(frozen=True)
class FileRecord:
    name: str
    sha256: str
    format: str
    rows_read: int
    rows_stored: int
    rows_duplicate: int
    rows_quarantined: int
    ingested_at: str
    quarantine: str | None = None


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    scheme: str | None
    synthetic: bool
    files: tuple[FileRecord, ...]
    first_date: date | None
    last_date: date | None
    rows: int
    fallback_share: float | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_date"] = self.first_date.isoformat() if self.first_date else None
        data["last_date"] = self.last_date.isoformat() if self.last_date else None
        data["files"] = [asdict(f) for f in self.files]
        return data


@dataclass
class _Entry:
    scheme: str | None
    synthetic: bool = False
    files: list[FileRecord] = field(default_factory=list)


def _load(store: EventStore) -> dict[str, _Entry]:
    if not store.catalogue_path.exists():
        return {}
    raw = json.loads(store.catalogue_path.read_text("utf-8"))
    entries: dict[str, _Entry] = {}
    for name, item in raw.get("datasets", {}).items():
        entries[name] = _Entry(
            scheme=item.get("scheme"),
            synthetic=bool(item.get("synthetic", False)),
            files=[FileRecord(**f) for f in item.get("files", [])],
        )
    return entries


def _save(store: EventStore, entries: dict[str, _Entry]) -> None:
    data = {
        "version": VERSION,
        "datasets": {
            name: {
                "scheme": e.scheme,
                "synthetic": e.synthetic,
                "files": [asdict(f) for f in e.files],
            }
            for name, e in sorted(entries.items())
        },
    }
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = store.catalogue_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, store.catalogue_path)


def record_file(
    events_dir: Path, *, dataset: str, scheme: str, synthetic: bool, record: FileRecord
) -> None:
    """Add one ingested file to a dataset's entry (creating the entry)."""
    store = EventStore(events_dir)
    entries = _load(store)
    entry = entries.setdefault(dataset, _Entry(scheme=scheme, synthetic=synthetic))
    entry.scheme = entry.scheme or scheme
    entry.synthetic = entry.synthetic or synthetic
    entry.files.append(record)
    _save(store, entries)


def mark_synthetic(events_dir: Path, dataset: str, synthetic: bool = True) -> None:
    store = EventStore(events_dir)
    entries = _load(store)
    entries.setdefault(dataset, _Entry(scheme=None)).synthetic = synthetic
    _save(store, entries)


def datasets(events_dir: Path) -> list[DatasetInfo]:
    """Every dataset in the events dir: catalogue entries plus coverage computed from Parquet."""
    store = EventStore(events_dir)
    entries = _load(store)
    stats: dict[str, tuple[date | None, date | None, int, float | None]] = {}
    if not store.is_empty():
        con = store.connect()
        try:
            for name, first, last, rows, share in con.execute(
                f"SELECT dataset, min(date), max(date), count(*), "
                f"avg(CASE WHEN {FALLBACK_SQL} THEN 1.0 ELSE 0.0 END) "
                "FROM events GROUP BY dataset"
            ).fetchall():
                stats[name] = (first, last, int(rows), float(share))
        finally:
            con.close()
    result = []
    for name in sorted(set(entries) | set(stats)):
        entry = entries.get(name, _Entry(scheme=None))
        first, last, rows, share = stats.get(name, (None, None, 0, None))
        if entry.scheme == "PLOVER":
            share = None
        result.append(
            DatasetInfo(
                name=name,
                scheme=entry.scheme,
                synthetic=entry.synthetic,
                files=tuple(entry.files),
                first_date=first,
                last_date=last,
                rows=rows,
                fallback_share=share,
            )
        )
    return result
