"""Event stores for the relations tests, built without the ingest code.

``gdelt2_events`` projects the real GDELT 2.0 samples (``shared/data/gdelt2``) onto the normalised
event schema with the csv module and pyarrow, and writes them as the store does
(``dataset=gdelt2/month=YYYY-MM/*.parquet``). One sample is written twice (a second part file in
the same partitions), as a re-ingest gone wrong would leave it, so every figure also proves that
each event counts once. ``raw_rows`` reads the same files independently for expected figures.

``write_store`` writes any list of event dicts the same way (synthetic series).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from multitrack.events.schema import EVENT_SCHEMA

GDELT2_FILES = (
    "20151027220000.export.CSV",
    "20190121220000.export.CSV",
    "20191024143000.export.CSV",
)
DUPLICATED = "20191024143000.export.CSV"


def raw_rows(folder: Path) -> list[list[str]]:
    """Every row of the three samples, as the csv module reads them (61 fields each)."""
    rows: list[list[str]] = []
    for name in GDELT2_FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                assert len(row) == 61, name
                rows.append(row)
    return rows


def _text(value: str) -> str | None:
    return value or None


def _float(value: str) -> float | None:
    return float(value) if value else None


def project(row: list[str], *, file: str, line: int) -> dict[str, Any]:
    """One GDELT 2.0 row in the normalised schema (only what the relations use is careful)."""
    day = row[1]
    return {
        "dataset": "gdelt2",
        "event_id": row[0],
        "date": date(int(day[:4]), int(day[4:6]), int(day[6:8])),
        "source_code": _text(row[5]),
        "source_name": _text(row[6]),
        "source_country": _text(row[7]),
        "target_code": _text(row[15]),
        "target_name": _text(row[16]),
        "target_country": _text(row[17]),
        "event_code": row[26],
        "root_code": row[28],
        "quad_class": int(row[29]),
        "goldstein": _float(row[30]),
        "mentions": int(row[31]),
        "sources": int(row[32]),
        "place_country": None,
        "lat": _float(row[56]),
        "lon": _float(row[57]),
        "source_url": _text(row[60]),
        "file": file,
        "line": line,
    }


def write_store(root: Path, events: Iterable[dict[str, Any]], *, part: str = "part-0") -> Path:
    """Writes events under ``root`` as ``dataset=X/month=YYYY-MM/<part>.parquet``; returns root.

    The partition columns stay in the files too (the engines read either layout).
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for event in events:
        month = f"{event['date'].year}-{event['date'].month:02d}"
        groups.setdefault((event["dataset"], month), []).append(event)
    for (dataset, month), rows in groups.items():
        folder = root / f"dataset={dataset}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        full = [{name: row.get(name) for name in EVENT_SCHEMA.names} for row in rows]
        pq.write_table(pa.Table.from_pylist(full, schema=EVENT_SCHEMA), folder / f"{part}.parquet")
    return root


def build_gdelt2_store(root: Path, folder: Path) -> Path:
    for name in GDELT2_FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            events = [project(row, file=name, line=i) for i, row in enumerate(reader, 1)]
        write_store(root, events, part=f"{name}-0")
        if name == DUPLICATED:
            write_store(root, events, part=f"{name}-again")
    return root


@pytest.fixture(scope="session")
def gdelt2_dir(shared_data: Path) -> Path:
    return shared_data / "gdelt2"


@pytest.fixture(scope="session")
def gdelt2_events(gdelt2_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The events root of a store holding the three real GDELT 2.0 samples."""
    return build_gdelt2_store(tmp_path_factory.mktemp("gdelt2-store") / "events", gdelt2_dir)


@pytest.fixture(scope="session")
def gdelt2_raw(gdelt2_dir: Path) -> list[list[str]]:
    return raw_rows(gdelt2_dir)
