"""The event formats Multitrack reads, by name, and recognising a file's format."""

from __future__ import annotations

from multitrack.events.formats.acled import ACLED
from multitrack.events.formats.base import EventFormat, Layout, Scheme
from multitrack.events.formats.gdelt import GDELT1, GDELT2
from multitrack.events.formats.icews import ICEWS
from multitrack.events.formats.polecat import POLECAT

FORMATS: dict[str, EventFormat] = {f.name: f for f in (GDELT1, GDELT2, ICEWS, ACLED, POLECAT)}
ALIASES: dict[str, str] = {"plover": "polecat", "gdelt": "gdelt2"}

__all__ = ["ALIASES", "FORMATS", "EventFormat", "Layout", "Scheme", "get_format"]


def get_format(name: str) -> EventFormat | None:
    key = name.strip().lower()
    return FORMATS.get(ALIASES.get(key, key))
