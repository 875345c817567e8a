"""What the exchange tests share: more databases on the backend of ``db_url``, stores, files.

``new_db_url(init=...)`` makes one more database on the same backend as the test's ``db_url`` (a
SQLite file, or a PostgreSQL database of the session's server), empty or initialised; ``store``
is an initialised one, opened. ``open_db(url)`` opens a store (closed after the test).
``snapshot(store, fmt)`` is the full export of a database, file name -> bytes.
"""

from __future__ import annotations

import itertools
import json
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from multitrack.exchange.exporter import export_all, write_csv
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import init_database
from multitrack.store import Store, open_store

Snapshot = dict[str, bytes]


class Databases:
    """More databases on either backend, made on demand for the exchange tests.

    Initialised ones (schema and every country) are copies of one template made once a session:
    init_database takes a while, a file copy (SQLite) or ``CREATE DATABASE ... TEMPLATE``
    (PostgreSQL) does not.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = itertools.count(1)
        self.sqlite_template: Path | None = None
        self.pg_templates: dict[str, str] = {}  # server URL -> template database name

    def new(self, backend: str, request: pytest.FixtureRequest, *, init: bool = False) -> str:
        """A new database on ``backend`` ("sqlite" or "postgresql"), empty or initialised."""
        if backend == "sqlite":
            return self.sqlite(init=init)
        server_url: str = request.getfixturevalue("postgres_url")
        return self.postgres(server_url, init=init)

    def sqlite(self, *, init: bool = False) -> str:
        path = self.folder / f"db-{next(self.names)}.db"
        if init:
            if self.sqlite_template is None:
                self.sqlite_template = self.folder / "template.db"
                _init(f"sqlite:///{self.sqlite_template}")
            shutil.copyfile(self.sqlite_template, path)
        return f"sqlite:///{path}"

    def postgres(self, server_url: str, *, init: bool = False) -> str:
        name = f"test_{uuid.uuid4().hex[:16]}"
        if not init:
            _pg_execute(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return _pg_url(server_url, name)
        template = self.pg_templates.get(server_url)
        if template is None:
            template = f"template_{uuid.uuid4().hex[:12]}"
            _pg_execute(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
            _init(_pg_url(server_url, template))
            self.pg_templates[server_url] = template
        _pg_execute(
            server_url,
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            ),
        )
        return _pg_url(server_url, name)

    def drop(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
            return
        server_url, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
        _pg_execute(
            server_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )


def _init(url: str) -> None:
    store = open_store(url)
    try:
        init_database(store)
    finally:
        store.dispose()  # a template must have no open connection (and SQLite no WAL left)


def _pg_url(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _pg_execute(server_url: str, statement: sql.Composed) -> None:
    libpq = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Databases:
    return Databases(tmp_path_factory.mktemp("databases"))


@pytest.fixture
def new_db_url(
    db_url: str, databases: Databases, request: pytest.FixtureRequest
) -> Iterator[Callable[..., str]]:
    """``new_db_url(init=False)``: one more database on the backend of ``db_url``.

    Empty by default; with ``init=True`` initialised (schema and every country), as
    init_database leaves it. All are removed after the test.
    """
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    made: list[str] = []

    def make(*, init: bool = False) -> str:
        made.append(databases.new(backend, request, init=init))
        return made[-1]

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture
def open_db() -> Iterator[Callable[[str], Store]]:
    """Opens stores, all closed after the test."""
    stores: list[Store] = []

    def open_(url: str) -> Store:
        store = open_store(url)
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.dispose()


@pytest.fixture
def store(new_db_url: Callable[..., str], open_db: Callable[[str], Store]) -> Store:
    """An initialised database (schema and every country) on the backend of ``db_url``."""
    return open_db(new_db_url(init=True))


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Store, str], Snapshot]:
    """The full export of a database in one format: {file name: bytes}."""

    def take(store: Store, fmt: str = "jsonl") -> Snapshot:
        out = tmp_path_factory.mktemp(f"snapshot-{fmt}")
        export_all(store, out, fmt=fmt, principal=LOCAL_ADMIN)
        return {path.name: path.read_bytes() for path in sorted(out.iterdir())}

    return take


# --------------------------------------------------------------------------------------------
# Writing input files


WriteRecords = Callable[[Path, str, str, Sequence[Mapping[str, Any]]], Path]


@pytest.fixture(scope="session")
def write_records() -> WriteRecords:
    """``write_records(folder, kind, fmt, records)``: one input file, as the exporter writes."""
    return _write_records


def _write_records(folder: Path, kind: str, fmt: str, records: Sequence[Mapping[str, Any]]) -> Path:
    """Write ``records`` as ``folder/kind.fmt`` the way the exporter does (absent keys empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.{fmt}"
    if fmt == "jsonl":
        path.write_text(
            "".join(json.dumps(dict(r), ensure_ascii=False) + "\n" for r in records),
            encoding="utf-8",
            newline="\n",
        )
    else:
        write_csv(path, kind, iter(dict(r) for r in records))
    return path
