"""What the server keeps between requests (token owners, resolved actors) never outlives a
change of the registry, and never passes from one principal to another.

The ``api`` app has no event store, so a relations query whose actors resolve answers 400 (no
event data) and one naming an actor the caller cannot see answers 422, like an unknown one.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from multitrack.api.problems import NO_EVENTS
from multitrack.model import ApiToken
from multitrack.security.passwords import token_digest
from multitrack.security.principal import system_context
from tests.api.conftest import Api

RELATIONS = "/api/v1/relations"


def _relations(api: Api, source: str, *, as_: str) -> tuple[int, str]:
    response = api.get(RELATIONS, params={"source": source, "target": "USA"}, as_=as_)
    return response.status_code, response.json()["detail"].replace(source, "REF")


def _secret_actor(api: Api) -> str:
    body = {"kind": "ngo", "name": "Quiet Circle", "cameo_code": "NGOQC"}
    made: str = api.ok("POST", "/api/v1/actors", json={**body, "classification": "SECRET"})["id"]
    return made


def test_the_relations_answer_says_no_event_data_without_a_path(api: Api) -> None:
    status, detail = _relations(api, "NOR", as_="ed")
    assert (status, detail) == (400, NO_EVENTS)
    assert (
        str(api.settings.events_dir)
        not in api.get(RELATIONS, params={"source": "NOR", "target": "USA"}).text
    )


def test_a_resolution_is_not_shared_between_principals(api: Api) -> None:
    """ed (SECRET) resolves the secret actor first; vi (UNCLASSIFIED, same desk) asking the same
    right after must get the answer of an unknown actor, not ed's resolution."""
    _secret_actor(api)
    unknown = _relations(api, "NGOZZZZ", as_="vi")
    assert unknown[0] == 422
    for _ in range(2):
        assert _relations(api, "NGOQC", as_="ed")[0] == 400  # resolved (then: no events)
        assert _relations(api, "NGOQC", as_="vi") == unknown


def test_a_reclassified_actor_is_resolved_again(api: Api) -> None:
    made = _secret_actor(api)
    unknown = _relations(api, "NGOZZZZ", as_="vi")
    assert _relations(api, "NGOQC", as_="vi") == unknown
    body = {"kind": "ngo", "name": "Quiet Circle", "cameo_code": "NGOQC"}
    api.ok("PUT", f"/api/v1/actors/{made}", json={**body, "classification": "UNCLASSIFIED"})
    assert _relations(api, "NGOQC", as_="vi")[0] == 400  # now vi may see it
    api.ok("PUT", f"/api/v1/actors/{made}", json={**body, "classification": "SECRET"})
    assert _relations(api, "NGOQC", as_="vi") == unknown  # and now again not


def test_a_revoked_token_stops_working_at_once(api: Api) -> None:
    assert api.get("/api/v1/actors?limit=1", as_="vi").status_code == 200
    assert api.get("/api/v1/actors?limit=1", as_="vi").status_code == 200  # kept
    with api.store.session(system_context("test")) as session:
        row = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == token_digest(api.tokens["vi"]))
        ).one()
        row.revoked = True
    assert api.get("/api/v1/actors?limit=1", as_="vi").status_code == 401
    assert api.get("/api/v1/actors?limit=1", as_="ed").status_code == 200


def test_a_token_revoked_by_another_process_stops_working_at_once(api: Api) -> None:
    """A change written by another connection (as the CLI would, in its own process)."""
    assert api.get("/api/v1/actors?limit=1", as_="ot").status_code == 200
    database = api.store.url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as other:
        other.execute(
            "UPDATE api_token SET revoked = 1 WHERE token_hash = ?",
            (token_digest(api.tokens["ot"]),),
        )
    assert api.get("/api/v1/actors?limit=1", as_="ot").status_code == 401


def test_many_first_uses_of_a_token_at_once_all_succeed(api: Api) -> None:
    """The first use of a token stamps it; many requests at once must not fail on the lock."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda _: api.get("/api/v1/actors?limit=1", as_="ed").status_code, range(32))
        )
    assert statuses == [200] * 32
    with api.store.session(system_context("test")) as session:
        row = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == token_digest(api.tokens["ed"]))
        ).one()
        assert row.last_used_at is not None


def test_the_generation_moves_with_every_commit_and_only_then(api: Api) -> None:
    generation = api.store.generation
    first = generation.current()
    assert first is not None
    assert generation.current() == generation.current()  # reads change nothing
    with api.store.session(system_context("test")) as session:
        session.scalars(select(ApiToken)).all()
    settled = generation.current()
    with api.store.session(system_context("test")) as session:  # a write in this process
        session.scalars(select(ApiToken)).first().revoked = True  # type: ignore[union-attr]
    after_ours = generation.current()
    assert after_ours is not None
    assert settled is not None
    assert after_ours > settled
    database = api.store.url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as other:  # a write by another connection
        other.execute("UPDATE api_token SET revoked = 0")
    after_theirs = generation.current()
    assert after_theirs is not None
    assert after_theirs > after_ours
    assert generation.current() == after_theirs


def test_no_generation_without_a_database_file() -> None:
    from multitrack.store import open_store

    store = open_store("sqlite:///:memory:")
    assert store.generation.current() is None
    store.dispose()
