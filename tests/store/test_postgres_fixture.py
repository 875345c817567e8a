"""The PostgreSQL test server is real: a PostgreSQL 15 that stores and returns rows."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres


def test_server_is_postgresql_15_and_round_trips_rows(pg_database_url: str) -> None:
    engine = create_engine(pg_database_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(text("SELECT version()")).scalar_one()
            conn.execute(text("CREATE TABLE probe (id integer PRIMARY KEY, label text NOT NULL)"))
            conn.execute(
                text("INSERT INTO probe (id, label) VALUES (:id, :label)"),
                [{"id": 1, "label": "Oslo"}, {"id": 2, "label": "Tromsø"}],
            )
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, label FROM probe ORDER BY id")).all()
    finally:
        engine.dispose()

    assert version.startswith("PostgreSQL 15")
    assert [tuple(row) for row in rows] == [(1, "Oslo"), (2, "Tromsø")]


def test_each_test_gets_its_own_empty_database(pg_database_url: str) -> None:
    engine = create_engine(pg_database_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()

    assert tables == 0
