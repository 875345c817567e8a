"""Engine and session factories. Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from multitrack.config import default_state_dir
from multitrack.errors import MultitrackError
from multitrack.security.audit import AUDIT_HEAD_KEY, Checkpoints
from multitrack.security.gate import PRINCIPAL_KEY
from multitrack.security.gate import install as install_gate
from multitrack.security.principal import NoPrincipalError, Principal
from multitrack.store.generation import Generation


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
    # SAVEPOINTs (one per imported row) nest inside the one transaction of an import.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise MultitrackError(
        f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://..."
    )


class GatedSession(Session):
    """The registry's sessions: every ORM statement passes the visibility gate."""


install_gate(GatedSession)


@dataclass
class Store:
    """One registry database: its engine, a session factory, and where its audit head is kept."""

    url: str
    engine: Engine
    sessions: sessionmaker[GatedSession]
    state_dir: Path
    #: the registry's change counter, for what a server keeps between requests
    generation: Generation = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.generation = Generation(self.engine)

    @contextmanager
    def session(self, principal: Principal) -> Iterator[Session]:
        """A unit of work on behalf of ``principal``: committed when the block ends, rolled
        back whole on any error. There is no default principal: reads without one fail."""
        if not isinstance(principal, Principal):
            raise NoPrincipalError("a session needs the principal it acts for")
        with self.sessions.begin() as session:
            session.info[PRINCIPAL_KEY] = principal
            yield session
            head = session.info.get(AUDIT_HEAD_KEY)
        if head is not None:
            self.checkpoints().write(*head)

    def checkpoints(self) -> Checkpoints:
        return Checkpoints(self.state_dir, self.url)

    def dispose(self) -> None:
        self.generation.close()
        self.engine.dispose()


def open_store(url: str, *, state_dir: Path | None = None) -> Store:
    engine = make_engine(url)
    return Store(
        url=url,
        engine=engine,
        sessions=sessionmaker(engine, class_=GatedSession, expire_on_commit=False),
        state_dir=state_dir or default_state_dir(),
    )
