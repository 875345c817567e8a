"""Shared fixtures: database URLs for SQLite and a throw-away PostgreSQL server, and paths.

Any test that takes ``db_url`` runs twice: once on a fresh SQLite file, once on a fresh database
of a real PostgreSQL server that this test session starts (marked ``postgres``; deselect with
``-m "not postgres"``). The server is started only when a test needs it.

Finding PostgreSQL: ``MULTITRACK_PG_BIN`` (a bin dir holding ``initdb``, ``pg_ctl``, ``postgres``),
else ``/usr/lib/postgresql/15/bin``, else ``pg_config --bindir``. Without them, ``postgres`` tests
fail when the ``CI`` environment variable is set and are skipped otherwise.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.needs import missing

PG_DEFAULT_BIN = Path("/usr/lib/postgresql/15/bin")
PG_REQUIRED_PROGRAMS = ("initdb", "pg_ctl", "postgres")
PG_SYSTEM_USER = "multitrack-pg"
PG_SUPERUSER = "postgres"
PG_START_ATTEMPTS = 3
PG_RAM_DIR = Path("/dev/shm")
PG_RAM_DIR_MIN_FREE = 1 << 30  # Docker's default /dev/shm (64 MiB) is too small for a cluster
PG_START_SECONDS = pytest.StashKey[float]()


# --------------------------------------------------------------------------------------------
# Paths


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (the one holding ``pyproject.toml``)."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_data(repo_root: Path) -> Path:
    """The shared reference data, ``shared/data`` beside the repository."""
    path = repo_root.parent / "shared" / "data"
    if not path.is_dir():
        pytest.fail(
            f"shared data folder not found at {path}: tests expect a copy of 'shared/' "
            f"beside the repository ({repo_root.parent})",
            pytrace=False,
        )
    return path


# --------------------------------------------------------------------------------------------
# Finding PostgreSQL, and failing or skipping without it


def _has_pg_programs(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in PG_REQUIRED_PROGRAMS)


def _pg_config_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        out = subprocess.run(
            [pg_config, "--bindir"], check=True, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


def find_pg_bin() -> tuple[Path | None, str]:
    """The PostgreSQL bin dir, or ``None`` with the reason it was not found."""
    override = os.environ.get("MULTITRACK_PG_BIN")
    if override:
        path = Path(override)
        if _has_pg_programs(path):
            return path, ""
        return None, f"MULTITRACK_PG_BIN={override} lacks one of {', '.join(PG_REQUIRED_PROGRAMS)}"
    if _has_pg_programs(PG_DEFAULT_BIN):
        return PG_DEFAULT_BIN, ""
    configured = _pg_config_bindir()
    if configured is not None and _has_pg_programs(configured):
        return configured, ""
    return None, (
        f"PostgreSQL server binaries not found (looked in $MULTITRACK_PG_BIN, {PG_DEFAULT_BIN} "
        "and `pg_config --bindir`); install them with `apt-get install postgresql-15` "
        "or run scripts/test.sh, which does"
    )


def require_pg_bin() -> Path:
    """The PostgreSQL bin dir; without it, fail on CI and skip elsewhere."""
    bin_dir, reason = find_pg_bin()
    if bin_dir is None:
        missing("PostgreSQL is required", reason)
    return bin_dir


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Also covers tests marked `postgres` that start no server through the fixtures below.
    if item.get_closest_marker("postgres") is not None:
        require_pg_bin()


# --------------------------------------------------------------------------------------------
# A throw-away PostgreSQL server for the session


@dataclass(frozen=True)
class _RunAs:
    """Who runs initdb/pg_ctl: PostgreSQL refuses to run as root."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_current_process(cls) -> _RunAs:
        if os.geteuid() != 0:
            return cls()
        entry = _system_user()
        return cls(uid=entry.pw_uid, gid=entry.pw_gid)

    def run(self, args: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", HOME=str(cwd))
        return subprocess.run(
            args,
            cwd=cwd,
            env=env,
            user=self.uid,
            group=self.gid,
            extra_groups=[] if self.uid is not None else None,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _system_user() -> pwd.struct_passwd:
    """An unprivileged user for the server: ``multitrack-pg``, created if missing, or nobody."""
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(PG_SYSTEM_USER)
    useradd = shutil.which("useradd")
    if useradd is not None:
        subprocess.run(
            [
                useradd,
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir=/nonexistent",
                "--shell=/usr/sbin/nologin",
                PG_SYSTEM_USER,
            ],
            capture_output=True,
            check=False,  # a parallel session may have created it meanwhile: look again below
        )
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        return pwd.getpwnam("nobody")


def _scratch_dir() -> Path:
    """A new folder for the cluster and its socket, in RAM when there is room (initdb: 3x faster).

    Not pytest's tmp_path_factory: its base is private to the current user (mode 0700), and the
    server may run as another user. The socket lives here too, so the path must stay short.
    """
    parent: Path | None = None
    with contextlib.suppress(OSError):
        stat = os.statvfs(PG_RAM_DIR)
        if stat.f_bavail * stat.f_frsize >= PG_RAM_DIR_MIN_FREE and os.access(PG_RAM_DIR, os.W_OK):
            parent = PG_RAM_DIR
    return Path(tempfile.mkdtemp(prefix="multitrack-pg-", dir=parent))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _check(result: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        if log is not None:
            detail += f"\n--- {log} ---\n{_tail(log)}"
        pytest.fail(f"{what} failed (exit {result.returncode}):\n{detail}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLAlchemy URL of the superuser's database on a fresh PostgreSQL server."""
    bin_dir = require_pg_bin()
    run_as = _RunAs.for_current_process()
    started = time.perf_counter()
    base = _scratch_dir()
    data_dir = base / "data"
    log = base / "server.log"
    port: int | None = None
    try:
        if run_as.uid is not None:
            os.chown(base, run_as.uid, run_as.gid if run_as.gid is not None else -1)
        _check(
            run_as.run(
                [
                    str(bin_dir / "initdb"),
                    f"--pgdata={data_dir}",
                    "--auth=trust",
                    f"--username={PG_SUPERUSER}",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",  # the cluster is thrown away: skip the final fsync (~1s)
                    "--no-instructions",
                ],
                cwd=base,
            ),
            "initdb",
        )
        for attempt in range(1, PG_START_ATTEMPTS + 1):
            candidate = _free_port()
            options = (
                f"-p {candidate} -k {base} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            result = run_as.run(
                [
                    str(bin_dir / "pg_ctl"),
                    f"--pgdata={data_dir}",
                    f"--log={log}",
                    "-o",
                    options,
                    "--wait",
                    "--timeout=60",
                    "start",
                ],
                cwd=base,
            )
            if result.returncode == 0:
                port = candidate
                break
            if attempt == PG_START_ATTEMPTS:  # earlier failures may be a port taken meanwhile
                _check(result, f"pg_ctl start (port {candidate})", log)
        request.config.stash[PG_START_SECONDS] = time.perf_counter() - started
        yield f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}/postgres"
    finally:
        if port is not None:
            run_as.run(
                [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"],
                cwd=base,
            )
        shutil.rmtree(base, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    seconds = terminalreporter.config.stash.get(PG_START_SECONDS, None)
    if seconds is not None:
        terminalreporter.write_line(f"PostgreSQL test server: initdb + start took {seconds:.2f}s")


def _libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def _pg_databases(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Makes new, empty PostgreSQL databases (SQLAlchemy URLs); all are dropped on exit."""
    names: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(_libpq_url(postgres_url), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        names.append(name)
        return postgres_url.rsplit("/", 1)[0] + f"/{name}"

    try:
        yield make
    finally:
        with psycopg.connect(_libpq_url(postgres_url), autocommit=True) as conn:
            for name in names:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture
def pg_database_factory(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Makes new, empty PostgreSQL databases (SQLAlchemy URLs); all are dropped after the test."""
    with _pg_databases(postgres_url) as make:
        yield make


@pytest.fixture
def pg_database_url(pg_database_factory: Callable[[], str]) -> str:
    """SQLAlchemy URL of a new, empty PostgreSQL database, dropped after the test."""
    return pg_database_factory()


# --------------------------------------------------------------------------------------------
# Database URLs


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a new SQLite database file in the test's temp dir."""
    return f"sqlite:///{tmp_path}/multitrack.db"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database on each backend: the test runs once on SQLite, once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_database_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database per backend shared by the tests of a module (for tests that only read)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module-db')}/multitrack.db"
        return
    postgres: str = request.getfixturevalue("postgres_url")
    with _pg_databases(postgres) as make:
        yield make()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the shared Spark session before any test starts a thread.

    PySpark launches its JVM with ``subprocess`` and a ``preexec_fn``, which is unsafe once other
    threads run (servers, DuckDB, anyio portals): it crashed the test process when Spark came up
    after the API and web tests. Starting it first, when Spark tests are selected, avoids that.
    """
    if any(item.get_closest_marker("spark") for item in session.items):
        from multitrack.events.engines import spark_session

        spark_session()


_EXIT_STATUS = pytest.StashKey[int]()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int | pytest.ExitCode) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave the process without interpreter finalisation once every report is written.

    After a full run (servers, anyio worker threads, DuckDB and Spark sessions), the process once
    aborted *after* pytest's summary: a daemon thread inside native code was torn down while the
    interpreter finalised ("terminate called ... FATAL: exception not rethrown", exit 134), and
    the job failed although every test had passed. Nothing remains to be done at that point —
    results, coverage and the summary are written, the PostgreSQL cluster and the Spark session
    are stopped by their fixtures — so the run ends here with pytest's own exit status.
    ``MULTITRACK_TEST_FINALISE=1`` keeps the normal shutdown (to chase such crashes).
    """
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None or os.environ.get("MULTITRACK_TEST_FINALISE") == "1":
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
