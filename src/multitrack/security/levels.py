"""Classification levels: ordered, names configurable per installation."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.model import Setting

DEFAULT_LEVELS: tuple[str, ...] = ("UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET")
SETTING_KEY = "classification_levels"
#: The names are read once per session (labels are rendered for every exported record).
CACHE_KEY = "multitrack.levels"


def levels(session: Session) -> tuple[str, ...]:
    """The level names, lowest first; a record's ``classification`` is an index into them."""
    cached = session.info.get(CACHE_KEY)
    if isinstance(cached, tuple):
        return cached
    row = session.get(Setting, SETTING_KEY)
    names = DEFAULT_LEVELS if row is None else tuple(str(n) for n in json.loads(row.value))
    session.info[CACHE_KEY] = names
    return names


def set_levels(session: Session, names: list[str]) -> tuple[str, ...]:
    """Rename the levels (their number may grow, never shrink below what records use)."""
    cleaned = [n.strip().upper() for n in names if n.strip()]
    if len(cleaned) < 2 or len(set(cleaned)) != len(cleaned):
        raise InvalidValueError("levels", "give two or more distinct level names, lowest first")
    if len(cleaned) < len(levels(session)):
        raise InvalidValueError("levels", "levels can be renamed or added, not removed")
    row = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value="[]")
    row.value = json.dumps(cleaned)
    session.add(row)
    session.info[CACHE_KEY] = tuple(cleaned)
    return tuple(cleaned)


def level_rank(session: Session, name: str, *, field: str = "classification") -> int:
    names = levels(session)
    wanted = name.strip().upper()
    if wanted.isdigit() and int(wanted) < len(names):
        return int(wanted)
    if wanted not in names:
        raise InvalidValueError(field, f"unknown level {name!r}; one of {', '.join(names)}")
    return names.index(wanted)


def level_name(session: Session, rank: int) -> str:
    names = levels(session)
    return names[rank] if 0 <= rank < len(names) else str(rank)
