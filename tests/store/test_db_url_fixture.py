"""`db_url` gives a fresh, working database on each backend."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text


def test_db_url_is_a_fresh_writable_database(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (id integer PRIMARY KEY)"))
            conn.execute(text("INSERT INTO probe (id) VALUES (1)"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id FROM probe")).scalar_one() == 1
    finally:
        engine.dispose()
