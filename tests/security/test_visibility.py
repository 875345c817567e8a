"""The visibility property: every CLI read path shows a user exactly what the rule allows.

Hypothesis generates organisations, users and labelled records (actors, memberships, channels
with participants, engagements with follow-ups, agreements with parties, objectives); the local
administrator stores them through ``save()``; then every read path of ``READ_PATHS`` runs as
each user (``--as USER ... --format json``) and what it returns is compared with the visible set
computed here, in plain Python, from the generated data alone:

- a record's own labels: classification at most the user's clearance, and released to all,
  owned by the user's organisation or released to it;
- what hangs off a record: an engagement only with its channel, a membership only with both of
  its actors, participants and parties only with their actor, an objective only with what it
  refers to, an actor's parent only when the parent is visible.

Counts, related lists, sort orders, search, export files and error messages (a hidden record
looks exactly like an absent one) are all compared. ``test_read_paths.py`` checks that
``READ_PATHS`` has a case for every read command of the CLI; ``test_gate.py`` shows that
``check_world`` fails when the gate stops filtering channels.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from multitrack.cli.main import app
from multitrack.config import DB_ENV, EVENTS_DIR_ENV, STATE_DIR_ENV
from multitrack.exchange.apply import save
from multitrack.exchange.records import (
    ActorRecord,
    AgreementRecord,
    ChannelRecord,
    EngagementRecord,
    MembershipRecord,
    ObjectiveRecord,
    VettingRecord,
)
from multitrack.model import User
from multitrack.security import gate
from multitrack.security.accounts import add_organisation, list_organisations
from multitrack.security.levels import DEFAULT_LEVELS
from multitrack.security.passwords import hash_password
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.store import open_store
from multitrack.store.engine import make_engine
from multitrack.store.migrate import upgrade
from multitrack.taxonomy import load_taxonomy
from multitrack.values import normalise_name
from tests.security.analytics_cases import case_coverage, case_network, case_transitions

NAMESPACE = uuid.UUID("6f1e8c52-3c1b-4b7e-9a51-7d0c1f6f2a10")
PASSWORD = "correct horse battery staple"
WORDS = ("amber", "Birch", "cedar", "Delta", "ember", "Fjord")
ROLES = ("viewer", "editor", "admin", "auditor")
AUDIT_ROLES = ("auditor",)


# --------------------------------------------------------------------------------------------
# The generated world: plain data, with references by index


@dataclass(frozen=True)
class Label:
    classification: int
    owner: int | None  # an organisation's index; None: the installation's own record
    released: tuple[int, ...] | None  # None: releasable to all


PUBLIC = Label(0, None, None)


@dataclass(frozen=True)
class UserSpec:
    name: str
    org: int
    role: str
    clearance: int


@dataclass(frozen=True)
class ActorSpec:
    id: uuid.UUID
    name: str
    alias: str
    kind: str
    parent: int | None
    label: Label


@dataclass(frozen=True)
class MembershipSpec:
    id: uuid.UUID
    member: int
    organisation: int
    role: str
    since: str
    until: str | None
    label: Label


@dataclass(frozen=True)
class ChannelSpec:
    id: uuid.UUID
    name: str
    track: str
    participants: tuple[int, ...]
    label: Label


@dataclass(frozen=True)
class FollowUpSpec:
    id: uuid.UUID
    action: str
    due: str
    done: bool


@dataclass(frozen=True)
class EngagementSpec:
    id: uuid.UUID
    channel: int
    start: str
    summary: str
    participants: tuple[int, ...]
    follow_ups: tuple[FollowUpSpec, ...]
    label: Label
    kind: str = "diplomatic_political"  # or a police or military kind (vetting warnings)


@dataclass(frozen=True)
class AgreementSpec:
    id: uuid.UUID
    name: str
    status: str
    adopted: str
    parties: tuple[int, ...]
    label: Label


@dataclass(frozen=True)
class ObjectiveSpec:
    id: uuid.UUID
    title: str
    actor: int | None
    channel: int | None
    agreement: int | None
    label: Label


@dataclass(frozen=True)
class VettingSpec:
    id: uuid.UUID
    subject: int
    status: str
    date: str
    label: Label


@dataclass(frozen=True)
class World:
    orgs: tuple[str, ...]
    users: tuple[UserSpec, ...]
    actors: tuple[ActorSpec, ...]
    memberships: tuple[MembershipSpec, ...] = ()
    channels: tuple[ChannelSpec, ...] = ()
    engagements: tuple[EngagementSpec, ...] = ()
    agreements: tuple[AgreementSpec, ...] = ()
    objectives: tuple[ObjectiveSpec, ...] = ()
    vetting: tuple[VettingSpec, ...] = ()


def some(draw: Any, options: tuple[int, ...] | range, low: int, high: int) -> tuple[int, ...]:
    return tuple(
        draw(st.lists(st.sampled_from(tuple(options)), min_size=low, max_size=high, unique=True))
    )


@st.composite
def worlds(draw: Any) -> World:
    """Two to four organisations, one to three users, and a few records of every kind."""
    orgs = tuple(f"org-{chr(97 + i)}" for i in range(draw(st.integers(2, 4))))
    salt = draw(st.integers(0, 2**32))

    def new_id(kind: str, *at: object) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{salt}/{kind}/{'/'.join(map(str, at))}")

    def label() -> Label:
        released = draw(
            st.none()
            | st.lists(st.integers(0, len(orgs) - 1), unique=True, max_size=len(orgs)).map(
                lambda xs: tuple(sorted(xs))
            )
        )
        return Label(
            classification=draw(st.sampled_from((0, 0, 1, 2, 3))),
            owner=draw(st.none() | st.integers(0, len(orgs) - 1)),
            released=released,
        )

    users = tuple(
        UserSpec(
            name=f"user-{i}",
            org=draw(st.integers(0, len(orgs) - 1)),
            role=draw(st.sampled_from(ROLES)),
            clearance=draw(st.integers(0, 3)),
        )
        for i in range(draw(st.integers(1, 3)))
    )
    n_actors = draw(st.integers(2, 6))
    actors = tuple(
        ActorSpec(
            id=new_id("actor", i),
            name=f"{draw(st.sampled_from(WORDS))} actor {i}",
            alias=f"{draw(st.sampled_from(WORDS))} alias {i}",
            kind=draw(st.sampled_from(("igo", "ngo", "academia"))),
            parent=draw(st.none() | st.integers(0, i - 1)) if i else None,
            label=label(),
        )
        for i in range(n_actors)
    )
    memberships = tuple(
        MembershipSpec(
            id=new_id("membership", i),
            member=pair[0],
            organisation=pair[1],
            role=draw(st.sampled_from(("member", "member", "observer"))),
            since=draw(st.sampled_from(("2001", "2002", "2003"))),
            until=draw(st.none() | st.just("2010")),
            label=label(),
        )
        for i in range(draw(st.integers(0, 4)))
        for pair in [some(draw, range(n_actors), 2, 2)]
    )
    channels = tuple(
        ChannelSpec(
            id=new_id("channel", i),
            name=f"{draw(st.sampled_from(WORDS))} channel {i}",
            track=draw(st.sampled_from(("1", "1.5", "2"))),
            participants=some(draw, range(n_actors), 2, 3),
            label=label(),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    engagements = tuple(
        EngagementSpec(
            id=new_id("engagement", i),
            channel=draw(st.integers(0, len(channels) - 1)),
            start=draw(st.sampled_from(("2020-01-01", "2020-06-01", "2021-01-01"))),
            summary=f"{draw(st.sampled_from(WORDS))} meeting {i}",
            participants=some(draw, range(n_actors), 0, 2),
            follow_ups=tuple(
                FollowUpSpec(
                    id=new_id("follow_up", i, j),
                    action=f"follow-up {i}.{j}",
                    due=draw(st.sampled_from(("2000-01-01", "2050-06-30", "2099-01-01"))),
                    done=draw(st.booleans()),
                )
                for j in range(draw(st.integers(0, 2)))
            ),
            label=label(),
            kind=draw(st.sampled_from(("diplomatic_political", "military_training"))),
        )
        for i in range(draw(st.integers(0, 5)) if channels else 0)
    )
    agreements = tuple(
        AgreementSpec(
            id=new_id("agreement", i),
            name=f"{draw(st.sampled_from(WORDS))} agreement {i}",
            status=draw(st.sampled_from(("signed", "in_force"))),
            adopted=draw(st.sampled_from(("1990", "1995"))),
            parties=some(draw, range(n_actors), 0, 3),
            label=label(),
        )
        for i in range(draw(st.integers(0, 3)))
    )

    def ref(count: int) -> int | None:
        return draw(st.none() | st.integers(0, count - 1)) if count else None

    objectives = tuple(
        ObjectiveSpec(
            id=new_id("objective", i),
            title=f"{draw(st.sampled_from(WORDS))} objective {i}",
            actor=ref(n_actors),
            channel=ref(len(channels)),
            agreement=ref(len(agreements)),
            label=label(),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    vetting = tuple(
        VettingSpec(
            id=new_id("vetting", i),
            subject=draw(st.integers(0, n_actors - 1)),
            status=draw(st.sampled_from(("cleared", "flagged", "pending"))),
            date=draw(st.sampled_from(("2019-01-01", "2020-01-01", "2021-01-01"))),
            label=label(),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    return World(
        orgs,
        users,
        actors,
        memberships,
        channels,
        engagements,
        agreements,
        objectives,
        vetting=vetting,
    )


def _id(number: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"fixed/{number}")


#: A hand-made world with every rule at work, for PostgreSQL and for the side-door tests.
#: ann (org-a, CONFIDENTIAL) sees the secret channel; bob (org-b, RESTRICTED) and cat
#: (org-c auditor, SECRET) do not; Birch is org-a's, so cedar's parent is hidden from bob and cat.
FIXED = World(
    orgs=("org-a", "org-b", "org-c"),
    users=(
        UserSpec("ann", 0, "editor", 2),
        UserSpec("bob", 1, "viewer", 1),
        UserSpec("cat", 2, "auditor", 3),
    ),
    actors=(
        ActorSpec(_id(1), "amber actor 0", "Birch alias 0", "igo", None, PUBLIC),
        ActorSpec(_id(2), "Birch actor 1", "cedar alias 1", "ngo", None, Label(1, 0, ())),
        ActorSpec(_id(3), "cedar actor 2", "amber alias 2", "ngo", 1, PUBLIC),
        ActorSpec(_id(4), "Delta actor 3", "Delta alias 3", "academia", 0, Label(3, None, None)),
        ActorSpec(_id(5), "ember actor 4", "ember alias 4", "igo", None, Label(0, 1, (2,))),
    ),
    memberships=(
        MembershipSpec(_id(11), 2, 0, "member", "2001", None, PUBLIC),
        MembershipSpec(_id(12), 1, 0, "member", "2001", None, PUBLIC),
        MembershipSpec(_id(13), 4, 0, "member", "2002", None, Label(0, 1, ())),
        MembershipSpec(_id(14), 2, 4, "observer", "2003", "2010", PUBLIC),
    ),
    channels=(
        ChannelSpec(_id(21), "Oslo channel", "2", (0, 2), PUBLIC),
        ChannelSpec(_id(22), "secret channel", "1", (0, 1, 4), Label(2, 0, ())),
        ChannelSpec(_id(23), "Barents channel", "1.5", (0, 3, 4), PUBLIC),
    ),
    engagements=(
        EngagementSpec(
            _id(31),
            0,
            "2020-01-01",
            "amber meeting 0",
            (2,),
            (
                FollowUpSpec(_id(311), "follow-up 0.0", "2000-01-01", False),
                FollowUpSpec(_id(312), "follow-up 0.1", "2099-01-01", True),
            ),
            PUBLIC,
            kind="military_training",
        ),
        EngagementSpec(
            _id(32),
            1,
            "2020-06-01",
            "secret meeting 1",
            (0, 1),
            (FollowUpSpec(_id(321), "follow-up 1.0", "2050-06-30", False),),
            PUBLIC,
            kind="military_training",
        ),
        EngagementSpec(
            _id(33),
            2,
            "2020-06-01",
            "Barents meeting 2",
            (3, 4),
            (FollowUpSpec(_id(331), "follow-up 2.0", "2050-06-30", False),),
            Label(1, 1, (0,)),
        ),
    ),
    agreements=(
        AgreementSpec(_id(41), "amber agreement 0", "in_force", "1990", (0, 1, 3), PUBLIC),
        AgreementSpec(_id(42), "Birch agreement 1", "signed", "1995", (0,), Label(3, None, None)),
    ),
    objectives=(
        ObjectiveSpec(_id(51), "amber objective 0", 1, None, None, PUBLIC),
        ObjectiveSpec(_id(52), "Birch objective 1", None, 1, None, PUBLIC),
        ObjectiveSpec(_id(53), "cedar objective 2", None, None, 0, PUBLIC),
        ObjectiveSpec(_id(54), "Delta objective 3", None, None, None, Label(0, 2, ())),
    ),
    # cedar is flagged (everyone sees it; its parent Birch only ann); Birch cleared; amber
    # flagged in a record only ann may see
    vetting=(
        VettingSpec(_id(61), 2, "flagged", "2020-03-01", PUBLIC),
        VettingSpec(_id(62), 1, "cleared", "2021-01-01", PUBLIC),
        VettingSpec(_id(63), 0, "flagged", "2019-01-01", Label(2, 0, ())),
    ),
)


# --------------------------------------------------------------------------------------------
# Storing a world: as the local administrator, through save()


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def labels(world: World, label: Label) -> dict[str, Any]:
    return {
        "classification": DEFAULT_LEVELS[label.classification],
        "owner": None if label.owner is None else world.orgs[label.owner],
        "releasable_to": (
            ["all"] if label.released is None else [world.orgs[i] for i in label.released]
        ),
    }


def store_world(db: str, state_dir: Path, world: World) -> None:
    store = open_store(db, state_dir=state_dir)
    try:
        with store.session(LOCAL_ADMIN) as s:
            for name in world.orgs:
                add_organisation(s, name)
            org_ids = {o.name: o.id for o in list_organisations(s)}
            for u in world.users:
                s.add(
                    User(
                        name=u.name,
                        organisation_id=org_ids[world.orgs[u.org]],
                        role=u.role,
                        clearance=u.clearance,
                        password_hash=password_hash(),
                    )
                )
            ids = [str(a.id) for a in world.actors]
            for a in world.actors:
                record = {
                    "id": str(a.id),
                    "kind": a.kind,
                    "name": a.name,
                    "aliases": [a.alias],
                    "parent": None if a.parent is None else ids[a.parent],
                }
                save(s, "actors", ActorRecord.model_validate(record | labels(world, a.label)))
            for m in world.memberships:
                record = {
                    "id": str(m.id),
                    "member": ids[m.member],
                    "organisation": ids[m.organisation],
                    "role": m.role,
                    "since": m.since,
                    "until": m.until,
                }
                save(
                    s,
                    "memberships",
                    MembershipRecord.model_validate(record | labels(world, m.label)),
                )
            for c in world.channels:
                record = {
                    "id": str(c.id),
                    "name": c.name,
                    "track": c.track,
                    "sector": "security",
                    "participants": [ids[i] for i in c.participants],
                }
                save(s, "channels", ChannelRecord.model_validate(record | labels(world, c.label)))
            for a in world.agreements:
                record = {
                    "id": str(a.id),
                    "name": a.name,
                    "kind": "treaty",
                    "status": a.status,
                    "adopted": a.adopted,
                    "parties": [ids[i] for i in a.parties],
                }
                save(
                    s, "agreements", AgreementRecord.model_validate(record | labels(world, a.label))
                )
            for e in world.engagements:
                record = {
                    "id": str(e.id),
                    "channel": str(world.channels[e.channel].id),
                    "kind": e.kind,
                    "start": e.start,
                    "summary": e.summary,
                    "participants": [ids[i] for i in e.participants],
                    "follow_ups": [
                        {"id": str(f.id), "action": f.action, "due": f.due, "done": f.done}
                        for f in e.follow_ups
                    ],
                }
                save(
                    s,
                    "engagements",
                    EngagementRecord.model_validate(record | labels(world, e.label)),
                )
            for o in world.objectives:
                record = {
                    "id": str(o.id),
                    "title": o.title,
                    "actor": None if o.actor is None else ids[o.actor],
                    "channel": None if o.channel is None else str(world.channels[o.channel].id),
                    "agreement": (
                        None if o.agreement is None else str(world.agreements[o.agreement].id)
                    ),
                    "indicators": [{"name": f"indicator of {o.title}", "target": 4}],
                }
                save(
                    s,
                    "objectives",
                    ObjectiveRecord.model_validate(record | labels(world, o.label)),
                )
            for v in world.vetting:
                record = {
                    "id": str(v.id),
                    "subject": ids[v.subject],
                    "status": v.status,
                    "date": v.date,
                }
                save(s, "vetting", VettingRecord.model_validate(record | labels(world, v.label)))
    finally:
        store.dispose()


_templates: dict[str, Path] = {}


def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the newest schema and nothing else, made once per test session."""
    if "sqlite" not in _templates:
        path = tmp_path_factory.mktemp("visibility-template") / "multitrack.db"
        store = open_store(f"sqlite:///{path}", state_dir=path.parent / "state")
        upgrade(store.engine)
        store.dispose()
        _templates["sqlite"] = path
    return _templates["sqlite"]


