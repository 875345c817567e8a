"""Creating or migrating a database, and loading the demo world."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

from multitrack.security.principal import system_context
from multitrack.store import Store

if TYPE_CHECKING:  # imported where used: every command loads this module, few need these
    from multitrack.events.ingest import FileReport
    from multitrack.exchange.importer import ImportReport, Progress

#: Called with (what, fraction done in 0..1) while the demo events are generated and ingested.
EventsProgress = Callable[[str, float], None]

#: The vendored real samples (``demo/events``): file name -> dataset.
DEMO_SAMPLES: dict[str, str] = {
    "20151027220000.export.CSV.gz": "gdelt2",
    "20190121220000.export.CSV.gz": "gdelt2",
    "20191024143000.export.CSV.gz": "gdelt2",
    "gdelt1_events.csv.gz": "gdelt1",
}
SYNTHETIC_DATASET = "demo-synthetic"


@dataclass(frozen=True)
class InitReport:
    before: str | None
    after: str | None
    countries_added: int


@dataclass(frozen=True)
class DemoReport:
    """What ``load_demo`` did: the demo world's import, and the event files ingested (files
    already in the event store's catalogue are skipped and not listed)."""

    world: ImportReport
    events: tuple[FileReport, ...] = field(default=())

    @property
    def counts(self) -> dict[str, int]:
        return self.world.counts


def init_database(store: Store) -> InitReport:
    """Bring the schema to the newest revision and make sure every country is an actor."""
    from multitrack.services.actors import seed_countries
    from multitrack.store.migrate import upgrade

    before, after = upgrade(store.engine)
    with store.session(system_context("init")) as session:
        added = seed_countries(session)
    return InitReport(before=before, after=after, countries_added=added)


def is_current(store: Store) -> bool:
    from multitrack.store.migrate import current_revision, head_revision

    return current_revision(store.engine) == head_revision(store.engine)


def load_demo(
    store: Store,
    *,
    events_dir: Path | None = None,
    progress: Progress | None = None,
    events_progress: EventsProgress | None = None,
) -> DemoReport:
    """The demo world (real cases from the seed texts), through the ordinary importer; with
    ``events_dir``, also the demo event data (:func:`load_demo_events`)."""
    from multitrack.exchange.importer import import_path

    init_database(store)
    with as_file(files("multitrack.demo") / "data") as folder:
        world = import_path(store, folder, principal=system_context("demo"), progress=progress)
    events = () if events_dir is None else load_demo_events(events_dir, progress=events_progress)
    return DemoReport(world=world, events=events)


def _ingested(events_dir: Path) -> set[tuple[str, str]]:
    from multitrack.events import catalogue

    return {(info.name, f.name) for info in catalogue.datasets(events_dir) for f in info.files}


def load_demo_events(
    events_dir: Path, *, progress: EventsProgress | None = None
) -> tuple[FileReport, ...]:
    """Ingest the real GDELT samples (datasets ``gdelt2``, ``gdelt1``) and the synthetic
    multi-year set resampled from them (``demo-synthetic``, marked synthetic) into the event
    store. A file already in the catalogue under its dataset is skipped: running it twice adds
    nothing (not even a catalogue entry)."""
    from multitrack.demo import synthetic
    from multitrack.events.ingest import ingest

    done = _ingested(events_dir)
    reports: list[FileReport] = []
    with as_file(files("multitrack.demo") / "events") as folder:
        for name, dataset in DEMO_SAMPLES.items():
            if (dataset, name) not in done:
                reports.extend(
                    ingest([Path(folder) / name], events_dir=events_dir, dataset=dataset,
                           fmt=dataset, progress=progress)
                )  # fmt: skip
    if (SYNTHETIC_DATASET, synthetic.FILE_NAME) not in done:
        with tempfile.TemporaryDirectory(prefix="multitrack-demo-") as scratch:
            made = synthetic.generate(
                Path(scratch),
                progress=None
                if progress is None
                else lambda f: progress(f"generate {synthetic.FILE_NAME}", f),
            )
            reports.extend(
                ingest([made.path], events_dir=events_dir, dataset=SYNTHETIC_DATASET,
                       fmt="gdelt2", synthetic=True, progress=progress)
            )  # fmt: skip
    if any(r.rows_stored for r in reports):
        from multitrack.events.rollup import build
        from multitrack.events.store import EventStore

        store = EventStore(events_dir)
        store.compact()  # month files sorted by dyad: the layout queries are fastest on
        build(store.events_path)
    return tuple(reports)
