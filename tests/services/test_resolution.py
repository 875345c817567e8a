"""Actor resolution: every way of naming an actor finds that one actor, or fails cleanly.

One initialised database per backend serves the whole module (the tests only read it); the
actors a case needs beyond the countries are made by the small factories below.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql
from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, NotFoundError
from multitrack.exchange.apply import Context, apply_actor
from multitrack.exchange.records import ActorRecord
from multitrack.model import Actor
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.actors import resolve_actor
from multitrack.services.countries import countries
from multitrack.services.setup import init_database
from multitrack.store import Store, open_store

ORGAN = "Norwegian Ministry of Foreign Affairs"
TWIN = "Centre for Humanitarian Dialogue"  # two NGOs of this name: an ambiguous reference


def add_actor(session: Session, name: str, kind: str, **fields: object) -> Actor:
    """An actor made the way `actor add` and the importer make one."""
    record = ActorRecord.model_validate({"name": name, "kind": kind, **fields})
    return apply_actor(Context.of(session), record)


def build_world(store: Store) -> None:
    init_database(store)
    with store.session(LOCAL_ADMIN) as session:
        add_actor(session, ORGAN, "state_organ", country="NOR", parent="Norway", aliases=["UD"])
        # Given ids: without one, the importer takes a same-named actor of the kind for this one.
        for country in ("CHE", "SGP"):
            twin_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"twin/{country}"))
            add_actor(session, TWIN, "ngo", id=twin_id, country=country)


def _create_pg_database(server_url: str) -> str:
    name = f"test_{uuid.uuid4().hex[:16]}"
    libpq = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """An initialised database with the module's extra actors, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('resolution')}/multitrack.db"
    else:
        url = _create_pg_database(request.getfixturevalue("postgres_url"))
    store = open_store(url)
    build_world(store)
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/multitrack.db")
    build_world(store)
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture
def session(world: Store) -> Iterator[Session]:
    with world.session(LOCAL_ADMIN) as s:
        yield s


def actor_named(session: Session, name: str) -> Actor:
    return session.scalars(select(Actor).where(Actor.name == name)).one()


USA_ID = str(countries()["USA"].actor_id)


@pytest.mark.parametrize(
    ("ref", "iso3"),
    [
        ("United States", "USA"),
        ("USA", "USA"),
        ("US", "USA"),
        ("United States of America", "USA"),
        ("usa", "USA"),
        ("  united   states ", "USA"),
        (USA_ID, "USA"),
        (USA_ID.upper(), "USA"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("TUR", "TUR"),
        ("TR", "TUR"),
        ("Republic of Türkiye", "TUR"),
        ("Republic of Turkiye", "TUR"),
        ("turkiye", "TUR"),
        ("Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("RUS", "RUS"),
        ("Norway", "NOR"),
        ("Kingdom of Norway", "NOR"),
        ("NO", "NOR"),
        ("Côte d'Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("North Korea", "PRK"),
        ("South Korea", "KOR"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
    ],
)
def test_a_state_resolves_by_any_common_name(session: Session, ref: str, iso3: str) -> None:
    actor = resolve_actor(session, ref)
    assert (actor.kind, actor.iso3) == ("state", iso3)


@pytest.mark.parametrize("ref", [ORGAN, "norwegian ministry of foreign affairs", "UD"])
def test_an_organ_resolves_to_itself_not_to_its_state(session: Session, ref: str) -> None:
    organ = resolve_actor(session, ref)
    assert (organ.name, organ.kind) == (ORGAN, "state_organ")
    assert organ.parent is not None
    assert organ.parent.iso3 == "NOR"


@pytest.mark.parametrize("ref", ["Norway", "NOR", "Kingdom of Norway"])
def test_a_state_does_not_resolve_to_its_organs(session: Session, ref: str) -> None:
    assert resolve_actor(session, ref).id == actor_named(session, "Norway").id


def test_the_same_actor_however_named(session: Session) -> None:
    refs = ["United States", "USA", "US", "United States of America", "usa", USA_ID]
    assert len({resolve_actor(session, ref).id for ref in refs}) == 1


@pytest.mark.parametrize("ref", [TWIN, TWIN.upper(), "centre for humanitarian dialogue"])
def test_an_ambiguous_name_lists_its_candidates(session: Session, ref: str) -> None:
    with pytest.raises(AmbiguousError) as raised:
        resolve_actor(session, ref)
    twins = session.scalars(select(Actor).where(Actor.name == TWIN)).all()
    assert len(raised.value.candidates) == 2
    for twin in twins:
        assert any(str(twin.id) in c for c in raised.value.candidates)
        assert str(twin.id) in str(raised.value)


def test_an_ambiguous_name_resolves_by_id(session: Session) -> None:
    for twin in session.scalars(select(Actor).where(Actor.name == TWIN)):
        assert resolve_actor(session, str(twin.id)).id == twin.id


@pytest.mark.parametrize(
    "ref",
    [
        "Atlantis",
        "Ministry of Foreign Affairs",  # an organ's name without its country
        "Norwegian Ministry of Defence",  # a country word, but not a known actor
        "Republic of",
        "United",
        "XX",
        "",
        "   ",
        str(uuid.uuid4()),
        "\x00",
    ],
)
def test_an_unknown_reference_raises_not_found(session: Session, ref: str) -> None:
    with pytest.raises(NotFoundError):
        resolve_actor(session, ref)


def test_every_country_is_a_state_actor(world: Store) -> None:
    with world.session(LOCAL_ADMIN) as session:
        states = {a.iso3: a for a in session.scalars(select(Actor).where(Actor.kind == "state"))}
    assert set(states) == set(countries())
    assert all(a.iso3 == a.country for a in states.values())


def test_every_country_resolves_by_iso3_iso2_and_short_name(world: Store) -> None:
    wrong: list[tuple[str, str, str]] = []
    with world.session(LOCAL_ADMIN) as session:
        for country in countries().values():
            for ref in (country.iso3, country.iso2, country.name):
                if ref is None:
                    continue
                try:
                    found = resolve_actor(session, ref).iso3 or "?"
                except (NotFoundError, AmbiguousError) as error:
                    found = type(error).__name__
                if found != country.iso3:
                    wrong.append((country.iso3, ref, found))
    assert wrong == []


def test_init_again_adds_no_country(world: Store) -> None:
    assert init_database(world).countries_added == 0
    with world.session(LOCAL_ADMIN) as session:
        states = session.scalars(select(Actor.iso3).where(Actor.kind == "state")).all()
    assert sorted(states) == sorted(countries())


NAMES = st.sampled_from(
    ["United States", "Türkiye", "Norway", ORGAN, TWIN, "Republic of", "Congo", "Guinea", "UD"]
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    ref=st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="ascii"), min_size=2, max_size=3),
        st.builds(lambda a, b: f"{a} {b}", NAMES, st.text(max_size=12)),
        st.builds(lambda a, b: f"{a}{b}", st.text(max_size=6), NAMES),
    )
)
def test_any_text_resolves_or_fails_with_a_resolution_error(sqlite_world: Store, ref: str) -> None:
    with sqlite_world.session(LOCAL_ADMIN) as session:
        try:
            actor = resolve_actor(session, ref)
        except (NotFoundError, AmbiguousError):
            return
        assert isinstance(actor, Actor)
