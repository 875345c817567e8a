"""Creating or migrating a database, and loading the demo world."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import as_file, files

from multitrack.exchange.importer import ImportReport, Progress, import_path
from multitrack.security.principal import system_context
from multitrack.services.actors import seed_countries
from multitrack.store import Store
from multitrack.store.migrate import current_revision, head_revision, upgrade


@dataclass(frozen=True)
class InitReport:
    before: str | None
    after: str | None
    countries_added: int


def init_database(store: Store) -> InitReport:
    """Bring the schema to the newest revision and make sure every country is an actor."""
    before, after = upgrade(store.engine)
    with store.session(system_context("init")) as session:
        added = seed_countries(session)
    return InitReport(before=before, after=after, countries_added=added)


def is_current(store: Store) -> bool:
    return current_revision(store.engine) == head_revision(store.engine)


def load_demo(store: Store, *, progress: Progress | None = None) -> ImportReport:
    """The demo world (real cases from the seed texts), through the ordinary importer."""
    init_database(store)
    with as_file(files("multitrack.demo") / "data") as folder:
        return import_path(store, folder, principal=system_context("demo"), progress=progress)