def copy_database(template: Path, folder: Path) -> str:
    for file in template.parent.glob(template.name + "*"):  # the database and any WAL file
        shutil.copy(file, folder / file.name)
    return f"sqlite:///{folder / template.name}"


# --------------------------------------------------------------------------------------------
# Running the CLI


@cache
def _command() -> Any:
    # typer rebuilds the click command tree on every invoke (~40 ms); build it once
    return typer.main.get_command(app)


def invoke(args: list[str], env: dict[str, str | None], input: str | None = None) -> Result:
    with mock.patch("typer.testing._get_command", return_value=_command()):
        return CliRunner().invoke(app, args, env=env, input=input)


# --------------------------------------------------------------------------------------------
# The rule, in plain Python


def may_see(user: UserSpec | None, label: Label) -> bool:
    if user is None:  # the local administrator
        return True
    if label.classification > user.clearance:
        return False
    return label.released is None or label.owner == user.org or user.org in label.released


@dataclass(frozen=True)
class Sight:
    """The indexes of the records of each kind a user may see."""

    actors: frozenset[int]
    memberships: frozenset[int]
    channels: frozenset[int]
    engagements: frozenset[int]
    agreements: frozenset[int]
    objectives: frozenset[int]
    vetting: frozenset[int] = frozenset()


