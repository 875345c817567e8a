"""The event store as the services use it: one source per thread, and the answers kept.

Light to import (the event engines load on first use), so that commands and pages that only
pass an event store along do not load Ibis and DuckDB.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multitrack.events.engines import EventSource
    from multitrack.events.store import EventStore

#: answers kept per event store (least recently used first out)
CACHED_ANSWERS = 512

T = TypeVar("T")


@dataclass
class _Local(threading.local):
    sources: dict[Path, tuple[tuple[int, int], EventSource]]

    def __init__(self) -> None:
        self.sources = {}


class EventTables:
    """The events table of one event store, per thread, plus a small cache of answers."""

    def __init__(self, events_dir: Path) -> None:
        from multitrack.events.store import EventStore

        self.store: EventStore = EventStore(events_dir)
        self._local = _Local()
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def version(self) -> tuple[int, int]:
        """Changes whenever an ingest rewrites the catalogue (or the store appears)."""
        try:
            stat = self.store.catalogue_path.stat()
        except FileNotFoundError:
            return (0, len(self.store.files()))
        return (stat.st_mtime_ns, stat.st_size)

    def source(self) -> EventSource:
        current = self.version()
        path = self.store.events_path
        held = self._local.sources.get(path)
        if held is not None and held[0] == current:
            return held[1]
        from multitrack.events.engines import connect

        opened = connect("duckdb", path)
        self._local.sources[path] = (current, opened)
        return opened

    def cached(self, key: Hashable, compute: Callable[[EventSource], T]) -> T:
        """The answer for ``key`` on the current catalogue, computed once."""
        full = (self.version(), key)
        with self._lock:
            if full in self._answers:
                self._answers.move_to_end(full)
                found: T = self._answers[full]
                return found
        answer = compute(self.source())
        with self._lock:
            self._answers[full] = answer
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        return answer
