"""The read paths, listed from the code: a new read command or endpoint without a visibility
case fails.

Every command of the CLI is either in the small table of commands that write (or start a
server) below, or it is a read path and needs a case in ``test_visibility.READ_PATHS``. Every
GET route of the REST API (``/api/v1``) needs a case in ``test_api_visibility.API_READ_PATHS``;
every other route of the API is in ``API_WRITES``. And every mapped class is governed by the
gate: labelled, hanging off a labelled class, an account table, or public.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
import typer
from fastapi import FastAPI
from fastapi.routing import APIRoute

from multitrack.api.app import create_app
from multitrack.cli.main import app
from multitrack.config import Settings
from multitrack.model import Base
from multitrack.security import gate
from multitrack.store import open_store
from tests.security.test_api_visibility import API_READ_PATHS
from tests.security.test_visibility import READ_PATHS

#: Commands that change the registry, the event store or the keys, with what they change.
WRITES: dict[str, str] = {
    "init": "creates or migrates the database",
    "demo": "loads the demo world",
    "import": "imports records",
    "actor add": "adds an actor",
    "membership add": "adds a membership",
    "channel add": "adds a channel",
    "channel move": "adds to a channel's history",
    "engagement add": "adds an engagement",
    "agreement add": "adds an agreement",
    "objective add": "adds an objective",
    "vetting add": "adds a vetting record",
    "taxonomy add": "adds a term",
    "org add": "adds an organisation",
    "org keys": "makes an organisation's key pair",
    "org trust": "trusts a partner's public keys",
    "user add": "adds a user",
    "user passwd": "changes a password",
    "token create": "creates an API token",
    "events ingest": "adds to the event store",
    "events compact": "rewrites the event store's files, month by month",
    "share import": "imports a share package",
}

#: Commands that neither read nor write records themselves.
NEITHER: dict[str, str] = {
    "serve": "starts the web server; its pages and API endpoints are read paths of their own",
}


#: Routes of the API that change records, by "METHOD PATH", with what they change.
API_WRITES: dict[str, str] = {
    **{
        f"{method} /api/v1/{kind}{suffix}": f"{what} {kind.removesuffix('s')}"
        for kind in (
            "actors",
            "memberships",
            "channels",
            "engagements",
            "agreements",
            "objectives",
            "vetting",
        )
        for method, suffix, what in (
            ("POST", "", "creates (or updates by natural key) a"),
            ("PUT", f"/{{{kind.removesuffix('s')}_id}}", "replaces a visible"),
            ("DELETE", f"/{{{kind.removesuffix('s')}_id}}", "deletes a visible"),
        )
    },
}


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """The path of every leaf command under ``command`` ("actor list", "brief" ...)."""
    children = getattr(command, "commands", None)
    if children is None:
        yield " ".join(prefix)
        return
    for name, child in children.items():
        yield from command_paths(child, (*prefix, name))


def all_commands() -> set[str]:
    return set(command_paths(typer.main.get_command(app)))


def test_the_cli_has_commands_and_the_walk_finds_them() -> None:
    found = all_commands()
    assert {"actor list", "actor show", "brief", "export", "audit log"} <= found
    assert len(found) > 30


def test_every_read_command_has_a_visibility_case() -> None:
    reads = all_commands() - WRITES.keys() - NEITHER.keys()
    missing = sorted(reads - READ_PATHS.keys())
    assert not missing, (
        f"read commands without a case in test_visibility.READ_PATHS: {missing} "
        "(or, if they write, add them to WRITES here)"
    )


def test_the_tables_name_only_real_commands() -> None:
    found = all_commands()
    for table, name in ((READ_PATHS, "READ_PATHS"), (WRITES, "WRITES"), (NEITHER, "NEITHER")):
        stale = sorted(set(table) - found)
        assert not stale, f"{name} names commands the CLI no longer has: {stale}"
    both = sorted(READ_PATHS.keys() & (WRITES.keys() | NEITHER.keys()))
    assert not both, f"commands both read paths and writes: {both}"


def test_every_mapped_class_has_a_rule_in_the_gate() -> None:
    governed = {*gate.LABELLED, *gate.HANGING, *gate.ACCOUNTS, *gate.PUBLIC}
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    missing = sorted(cls.__name__ for cls in mapped - governed)
    assert not missing, f"mapped classes the gate has no rule for: {missing}"
    twice = [
        cls.__name__
        for cls in mapped
        if sum(cls in group for group in (gate.LABELLED, gate.HANGING, gate.ACCOUNTS, gate.PUBLIC))
        > 1
    ]
    assert not twice, f"classes with more than one rule: {twice}"


def test_every_protected_class_gets_criteria() -> None:
    """criteria_for covers every class that is not public (one option per class)."""
    from multitrack.security.principal import Principal, Role

    someone = Principal(name="x", role=Role.viewer, clearance=0, organisation_id=None)
    options = gate.criteria_for(someone)
    covered = {option.entity.class_ for option in options}
    assert covered == {*gate.LABELLED, *gate.HANGING, *gate.ACCOUNTS}


# --------------------------------------------------------------------------------------------
# The REST API


def api_operations(made: FastAPI) -> Iterator[tuple[str, set[str]]]:
    """Each API route of the app (routers included at any depth) with its methods.

    FastAPI 0.165 keeps included routers as lazy ``_IncludedRouter`` entries in ``app.routes``;
    ``fastapi.routing.iter_route_contexts`` flattens them (older versions list ``APIRoute``
    objects directly).
    """
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: Iterable[Any] = made.routes if flatten is None else flatten(made.routes)
    for route in routes:
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute):
            yield str(route.path), set(route.methods or ())


@pytest.fixture(scope="module")
def api_routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Every operation of the app's API, as "METHOD PATH" by method."""
    folder: Path = tmp_path_factory.mktemp("routes")
    store = open_store(f"sqlite:///{folder / 'multitrack.db'}", state_dir=folder / "state")
    try:
        made = create_app(
            Settings(db_url=f"sqlite:///{folder / 'multitrack.db'}", events_dir=folder / "events"),
            store=store,
            secret_key="test",
        )
        found: dict[str, set[str]] = {}
        for path, methods in api_operations(made):
            if path.startswith("/api/"):
                for method in methods:
                    found.setdefault(method, set()).add(path)
        # every operation the OpenAPI document publishes is one of them
        published = {
            f"{method.upper()} {path}"
            for path, item in made.openapi()["paths"].items()
            for method in item
        }
        walked = {f"{m} {p}" for m, paths in found.items() for p in paths}
        assert published <= walked, f"published but not walked: {sorted(published - walked)}"
        return found
    finally:
        store.dispose()


