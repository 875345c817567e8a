"""Alembic environment: the engine is handed in by :mod:`multitrack.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from multitrack.model import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reachable when misused
    raise RuntimeError("run migrations through multitrack.store.migrate")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