def sight(world: World, user: UserSpec | None) -> Sight:
    def own(records: tuple[Any, ...]) -> set[int]:
        return {i for i, r in enumerate(records) if may_see(user, r.label)}

    actors = own(world.actors)
    channels = own(world.channels)
    agreements = own(world.agreements)

    def ok(ref: int | None, seen: set[int]) -> bool:
        return ref is None or ref in seen

    return Sight(
        actors=frozenset(actors),
        memberships=frozenset(
            i
            for i in own(world.memberships)
            if {world.memberships[i].member, world.memberships[i].organisation} <= actors
        ),
        channels=frozenset(channels),
        engagements=frozenset(
            i for i in own(world.engagements) if world.engagements[i].channel in channels
        ),
        agreements=frozenset(agreements),
        objectives=frozenset(
            i
            for i in own(world.objectives)
            if ok(world.objectives[i].actor, actors)
            and ok(world.objectives[i].channel, channels)
            and ok(world.objectives[i].agreement, agreements)
        ),
        vetting=frozenset(i for i in own(world.vetting) if world.vetting[i].subject in actors),
    )


# --------------------------------------------------------------------------------------------
# One world, one user: the probe every read path case works with


@dataclass
class Probe:
    world: World
    user: UserSpec | None  # None: the local administrator (no --as)
    db: str
    folder: Path
    #: Outputs of the local administrator, shared by the probes of one world.
    admin: dict[tuple[str, ...], Result] = field(default_factory=dict)
    #: Whether per-record commands run for every record, or for the first and the last only
    #: (and commands over unlabelled data for the first user of a world only).
    thorough: bool = True
    first: bool = True

    def pick(self, indexes: list[int]) -> list[int]:
        return indexes if self.thorough or len(indexes) <= 2 else [indexes[0], indexes[-1]]

    @property
    def who(self) -> str:
        return "local-admin" if self.user is None else self.user.name

    def env(self) -> dict[str, str | None]:
        return {
            DB_ENV: None,
            STATE_DIR_ENV: str(self.folder / "state"),
            EVENTS_DIR_ENV: str(self.folder / "events"),
            "XDG_DATA_HOME": str(self.folder / "xdg"),
        }

    def run(self, *args: str) -> Result:
        who = [] if self.user is None else ["--as", self.user.name]
        return invoke(["--db", self.db, *who, *args], self.env())

    def as_admin(self, *args: str) -> Result:
        if args not in self.admin:
            self.admin[args] = invoke(["--db", self.db, *args], self.env())
        return self.admin[args]

    def json(self, *args: str) -> Any:
        result = self.run(*args, "--format", "json")
        assert result.exit_code == 0, (
            f"{self.who}: multitrack {' '.join(args)} exited {result.exit_code}: "
            f"{result.stderr or result.exception!r}"
        )
        return json.loads(result.stdout)

    @cached_property
    def sees(self) -> Sight:
        return sight(self.world, self.user)

    # what the user should get, in the order the commands promise

    def actors(self, among: Iterator[int] | frozenset[int] | None = None) -> list[int]:
        chosen = self.sees.actors if among is None else among
        return sorted(
            chosen, key=lambda i: (self.world.actors[i].name, str(self.world.actors[i].id))
        )

    def actor_ids(self, indexes: list[int] | tuple[int, ...]) -> list[str]:
        return [str(self.world.actors[i].id) for i in indexes]

    def visible_actors(self, indexes: tuple[int, ...]) -> list[str]:
        """Participants and parties: only those the user sees, in their stored order."""
        return self.actor_ids([i for i in indexes if i in self.sees.actors])

    def parent(self, actor: int) -> int | None:
        parent = self.world.actors[actor].parent
        return parent if parent is not None and parent in self.sees.actors else None

    def memberships(self, keep: Callable[[MembershipSpec], bool] = lambda m: True) -> list[str]:
        chosen = [i for i in self.sees.memberships if keep(self.world.memberships[i])]
        rows = sorted(
            (self.world.memberships[i] for i in chosen), key=lambda m: (m.since, str(m.id))
        )
        return [str(m.id) for m in rows]

    def channels(self) -> list[int]:
        return sorted(
            self.sees.channels,
            key=lambda i: (self.world.channels[i].name, str(self.world.channels[i].id)),
        )

    def engagements(self, keep: Callable[[EngagementSpec], bool] = lambda e: True) -> list[str]:
        rows = [self.world.engagements[i] for i in self.sees.engagements]
        rows = sorted((e for e in rows if keep(e)), key=lambda e: str(e.id))
        rows.sort(key=lambda e: e.start, reverse=True)  # stable: ties keep the id order
        return [str(e.id) for e in rows]

    def follow_ups(self, keep: Callable[[EngagementSpec], bool] = lambda e: True) -> list[str]:
        found = [
            f
            for i in self.sees.engagements
            if keep(self.world.engagements[i])
            for f in self.world.engagements[i].follow_ups
            if not f.done
        ]
        return [f.action for f in sorted(found, key=lambda f: (f.due, str(f.id)))]

    def agreements(self, keep: Callable[[AgreementSpec], bool] = lambda a: True) -> list[str]:
        rows = [self.world.agreements[i] for i in self.sees.agreements]
        rows = sorted((a for a in rows if keep(a)), key=lambda a: (a.adopted, a.name))
        return [str(a.id) for a in rows]

    def hidden(self, records: tuple[Any, ...], seen: frozenset[int]) -> list[str]:
        return [str(r.id) for i, r in enumerate(records) if i not in seen]


