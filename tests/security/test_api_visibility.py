"""The visibility property on the REST API: every GET endpoint shows a user exactly what the
rule allows.

The worlds, the way they are stored and the expected sets are those of ``test_visibility.py``
(hypothesis generates organisations, users and labelled records; ``sight`` computes what each
user may see, in plain Python). Here every user gets an API token and calls every GET endpoint
of ``/api/v1`` through an in-process ``TestClient`` (one app per example database):

- list endpoints, page by page (``limit``/``offset``), with ``total`` equal to the visible count,
  in the promised order, each record with its labels and only the related records the user
  sees (participants, parties, an actor's parent);
- ``GET /<kind>/{id}`` for every generated id: the visible ones answer the record, the hidden
  ones answer byte for byte what a random id answers;
- ``q=`` search and the ``actor``/``channel`` filters (a hidden reference looks absent);
- ``/relations*`` on the (empty) event store, ``/taxonomy/{vocabulary}``: what the local
  administrator gets (a hidden actor looks absent); ``/me``: the user's own account.

``test_read_paths.py`` checks that ``API_READ_PATHS`` has a case for every GET route of the
API; ``test_the_api_check_fails_when_channels_go_unfiltered`` shows the check catches a leak.
"""

from __future__ import annotations

import html
import re
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from multitrack.api.app import create_app
from multitrack.api.deps import current_principal
from multitrack.api.routes.meta import Vocabulary
from multitrack.config import Settings
from multitrack.model import Channel
from multitrack.security import gate
from multitrack.security.accounts import create_token
from multitrack.security.levels import DEFAULT_LEVELS
from multitrack.security.principal import LOCAL_ADMIN, system_context
from multitrack.store import Store, open_store
from multitrack.values import normalise_name
from tests.security.analytics_cases import (
    api_case_coverage,
    api_case_network,
    api_case_transitions,
)
from tests.security.test_visibility import (
    FIXED,
    Label,
    Sight,
    UserSpec,
    World,
    absent_id,
    check_oversight,
    migrated_template,
    shared_engines,
    sight,
    stored,
    worlds,
)

API = "/api/v1"
#: A small page, so that every list of a generated world takes several pages.
PAGE = 2


# --------------------------------------------------------------------------------------------
# One app per stored world; one probe per user


@dataclass
class Served:
    """The app on one stored world, with a token per user (by name)."""

    world: World
    app: FastAPI
    client: TestClient
    store: Store
    tokens: dict[str, str]
    #: Answers of the local administrator, by path and query.
    admin: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, bytes]] = field(
        default_factory=dict
    )

    def as_admin(self, path: str, **params: str) -> tuple[int, bytes]:
        """The answer of the local administrator (who sees everything): the same app with the
        request's principal replaced."""
        key = (path, tuple(sorted(params.items())))
        if key not in self.admin:
            self.app.dependency_overrides[current_principal] = lambda: LOCAL_ADMIN
            try:
                response = self.client.get(path, params=params)
            finally:
                self.app.dependency_overrides.pop(current_principal)
            self.admin[key] = (response.status_code, response.content)
        return self.admin[key]


@contextmanager
def served(world: World, db: str, folder: Path) -> Iterator[Served]:
    store = open_store(db, state_dir=folder / "state")
    try:
        with store.session(system_context("test")) as session:
            tokens = {u.name: create_token(session, u.name) for u in world.users}
        app = create_app(
            Settings(db_url=db, events_dir=folder / "events"), store=store, secret_key="test"
        )
        with TestClient(app) as client:
            yield Served(world, app, client, store, tokens)
    finally:
        store.dispose()


