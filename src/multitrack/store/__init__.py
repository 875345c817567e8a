"""Engines, sessions and migrations of the registry store."""

from multitrack.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