def absent_id(ref: str) -> str:
    """An id no record has."""
    return str(uuid.uuid5(NAMESPACE, f"absent/{ref}"))


def hidden_looks_absent(probe: Probe, hidden: list[str], *command: str) -> None:
    """COMMAND with a hidden record's id and with an absent id: the same exit and message."""
    if not hidden:
        return
    ref = hidden[0]
    other = absent_id(ref)
    seen = probe.run(*[ref if a == "{}" else a for a in command])
    missing = probe.run(*[other if a == "{}" else a for a in command])
    shown = " ".join(command)
    assert missing.exit_code != 0, f"{probe.who}: {shown} with an absent id succeeded"
    assert (seen.exit_code, seen.stdout.replace(ref, "ID"), seen.stderr.replace(ref, "ID")) == (
        missing.exit_code,
        missing.stdout.replace(other, "ID"),
        missing.stderr.replace(other, "ID"),
    ), f"{probe.who}: {shown} tells a hidden record ({ref}) from an absent one"


def same(probe: Probe, what: str, got: Any, wanted: Any) -> None:
    assert got == wanted, f"{probe.who}: {what}\n  got      {got}\n  expected {wanted}"


# --------------------------------------------------------------------------------------------
# The read paths: one case per CLI read command


def case_actor_list(p: Probe) -> None:
    w = p.world
    rows = p.json("actor", "list")
    wanted = p.actors()
    same(p, "actor list: ids in name order", [r["id"] for r in rows], p.actor_ids(wanted))
    parents = [p.parent(i) for i in wanted]
    same(
        p,
        "actor list: parents",
        [r["parent"] for r in rows],
        [None if i is None else w.actors[i].name for i in parents],
    )
    for q in (w.actors[0].alias.split()[0], "ALIAS"):
        needle = normalise_name(q)
        matching = p.actors(
            i
            for i in p.sees.actors
            if needle in normalise_name(w.actors[i].name)
            or needle in normalise_name(w.actors[i].alias)
        )
        rows = p.json("actor", "list", "--q", q)
        same(p, f"actor list --q {q}", [r["id"] for r in rows], p.actor_ids(matching))


def case_actor_show(p: Probe) -> None:
    w = p.world
    for i in p.pick(p.actors()):
        a = w.actors[i]
        data = p.json("actor", "show", str(a.id))
        parent = p.parent(i)
        same(p, f"actor show {a.name}: id", data["id"], str(a.id))
        same(p, f"actor show {a.name}: aliases", data["aliases"], [a.alias])
        same(
            p,
            f"actor show {a.name}: parent",
            data["parent"] and data["parent"]["id"],
            None if parent is None else str(w.actors[parent].id),
        )
        same(
            p,
            f"actor show {a.name}: memberships",
            [m["id"] for m in data["memberships"]],
            p.memberships(lambda m, i=i: m.member == i),
        )
        same(
            p,
            f"actor show {a.name}: members (count)",
            data["members"],
            len(
                p.memberships(
                    lambda m, i=i: m.organisation == i and m.until is None and m.role == "member"
                )
            ),
        )
        organs = [j for j in p.sees.actors if w.actors[j].parent == i]
        same(
            p,
            f"actor show {a.name}: organs",
            [o["id"] for o in data["organs"]],
            p.actor_ids(sorted(organs, key=lambda j: w.actors[j].name)),
        )
    hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), "actor", "show", "{}")


def case_membership_list(p: Probe) -> None:
    w = p.world
    rows = p.json("membership", "list")
    same(p, "membership list", [r["id"] for r in rows], p.memberships())
    for r in rows:
        assert {r["member"]["id"], r["organisation"]["id"]} <= set(p.actor_ids(p.actors()))
    organisations = sorted({m.organisation for m in w.memberships} & p.sees.actors)
    for i in p.pick(organisations):
        ref = str(w.actors[i].id)
        rows = p.json("membership", "list", "--org", ref)
        same(
            p,
            f"membership list --org {w.actors[i].name}",
            [r["id"] for r in rows],
            p.memberships(lambda m, i=i: m.organisation == i),
        )
        if not p.thorough:
            continue
        rows = p.json("membership", "list", "--org", ref, "--current")
        same(
            p,
            f"membership list --org {w.actors[i].name} --current",
            [r["id"] for r in rows],
            p.memberships(
                lambda m, i=i: m.organisation == i and m.until is None and m.role == "member"
            ),
        )
    hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), "membership", "list", "--org", "{}")


def _channel_view(p: Probe, data: dict[str, Any], index: int) -> None:
    c = p.world.channels[index]
    same(p, f"channel {c.name}: id", data["id"], str(c.id))
    same(
        p,
        f"channel {c.name}: participants",
        [x["id"] for x in data["participants"]],
        p.visible_actors(c.participants),
    )


def case_channel_list(p: Probe) -> None:
    w = p.world
    rows = p.json("channel", "list")
    wanted = p.channels()
    same(p, "channel list", [r["id"] for r in rows], [str(w.channels[i].id) for i in wanted])
    for row, i in zip(rows, wanted, strict=True):
        _channel_view(p, row, i)
    for i in p.pick(p.actors())[:2]:
        rows = p.json("channel", "list", "--actor", str(w.actors[i].id))
        same(
            p,
            f"channel list --actor {w.actors[i].name}",
            [r["id"] for r in rows],
            [str(w.channels[c].id) for c in wanted if i in w.channels[c].participants],
        )
    hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), "channel", "list", "--actor", "{}")


def case_channel_show(p: Probe) -> None:
    w = p.world
    for i in p.pick(p.channels()):
        _channel_view(p, p.json("channel", "show", str(w.channels[i].id)), i)
    hidden_looks_absent(p, p.hidden(w.channels, p.sees.channels), "channel", "show", "{}")


