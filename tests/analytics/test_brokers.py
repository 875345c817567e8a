"""Brokers for mediation on the demo world: computed rankings with reasons tied to records and
event figures, the neutrality penalty, and visibility (hidden records do not count)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from multitrack.analytics.brokers import BrokerRanking, brokers, conflict_dyads
from multitrack.errors import InvalidValueError, NotFoundError
from multitrack.exchange.apply import save
from multitrack.exchange.records import ActorRecord, ChannelRecord, MembershipRecord
from multitrack.model import Agreement, Channel, Engagement, Membership
from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
from multitrack.security.principal import LOCAL_ADMIN, Principal, system_context
from multitrack.services.event_tables import EventTables
from multitrack.services.setup import load_demo, load_demo_events
from multitrack.store import Store, open_store

RECORD_TYPES = {
    "channel": Channel,
    "engagement": Engagement,
    "agreement": Agreement,
    "membership": Membership,
}


@pytest.fixture(scope="session")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> EventTables:
    """The demo event data (real GDELT samples and the synthetic set), ingested once."""
    folder = tmp_path_factory.mktemp("broker-events")
    load_demo_events(folder)
    return EventTables(folder)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The demo world on SQLite, with a viewer of organisation Desk (UNCLASSIFIED)."""
    folder = tmp_path_factory.mktemp("brokers")
    store = open_store(f"sqlite:///{folder / 'multitrack.db'}", state_dir=folder / "state")
    load_demo(store)
    with store.session(system_context("test")) as s:
        for org in ("Desk", "Other"):
            add_organisation(s, org)
        add_user(
            s,
            "vi",
            organisation_name="Desk",
            role="viewer",
            clearance="UNCLASSIFIED",
            password="correct horse battery",
        )
    yield store
    store.dispose()


def viewer(store: Store) -> Principal:
    with store.session(system_context("test")) as s:
        return principal_for(get_user(s, "vi"))


def rank(store: Store, principal: Principal, a: str, b: str, **kw: Any) -> BrokerRanking:
    with store.session(principal) as s:
        return brokers(s, a, b, **kw)


def by_name(ranking: BrokerRanking) -> dict[str, Any]:
    return {b.actor["name"]: b for b in ranking.brokers}


# --------------------------------------------------------------------------------------------
# The demo dyad


def test_israel_palestine_on_both_backends(db_url: str, tmp_path: Path) -> None:
    """Registry only (no event store): the mediators of the record rank, each with reasons."""
    store = open_store(db_url, state_dir=tmp_path / "state")
    try:
        load_demo(store)
        ranking = rank(store, LOCAL_ADMIN, "Israel", "Palestine", limit=30)
    finally:
        store.dispose()
    assert not ranking.events_used
    assert ranking.basis.startswith("registry only")
    found = by_name(ranking)
    for name in (
        "Norway",
        "Egypt",
        "Qatar",
        "United States",
        "International Committee of the Red Cross",
        "Switzerland",
    ):
        assert name in found, f"{name} missing from {sorted(found)}"
        assert found[name].reasons
    assert "Israel" not in found
    assert "Palestine" not in found
    assert "Hamas" not in found
    us = found["United States"]
    assert us.reach == max(b.reach for b in ranking.brokers)  # most reach of all ...
    assert us.neutrality < 0.5
    assert us.ties_a > us.ties_b
    assert us.score < found["Norway"].score
    assert us.score < found["Egypt"].score
    assert found["Qatar"].neutrality == 1.0
    scores = [b.score for b in ranking.brokers]
    assert scores == sorted(scores, reverse=True)


def test_reasons_cite_the_records_behind_them(demo: Store) -> None:
    ranking = rank(demo, LOCAL_ADMIN, "Israel", "Palestine", limit=30)
    norway = by_name(ranking)["Norway"]
    cited = {(e["type"], e["name"]) for r in norway.reasons for e in r.evidence}
    assert ("channel", "Oslo back channel") in cited
    assert ("agreement", "Israel-PLO Letters of Mutual Recognition") in cited
    us = by_name(ranking)["United States"]
    penalties = [r for r in us.reasons if r.part == "neutrality" and r.points > 0]
    assert any("Juniper Oak" in e["name"] for r in penalties for e in r.evidence)
    assert any(
        e["type"] == "agreement" and "military assistance" in e["name"]
        for r in penalties
        for e in r.evidence
    )
    # every cited record exists, under the name the reason gives
    with demo.session(LOCAL_ADMIN) as s:
        for broker in ranking.brokers:
            for reason in broker.reasons:
                assert reason.text
                for e in reason.evidence:
                    if e["type"] in RECORD_TYPES:
                        row = s.get(RECORD_TYPES[e["type"]], uuid.UUID(e["id"]))
                        assert row is not None, e
    # the reach of a side adds up the points of its reasons
    for broker in ranking.brokers:
        for side, total in (("a", broker.reach_a), ("b", broker.reach_b)):
            points = sum(
                r.points for r in broker.reasons if r.part == "reach" and r.side in (side, "both")
            )
            assert points == pytest.approx(total, abs=1e-3)


