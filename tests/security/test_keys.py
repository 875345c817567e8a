"""Organisation keys: made and sealed with a passphrase, exported by fingerprint, trusted."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl import pwhash

from multitrack.errors import InvalidValueError
from multitrack.model import Organisation
from multitrack.security import accounts, keys
from multitrack.security.keys import KeysError, WrongPassphrase
from multitrack.security.principal import LOCAL_ADMIN, AccessDenied
from tests.security.share_world import Site, init_template, sqlite_site

PASS = "a long passphrase"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys-template") / "template.db"
    init_template(path)
    return path


@pytest.fixture
def site(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setattr(keys, "OPSLIMIT", pwhash.argon2id.OPSLIMIT_MIN)
    monkeypatch.setattr(keys, "MEMLIMIT", pwhash.argon2id.MEMLIMIT_MIN)
    made = sqlite_site(tmp_path, "keys", template)
    with made.store.session(LOCAL_ADMIN) as s:
        accounts.add_organisation(s, "Alpha")
        accounts.add_organisation(s, "Plain")
    yield made
    made.store.dispose()


def org(site: Site, name: str) -> Organisation:
    with site.store.session(LOCAL_ADMIN) as s:
        return accounts.organisation(s, name)


def make_keys(site: Site, name: str = "Alpha", passphrase: str = PASS) -> Organisation:
    with site.store.session(LOCAL_ADMIN) as s:
        return keys.generate_keys(s, name, passphrase)


def test_keys_are_sealed_and_unlock_with_the_passphrase(site: Site) -> None:
    made = make_keys(site)
    stored = org(site, "Alpha")
    assert stored.sign_public_key == made.sign_public_key
    assert stored.sign_public_key is not None
    assert len(stored.sign_public_key) == 32
    unlocked = keys.unlock(stored, PASS)
    assert bytes(unlocked.sign.verify_key) == stored.sign_public_key
    assert bytes(unlocked.box.public_key) == stored.box_public_key
    sealed = stored.sealed_private_keys or b""
    assert bytes(unlocked.sign) not in sealed
    assert bytes(unlocked.sign).hex().encode() not in sealed
    assert bytes(unlocked.box).hex().encode() not in sealed
    fields = json.loads(sealed)
    assert fields["kdf"] == "argon2id"
    assert len(bytes.fromhex(fields["salt"])) == pwhash.argon2id.SALTBYTES


def test_wrong_passphrase_is_a_clear_error(site: Site) -> None:
    make_keys(site)
    with pytest.raises(WrongPassphrase, match=r"^wrong passphrase: the private keys of Alpha"):
        keys.unlock(org(site, "Alpha"), "another passphrase")


def test_damaged_sealed_keys_are_reported(site: Site) -> None:
    stored = make_keys(site)
    fields = json.loads(stored.sealed_private_keys or b"")
    for change in ({"memlimit": 2**40}, {"salt": "00"}, {"kdf": "scrypt"}, {"sealed": "zz"}):
        stored.sealed_private_keys = json.dumps(fields | change).encode()
        with pytest.raises(KeysError, match="damaged"):
            keys.unlock(stored, PASS)


def test_default_limits_work(tmp_path: Path, template: Path) -> None:
    made = sqlite_site(tmp_path, "defaults", template)
    try:
        with made.store.session(LOCAL_ADMIN) as s:
            accounts.add_organisation(s, "Alpha")
            stored = keys.generate_keys(s, "Alpha", PASS)
        fields = json.loads(stored.sealed_private_keys or b"")
        assert fields["opslimit"] == pwhash.argon2id.OPSLIMIT_INTERACTIVE
        keys.unlock(stored, PASS)
    finally:
        made.store.dispose()


def test_generating_twice_needs_replace_and_changes_the_fingerprint(site: Site) -> None:
    first = keys.fingerprint(make_keys(site))
    with pytest.raises(KeysError, match="already has keys"):
        make_keys(site)
    with site.store.session(LOCAL_ADMIN) as s:
        second = keys.fingerprint(keys.generate_keys(s, "Alpha", PASS, replace=True))
    assert first != second
    assert len(keys.grouped(second).split()) == 16


def test_short_passphrase_and_rights(site: Site) -> None:
    with pytest.raises(InvalidValueError, match="passphrase"):
        make_keys(site, passphrase="short")
    with site.store.session(LOCAL_ADMIN) as s:
        accounts.add_user(
            s,
            "viewer",
            organisation_name="Alpha",
            role="viewer",
            clearance="SECRET",
            password="a long enough password",
        )
        principal = accounts.principal_for(accounts.get_user(s, "viewer"))
    with site.store.session(principal) as s, pytest.raises(AccessDenied):
        keys.generate_keys(s, "Alpha", PASS)
    with site.store.session(principal) as s, pytest.raises(AccessDenied):
        keys.trust(s, b"{}")


def test_public_file_round_trip_and_trust(site: Site, tmp_path: Path, template: Path) -> None:
    data = keys.export_public(make_keys(site))
    parsed = keys.parse_public(data)
    assert parsed.organisation == "Alpha"
    assert parsed.fingerprint == keys.fingerprint(org(site, "Alpha"))
    other = sqlite_site(tmp_path / "other", "other", template)
    try:
        with other.store.session(LOCAL_ADMIN) as s:
            partner, changed = keys.trust(s, data)
            assert changed
            assert partner.trusted_at is not None
            assert partner.sealed_private_keys is None
        with other.store.session(LOCAL_ADMIN) as s:
            assert keys.trust(s, data)[1] is False  # the same keys again: nothing changes
        with site.store.session(LOCAL_ADMIN) as s:
            renewed = keys.export_public(keys.generate_keys(s, "Alpha", PASS, replace=True))
        with other.store.session(LOCAL_ADMIN) as s, pytest.raises(KeysError, match="--replace"):
            keys.trust(s, renewed)
        with other.store.session(LOCAL_ADMIN) as s:
            assert keys.trust(s, renewed, replace=True)[1]
            with pytest.raises(KeysError, match="partner"):
                keys.generate_keys(s, "Alpha", PASS)
    finally:
        other.store.dispose()
    # a local organisation's own file is not trusted as a partner's
    with site.store.session(LOCAL_ADMIN) as s, pytest.raises(KeysError, match="installation"):
        keys.trust(s, keys.export_public(accounts.organisation(s, "Alpha")))


def test_a_key_file_whose_fingerprint_lies_is_refused(site: Site) -> None:
    fields = json.loads(keys.export_public(make_keys(site)))
    fields["fingerprint"] = "0" * 64
    with pytest.raises(KeysError, match="fingerprint"):
        keys.parse_public(json.dumps(fields).encode())
    with pytest.raises(KeysError, match="no keys"):
        keys.export_public(org(site, "Plain"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.dictionaries(
            st.sampled_from(
                ["format", "version", "organisation", "sign_public_key", "box_public_key", "x"]
            ),
            st.one_of(st.text(max_size=70), st.integers(), st.none(), st.lists(st.integers())),
        ).map(lambda d: json.dumps(d).encode()),
    )
)
def test_key_file_parser_only_raises_its_error(data: bytes) -> None:
    with contextlib.suppress(KeysError):
        keys.parse_public(data)