def case_engagement_list(p: Probe) -> None:
    w = p.world
    rows = p.json("engagement", "list")
    same(p, "engagement list (newest first)", [r["id"] for r in rows], p.engagements())
    by_id = {str(e.id): e for e in w.engagements}
    for r in rows:
        e = by_id[r["id"]]
        same(
            p, f"engagement {e.summary}: channel", r["channel"]["id"], str(w.channels[e.channel].id)
        )
        same(
            p,
            f"engagement {e.summary}: participants",
            [x["id"] for x in r["participants"]],
            p.visible_actors(e.participants),
        )
        same(
            p,
            f"engagement {e.summary}: follow-ups",
            [f["action"] for f in r["follow_ups"]],
            [f.action for f in e.follow_ups],
        )
    rows = p.json("engagement", "list", "--limit", "2")
    same(p, "engagement list --limit 2", [r["id"] for r in rows], p.engagements()[:2])
    for c in p.pick(p.channels()):
        rows = p.json("engagement", "list", "--channel", str(w.channels[c].id))
        same(
            p,
            f"engagement list --channel {w.channels[c].name} (the channel's engagements)",
            [r["id"] for r in rows],
            p.engagements(lambda e, c=c: e.channel == c),
        )
    for i in p.pick(p.actors())[:2]:
        rows = p.json("engagement", "list", "--actor", str(w.actors[i].id))
        same(
            p,
            f"engagement list --actor {w.actors[i].name}",
            [r["id"] for r in rows],
            p.engagements(
                lambda e, i=i: i in w.channels[e.channel].participants or i in e.participants
            ),
        )
    hidden = p.hidden(w.channels, p.sees.channels)
    hidden_looks_absent(p, hidden, "engagement", "list", "--channel", "{}")


def case_followup_list(p: Probe) -> None:
    rows = p.json("followup", "list")
    same(p, "followup list (soonest due first)", [r["action"] for r in rows], p.follow_ups())
    today = date.today().isoformat()
    rows = p.json("followup", "list", "--overdue")
    overdue = [a for a in p.follow_ups() if _due(p.world, a) < today]
    same(p, "followup list --overdue", [r["action"] for r in rows], overdue)


def _due(world: World, action: str) -> str:
    return next(f.due for e in world.engagements for f in e.follow_ups if f.action == action)


def _agreement_view(p: Probe, data: dict[str, Any], a: AgreementSpec) -> None:
    same(p, f"agreement {a.name}: id", data["id"], str(a.id))
    same(
        p,
        f"agreement {a.name}: parties",
        [x["id"] for x in data["parties"]],
        p.visible_actors(a.parties),
    )


def case_agreement_list(p: Probe) -> None:
    w = p.world
    rows = p.json("agreement", "list")
    same(p, "agreement list", [r["id"] for r in rows], p.agreements())
    by_id = {str(a.id): a for a in w.agreements}
    for r in rows:
        _agreement_view(p, r, by_id[r["id"]])
    for i in p.pick(p.actors())[:2]:
        rows = p.json("agreement", "list", "--actor", str(w.actors[i].id))
        same(
            p,
            f"agreement list --actor {w.actors[i].name}",
            [r["id"] for r in rows],
            p.agreements(lambda a, i=i: i in a.parties),
        )


def case_agreement_show(p: Probe) -> None:
    w = p.world
    for i in p.pick(sorted(p.sees.agreements)):
        _agreement_view(p, p.json("agreement", "show", str(w.agreements[i].id)), w.agreements[i])
    hidden_looks_absent(p, p.hidden(w.agreements, p.sees.agreements), "agreement", "show", "{}")


def case_objective_list(p: Probe) -> None:
    w = p.world
    rows = p.json("objective", "list")
    wanted = sorted((w.objectives[i] for i in p.sees.objectives), key=lambda o: o.title)
    same(p, "objective list", [r["id"] for r in rows], [str(o.id) for o in wanted])
    for r, o in zip(rows, wanted, strict=True):
        same(
            p,
            f"objective {o.title}: references",
            (r["actor"], r["channel"], r["agreement"]),
            (
                None if o.actor is None else str(w.actors[o.actor].id),
                None if o.channel is None else str(w.channels[o.channel].id),
                None if o.agreement is None else str(w.agreements[o.agreement].id),
            ),
        )
        same(p, f"objective {o.title}: indicators", len(r["indicators"]), 1)


def _family(p: Probe, actor: int) -> set[int]:
    family, frontier = {actor}, {actor}
    while frontier:
        frontier = {j for j in p.sees.actors if p.world.actors[j].parent in frontier} - family
        family |= frontier
    return family


def _speaks_for(p: Probe, actor: int) -> int:
    seen = {actor}
    while (parent := p.parent(actor)) is not None and parent not in seen:
        actor = parent
        seen.add(actor)
    return actor


def case_brief(p: Probe) -> None:
    w = p.world
    tracks = [t.id for t in load_taxonomy().tracks]
    for i in p.pick(p.actors()):
        data = p.json("brief", str(w.actors[i].id))
        name = w.actors[i].name
        family = _family(p, i)
        same(p, f"brief {name}: actor", data["actor"]["id"], str(w.actors[i].id))
        same(
            p,
            f"brief {name}: memberships",
            [m["id"] for m in data["memberships"]],
            p.memberships(lambda m, i=i: m.member == i and m.until is None),
        )
        channels = [
            c
            for c in sorted(p.sees.channels, key=lambda c: w.channels[c].name)
            if set(w.channels[c].participants) & family
        ]
        same(
            p,
            f"brief {name}: channels",
            [c["id"] for c in data["channels"]],
            [str(w.channels[c].id) for c in channels],
        )
        coverage: dict[str, dict[str, list[str]]] = {}
        for c in channels:
            channel = w.channels[c]
            others = [a for a in channel.participants if a in p.sees.actors and a not in family]
            speaking_for = {_speaks_for(p, a) for a in others}
            for other in sorted(speaking_for, key=lambda a: w.actors[a].name):
                if other not in family:
                    cell = coverage.setdefault(w.actors[other].name, {})
                    cell.setdefault(channel.track, []).append(channel.name)
        same(
            p,
            f"brief {name}: coverage (counterpart x track)",
            {
                row["counterpart"]: {
                    t: [x["channel"] for x in xs] for t, xs in row["tracks"].items()
                }
                for row in data["coverage"]
            },
            coverage,
        )
        same(
            p,
            f"brief {name}: tracks",
            data["tracks"],
            sorted({w.channels[c].track for c in channels}, key=tracks.index),
        )
        same(
            p,
            f"brief {name}: channel counterparts",
            [[x["id"] for x in c["counterparts"]] for c in data["channels"]],
            [
                p.visible_actors(tuple(a for a in w.channels[c].participants if a not in family))
                for c in channels
            ],
        )
        same(
            p,
            f"brief {name}: recent engagements",
            [e["id"] for e in data["recent_engagements"]],
            p.engagements(
                lambda e, i=i: i in w.channels[e.channel].participants or i in e.participants
            )[:10],
        )
        same(
            p,
            f"brief {name}: agreements in force",
            [a["id"] for a in data["agreements_in_force"]],
            p.agreements(lambda a, i=i: i in a.parties and a.status == "in_force"),
        )
        same(
            p,
            f"brief {name}: open follow-ups",
            [f["action"] for f in data["open_follow_ups"]],
            p.follow_ups(
                lambda e, family=family: bool(set(w.channels[e.channel].participants) & family)
            ),
        )
    hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), "brief", "{}")


def _exported_labels(w: World, label: Label) -> dict[str, Any]:
    return {
        "classification": DEFAULT_LEVELS[label.classification],
        "owner": None if label.owner is None else w.orgs[label.owner],
        "releasable_to": (
            ["all"] if label.released is None else sorted(w.orgs[i] for i in label.released)
        ),
    }


def case_brokers(p: Probe) -> None:
    """Brokers between pairs of visible actors (no event data: registry only): every broker
    and every record a reason cites is one the user may see; a hidden side looks absent."""
    w = p.world
    hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), "brokers", "{}", str(w.actors[0].id))
    shown = p.actors()[:3] if p.thorough else p.actors()[:2]
    for n, first in enumerate(shown):
        for second in shown[n + 1 :]:
            check_brokers(p, str(w.actors[first].id), str(w.actors[second].id))


