"""The event store as the pages use it: opened per request, empty or missing is no error."""

from __future__ import annotations

from fastapi import Request

from multitrack.config import Settings
from multitrack.events.engines import EventSource, EventStoreError, connect
from multitrack.events.store import EventStore


def event_source(request: Request) -> EventSource | None:
    """The stored events on DuckDB, or ``None`` when nothing has been ingested yet."""
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    store = EventStore(settings.events_dir)
    if store.is_empty():
        return None
    try:
        return connect("duckdb", store.events_path)
    except EventStoreError:
        return None
