"""The world of the coverage, transitions and network tests: the demo world and its events, plus
one SECRET channel of organisation Desk (Norway–Israel, Track 2 then 1.5, active) that a
Desk viewer with UNCLASSIFIED clearance must never see, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from multitrack.exchange.apply import save
from multitrack.exchange.records import ChannelRecord
from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
from multitrack.security.principal import LOCAL_ADMIN, Principal, system_context
from multitrack.services.event_tables import EventTables
from multitrack.services.setup import load_demo, load_demo_events
from multitrack.store import Store, open_store

SECRET_CHANNEL = "Barents quiet channel"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class AnalyticsWorld:
    store: Store
    events: EventTables
    viewer: Principal  # Desk, UNCLASSIFIED: does not see the secret channel
    editor: Principal  # Desk, SECRET: sees it
    admin: Principal = LOCAL_ADMIN


@pytest.fixture(scope="session")
def analytics_events(tmp_path_factory: pytest.TempPathFactory) -> EventTables:
    """The demo event data (real GDELT samples and the synthetic set), ingested once."""
    folder = tmp_path_factory.mktemp("analytics-events")
    load_demo_events(folder)
    return EventTables(folder)


def build_world(url: str, folder: Path, events: EventTables) -> AnalyticsWorld:
    store = open_store(url, state_dir=folder / "state")
    load_demo(store)
    with store.session(system_context("test")) as s:
        add_organisation(s, "Desk")
        for name, role, clearance in (("vi", "viewer", "UNCLASSIFIED"), ("ed", "editor", "SECRET")):
            add_user(s, name, organisation_name="Desk", role=role, clearance=clearance,
                     password=PASSWORD)  # fmt: skip
    with store.session(system_context("test")) as s:
        viewer, editor = (principal_for(get_user(s, n)) for n in ("vi", "ed"))
    with store.session(editor) as s:
        save(
            s,
            "channels",
            ChannelRecord.model_validate(
                {
                    "name": SECRET_CHANNEL,
                    "track": "1.5",
                    "sector": "peace_process",
                    "status": "active",
                    "participants": ["NOR", "ISR"],
                    "history": [
                        {"date": "2024-03", "track": "2", "status": "active"},
                        {"date": "2025-06-01", "track": "1.5", "status": "active"},
                    ],
                    "classification": "SECRET",
                    "owner": "Desk",
                    "releasable_to": [],
                }
            ),
        )
    return AnalyticsWorld(store=store, events=events, viewer=viewer, editor=editor)


@pytest.fixture(scope="module")
def world(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory, analytics_events: EventTables
) -> Iterator[AnalyticsWorld]:
    made = build_world(module_db_url, tmp_path_factory.mktemp("analytics"), analytics_events)
    yield made
    made.store.dispose()