def check_brokers(p: Probe, a: str, b: str) -> None:
    w = p.world
    result = p.run("brokers", a, b, "--format", "json")
    if result.exit_code != 0:  # one side is the other's organ: refused, never a leak
        assert "overlap" in result.stderr, f"{p.who}: brokers {a} {b}: {result.stderr}"
        return
    ranking = json.loads(result.stdout)
    same(p, "brokers: events used", ranking["events_used"], False)
    visible = {
        "actor": set(p.actor_ids(list(p.sees.actors))),
        "channel": {str(w.channels[i].id) for i in p.sees.channels},
        "engagement": {str(w.engagements[i].id) for i in p.sees.engagements},
        "agreement": {str(w.agreements[i].id) for i in p.sees.agreements},
        "membership": {str(w.memberships[i].id) for i in p.sees.memberships},
    }
    generated = {str(r.id) for r in w.actors}
    for broker in ranking["brokers"]:
        actor = broker["actor"]["id"]
        assert actor not in generated or actor in visible["actor"], (
            f"{p.who}: brokers ranks hidden actor {actor}"
        )
        for reason in broker["reasons"]:
            for cited in reason["evidence"]:
                kind = cited["type"]
                assert kind not in visible or cited["id"] in visible[kind], (
                    f"{p.who}: brokers cites hidden {kind} {cited['id']}: {reason['text']}"
                )


def case_export(p: Probe) -> None:
    w = p.world
    out = Path(tempfile.mkdtemp(dir=p.folder, prefix=f"export-{p.who}-"))
    result = p.run("export", "--out", str(out))
    assert result.exit_code == 0, f"{p.who}: export failed: {result.stderr}"
    files = {
        kind: [json.loads(line) for line in (out / f"{kind}.jsonl").read_text().splitlines()]
        for kind in (
            "organisations",
            "terms",
            "actors",
            "memberships",
            "channels",
            "agreements",
            "engagements",
            "objectives",
            "vetting",
        )
    }
    same(p, "export: organisations", [r["name"] for r in files["organisations"]], sorted(w.orgs))
    same(p, "export: terms", files["terms"], [])
    kinds: dict[str, tuple[tuple[Any, ...], frozenset[int]]] = {
        "actors": (w.actors, p.sees.actors),
        "memberships": (w.memberships, p.sees.memberships),
        "channels": (w.channels, p.sees.channels),
        "agreements": (w.agreements, p.sees.agreements),
        "engagements": (w.engagements, p.sees.engagements),
        "objectives": (w.objectives, p.sees.objectives),
        "vetting": (w.vetting, p.sees.vetting),
    }
    for kind, (records, seen) in kinds.items():
        wanted = sorted((records[i] for i in seen), key=lambda r: str(r.id))
        same(p, f"export: {kind}", [r["id"] for r in files[kind]], [str(r.id) for r in wanted])
        same(
            p,
            f"export: labels of {kind}",
            [{k: r[k] for k in ("classification", "owner", "releasable_to")} for r in files[kind]],
            [_exported_labels(w, r.label) for r in wanted],
        )
    actors = {str(a.id): i for i, a in enumerate(w.actors)}
    for r in files["actors"]:
        parent = p.parent(actors[r["id"]])
        same(
            p,
            f"export: parent of {r['name']}",
            r["parent"],
            None if parent is None else str(w.actors[parent].id),
        )
    channels = {str(c.id): c for c in w.channels}
    for r in files["channels"]:
        same(
            p,
            f"export: participants of {r['name']}",
            [x["actor"] for x in r["participants"]],
            p.visible_actors(channels[r["id"]].participants),
        )
    engagements = {str(e.id): e for e in w.engagements}
    for r in files["engagements"]:
        e = engagements[r["id"]]
        same(
            p,
            f"export: participants of {e.summary}",
            r["participants"],
            p.visible_actors(e.participants),
        )
        same(
            p,
            f"export: follow-ups of {e.summary}",
            [f["id"] for f in r["follow_ups"]],
            [str(f.id) for f in e.follow_ups],
        )
    agreements = {str(a.id): a for a in w.agreements}
    for r in files["agreements"]:
        same(
            p,
            f"export: parties of {r['name']}",
            [x["actor"] for x in r["parties"]],
            p.visible_actors(agreements[r["id"]].parties),
        )


def case_resolves_actor(*command: str) -> Callable[[Probe], None]:
    """Commands that take actors from the registry and read the (unlabelled) event store: a
    hidden actor is an absent one; a visible one is found (the empty event store is next)."""

    def check(p: Probe) -> None:
        w = p.world
        hidden_looks_absent(p, p.hidden(w.actors, p.sees.actors), *command)
        for i in p.actors()[: 1 if p.thorough else 0]:
            ref = str(w.actors[i].id)
            result = p.run(*[ref if a == "{}" else a for a in command])
            assert "no actor matches" not in result.stderr, (
                f"{p.who}: {' '.join(command)} does not find visible {w.actors[i].name}"
            )

    return check


def case_same_for_everyone(*command: str) -> Callable[[Probe], None]:
    """Commands over data without labels (taxonomy, organisations, the event store): every
    user gets what the local administrator gets."""

    def check(p: Probe) -> None:
        if not (p.thorough or p.first):
            return
        mine, theirs = p.run(*command), p.as_admin(*command)
        same(
            p,
            " ".join(command),
            (mine.exit_code, mine.stdout, mine.stderr),
            (theirs.exit_code, theirs.stdout, theirs.stderr),
        )

    return check


def case_impact(p: Probe) -> None:
    """``impact RECORD``: a hidden engagement or agreement is an absent one; a visible one is
    found (the empty event store is what stops it next)."""
    w = p.world
    command = ("impact", "{}", "--format", "json")
    hidden_looks_absent(p, p.hidden(w.engagements, p.sees.engagements), *command)
    hidden_looks_absent(p, p.hidden(w.agreements, p.sees.agreements), *command)
    visible = [str(w.engagements[i].id) for i in sorted(p.sees.engagements)]
    visible += [str(w.agreements[i].id) for i in sorted(p.sees.agreements)]
    for ref in visible[: 2 if p.thorough else 0]:
        result = p.run("impact", ref, "--format", "json")
        assert "matches" not in result.stderr, f"{p.who}: impact does not find visible {ref}"


WEIGHT = {"cleared": 0, "pending": 1, "flagged": 2}
POLICE_OR_MILITARY = frozenset({"military_training"})  # of the kinds generated here


def expected_standing(world: World, sees: Sight, actor: int) -> tuple[str, int | None]:
    """An actor's vetting standing, in plain Python: its newest visible record, or a newer
    flag on a visible parent (see multitrack.services.vetting)."""

    def newest(subject: int) -> int | None:
        found = [i for i in sees.vetting if world.vetting[i].subject == subject]
        return max(
            found,
            key=lambda i: (world.vetting[i].date, WEIGHT[world.vetting[i].status],
                           str(world.vetting[i].id)),
            default=None,
        )  # fmt: skip

    def parent(a: int) -> int | None:
        up = world.actors[a].parent
        return up if up is not None and up in sees.actors else None

    own = newest(actor)
    flag, seen, up = None, {actor}, parent(actor)
    while up is not None and up not in seen:
        seen.add(up)
        theirs = newest(up)
        if theirs is not None and world.vetting[theirs].status == "flagged":
            flag = theirs
            break
        up = parent(up)
    if own is not None and world.vetting[own].status == "flagged":
        return "flagged", own
    if flag is not None and not (
        own is not None
        and world.vetting[own].status == "cleared"
        and world.vetting[own].date > world.vetting[flag].date
    ):
        return "flagged", flag
    if own is not None:
        return world.vetting[own].status, own
    return "unvetted", None


