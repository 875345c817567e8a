"""The gate builds its criteria once per principal: the kept criteria never serve another
principal, a principal whose clearance changed, or a changed rule set.

The world is ``test_visibility.FIXED`` (see ``test_gate.py``): bob (org-b, RESTRICTED viewer)
does not see Birch, org-a's actor, nor the secret channel; ann (org-a) sees Birch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from multitrack.model import Actor, Channel, Engagement
from multitrack.security import gate
from multitrack.security.accounts import get_user, principal_for
from multitrack.security.principal import Principal, system_context
from multitrack.store import Store, open_store
from tests.security.test_visibility import FIXED, migrated_template, stored

BIRCH = FIXED.actors[1].id
SECRET = FIXED.channels[1].id


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    template = migrated_template(tmp_path_factory)
    # not under test_visibility.shared_engines: it keeps criteria by principal itself
    with stored(FIXED, template, tmp_path_factory.mktemp("gate-cache")) as (db, folder):
        opened = open_store(db, state_dir=folder / "state")
        yield opened
        opened.dispose()


def principal(store: Store, name: str) -> Principal:
    with store.session(system_context("test")) as s:
        return principal_for(get_user(s, name))


def seen(store: Store, who: Principal) -> tuple[frozenset[object], ...]:
    with store.session(who) as s:
        return (
            frozenset(s.scalars(select(Actor.id))),
            frozenset(s.scalars(select(Channel.id))),
            frozenset(s.scalars(select(Engagement.id))),
        )


def test_the_same_principal_gets_the_same_criteria(store: Store) -> None:
    bob, ann = principal(store, "bob"), principal(store, "ann")
    assert gate.criteria_for(bob) is gate.criteria_for(bob)
    assert gate.criteria_for(principal(store, "bob")) is gate.criteria_for(bob)  # equal: same
    assert gate.criteria_for(ann) is not gate.criteria_for(bob)
    cleared = dataclasses.replace(bob, clearance=bob.clearance + 2)
    assert gate.criteria_for(cleared) is not gate.criteria_for(bob)


def test_kept_criteria_never_serve_another_principal(store: Store) -> None:
    """What each principal sees with nothing kept, then with the criteria of all of them kept
    and their statements interleaved: the same."""
    bob, ann = principal(store, "bob"), principal(store, "ann")
    cleared = dataclasses.replace(bob, clearance=bob.clearance + 2)
    unrelated = dataclasses.replace(ann, organisation_id=bob.organisation_id, name="ann@b")
    everyone = (bob, ann, cleared, unrelated)
    alone = {}
    for who in everyone:
        gate._built_criteria.cache_clear()
        alone[who] = seen(store, who)
    assert BIRCH in alone[ann][0]
    assert BIRCH not in alone[bob][0]
    assert SECRET not in alone[bob][1]
    assert len(set(alone.values())) >= 3  # the principals do see different worlds
    for _ in range(3):
        for who in (*everyone, *reversed(everyone)):
            assert seen(store, who) == alone[who], who.name


def test_changed_rules_are_not_served_from_the_cache(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = principal(store, "bob")
    assert SECRET not in seen(store, bob)[1]  # the criteria are kept now
    with monkeypatch.context() as patched:
        patched.setattr(gate, "LABELLED", tuple(c for c in gate.LABELLED if c is not Channel))
        assert SECRET in seen(store, bob)[1]  # the changed rules, not the kept criteria
    assert SECRET not in seen(store, bob)[1]


def test_the_cache_holds_a_bounded_number_of_principals() -> None:
    maxsize = gate._built_criteria.cache_info().maxsize
    assert maxsize is not None
    assert maxsize <= 1024
