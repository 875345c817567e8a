"""The event store as reports read it: opened once per report, absent or empty is no error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Ibis loads in ~0.5 s: only when a report reads events
    from multitrack.events.engines import EventSource


def open_events(events_dir: Path) -> EventSource | None:
    """The stored events on DuckDB, or ``None`` when nothing has been ingested."""
    from multitrack.events.engines import EventStoreError, connect
    from multitrack.events.store import EventStore

    store = EventStore(events_dir)
    if store.is_empty():
        return None
    try:
        return connect("duckdb", store.events_path)
    except EventStoreError:
        return None