def expected_warnings(world: World, sees: Sight) -> set[tuple[str, str, str]]:
    """(engagement, actor, standing) of every vetting warning the user should get: generated
    actors are organisations (never vetted as units), so only flags warn."""
    found = set()
    for e in sees.engagements:
        engagement = world.engagements[e]
        if engagement.kind not in POLICE_OR_MILITARY:
            continue
        for a in engagement.participants:
            if a in sees.actors and expected_standing(world, sees, a)[0] == "flagged":
                found.add((str(engagement.id), str(world.actors[a].id), "flagged"))
    return found


def case_vetting_list(p: Probe) -> None:
    w = p.world
    rows = p.json("vetting", "list")
    wanted = sorted(p.sees.vetting, key=lambda i: str(w.vetting[i].id))
    wanted.sort(key=lambda i: w.vetting[i].date, reverse=True)
    same(p, "vetting list (newest first)", [r["id"] for r in rows],
         [str(w.vetting[i].id) for i in wanted])  # fmt: skip
    same(
        p,
        "vetting list: subjects",
        [r["subject"]["id"] for r in rows],
        [str(w.actors[w.vetting[i].subject].id) for i in wanted],
    )
    hidden = p.hidden(w.actors, p.sees.actors)
    hidden_looks_absent(p, hidden, "vetting", "list", "--subject", "{}")


def case_vetting_show(p: Probe) -> None:
    w = p.world
    for i in p.pick(sorted(p.sees.vetting)):
        v = w.vetting[i]
        data = p.json("vetting", "show", str(v.id))
        same(p, f"vetting show {v.id}: subject", data["subject"]["id"], str(w.actors[v.subject].id))
        status, record = expected_standing(w, p.sees, v.subject)
        same(
            p,
            f"vetting show {v.id}: standing",
            (data["standing"]["status"], (data["standing"]["record"] or {}).get("id")),
            (status, None if record is None else str(w.vetting[record].id)),
        )
    hidden_looks_absent(p, p.hidden(w.vetting, p.sees.vetting), "vetting", "show", "{}")


def check_oversight(p: Any, data: dict[str, Any]) -> None:
    """The oversight answer (CLI or API) against the visible sets of ``p`` (a probe)."""
    w, sees = p.world, p.sees
    titles = sorted((w.objectives[i] for i in sees.objectives), key=lambda o: o.title)
    same(p, "oversight: objectives", [o["id"] for o in data["objectives"]],
         [str(o.id) for o in titles])  # fmt: skip
    got = {(x["engagement"]["id"], x["actor"]["id"], x["status"]) for x in data["vetting_warnings"]}
    same(p, "oversight: vetting warnings", got, expected_warnings(w, sees))
    records = {str(w.vetting[i].id) for i in sees.vetting}
    for x in data["vetting_warnings"]:
        assert x["record"] is None or x["record"]["id"] in records, (
            f"{p.who}: oversight cites hidden vetting record {x['record']['id']}"
        )
    today = date.today().isoformat()
    overdue = sorted(
        (
            f
            for e in sees.engagements
            for f in w.engagements[e].follow_ups
            if not f.done and f.due < today
        ),
        key=lambda f: (f.due, str(f.id)),
    )
    same(p, "oversight: overdue follow-ups", [f["action"] for f in data["follow_ups"]["overdue"]],
         [f.action for f in overdue])  # fmt: skip
    same(p, "oversight: follow-ups due soon", data["follow_ups"]["due"], [])


def case_oversight(p: Probe) -> None:
    check_oversight(p, p.json("oversight"))


def case_tested_in(path: str, *needles: str) -> Callable[[Probe], None]:
    """A read path whose visibility needs more than a world of records (keys, events) and is
    tested in another file: the file must exist and exercise it."""

    def check(p: Probe) -> None:
        test_file = Path(__file__).resolve().parents[1] / path
        assert test_file.is_file(), f"{path} (the visibility tests of this path) is missing"
        text = test_file.read_text(encoding="utf-8")
        for needle in needles:
            assert needle in text, f"{path} no longer mentions {needle!r}"

    return check


def case_user_list(p: Probe) -> None:
    w = p.world
    rows = p.json("user", "list")
    wanted = sorted(u.name for u in w.users if p.user is None or u.org == p.user.org)
    same(p, "user list (own organisation)", [r["name"] for r in rows], wanted)


def _audits(p: Probe) -> bool:
    return p.user is None or p.user.role in AUDIT_ROLES


def case_audit_log(p: Probe) -> None:
    result = p.run("audit", "log", "--format", "json")
    if _audits(p):
        assert result.exit_code == 0, f"{p.who}: audit log refused: {result.stderr}"
        assert json.loads(result.stdout), f"{p.who}: audit log is empty"
    else:
        same(p, "audit log refused (exit 6)", (result.exit_code, result.stdout), (6, ""))


def case_audit_verify(p: Probe) -> None:
    result = p.run("audit", "verify")
    if _audits(p):
        assert result.exit_code == 0, f"{p.who}: audit verify: {result.stdout}{result.stderr}"
    else:  # the number of entries counts changes to records the user cannot see
        same(p, "audit verify refused (exit 6)", (result.exit_code, result.stdout), (6, ""))


def _report_text(p: Probe, *command: str) -> tuple[dict[str, Any], str]:
    """Run ``report ... --out FILE.html --format json`` as the probe's user: the JSON summary
    and the report's text (tags dropped, entities decoded)."""
    out = Path(tempfile.mkdtemp(dir=p.folder, prefix=f"report-{p.who}-")) / "report.html"
    summary = p.json("report", *command, "--out", str(out))
    same(p, f"report {command[0]}: the file written", summary["path"], str(out))
    page = out.read_text(encoding="utf-8")
    return summary, html.unescape(re.sub(r"<[^>]+>", " ", page))


def _hidden_names(p: Probe) -> list[str]:
    """The names, titles and summaries of every record the user may not see (and of what
    hangs off them)."""
    w, s = p.world, p.sees
    return [
        *(w.actors[i].name for i in range(len(w.actors)) if i not in s.actors),
        *(w.channels[i].name for i in range(len(w.channels)) if i not in s.channels),
        *(w.agreements[i].name for i in range(len(w.agreements)) if i not in s.agreements),
        *(w.objectives[i].title for i in range(len(w.objectives)) if i not in s.objectives),
        *(
            text
            for i, e in enumerate(w.engagements)
            if i not in s.engagements
            for text in (e.summary, *(f.action for f in e.follow_ups))
        ),
    ]


def _no_hidden_names(p: Probe, what: str, text: str) -> None:
    shown = [name for name in _hidden_names(p) if name in text]
    same(p, f"{what}: names of records the user may not see", shown, [])


