"""The demo world: loaded on both backends, idempotent, sourced, and true to public facts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.exchange.exporter import export_all
from multitrack.model import (
    Actor,
    Agreement,
    Channel,
    Engagement,
    Membership,
    Objective,
)
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.actors import resolve_actor
from multitrack.services.brief import brief
from multitrack.services.queries import get_channel, members_of
from multitrack.services.setup import load_demo
from multitrack.store import Store, open_store


@pytest.fixture(scope="module")
def demo(module_db_url: str) -> Iterator[Store]:
    store = open_store(module_db_url)
    load_demo(store)
    yield store
    store.dispose()


CURRENT_MEMBERS = [
    ("United Nations", 193),
    ("European Union", 27),
    ("NATO", 32),
    ("OSCE", 57),
    ("African Union", 55),
    ("ASEAN", 11),
    ("INTERPOL", 196),
]


@pytest.mark.parametrize(("organisation", "count"), CURRENT_MEMBERS)
def test_current_members_can_be_counted_from_the_data(
    demo: Store, organisation: str, count: int
) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        org = resolve_actor(s, organisation)
        assert len(members_of(s, org.id, current=True)) == count


def test_members_that_left_keep_their_spell(demo: Store) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        uk = resolve_actor(s, "GBR")
        eu = resolve_actor(s, "EU")
        spells = [m for m in members_of(s, eu.id, current=False) if m.member_id == uk.id]
        assert [(m.since, m.until) for m in spells] == [("1973-01-01", "2020-01-31")]


def test_un_admission_years_agree_with_country_converter(demo: Store) -> None:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    expected = {
        str(iso3): int(year)
        for iso3, year in zip(
            coco.CountryConverter().data["ISO3"],
            coco.CountryConverter().data["UNmember"],
            strict=True,
        )
        if str(year) not in ("<NA>", "nan")
    }
    with demo.session(LOCAL_ADMIN) as s:
        un = resolve_actor(s, "United Nations")
        found = {
            m.member.iso3: int((m.since or "0")[:4]) for m in members_of(s, un.id, current=True)
        }
    assert found == expected


def test_oslo_channel_moved_from_track_2_to_track_1(demo: Store) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        oslo = get_channel(s, "Oslo back channel")
        tracks = [h.track for h in oslo.history]
        assert tracks[0] == "2"
        assert tracks[-1] == "1"
        assert oslo.track == "1"
        assert [h.date for h in oslo.history] == sorted(h.date for h in oslo.history)
        names = {p.actor.name for p in oslo.participants}
        assert {"Norway", "Israel", "Fafo"} <= names


def test_brief_of_norway_shows_the_oslo_channel_with_its_track_history(demo: Store) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        data = brief(s, "Norway")
    oslo = next(c for c in data["channels"] if c["name"] == "Oslo back channel")
    assert oslo["track_history"][0]["track"] == "2"
    assert oslo["track_history"][-1] == {
        "date": "1993-09-13",
        "track": "1",
        "status": "closed",
    }
    counterparts = {row["counterpart"] for row in data["coverage"]}
    assert {"Israel", "Palestine Liberation Organization"} <= counterparts
    assert "Norway" not in counterparts


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Channel, "Oslo back channel"),
        (Agreement, "Declaration of Principles on Interim Self-Government Arrangements"),
        (Agreement, "UN Security Council Resolution 1373 (2001)"),
        (Agreement, "Directive (EU) 2017/541 on combating terrorism"),
        (Agreement, "ASEAN Convention on Counter Terrorism"),
        (
            Agreement,
            "Protocol Relating to the Establishment of the Peace and Security Council of the "
            "African Union",
        ),
        (Channel, "Post-9/11 counter-terrorism coalition against al-Qaeda"),
        (Channel, "San Mateo Jewish-Palestinian living-room dialogue"),
        (Channel, "Oseh Shalom - Sanea al-Salam Family Peacemakers Camp"),
        (Channel, "Track Two and multi-track diplomacy scholarship"),
        (Channel, "TASAM Civil Global: security diplomacy studies"),
        (Actor, "European Counter Terrorism Centre"),
        (Actor, "International Committee of the Red Cross"),
        (Actor, "INTERPOL"),
    ],
)
def test_every_real_case_is_recorded(demo: Store, model: type, name: str) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        assert s.scalars(select(model).where(model.name == name)).one_or_none() is not None


def test_the_september_2001_coalition_has_its_four_states(demo: Store) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        channel = get_channel(s, "Post-9/11 counter-terrorism coalition against al-Qaeda")
        iso3 = {p.actor.iso3 for p in channel.participants}
    assert {"USA", "GBR", "CAN", "AUS"} <= iso3


@pytest.mark.parametrize("model", [Actor, Membership, Channel, Engagement, Agreement, Objective])
def test_every_demo_record_has_a_source(demo: Store, model: type) -> None:
    with demo.session(LOCAL_ADMIN) as s:
        missing = s.scalar(select(func.count()).select_from(model).where(model.source.is_(None)))
        total = s.scalar(select(func.count()).select_from(model))
    assert total
    assert missing == 0


def test_loading_the_demo_twice_changes_nothing(demo: Store, tmp_path: Path) -> None:
    export_all(demo, tmp_path / "first", fmt="jsonl", principal=LOCAL_ADMIN)
    load_demo(demo)
    export_all(demo, tmp_path / "second", fmt="jsonl", principal=LOCAL_ADMIN)
    for first in sorted((tmp_path / "first").iterdir()):
        assert first.read_bytes() == (tmp_path / "second" / first.name).read_bytes(), first.name


def test_readme_main_job_demo_then_brief_norway(sqlite_url: str) -> None:
    runner = CliRunner()
    loaded = runner.invoke(app, ["--db", sqlite_url, "demo"])
    assert loaded.exit_code == 0, loaded.output
    shown = runner.invoke(app, ["--db", sqlite_url, "brief", "Norway"], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "Oslo back channel" in shown.output
    assert "T2 active 1993-01-20" in shown.output
    assert "T1 closed 1993-09-13" in shown.output