def test_the_api_has_routes_and_the_walk_finds_them(api_routes: dict[str, set[str]]) -> None:
    assert {"/api/v1/actors", "/api/v1/actors/{actor_id}", "/api/v1/me"} <= api_routes["GET"]
    assert "/api/v1/channels" in api_routes["POST"]
    assert len(api_routes["GET"]) > 10


def test_every_api_get_route_has_a_visibility_case(api_routes: dict[str, set[str]]) -> None:
    outside = sorted(p for p in api_routes.get("GET", set()) if not p.startswith("/api/v1/"))
    assert not outside, f"GET routes of the API outside /api/v1: {outside}"
    missing = sorted(api_routes.get("GET", set()) - API_READ_PATHS.keys())
    assert not missing, (
        f"GET routes without a case in test_api_visibility.API_READ_PATHS: {missing}"
    )


def test_every_other_api_route_is_a_listed_write(api_routes: dict[str, set[str]]) -> None:
    others = {
        f"{method} {path}"
        for method, paths in api_routes.items()
        if method not in ("GET", "HEAD")
        for path in paths
    }
    missing = sorted(others - API_WRITES.keys())
    assert not missing, (
        f"API routes that neither read (GET) nor are in API_WRITES: {missing} "
        "(add them to API_WRITES, or, if they read, make them GET with a visibility case)"
    )


def test_the_api_tables_name_only_real_routes(api_routes: dict[str, set[str]]) -> None:
    stale = sorted(API_READ_PATHS.keys() - api_routes.get("GET", set()))
    assert not stale, f"API_READ_PATHS names GET routes the API no longer has: {stale}"
    real = {f"{method} {path}" for method, paths in api_routes.items() for path in paths}
    stale = sorted(API_WRITES.keys() - real)
    assert not stale, f"API_WRITES names routes the API no longer has: {stale}"
