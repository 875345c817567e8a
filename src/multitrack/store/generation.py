"""Whether the registry changed: a generation number for what a server keeps in memory.

A server keeps a few answers between requests (the principal of an API token, the actor a
relations query names) only for as long as nothing in the registry has changed, so that a
revoked token, a reclassified record or a renamed actor is seen at once.

On SQLite the generation grows with every commit by any connection to the database file, this
process's or another one's (the CLI, a second server): the counter keeps one connection of its
own, never used for anything else, and ``PRAGMA data_version`` on it changes whenever another
connection has committed. The first look after a commit therefore always moves the generation
on, and an answer is only reused under the generation it was computed in. The look costs a few
microseconds and waits for no lock and no pooled connection.

Elsewhere (PostgreSQL, or an in-memory SQLite database) there is no generation: ``current()``
is None and nothing is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from sqlalchemy import Engine

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Generation:
    """The registry's change counter, for one engine."""

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database
        self._path = (
            database
            if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
            else None
        )
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._value = 0

    def current(self) -> int | None:
        """The generation now, or None when changes cannot be told (keep nothing then)."""
        if self._path is None:
            return None
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self._path, check_same_thread=False, isolation_level=None
                )
            (version,) = self._connection.execute("PRAGMA data_version").fetchone()
            if version != self._seen:
                self._seen = version
                self._value += 1
            return self._value

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
                self._seen = None  # reopened later: the first look counts as a change


class Kept(Generic[K, V]):
    """Answers kept while the generation they were computed in is current (bounded, least
    recently used first out). Under no generation (None) nothing is kept."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._items: OrderedDict[K, tuple[int, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, generation: int | None) -> V | None:
        if generation is None:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != generation:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: K, generation: int | None, value: V) -> None:
        if generation is None:
            return
        with self._lock:
            self._items[key] = (generation, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
