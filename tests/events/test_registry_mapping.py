"""Event actors resolved to registry actors, and `multitrack events map`, on the demo world."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.events.ingest import ingest
from multitrack.events.registry import ActorResolver, mapping_report, resolve_event_actor
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import load_demo
from multitrack.store import Store, open_store
from multitrack.taxonomy import map_event_code

SAMPLES = sorted(
    Path(str(p)) for p in (files("multitrack.demo") / "events").iterdir()
    if p.name.endswith(".export.CSV.gz")
)  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Store]]:
    """The demo world on SQLite, with the real GDELT 2.0 samples in its event store."""
    folder = tmp_path_factory.mktemp("registry")
    url = f"sqlite:///{folder}/multitrack.db"
    store = open_store(url)
    load_demo(store)
    events_dir = folder / "events"
    ingest(SAMPLES, events_dir=events_dir, dataset="gdelt2")
    yield url, events_dir, store
    store.dispose()


@pytest.fixture(scope="module")
def resolver(world: tuple[str, Path, Store]) -> ActorResolver:
    with world[2].session(LOCAL_ADMIN) as s:
        return ActorResolver.from_session(s)


@pytest.mark.parametrize(
    ("code", "country", "name", "rule"),
    [
        ("IGOUNO", None, "United Nations", "code"),
        ("IGOUNOKID", None, "United Nations", "code"),
        ("IGOWSTNAT", None, "North Atlantic Treaty Organization", "code"),
        ("IGOEUREEC", "", "European Union", "code"),
        ("USAGOV", "USA", "United States", "code"),
        ("USAGOVMIL", None, "United States", "code"),
        ("ISR", None, "Israel", "code"),
        (None, "ISR", "Israel", "country"),
        ("", "NOR", "Norway", "country"),
        ("GOV", "FRA", "France", "country"),
    ],
)
def test_event_actors_resolve(
    resolver: ActorResolver, code: str | None, country: str | None, name: str, rule: str
) -> None:
    found = resolver.resolve(code, country)
    assert found is not None
    assert found.actor.name.startswith(name)
    assert found.rule == rule


@pytest.mark.parametrize(("code", "country"), [("GOV", None), ("AFR", "AFR"), (None, None)])
def test_codes_without_an_actor_stay_unresolved(
    resolver: ActorResolver, code: str | None, country: str | None
) -> None:
    assert resolver.resolve(code, country) is None


def test_longest_prefix_wins() -> None:
    from multitrack.events.registry import RegistryActor

    usa = RegistryActor("1", "United States", "state", "USA", "USA")
    gov = RegistryActor("2", "US government", "state_organ", None, "USAGOV")
    resolver = ActorResolver([usa, gov])
    assert resolver.by_code("USAGOVMIL") == gov
    assert resolver.by_code("USAMIL") == usa
    assert resolver.resolve("XYZGOV", "USA") is not None


def test_resolve_event_actor_one_off(world: tuple[str, Path, Store]) -> None:
    with world[2].session(LOCAL_ADMIN) as s:
        actor = resolve_event_actor(s, "IGOUNO")
    assert actor is not None
    assert actor.name == "United Nations"


def _raw_rows() -> list[list[str]]:
    rows = []
    for path in SAMPLES:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows += [line.rstrip("\n").split("\t") for line in handle]
    return rows


def test_report_agrees_with_a_plain_python_count(
    world: tuple[str, Path, Store], resolver: ActorResolver
) -> None:
    with world[2].session(LOCAL_ADMIN) as s:
        [report] = mapping_report(s, world[1], "gdelt2", top=5)
    rows = _raw_rows()
    source = [resolver.resolve(r[5] or None, r[7] or None) is not None for r in rows]
    target = [resolver.resolve(r[15] or None, r[17] or None) is not None for r in rows]
    assert report.dataset == "gdelt2"
    assert report.events == len(rows) == 5856
    assert report.source_resolved == sum(source)
    assert report.target_resolved == sum(target)
    assert report.both_resolved == sum(a and b for a, b in zip(source, target, strict=True))
    kinds = Counter((m.kind, m.marker, m.sector) for m in (map_event_code(r[26]) for r in rows))
    assert {(k.kind, k.marker, k.sector): k.events for k in report.kinds} == dict(kinds)
    assert sum(k.share for k in report.kinds) == pytest.approx(1.0)
    assert len(report.unresolved) == 5
    assert [u.events for u in report.unresolved] == sorted(
        (u.events for u in report.unresolved), reverse=True
    )
    assert "GOV" in {u.code for u in report.unresolved}


def test_events_map_command(world: tuple[str, Path, Store]) -> None:
    url, events_dir, _ = world
    base = ["--db", url, "--events-dir", str(events_dir), "events", "map"]
    result = CliRunner().invoke(app, [*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    [data] = json.loads(result.stdout)
    assert data["dataset"] == "gdelt2"
    assert data["events"] == 5856
    assert 0 < data["both_resolved"] <= data["source_resolved"] <= data["events"]
    assert {"kind", "marker", "sector", "events", "share"} <= set(data["kinds"][0])
    table = CliRunner().invoke(app, [*base, "--dataset", "gdelt2"], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    for text in ("events resolved to registry actors", "top unresolved", "GOV",
                 "public_diplomacy", "(conflict)"):  # fmt: skip
        assert text in table.stdout
    empty = CliRunner().invoke(app, [*base, "--dataset", "nothing"])
    assert empty.exit_code == 0
    assert "No events stored" in empty.stdout