def test_event_data_adds_reach_and_ties(demo: Store, demo_events: EventTables) -> None:
    ranking = rank(demo, LOCAL_ADMIN, "Israel", "Palestine", events=demo_events, limit=30)
    assert ranking.events_used
    assert "demo-synthetic (synthetic)" in ranking.basis
    found = by_name(ranking)
    norway = found["Norway"]
    figures = [e for r in norway.reasons for e in r.evidence if e["type"] == "events"]
    assert figures
    assert all(f["third"] == "NOR" for f in figures)
    coop = [r for r in norway.reasons if r.part == "reach" and r.text.startswith("Event data")]
    assert len(coop) == 2  # one per side
    for r in coop:
        f = r.evidence[0]
        both = f["to_third"]["coop"] + f["from_third"]["coop"]
        assert f"{both:,} of" in r.text
    us = found["United States"]
    assert any("CAMEO 163" in r.text and "against Palestine" in r.text for r in us.reasons)
    assert us.score < norway.score
    assert us.score < found["Egypt"].score


def test_conflict_dyads_from_event_data(demo_events: EventTables) -> None:
    dyads = conflict_dyads(demo_events, 5)
    pairs = [(d.a, d.b) for d in dyads]
    assert ("ISR", "PSE") in pairs[:3]
    assert [d.conflict for d in dyads] == sorted((d.conflict for d in dyads), reverse=True)
    assert all(d.a < d.b and 0 < d.conflict <= d.events for d in dyads)
    with pytest.raises(InvalidValueError):
        conflict_dyads(None, 5)


# --------------------------------------------------------------------------------------------
# Neutrality


def test_an_alliance_shared_with_one_side_lowers_the_score(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("alliance")
    store = open_store(f"sqlite:///{folder / 'm.db'}", state_dir=folder / "state")
    try:
        load_demo(store)
        before = by_name(rank(store, LOCAL_ADMIN, "Israel", "Palestine", limit=30))["Qatar"]
        with store.session(LOCAL_ADMIN) as s:
            save(s, "actors", ActorRecord(kind="igo", name="Test Defence Pact"))
            for member in ("QAT", "ISR"):
                save(
                    s,
                    "memberships",
                    MembershipRecord(member=member, organisation="Test Defence Pact"),
                )
        after = by_name(rank(store, LOCAL_ADMIN, "Israel", "Palestine", limit=30))["Qatar"]
        # the same pact with both sides in it costs nothing
        with store.session(LOCAL_ADMIN) as s:
            save(s, "memberships", MembershipRecord(member="PSE", organisation="Test Defence Pact"))
        both = by_name(rank(store, LOCAL_ADMIN, "Israel", "Palestine", limit=30))["Qatar"]
    finally:
        store.dispose()
    assert after.reach == before.reach
    assert after.neutrality < before.neutrality
    assert after.score < before.score
    assert after.ties_a == before.ties_a + 1
    [reason] = [r for r in after.reasons if "Test Defence Pact" in r.text]
    assert reason.part == "neutrality"
    assert reason.evidence[0]["type"] == "membership"
    assert both.score == before.score


def test_universal_organisations_are_not_blocs(demo: Store) -> None:
    """Israel is a UN member and Palestine an observer: UN membership costs nobody."""
    ranking = rank(demo, LOCAL_ADMIN, "Israel", "Palestine", limit=50)
    for broker in ranking.brokers:
        assert not any(
            "United Nations" in r.text and r.part == "neutrality" for r in broker.reasons
        )


# --------------------------------------------------------------------------------------------
# Visibility


@dataclass
class Hidden:
    store: Store
    viewer: Principal


@pytest.fixture(scope="module")
def hidden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hidden]:
    """The demo world plus, owned by organisation Other: a SECRET channel that makes a public
    NGO a broker, a SECRET alliance membership of Egypt with Israel, and a SECRET actor."""
    folder = tmp_path_factory.mktemp("hidden")
    store = open_store(f"sqlite:///{folder / 'm.db'}", state_dir=folder / "state")
    load_demo(store)
    with store.session(system_context("test")) as s:
        for org in ("Desk", "Other"):
            add_organisation(s, org)
        add_user(
            s,
            "vi",
            organisation_name="Desk",
            role="viewer",
            clearance="SECRET",
            password="correct horse battery",
        )
    secret = {"classification": "SECRET", "owner": "Other", "releasable_to": []}
    with store.session(LOCAL_ADMIN) as s:
        save(s, "actors", ActorRecord(kind="ngo", name="Kestrel Dialogue Trust"))
        save(
            s,
            "channels",
            ChannelRecord(
                name="Kestrel back channel",
                track="2",
                sector="peace_process",
                participants=["Kestrel Dialogue Trust", "ISR", "PSE"],
                **secret,
            ),
        )
        save(
            s, "actors", ActorRecord(kind="individual", name="Confidential source Heron", **secret)
        )
        save(s, "actors", ActorRecord(kind="igo", name="Test Defence Pact"))
        for member in ("EGY", "ISR"):
            save(
                s,
                "memberships",
                MembershipRecord(member=member, organisation="Test Defence Pact", **secret),
            )
    yield Hidden(store, viewer(store))
    store.dispose()