@dataclass
class ApiProbe:
    served: Served
    user: UserSpec

    @property
    def world(self) -> World:
        return self.served.world

    @property
    def who(self) -> str:
        return self.user.name

    @cached_property
    def sees(self) -> Sight:
        return sight(self.world, self.user)

    def get(self, path: str, **params: str) -> httpx.Response:
        response: httpx.Response = self.served.client.get(
            path, params=params, headers={"Authorization": f"Bearer {self.served.tokens[self.who]}"}
        )
        return response

    def ok(self, path: str, **params: str) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, (
            f"{self.who}: GET {path} {params} answered {response.status_code}: {response.text}"
        )
        return response.json()

    def pages(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every page of a list endpoint, ``PAGE`` records at a time; each page's ``total``
        is the same and the pages add up to it."""
        items: list[dict[str, Any]] = []
        totals: set[int] = set()
        offset = 0
        while True:
            data = self.ok(path, limit=str(PAGE), offset=str(offset), **params)
            same(self, f"GET {path} {params}: limit", data["limit"], PAGE)
            same(self, f"GET {path} {params}: offset", data["offset"], offset)
            totals.add(data["total"])
            items.extend(data["items"])
            offset += PAGE
            if offset >= data["total"]:
                break
        same(self, f"GET {path} {params}: total on every page", len(totals), 1)
        same(self, f"GET {path} {params}: total is the records listed", totals.pop(), len(items))
        return items


def same(probe: ApiProbe, what: str, got: Any, wanted: Any) -> None:
    assert got == wanted, f"{probe.who}: {what}\n  got      {got}\n  expected {wanted}"


def hidden_looks_absent(
    probe: ApiProbe,
    path: str,
    hidden: list[str],
    params: dict[str, str] | None = None,
    *,
    status: int | None = None,
) -> None:
    """PATH (and PARAMS) with each hidden id in place of ``{}`` answers exactly what an absent id
    answers: the same status and the same bytes (once the id itself is set aside)."""
    for ref in hidden:
        other = absent_id(ref)

        def call(value: str) -> httpx.Response:
            return probe.get(
                path.replace("{}", value),
                **{k: v.replace("{}", value) for k, v in (params or {}).items()},
            )

        seen, missing = call(ref), call(other)
        assert missing.status_code in ((404, 422) if status is None else (status,)), (
            f"{probe.who}: GET {path} {params or {}} with an absent id: {missing.status_code}"
        )
        same(
            probe,
            f"GET {path} {params or {}}: a hidden record ({ref}) answers like an absent one",
            (seen.status_code, seen.text.replace(ref, "ID")),
            (missing.status_code, missing.text.replace(other, "ID")),
        )


# --------------------------------------------------------------------------------------------
# What each record should look like to the user


def labels_of(world: World, label: Label) -> dict[str, Any]:
    return {
        "classification": DEFAULT_LEVELS[label.classification],
        "owner": None if label.owner is None else world.orgs[label.owner],
        "releasable_to": (
            ["all"] if label.released is None else sorted(world.orgs[i] for i in label.released)
        ),
    }


def visible_actor_ids(p: ApiProbe, indexes: tuple[int, ...]) -> list[str]:
    return [str(p.world.actors[i].id) for i in indexes if i in p.sees.actors]


def expected_actor(p: ApiProbe, i: int) -> dict[str, Any]:
    a = p.world.actors[i]
    parent = a.parent if a.parent is not None and a.parent in p.sees.actors else None
    return {
        "id": str(a.id),
        "name": a.name,
        "aliases": [a.alias],
        "parent": None if parent is None else str(p.world.actors[parent].id),
        **labels_of(p.world, a.label),
    }


def expected_membership(p: ApiProbe, i: int) -> dict[str, Any]:
    m = p.world.memberships[i]
    return {
        "id": str(m.id),
        "member": str(p.world.actors[m.member].id),
        "organisation": str(p.world.actors[m.organisation].id),
        **labels_of(p.world, m.label),
    }


def expected_channel(p: ApiProbe, i: int) -> dict[str, Any]:
    c = p.world.channels[i]
    return {
        "id": str(c.id),
        "name": c.name,
        "participants": visible_actor_ids(p, c.participants),
        **labels_of(p.world, c.label),
    }


def expected_engagement(p: ApiProbe, i: int) -> dict[str, Any]:
    e = p.world.engagements[i]
    return {
        "id": str(e.id),
        "channel": str(p.world.channels[e.channel].id),
        "summary": e.summary,
        "participants": visible_actor_ids(p, e.participants),
        "follow_ups": [str(f.id) for f in e.follow_ups],
        **labels_of(p.world, e.label),
    }


def expected_agreement(p: ApiProbe, i: int) -> dict[str, Any]:
    a = p.world.agreements[i]
    return {
        "id": str(a.id),
        "name": a.name,
        "parties": visible_actor_ids(p, a.parties),
        **labels_of(p.world, a.label),
    }


def expected_objective(p: ApiProbe, i: int) -> dict[str, Any]:
    o = p.world.objectives[i]
    w = p.world
    return {
        "id": str(o.id),
        "title": o.title,
        "actor": None if o.actor is None else str(w.actors[o.actor].id),
        "channel": None if o.channel is None else str(w.channels[o.channel].id),
        "agreement": None if o.agreement is None else str(w.agreements[o.agreement].id),
        **labels_of(w, o.label),
    }


def expected_vetting(p: ApiProbe, i: int) -> dict[str, Any]:
    v = p.world.vetting[i]
    return {
        "id": str(v.id),
        "subject": str(p.world.actors[v.subject].id),
        "status": v.status,
        "date": v.date,
        **labels_of(p.world, v.label),
    }


def shown(record: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """The fields of an answered record that ``like`` has, related lists reduced to ids."""
    out: dict[str, Any] = {}
    for key in like:
        value = record.get(key, "<missing>")
        if key in ("participants", "parties") and value and isinstance(value[0], dict):
            value = [x["actor"] for x in value]
        elif key == "follow_ups":
            value = [f["id"] for f in value]
        out[key] = value
    return out


@dataclass(frozen=True)
class Kind:
    """One registry kind of the API: its records in the world, what the user sees, the
    expected view of one record, and the default order (a key over indexes)."""

    name: str
    records: Callable[[World], tuple[Any, ...]]
    seen: Callable[[Sight], frozenset[int]]
    expected: Callable[[ApiProbe, int], dict[str, Any]]
    order: Callable[[World, int], Any]
    #: what ``q`` matches, lowered or normalised; None: nothing searchable is generated
    text: Callable[[World, int], list[str]] | None


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "actors",
            lambda w: w.actors,
            lambda s: s.actors,
            expected_actor,
            lambda w, i: (w.actors[i].name, str(w.actors[i].id)),
            lambda w, i: [normalise_name(w.actors[i].name), normalise_name(w.actors[i].alias)],
        ),
        Kind(
            "memberships",
            lambda w: w.memberships,
            lambda s: s.memberships,
            expected_membership,
            lambda w, i: (w.memberships[i].since, str(w.memberships[i].id)),
            None,
        ),
        Kind(
            "channels",
            lambda w: w.channels,
            lambda s: s.channels,
            expected_channel,
            lambda w, i: (w.channels[i].name, str(w.channels[i].id)),
            lambda w, i: [w.channels[i].name.lower()],
        ),
        Kind(
            "engagements",
            lambda w: w.engagements,
            lambda s: s.engagements,
            expected_engagement,
            # newest first, then by id
            lambda w, i: (-int(w.engagements[i].start.replace("-", "")), str(w.engagements[i].id)),
            lambda w, i: [w.engagements[i].summary.lower()],
        ),
        Kind(
            "agreements",
            lambda w: w.agreements,
            lambda s: s.agreements,
            expected_agreement,
            lambda w, i: (w.agreements[i].adopted, str(w.agreements[i].id)),
            lambda w, i: [w.agreements[i].name.lower()],
        ),
        Kind(
            "objectives",
            lambda w: w.objectives,
            lambda s: s.objectives,
            expected_objective,
            lambda w, i: (w.objectives[i].title, str(w.objectives[i].id)),
            lambda w, i: [w.objectives[i].title.lower()],
        ),
        Kind(
            "vetting",
            lambda w: w.vetting,
            lambda s: s.vetting,
            expected_vetting,
            # newest first, then by id
            lambda w, i: (-int(w.vetting[i].date.replace("-", "")), str(w.vetting[i].id)),
            None,
        ),
    )
}


def _in_order(p: ApiProbe, kind: Kind, indexes: Any) -> list[int]:
    return sorted(indexes, key=lambda i: kind.order(p.world, i))


def _same_records(p: ApiProbe, what: str, got: list[dict[str, Any]], kind: Kind, want: Any) -> None:
    wanted = [kind.expected(p, i) for i in _in_order(p, kind, want)]
    same(p, f"{what}: ids", [r["id"] for r in got], [r["id"] for r in wanted])
    for record, expected in zip(got, wanted, strict=True):
        same(p, f"{what}: record {expected['id']}", shown(record, expected), expected)


# --------------------------------------------------------------------------------------------
# The read paths: one case per GET route of the API


def case_list(name: str) -> Callable[[ApiProbe], None]:
    """``GET /<kind>``: every page; with ``q``; with a filter by a visible and a hidden actor
    or channel where the kind has one."""

    def check(p: ApiProbe) -> None:
        kind, w = KINDS[name], p.world
        path = f"{API}/{name}"
        seen = kind.seen(p.sees)
        _same_records(p, f"GET {path}", p.pages(path), kind, seen)
        if kind.text is not None and kind.records(w):
            words = kind.text(w, 0)[0].split()
            for q in (words[0].upper(), words[1]):
                needle = normalise_name(q) if name == "actors" else q.lower()
                matching = [i for i in seen if any(needle in t for t in kind.text(w, i))]
                _same_records(p, f"GET {path}?q={q}", p.pages(path, q=q), kind, matching)
        else:
            same(p, f"GET {path}?q=amber (nothing searchable)", p.pages(path, q="amber"), [])
        hidden_actors = [
            str(w.actors[i].id) for i in range(len(w.actors)) if i not in p.sees.actors
        ]
        by_actor: dict[str, Callable[[int, int], bool]] = {
            "channels": lambda r, a: a in w.channels[r].participants,
            "agreements": lambda r, a: a in w.agreements[r].parties,
            "engagements": lambda r, a: (
                a in w.engagements[r].participants
                or a in w.channels[w.engagements[r].channel].participants
            ),
            "memberships": lambda r, a: w.memberships[r].organisation == a,
        }
        if name in by_actor:
            param = "organisation" if name == "memberships" else "actor"
            for a in sorted(p.sees.actors)[:2]:
                matching = [r for r in seen if by_actor[name](r, a)]
                got = p.pages(path, **{param: str(w.actors[a].id)})
                _same_records(p, f"GET {path}?{param}={w.actors[a].name}", got, kind, matching)
            hidden_looks_absent(p, path, hidden_actors[:1], {param: "{}"})
        if name in ("engagements", "objectives"):
            for c in sorted(p.sees.channels)[:2]:
                matching = [r for r in seen if kind.records(w)[r].channel == c]
                got = p.pages(path, channel=str(w.channels[c].id))
                _same_records(p, f"GET {path}?channel={w.channels[c].name}", got, kind, matching)
            hidden = [str(c.id) for i, c in enumerate(w.channels) if i not in p.sees.channels]
            hidden_looks_absent(p, path, hidden[:1], {"channel": "{}"})

    return check


def case_one(name: str) -> Callable[[ApiProbe], None]:
    """``GET /<kind>/{id}`` for every generated id: the record, or what an absent id gets."""

    def check(p: ApiProbe) -> None:
        kind = KINDS[name]
        seen = kind.seen(p.sees)
        hidden = []
        for i, record in enumerate(kind.records(p.world)):
            if i in seen:
                data = p.ok(f"{API}/{name}/{record.id}")
                expected = kind.expected(p, i)
                same(p, f"GET /{name}/{record.id}", shown(data, expected), expected)
            else:
                hidden.append(str(record.id))
        hidden_looks_absent(p, f"{API}/{name}/{{}}", hidden, status=404)

    return check


def case_relations(path: str, *params: str) -> Callable[[ApiProbe], None]:
    """Endpoints over the (unlabelled, here empty) event store that take actors: with visible
    actors, the local administrator's answer; with a hidden one, an absent one's."""

    def check(p: ApiProbe) -> None:
        w = p.world
        visible = [str(w.actors[i].id) for i in sorted(p.sees.actors)]
        hidden = [str(a.id) for i, a in enumerate(w.actors) if i not in p.sees.actors]
        if visible:
            query = {k: visible[n % len(visible)] for n, k in enumerate(params)}
            response = p.get(path, **query)
            same(
                p,
                f"GET {path} {query} (as the local administrator gets it)",
                (response.status_code, response.content),
                p.served.as_admin(path, **query),
            )
        if hidden and visible:
            for n in range(len(params)):  # the hidden actor in each place in turn
                query = {k: visible[0] for k in params} | {params[n]: "{}"}
                hidden_looks_absent(p, path, hidden[:1], query)

    return check


def case_same_for_everyone(path: str, **params: str) -> Callable[[ApiProbe], None]:
    """Endpoints over data without labels: what the local administrator gets."""

    def check(p: ApiProbe) -> None:
        response = p.get(path, **params)
        same(
            p,
            f"GET {path} {params} (as the local administrator gets it)",
            (response.status_code, response.content),
            p.served.as_admin(path, **params),
        )

    return check


def case_taxonomy(p: ApiProbe) -> None:
    for vocabulary in typing.get_args(Vocabulary):
        case_same_for_everyone(f"{API}/taxonomy/{vocabulary}")(p)


def case_me(p: ApiProbe) -> None:
    same(
        p,
        "GET /me",
        p.ok(f"{API}/me"),
        {
            "name": p.user.name,
            "role": p.user.role,
            "clearance": DEFAULT_LEVELS[p.user.clearance],
            "organisation": p.world.orgs[p.user.org],
        },
    )


def _report_text(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


def _within_clearance(p: ApiProbe, response: httpx.Response) -> None:
    marking = response.headers["x-classification"]
    assert DEFAULT_LEVELS.index(marking) <= p.user.clearance, (
        f"{p.who}: a report marked {marking} for a user cleared to "
        f"{DEFAULT_LEVELS[p.user.clearance]}"
    )


def case_report_brief(p: ApiProbe) -> None:
    """``GET /reports/brief/{actor}``: the actor's brief as HTML with no name of a hidden
    record, marked within the user's clearance; a PDF once; a hidden actor looks absent."""
    w = p.world
    path = f"{API}/reports/brief"
    for n, i in enumerate(sorted(p.sees.actors)[:1]):
        response = p.get(f"{path}/{w.actors[i].id}", format="html")
        assert response.status_code == 200, f"{p.who}: {path}: {response.status_code}"
        assert response.headers["content-type"].startswith("text/html")
        text = _report_text(response)
        assert w.actors[i].name in text, f"{p.who}: the brief does not name its actor"
        hidden = _hidden_names(p, text)
        same(p, f"GET {path}/{w.actors[i].name}: names of hidden records", hidden, [])
        _within_clearance(p, response)
        if n == 0 and p.user == p.world.users[0]:
            pdf = p.get(f"{path}/{w.actors[i].id}", format="pdf")
            assert pdf.status_code == 200
            assert pdf.headers["content-type"] == "application/pdf"
            assert pdf.content.startswith(b"%PDF-")
    hidden_actors = [str(a.id) for i, a in enumerate(w.actors) if i not in p.sees.actors]
    hidden_looks_absent(p, f"{path}/{{}}", hidden_actors[:1], {"format": "html"}, status=404)


def case_report_accountability(p: ApiProbe) -> None:
    """``GET /reports/accountability``: every visible objective, no hidden record's name."""
    w = p.world
    response = p.get(f"{API}/reports/accountability", format="html")
    assert response.status_code == 200, f"{p.who}: {response.status_code} {response.text}"
    text = _report_text(response)
    titles = [w.objectives[i].title for i in sorted(p.sees.objectives)]
    same(p, "GET /reports/accountability: objectives missing",
         [t for t in titles if t not in text], [])  # fmt: skip
    same(p, "GET /reports/accountability: names of hidden records",
         _hidden_names(p, text), [])  # fmt: skip
    _within_clearance(p, response)


def _hidden_names(p: ApiProbe, text: str) -> list[str]:
    """The names of records the user may not see that ``text`` holds (see test_visibility)."""
    w, s = p.world, p.sees
    names = [
        *(w.actors[i].name for i in range(len(w.actors)) if i not in s.actors),
        *(w.channels[i].name for i in range(len(w.channels)) if i not in s.channels),
        *(w.agreements[i].name for i in range(len(w.agreements)) if i not in s.agreements),
        *(w.objectives[i].title for i in range(len(w.objectives)) if i not in s.objectives),
        *(
            x
            for i, e in enumerate(w.engagements)
            if i not in s.engagements
            for x in (e.summary, *(f.action for f in e.follow_ups))
        ),
    ]
    return [name for name in names if name in text]


#: Every GET route of the API, by its path, with the check of what it answers.
#: ``test_read_paths.py`` fails when a GET route has no case here.
def case_brokers(p: ApiProbe) -> None:
    """Brokers between two visible actors: every broker and every record a reason cites is
    visible to the caller; a hidden actor on either side answers like an absent one."""
    w, path = p.world, f"{API}/brokers"
    visible = [str(w.actors[i].id) for i in sorted(p.sees.actors)]
    hidden = [str(a.id) for i, a in enumerate(w.actors) if i not in p.sees.actors]
    if hidden and visible:
        hidden_looks_absent(p, path, hidden[:1], {"a": "{}", "b": visible[0]})
        hidden_looks_absent(p, path, hidden[:1], {"a": visible[0], "b": "{}"})
    if len(visible) < 2:
        return
    response = p.get(path, a=visible[0], b=visible[1])
    if response.status_code == 422:  # one side is the other's organ
        assert "overlap" in response.text, f"{p.who}: GET {path}: {response.text}"
        return
    assert response.status_code == 200, f"{p.who}: GET {path}: {response.text}"
    seen = {
        "actor": set(visible),
        "channel": {str(w.channels[i].id) for i in p.sees.channels},
        "engagement": {str(w.engagements[i].id) for i in p.sees.engagements},
        "agreement": {str(w.agreements[i].id) for i in p.sees.agreements},
        "membership": {str(w.memberships[i].id) for i in p.sees.memberships},
    }
    generated = {str(a.id) for a in w.actors}
    for broker in response.json()["brokers"]:
        actor = broker["actor"]["id"]
        assert actor not in generated or actor in seen["actor"], (
            f"{p.who}: GET {path} ranks hidden actor {actor}"
        )
        for reason in broker["reasons"]:
            for cited in reason["evidence"]:
                kind = cited["type"]
                assert kind not in seen or cited["id"] in seen[kind], (
                    f"{p.who}: GET {path} cites hidden {kind} {cited['id']}"
                )


def case_impact(p: ApiProbe) -> None:
    """``GET /impact/{id}``: a hidden engagement or agreement answers like an absent one (404);
    a visible one gets what the local administrator gets (here: no event store yet)."""
    w = p.world
    path = f"{API}/impact/{{}}"
    for records, seen in ((w.engagements, p.sees.engagements), (w.agreements, p.sees.agreements)):
        hidden = [str(r.id) for i, r in enumerate(records) if i not in seen]
        hidden_looks_absent(p, path, hidden[:2], status=404)
        for i in sorted(seen)[:1]:
            one = path.replace("{}", str(records[i].id))
            response = p.get(one)
            assert response.status_code != 404, f"{p.who}: GET {one} misses a visible record"
            same(
                p,
                f"GET {one} (as the local administrator gets it)",
                (response.status_code, response.content),
                p.served.as_admin(one),
            )


API_READ_PATHS: dict[str, Callable[[ApiProbe], None]] = {
    **{f"{API}/{name}": case_list(name) for name in KINDS},
    **{
        f"{API}/{name}/{{{name.removesuffix('s')}_id}}": case_one(name)
        for name in KINDS  # e.g. /api/v1/actors/{actor_id}
    },
    f"{API}/relations": case_relations(f"{API}/relations", "source", "target"),
    f"{API}/relations/partners": case_relations(f"{API}/relations/partners", "actor"),
    f"{API}/relations/watch": case_same_for_everyone(f"{API}/relations/watch"),
    f"{API}/impact/{{record_id}}": case_impact,
    f"{API}/brokers": case_brokers,
    f"{API}/oversight": lambda p: check_oversight(p, p.ok(f"{API}/oversight")),
    f"{API}/reports/brief/{{actor}}": case_report_brief,
    f"{API}/reports/accountability": case_report_accountability,
    f"{API}/me": case_me,
    f"{API}/coverage/{{actor}}": api_case_coverage,
    f"{API}/transitions": api_case_transitions,
    f"{API}/network/measures": api_case_network,
    f"{API}/taxonomy/{{vocabulary}}": case_taxonomy,
}


def check_api(
    world: World,
    db: str,
    folder: Path,
    *,
    users: tuple[UserSpec, ...] | None = None,
    paths: dict[str, Callable[[ApiProbe], None]] | None = None,
) -> None:
    """Call every GET endpoint as every user of a stored world; AssertionError at the first
    difference from the visible set."""
    with served(world, db, folder) as app:
        for user in world.users if users is None else users:
            probe = ApiProbe(app, user)
            for case in (API_READ_PATHS if paths is None else paths).values():
                case(probe)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with shared_engines():
        yield tmp_path_factory.mktemp("api-visibility")


# --------------------------------------------------------------------------------------------
# The property, the fixed world, and a leak the check must catch


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_every_api_read_path_shows_each_user_exactly_the_visible_set(
    world: World, template: Path, workdir: Path
) -> None:
    with stored(world, template, workdir) as (db, folder):
        check_api(world, db, folder)


def test_the_fixed_world_through_the_api(template: Path, workdir: Path) -> None:
    with stored(FIXED, template, workdir) as (db, folder):
        check_api(FIXED, db, folder)


SECRET = FIXED.channels[1].id  # the secret channel: ann's organisation's, hidden from bob


def test_the_api_check_fails_when_channels_go_unfiltered(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drop Channel from the gate's labelled classes: bob now sees the secret channel, and
    check_api must say so."""
    template = migrated_template(tmp_path_factory)
    monkeypatch.setattr(gate, "LABELLED", tuple(c for c in gate.LABELLED if c is not Channel))
    bob = next(u for u in FIXED.users if u.name == "bob")
    with (
        shared_engines(),
        stored(FIXED, template, tmp_path_factory.mktemp("api-leak")) as (db, folder),
        pytest.raises(AssertionError) as caught,
    ):
        check_api(FIXED, db, folder, users=(bob,))
    message = str(caught.value)
    assert "bob: GET /api/v1/channels" in message
    assert str(SECRET) in message


@pytest.mark.parametrize("path", [f"{API}/channels", f"{API}/channels/{{channel_id}}"])
def test_each_channel_path_alone_catches_the_leak(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The list and the one-record endpoint each catch it on their own."""
    template = migrated_template(tmp_path_factory)
    monkeypatch.setattr(gate, "LABELLED", tuple(c for c in gate.LABELLED if c is not Channel))
    bob = next(u for u in FIXED.users if u.name == "bob")
    with (
        shared_engines(),
        stored(FIXED, template, tmp_path_factory.mktemp("api-leak")) as (db, folder),
        pytest.raises(AssertionError, match=str(SECRET)),
    ):
        check_api(FIXED, db, folder, users=(bob,), paths={path: API_READ_PATHS[path]})


def test_the_api_check_passes_without_the_leak(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same run with the gate intact: the failures above are the leak, not the check."""
    template = migrated_template(tmp_path_factory)
    bob = next(u for u in FIXED.users if u.name == "bob")
    with (
        shared_engines(),
        stored(FIXED, template, tmp_path_factory.mktemp("api-no-leak")) as (db, folder),
    ):
        check_api(FIXED, db, folder, users=(bob,))
