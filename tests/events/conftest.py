"""Fixtures shared by the event tests (the relations' real-sample store lives in relations_data)."""

from __future__ import annotations

from tests.events.relations_data import gdelt2_dir, gdelt2_events, gdelt2_raw

__all__ = ["gdelt2_dir", "gdelt2_events", "gdelt2_raw"]
