"""Migration 0004 (vetting records): up, down and up again on both backends, data kept in
the tables it does not touch."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from multitrack.exchange.apply import save
from multitrack.exchange.records import VettingRecord
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import init_database
from multitrack.services.vetting import list_vetting
from multitrack.store import open_store
from multitrack.store.migrate import alembic_config, current_revision


def test_vetting_migration_upgrades_and_downgrades(db_url: str, tmp_path: Path) -> None:
    store = open_store(db_url, state_dir=tmp_path / "state")
    try:
        init_database(store)
        with store.session(LOCAL_ADMIN) as s:
            save(s, "vetting", VettingRecord(subject="NOR", status="cleared", date="2024-01-01"))
        config = alembic_config(store.engine)
        assert "vetting" in inspect(store.engine).get_table_names()

        command.downgrade(config, "0003")
        assert current_revision(store.engine) == "0003"
        tables = inspect(store.engine).get_table_names()
        assert "vetting" not in tables
        assert "actor" in tables  # the rest of the registry stays

        command.upgrade(config, "0004")
        assert current_revision(store.engine) == "0004"
        columns = {c["name"] for c in inspect(store.engine).get_columns("vetting")}
        assert {"subject_id", "status", "date", "notes", "source", "classification",
                "owner_id", "releasable_to_all"} <= columns  # fmt: skip
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("vetting")}
        assert {"ix_vetting_subject_id", "ix_vetting_owner_id"} <= indexes
        with store.session(LOCAL_ADMIN) as s:
            assert list_vetting(s) == []  # the table came back empty
            save(s, "vetting", VettingRecord(subject="NOR", status="flagged", date="2024-02-01"))
            assert [v.status for v in list_vetting(s)] == ["flagged"]
    finally:
        store.dispose()
