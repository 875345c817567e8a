"""The audit chain: what is recorded, what `audit verify` catches, who may read the log.

Tampering is done as an attacker with the database would: raw SQL on the engine, below every
gate. Removing the newest entries leaves a valid shorter chain; the signed checkpoint kept in
the state folder (outside the database) catches it, and a forged checkpoint is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nacl.encoding import HexEncoder
from nacl.signing import SigningKey
from sqlalchemy import select, text
from typer.testing import Result

from multitrack.config import DB_ENV, EVENTS_DIR_ENV, STATE_DIR_ENV
from multitrack.exchange.apply import save
from multitrack.exchange.exporter import export_all
from multitrack.exchange.importer import import_path
from multitrack.exchange.records import ActorRecord
from multitrack.model import AuditEntry, User
from multitrack.security.accounts import (
    MAX_FAILED_LOGINS,
    LoginFailed,
    add_organisation,
    authenticate,
)
from multitrack.security.audit import GENESIS, entry_hash
from multitrack.security.principal import LOCAL_ADMIN, Principal, system_context
from multitrack.store import Store, open_store
from multitrack.store.migrate import upgrade
from tests.security.test_visibility import PASSWORD, invoke, password_hash, shared_engines

ROLES = {"vic": "viewer", "eve": "editor", "ada": "admin", "aud": "auditor"}


@dataclass
class Audited:
    store: Store
    db: str
    folder: Path

    def cli(self, *args: str, user: str | None = None, stdin: str | None = None) -> Result:
        who = [] if user is None else ["--as", user]
        env: dict[str, str | None] = {
            DB_ENV: None,
            STATE_DIR_ENV: str(self.folder / "state"),
            EVENTS_DIR_ENV: str(self.folder / "events"),
        }
        return invoke(["--db", self.db, *who, *args], env, input=stdin)

    def entries(self) -> list[AuditEntry]:
        with self.store.session(system_context("test")) as s:
            return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))

    def raw(self, *statements: str) -> None:
        """SQL straight on the database, as someone holding the file would run it."""
        with self.store.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))

    def login(self, name: str, password: str) -> Principal | None:
        """A login as a shell does it: the failure is caught inside the unit of work, so its
        count and its audit entry are kept."""
        with self.store.session(system_context("login")) as s:
            try:
                return authenticate(s, name, password)
            except LoginFailed:
                return None


def save_actor(store: Store, name: str, description: str | None = None) -> None:
    record = ActorRecord(kind="ngo", name=name, description=description)
    with store.session(LOCAL_ADMIN) as s:
        save(s, "actors", record)


def make(db: str, folder: Path) -> Iterator[Audited]:
    with shared_engines():
        store = open_store(db, state_dir=folder / "state")
        upgrade(store.engine)
        with store.session(LOCAL_ADMIN) as s:
            org = add_organisation(s, "org-a")
            for name, role in ROLES.items():
                s.add(
                    User(
                        name=name,
                        organisation_id=org.id,
                        role=role,
                        clearance=1,
                        password_hash=password_hash(),
                    )
                )
        yield Audited(store, db, folder)
        store.dispose()


@pytest.fixture
def audited(db_url: str, tmp_path: Path) -> Iterator[Audited]:
    """An empty registry with users of every role, on each backend."""
    yield from make(db_url, tmp_path)


@pytest.fixture
def chain(sqlite_url: str, tmp_path: Path) -> Iterator[Audited]:
    """SQLite, with a chain of six entries: five actors created, one of them updated."""
    for found in make(sqlite_url, tmp_path):
        for i in range(5):
            save_actor(found.store, f"actor {i}")
        save_actor(found.store, "actor 4", description="changed")
        assert [e.seq for e in found.entries()] == [1, 2, 3, 4, 5, 6]
        yield found


# --------------------------------------------------------------------------------------------
# What is recorded


def test_changes_imports_exports_and_logins_are_chained(audited: Audited, tmp_path: Path) -> None:
    store = audited.store
    save_actor(store, "Fafo")
    save_actor(store, "Fafo", description="a research foundation")
    save_actor(store, "Fafo", description="a research foundation")  # no change: no entry
    source = tmp_path / "actors.jsonl"
    source.write_text(json.dumps({"kind": "igo", "name": "NATO"}) + "\n", encoding="utf-8")
    import_path(store, source, principal=LOCAL_ADMIN)
    export_all(store, tmp_path / "out", fmt="jsonl", principal=LOCAL_ADMIN)
    assert audited.login("eve", PASSWORD) is not None
    assert audited.login("eve", "not the password") is None
    assert audited.login("nobody", PASSWORD) is None

    entries = audited.entries()
    assert [(e.action, e.entity) for e in entries] == [
        ("create", "actors"),
        ("update", "actors"),
        ("create", "actors"),
        ("import", None),
        ("export", None),
        ("login", "user"),
        ("login_failed", "user"),
        ("login_failed", "user"),
    ]
    assert entries[1].before_hash == entries[0].after_hash  # the update starts where it was
    assert entries[1].after_hash != entries[1].before_hash
    assert [json.loads(e.detail or "{}").get("user") for e in entries[-3:]] == [
        "eve",
        "eve",
        "nobody",
    ]
    previous = GENESIS
    for seq, entry in enumerate(entries, start=1):
        assert (entry.seq, entry.prev_hash, entry.hash) == (seq, previous, entry_hash(entry))
        previous = entry.hash
    result = audited.cli("audit", "verify")
    assert (result.exit_code, result.stdout.strip()) == (0, "audit chain intact: 8 entries")


# --------------------------------------------------------------------------------------------
# What verify catches

TAMPERING: dict[str, tuple[list[str], int, str]] = {
    "an edited field": (
        ["UPDATE audit_entry SET principal = 'mallory' WHERE seq = 3"],
        3,
        "its content was changed",
    ),
    "an edited hash": (
        ["UPDATE audit_entry SET after_hash = before_hash WHERE seq = 2"],
        2,
        "its content was changed",
    ),
    "a deleted middle entry": (["DELETE FROM audit_entry WHERE seq = 3"], 3, "is missing"),
    "two swapped entries": (
        [
            "UPDATE audit_entry SET seq = 100 WHERE seq = 2",
            "UPDATE audit_entry SET seq = 2 WHERE seq = 4",
            "UPDATE audit_entry SET seq = 4 WHERE seq = 100",
        ],
        2,
        "does not follow the entry before it",
    ),
    "the newest entries deleted": (
        ["DELETE FROM audit_entry WHERE seq >= 5"],
        5,
        "entries 5..6 were removed",
    ),
    "the newest entry's hash": (
        [  # flip the first hex digit (a hash that already starts with "f" stays changed)
            "UPDATE audit_entry SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END"
            " || substr(hash, 2) WHERE seq = 6"
        ],
        6,
        "its content was changed",
    ),
}


@pytest.mark.parametrize("case", TAMPERING.values(), ids=TAMPERING.keys())
def test_verify_names_the_first_bad_entry(chain: Audited, case: tuple[list[str], int, str]) -> None:
    statements, first_bad, reason = case
    assert chain.cli("audit", "verify").exit_code == 0
    chain.raw(*statements)
    result = chain.cli("audit", "verify")
    assert result.exit_code == 8
    assert f"audit chain broken at entry {first_bad}:" in result.stdout
    assert reason in result.stdout


def test_the_newest_entries_deleted_are_caught_only_by_the_checkpoint(chain: Audited) -> None:
    """Without the checkpoint the shorter chain is valid: the file outside is what catches it."""
    chain.raw("DELETE FROM audit_entry WHERE seq >= 5")
    chain.store.checkpoints().path.unlink()
    assert chain.cli("audit", "verify").exit_code == 0


def _checkpoint(chain: Audited) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(chain.store.checkpoints().path.read_text())
    return payload


def test_a_forged_checkpoint_is_refused(chain: Audited) -> None:
    """Moving the signed head back (to hide deleted entries) breaks its signature."""
    chain.raw("DELETE FROM audit_entry WHERE seq >= 5")
    payload = _checkpoint(chain)
    body = json.loads(payload["body"])
    head = chain.entries()[-1]
    payload["body"] = json.dumps({"seq": head.seq, "hash": head.hash}, sort_keys=True)
    assert body["seq"] == 6
    chain.store.checkpoints().path.write_text(json.dumps(payload))
    result = chain.cli("audit", "verify")
    assert result.exit_code == 8
    assert "the checkpoint's signature is not valid" in result.stderr


def test_a_checkpoint_signed_with_another_key_is_refused(chain: Audited) -> None:
    payload = _checkpoint(chain)
    forger = SigningKey.generate()
    payload["signature"] = forger.sign(payload["body"].encode()).signature.hex()
    payload["key"] = forger.verify_key.encode(encoder=HexEncoder).decode()
    chain.store.checkpoints().path.write_text(json.dumps(payload))
    result = chain.cli("audit", "verify")
    assert result.exit_code == 8
    assert "signature is not valid" in result.stderr


# --------------------------------------------------------------------------------------------
# Who reads the log


@pytest.mark.parametrize(
    ("user", "allowed"),
    [(None, True), ("aud", True), ("vic", False), ("eve", False), ("ada", False)],
    ids=["local-admin", "auditor", "viewer", "editor", "admin"],
)
def test_only_auditors_read_the_log(chain: Audited, user: str | None, allowed: bool) -> None:
    log = chain.cli("audit", "log", "--format", "json", user=user)
    verify = chain.cli("audit", "verify", user=user)
    if allowed:
        assert log.exit_code == 0
        assert [e["seq"] for e in json.loads(log.stdout)] == [6, 5, 4, 3, 2, 1]
        assert verify.exit_code == 0
    else:
        assert (log.exit_code, log.stdout) == (6, "")
        assert "is not an auditor" in log.stderr
        assert (verify.exit_code, verify.stdout) == (6, "")


# --------------------------------------------------------------------------------------------
# Lock-out


def test_five_failed_logins_lock_the_account_until_the_password_is_reset(
    audited: Audited,
) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        assert audited.login("eve", "not the password") is None
    assert audited.login("eve", PASSWORD) is None  # locked: the right password fails too
    reasons = [json.loads(e.detail or "{}")["reason"] for e in audited.entries()]
    assert reasons[MAX_FAILED_LOGINS - 1].startswith("wrong password; locked")
    assert reasons[-1] == "locked"

    new_password = "a brand new passphrase"
    result = audited.cli("user", "passwd", "eve", "--password-stdin", stdin=new_password + "\n")
    assert result.exit_code == 0, result.stderr
    assert audited.login("eve", PASSWORD) is None  # the old password is gone
    principal = audited.login("eve", new_password)
    assert principal is not None
    assert principal.name == "eve"
    assert audited.cli("audit", "verify").exit_code == 0
