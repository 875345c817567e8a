"""Who an event is from and to: registry actors turned into match specs over the event table.

An event belongs to the ordered dyad A → B when its source matches A and its target matches B:

* a **state** matches on the country columns: ``source_country`` / ``target_country`` equal to
  the state's ISO 3166 alpha-3 code (GDELT ``Actor1CountryCode``, ICEWS ``Source Country`` ...,
  normalised to ISO3 by the readers). Every actor coded in that country counts: its government,
  its military, its businesses and its people.
* any **other actor** (an organisation, a group, a part of a state) matches on the coder's actor
  code: ``source_code`` / ``target_code`` equal to the actor's CAMEO code *or starting with it*,
  so ``IGOUNO`` also takes ``IGOUNOKID``, and ``USAGOV`` takes ``USAGOVMIL``. Such an actor needs a
  CAMEO code in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.model import Actor
from multitrack.services.actors import resolve_actor

Side = Literal["source", "target"]


@dataclass(frozen=True)
class Party:
    """A match spec: one side of a dyad; ``label`` is what ``source``/``target`` columns show."""

    label: str
    country: str | None = None
    code: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if (self.country is None) == (self.code is None):
            raise ValueError("a Party matches on exactly one of country or code")

    @classmethod
    def state(cls, iso3: str, name: str | None = None) -> Party:
        code = iso3.strip().upper()
        return cls(label=code, country=code, name=name)

    @classmethod
    def coded(cls, cameo_code: str, name: str | None = None) -> Party:
        code = cameo_code.strip().upper()
        return cls(label=code, code=code, name=name)

    def matches(self, events: ir.Table, side: Side) -> ir.BooleanValue:
        """The predicate "this event's ``side`` is this party"."""
        if self.country is not None:
            column: ir.StringValue = events[f"{side}_country"]
            return column == self.country
        assert self.code is not None
        coded: ir.StringValue = events[f"{side}_code"]
        return coded.startswith(self.code)


def party_of(actor: Actor) -> Party:
    """The match spec of a registry actor: its ISO3 for a state, else its CAMEO code."""
    if actor.kind == "state" and actor.iso3:
        return Party.state(actor.iso3, actor.name)
    if actor.cameo_code:
        return Party.coded(actor.cameo_code, actor.name)
    if actor.iso3:
        return Party.state(actor.iso3, actor.name)
    raise InvalidValueError(
        "actor",
        f"{actor.name} has no ISO3 or CAMEO code, so it cannot be found in event data; "
        "add its CAMEO code to the registry",
    )


def resolve_party(session: Session, ref: str) -> Party:
    """A name, alias, code or id, resolved through the registry, as a match spec."""
    return party_of(resolve_actor(session, ref))
