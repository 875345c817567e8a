"""`init_database` takes an empty database to head, idempotently, to exactly the models' schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.model import Actor, Base
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.countries import countries
from multitrack.services.setup import init_database, is_current
from multitrack.store import Store, open_store
from multitrack.store.migrate import current_revision, head_revision


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.dispose()


def actor_count(store: Store) -> int:
    with store.session(LOCAL_ADMIN) as session:
        return session.scalar(select(func.count()).select_from(Actor)) or 0


def test_init_brings_an_empty_database_to_the_head_revision(store: Store) -> None:
    head = head_revision(store.engine)
    assert head is not None
    assert current_revision(store.engine) is None
    assert not is_current(store)

    report = init_database(store)

    assert (report.before, report.after) == (None, head)
    assert current_revision(store.engine) == head
    assert is_current(store)
    assert report.countries_added == len(countries())


def test_init_again_is_a_no_op(store: Store) -> None:
    init_database(store)
    tables = sorted(inspect(store.engine).get_table_names())
    actors = actor_count(store)

    again = init_database(store)

    head = head_revision(store.engine)
    assert (again.before, again.after, again.countries_added) == (head, head, 0)
    assert sorted(inspect(store.engine).get_table_names()) == tables
    assert actor_count(store) == actors


def test_migrated_schema_matches_the_models_exactly(store: Store) -> None:
    init_database(store)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_exists_after_init(store: Store) -> None:
    init_database(store)
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["actor", "list"], id="actor-list"),
        pytest.param(["actor", "show", "Norway"], id="actor-show"),
        pytest.param(["channel", "list"], id="channel-list"),
        pytest.param(["engagement", "list"], id="engagement-list"),
        pytest.param(["agreement", "list"], id="agreement-list"),
        pytest.param(["objective", "list"], id="objective-list"),
        pytest.param(["followup", "list"], id="followup-list"),
        pytest.param(["taxonomy", "list", "sectors"], id="taxonomy-list"),
        pytest.param(["brief", "Norway"], id="brief"),
        pytest.param(["actor", "add", "Oslo Forum", "--kind", "ngo"], id="actor-add"),
    ],
)
def test_commands_refuse_an_uninitialised_database(db_url: str, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, *args])

    assert result.exit_code != 0
    assert "multitrack init" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    engine = open_store(db_url).engine
    try:
        assert current_revision(engine) is None  # refusing did not create the schema
    finally:
        engine.dispose()