def case_report_brief(p: Probe) -> None:
    """The brief report holds what ``brief`` shows the user (itself checked against the
    visible set), nothing hidden, and a marking within the user's clearance."""
    w = p.world
    clearance = len(DEFAULT_LEVELS) - 1 if p.user is None else p.user.clearance
    for i in p.pick(p.actors())[: None if p.thorough else 1]:
        ref = str(w.actors[i].id)
        summary, text = _report_text(p, "brief", ref)
        data = p.json("brief", ref)
        wanted = [
            w.actors[i].name,
            *(c["name"] for c in data["channels"]),
            *(e["summary"] for e in data["recent_engagements"]),
            *(a["name"] for a in data["agreements_in_force"]),
            *(f["action"] for f in data["open_follow_ups"]),
            *(m["organisation"]["name"] for m in data["memberships"]),
        ]
        missing = [x for x in wanted if x not in text]
        same(p, f"report brief {w.actors[i].name}: what brief shows, missing", missing, [])
        _no_hidden_names(p, f"report brief {w.actors[i].name}", text)
        rank = DEFAULT_LEVELS.index(summary["classification"])
        floor = max(
            [w.actors[i].label.classification]
            + [w.channels[c].label.classification for c in p.sees.channels
               if w.channels[c].name in {x["name"] for x in data["channels"]}]
        )  # fmt: skip
        assert floor <= rank <= clearance, (
            f"{p.who}: report brief {w.actors[i].name} marked {summary['classification']}: "
            f"its actor and channels need at least {DEFAULT_LEVELS[floor]}, "
            f"the user is cleared to {DEFAULT_LEVELS[clearance]}"
        )
    hidden = p.hidden(w.actors, p.sees.actors)
    out = str(p.folder / "hidden-report.html")
    hidden_looks_absent(p, hidden, "report", "brief", "{}", "--out", out)


def case_report_accountability(p: Probe) -> None:
    """The accountability report lists every visible objective and overdue follow-up and
    nothing hidden."""
    w = p.world
    summary, text = _report_text(p, "accountability")
    titles = [w.objectives[i].title for i in p.sees.objectives]
    same(p, "report accountability: objectives missing", [t for t in titles if t not in text], [])
    today = date.today().isoformat()
    overdue = [a for a in p.follow_ups() if _due(w, a) < today]
    same(p, "report accountability: overdue follow-ups missing",
         [a for a in overdue if a not in text], [])  # fmt: skip
    _no_hidden_names(p, "report accountability", text)
    clearance = len(DEFAULT_LEVELS) - 1 if p.user is None else p.user.clearance
    assert DEFAULT_LEVELS.index(summary["classification"]) <= clearance


#: Every read command of the CLI, by its command path, with the check of what it returns.
#: ``test_read_paths.py`` fails when a read command has no case here.
READ_PATHS: dict[str, Callable[[Probe], None]] = {
    "actor list": case_actor_list,
    "actor show": case_actor_show,
    "membership list": case_membership_list,
    "channel list": case_channel_list,
    "channel show": case_channel_show,
    "engagement list": case_engagement_list,
    "followup list": case_followup_list,
    "agreement list": case_agreement_list,
    "agreement show": case_agreement_show,
    "objective list": case_objective_list,
    "vetting list": case_vetting_list,
    "vetting show": case_vetting_show,
    "oversight": case_oversight,
    "brief": case_brief,
    "coverage": case_coverage,
    "transitions": case_transitions,
    "network": case_network,
    "report brief": case_report_brief,
    "report accountability": case_report_accountability,
    "brokers": case_brokers,
    "export": case_export,
    "relations": case_resolves_actor("relations", "{}", "{}", "--format", "json"),
    "partners": case_resolves_actor("partners", "{}", "--format", "json"),
    "impact": case_impact,
    "watch": case_same_for_everyone("watch", "--format", "json"),
    "events datasets": case_same_for_everyone("events", "datasets", "--format", "json"),
    "taxonomy list": case_same_for_everyone("taxonomy", "list", "sectors", "--format", "json"),
    "org list": case_same_for_everyone("org", "list", "--format", "json"),
    "org pubkey": case_same_for_everyone("org", "pubkey", "org-a"),
    "events map": case_same_for_everyone("events", "map", "--format", "json"),
    "share export": case_tested_in("security/test_share.py", "share", "export"),
    "user list": case_user_list,
    "audit log": case_audit_log,
    "audit verify": case_audit_verify,
}


def check_world(
    world: World,
    db: str,
    folder: Path,
    *,
    users: tuple[UserSpec | None, ...] | None = None,
    paths: dict[str, Callable[[Probe], None]] | None = None,
    thorough: bool = True,
) -> None:
    """Run every read path as every user of a stored world; AssertionError at the first
    difference from the visible set."""
    admin: dict[tuple[str, ...], Result] = {}
    for n, user in enumerate(world.users if users is None else users):
        probe = Probe(world, user, db, folder, admin, thorough, first=n == 0)
        for case in (READ_PATHS if paths is None else paths).values():
            case(probe)


_engines: dict[str, Engine] = {}


def _one_engine(url: str) -> Engine:
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


@contextmanager
def shared_engines() -> Iterator[None]:
    """One engine per database URL for every store the commands open, and the gate's options
    built once per principal: only what takes time changes, not what is read.

    A command opens its own engine, and a new engine compiles every statement anew (most of
    a command's time); one long-lived engine is also how the API serves many users, so its
    statement cache is shared between principals here as it is there.
    """
    criteria = cache(gate.criteria_for)  # the same principal gets the same options
    with (
        mock.patch("multitrack.store.engine.make_engine", _one_engine),
        mock.patch.object(gate, "criteria_for", criteria),
    ):
        try:
            yield
        finally:
            for engine in _engines.values():
                engine.dispose()
            _engines.clear()


@contextmanager
def stored(world: World, template: Path, folder: Path) -> Iterator[tuple[str, Path]]:
    """The template copied to FOLDER's database file (the same URL every time, so the same
    engine), holding ``world``; its URL, and a new folder for its state and exports."""
    for stale in folder.glob("multitrack.db*"):
        stale.unlink()
    db = copy_database(template, folder)
    with tempfile.TemporaryDirectory(dir=folder, prefix="run-") as tmp:
        store_world(db, Path(tmp) / "state", world)
        yield db, Path(tmp)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with shared_engines():
        yield tmp_path_factory.mktemp("visibility")


# --------------------------------------------------------------------------------------------
# The property, and the fixed world on both backends


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_every_read_path_shows_each_user_exactly_the_visible_set(
    world: World, template: Path, workdir: Path
) -> None:
    with stored(world, template, workdir) as (db, folder):
        check_world(world, db, folder, thorough=False)


def test_the_fixed_world_on_both_backends(db_url: str, tmp_path: Path, workdir: Path) -> None:
    """FIXED on a fresh database of each backend, as each user and as the local administrator."""
    store = open_store(db_url, state_dir=tmp_path / "state")
    upgrade(store.engine)
    store.dispose()
    store_world(db_url, tmp_path / "state", FIXED)
    check_world(FIXED, db_url, tmp_path, users=(*FIXED.users, None))


def test_the_fixed_world_hides_what_its_comments_say() -> None:
    """The expected sets themselves, spelled out for FIXED (a check of the checker)."""
    ann, bob, cat = (sight(FIXED, u) for u in FIXED.users)
    assert ann.actors == {0, 1, 2}
    assert bob.actors == {0, 2, 4}
    assert cat.actors == {0, 2, 3, 4}
    assert ann.channels == {0, 1, 2}
    assert bob.channels == cat.channels == {0, 2}
    assert ann.engagements == {0, 1, 2}
    assert bob.engagements == {0, 2}
    assert cat.engagements == {0}
    assert ann.memberships == {0, 1}
    assert bob.memberships == {0, 2, 3}
    assert cat.memberships == {0, 3}
    assert ann.objectives == {0, 1, 2}
    assert bob.objectives == {2}
    assert cat.objectives == {2, 3}
    assert ann.vetting == {0, 1, 2}
    assert bob.vetting == cat.vetting == {0}
    assert expected_warnings(FIXED, ann) == {
        (str(_id(31)), str(_id(3)), "flagged"),
        (str(_id(32)), str(_id(1)), "flagged"),
    }
    assert expected_warnings(FIXED, bob) == {(str(_id(31)), str(_id(3)), "flagged")}
