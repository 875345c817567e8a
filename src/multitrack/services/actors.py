"""Actors: resolution of names, aliases and codes to one actor; creation; countries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError
from multitrack.model import Actor, ActorAlias
from multitrack.services.countries import Country, countries, country_code
from multitrack.taxonomy import load_taxonomy
from multitrack.values import clean_uuid, derived_id, normalise_name


def resolve_actor(session: Session, ref: str) -> Actor:
    """The one actor ``ref`` names: a UUID, a name, an alias, a code or a country name.

    Codes (ISO 3166 alpha-2/alpha-3, CAMEO) match exactly; names match with case, accents and
    punctuation folded; country names in any common form go through country_converter.
    """
    found = find_actors(session, ref)
    if not found:
        raise NotFoundError("actor", ref)
    if len(found) > 1:
        raise AmbiguousError("actor", ref, [f"{a.name} ({a.id})" for a in found])
    return found[0]


def find_actors(session: Session, ref: str) -> list[Actor]:
    text = ref.strip()
    if not text or "\x00" in text:  # no name holds NUL (PostgreSQL refuses it in a query)
        return []
    as_id = clean_uuid(text)
    if as_id is not None:
        actor = session.get(Actor, as_id)
        return [actor] if actor is not None else []
    code_hits = _by_alias(session, text.upper(), origin="code")
    if code_hits:
        return code_hits
    name_hits = _by_alias(session, normalise_name(text), origin=None)
    if name_hits:
        return name_hits
    iso3 = country_code(text)
    if iso3 is not None:
        state = session.scalars(select(Actor).where(Actor.iso3 == iso3)).first()
        if state is not None:
            return [state]
    return []


def _by_alias(session: Session, key: str, *, origin: str | None) -> list[Actor]:
    query = select(Actor).join(ActorAlias, ActorAlias.actor_id == Actor.id)
    if origin == "code":
        # a code's norm is the code itself (upper case): the norm index finds it
        query = query.where(
            ActorAlias.origin == "code", ActorAlias.norm == key, ActorAlias.alias == key
        )
    else:
        query = query.where(ActorAlias.norm == key)
    return list(session.scalars(query.distinct().order_by(Actor.name)).unique())


def set_names(actor: Actor, *, aliases: Iterable[str], codes: Iterable[str] = ()) -> None:
    """Replace an actor's alias rows: its name, its aliases, then its codes (deduplicated)."""
    rows: list[ActorAlias] = []
    seen: set[tuple[str, str]] = set()

    def add(text: str, origin: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        norm = text.upper() if origin == "code" else normalise_name(text)
        key = ("code" if origin == "code" else "name", norm)
        if not norm or key in seen or (origin != "code" and ("name", norm) in seen):
            return
        seen.add(key)
        rows.append(
            ActorAlias(
                id=derived_id("alias", actor.id, origin, norm),
                alias=text,
                norm=norm,
                origin=origin,
                position=len(rows),
            )
        )

    add(actor.name, "name")
    for alias in aliases:
        add(alias, "alias")
    for code in codes:
        add(code, "code")
    actor.aliases = rows


def actor_codes(actor: Actor) -> list[str]:
    codes = [actor.iso3, actor.cameo_code]
    if actor.iso3 and actor.kind == "state":
        country = countries().get(actor.iso3)
        if country and country.iso2:
            codes.append(country.iso2)
    return [c for c in codes if c]


def user_aliases(actor: Actor) -> list[str]:
    return [a.alias for a in actor.aliases if a.origin == "alias"]


def validate_actor_fields(*, kind: str, iso3: str | None, country: str | None) -> None:
    load_taxonomy().actor_kinds.validate(kind, field="kind")
    if iso3 is not None and iso3 not in countries():
        raise InvalidValueError("iso3", f"unknown ISO 3166 alpha-3 code {iso3!r}")
    if country is not None and country not in countries():
        raise InvalidValueError("country", f"unknown ISO 3166 alpha-3 code {country!r}")


def country_of(value: str | None, *, field: str = "country") -> str | None:
    """An ISO3 code from a code or a country name; None stays None."""
    if value is None or not value.strip():
        return None
    code = country_code(value)
    if code is None:
        raise InvalidValueError(field, f"unknown country {value!r}")
    return code


def state_actor(country: Country) -> Actor:
    actor = Actor(
        id=country.actor_id,
        kind="state",
        name=country.name,
        iso3=country.iso3,
        country=country.iso3,
        cameo_code=country.cameo_code,
        cow_code=country.cow_code,
        description=(
            f"UN member state since {country.un_member_since}"
            if country.un_member_since
            else "State or territory (not a UN member state)"
        ),
        source="country_converter (ISO 3166); CAMEO country codes; COW State System v2016",
        releasable_to_all=True,
    )
    aliases = [country.official_name] if country.official_name else []
    set_names(actor, aliases=aliases, codes=actor_codes(actor))
    return actor


def seed_countries(session: Session) -> int:
    """Make sure every country is a ``state`` actor; returns how many were added."""
    present = set(session.scalars(select(Actor.iso3).where(Actor.iso3.is_not(None))))
    added = 0
    for country in countries().values():
        if country.iso3 not in present:
            session.add(state_actor(country))
            added += 1
    session.flush()
    return added


def list_actors(
    session: Session,
    *,
    kind: str | None = None,
    country: str | None = None,
    query: str | None = None,
) -> Sequence[Actor]:
    statement = select(Actor).order_by(Actor.name, Actor.id)
    if kind:
        statement = statement.where(
            Actor.kind == load_taxonomy().actor_kinds.validate(kind, field="kind")
        )
    if country:
        statement = statement.where(Actor.country == country_of(country))
    if query:
        statement = statement.where(
            Actor.id.in_(
                select(ActorAlias.actor_id).where(
                    ActorAlias.norm.contains(normalise_name(query), autoescape=True)
                )
            )
        )
    return session.scalars(statement).all()


def new_actor_id(
    *, kind: str, name: str, iso3: str | None, country: str | None, parent_id: uuid.UUID | None
) -> uuid.UUID:
    if kind == "state" and iso3:
        return derived_id("actor", "state", iso3)
    return derived_id("actor", kind, name, country, parent_id)
