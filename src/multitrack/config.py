"""Where Multitrack keeps its data: one typed settings object, resolved at the edge."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

DB_ENV = "MULTITRACK_DB"
EVENTS_DIR_ENV = "MULTITRACK_EVENTS_DIR"
STATE_DIR_ENV = "MULTITRACK_STATE_DIR"
APP_NAME = "multitrack"


def default_data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_state_dir() -> Path:
    """Kept outside any database: the installation's signing key and signed audit heads."""
    chosen = os.environ.get(STATE_DIR_ENV)
    return Path(chosen).expanduser() if chosen else default_data_dir() / "state"


def default_db_url() -> str:
    return f"sqlite:///{default_data_dir() / 'multitrack.db'}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    events_dir: Path

    @classmethod
    def resolve(cls, db: str | None = None, events_dir: str | Path | None = None) -> Settings:
        """``--db`` wins, then ``MULTITRACK_DB``, then a SQLite file in the user data directory.

        A bare file path is accepted as a SQLite database. The event store is ``--events-dir``,
        then ``MULTITRACK_EVENTS_DIR``, then ``events/`` beside a SQLite database file (or in the
        user data directory for a server database).
        """
        url = db or os.environ.get(DB_ENV) or default_db_url()
        if "://" not in url:
            url = f"sqlite:///{Path(url).expanduser().resolve()}"
        chosen = events_dir or os.environ.get(EVENTS_DIR_ENV)
        if chosen:
            folder = Path(chosen).expanduser().resolve()
        elif url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            folder = Path(url.removeprefix("sqlite:///")).parent / "events"
        else:
            folder = default_data_dir() / "events"
        return cls(db_url=url, events_dir=folder)