def test_hidden_records_do_not_count(hidden: Hidden) -> None:
    full = by_name(rank(hidden.store, LOCAL_ADMIN, "Israel", "Palestine", limit=50))
    seen = by_name(rank(hidden.store, hidden.viewer, "Israel", "Palestine", limit=50))
    assert "Kestrel Dialogue Trust" in full  # the check can fail
    assert "Kestrel Dialogue Trust" not in seen
    assert full["Egypt"].neutrality < 1.0
    assert seen["Egypt"].neutrality == 1.0
    for broker in seen.values():
        for reason in broker.reasons:
            assert "Kestrel" not in reason.text
            assert "Test Defence Pact" not in reason.text


def test_a_hidden_side_is_an_absent_one(hidden: Hidden) -> None:
    with hidden.store.session(hidden.viewer) as s, pytest.raises(NotFoundError) as seen:
        brokers(s, "Confidential source Heron", "Israel")
    with hidden.store.session(hidden.viewer) as s, pytest.raises(NotFoundError) as absent:
        brokers(s, "No Such Actor At All", "Israel")
    assert type(seen.value) is type(absent.value)
    assert str(seen.value).replace("Confidential source Heron", "X") == str(absent.value).replace(
        "No Such Actor At All", "X"
    )


def test_bad_input_is_refused(demo: Store) -> None:
    with pytest.raises(InvalidValueError):
        rank(demo, LOCAL_ADMIN, "Israel", "ISR")
    with pytest.raises(InvalidValueError):
        rank(demo, LOCAL_ADMIN, "Israel", "Israeli Ministry of Foreign Affairs")  # overlap
    with pytest.raises(InvalidValueError):
        rank(demo, LOCAL_ADMIN, "Israel", "Palestine", limit=0)


# --------------------------------------------------------------------------------------------
# The command


def run(store: Store, events: EventTables, *args: str) -> Any:
    from typer.testing import CliRunner

    from multitrack.cli.main import app

    return CliRunner().invoke(
        app, ["--db", store.url, "--events-dir", str(events.store.root), "brokers", *args],
        env={"COLUMNS": "160"},
    )  # fmt: skip


def test_cli_json_and_table(demo: Store, demo_events: EventTables) -> None:
    result = run(demo, demo_events, "Israel", "Palestine", "--limit", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["a"]["name"] == "Israel"
    assert data["events_used"] is True
    assert len(data["brokers"]) == 5
    assert all(b["reasons"] for b in data["brokers"])
    same = rank(demo, LOCAL_ADMIN, "Israel", "Palestine", events=demo_events, limit=5)
    assert data == json.loads(json.dumps(same.to_dict()))
    table = run(demo, demo_events, "Israel", "Palestine", "--limit", "3")
    assert table.exit_code == 0, table.output
    assert "Brokers between Israel and Palestine" in table.stdout
    assert "Oslo back channel" in table.stdout


def test_cli_without_sides_ranks_the_conflict_dyads(demo: Store, demo_events: EventTables) -> None:
    result = run(demo, demo_events, "--limit", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    rankings = json.loads(result.stdout)
    assert rankings
    assert {"ISR", "PSE"} in [{r["dyad"]["a"], r["dyad"]["b"]} for r in rankings]
    for r in rankings:
        assert {r["a"]["iso3"], r["b"]["iso3"]} == {r["dyad"]["a"], r["dyad"]["b"]}
        assert len(r["brokers"]) <= 2


def test_cli_refuses_one_side(demo: Store, demo_events: EventTables) -> None:
    result = run(demo, demo_events, "Israel")
    assert result.exit_code != 0
    assert "give both sides" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
