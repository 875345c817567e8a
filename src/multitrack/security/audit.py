"""The tamper-evident audit log.

Every entry's hash covers its fields and the previous entry's hash, so editing, deleting or
reordering entries breaks the chain. Removing the newest entries leaves a valid shorter chain;
a checkpoint of the chain head, signed with the installation's key and kept outside the
database, catches that too.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nacl.encoding import HexEncoder
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from multitrack.errors import MultitrackError
from multitrack.model import AuditEntry
from multitrack.security.gate import principal_of

GENESIS = "0" * 64
AUDIT_HEAD_KEY = "multitrack.audit_head"
ACTIONS = frozenset(
    {"create", "update", "delete", "import", "export", "share", "login", "login_failed", "admin"}
)


def digest(data: Any) -> str:
    """SHA-256 of a JSON-able value in canonical form (sorted keys, no spaces)."""
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return digest(
        {
            "seq": entry.seq,
            "id": str(entry.id),
            "at": at.astimezone(UTC).isoformat(),
            "principal": entry.principal,
            "organisation": entry.organisation,
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before_hash": entry.before_hash,
            "after_hash": entry.after_hash,
            "detail": entry.detail,
            "prev_hash": entry.prev_hash,
        }
    )


def append(
    session: Session,
    *,
    action: str,
    entity: str | None = None,
    entity_id: str | None = None,
    before: Any = None,
    after: Any = None,
    detail: Any = None,
) -> AuditEntry:
    """Add one entry at the head of the chain, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    principal = principal_of(session)
    # The chain head is read below the visibility gate (on the session's connection): whoever
    # writes must extend the one chain, whatever they may read of it.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # one writer at a time extends the chain; released at commit or rollback
        connection.execute(text("SELECT pg_advisory_xact_lock(7143001)"))
    table = AuditEntry.__table__
    head = connection.execute(
        select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=uuid.uuid4(),
        seq=(head[0] + 1) if head else 1,
        at=datetime.now(UTC).replace(microsecond=0),
        principal=principal.name,
        organisation=principal.organisation,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before_hash=None if before is None else digest(before),
        after_hash=None if after is None else digest(after),
        detail=None if detail is None else json.dumps(detail, sort_keys=True, default=str),
        prev_hash=head[1] if head else GENESIS,
        hash="",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    session.info[AUDIT_HEAD_KEY] = (entry.seq, entry.hash)
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    first_bad: int | None = None
    reason: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.entries} entries"
        return f"audit chain broken at entry {self.first_bad}: {self.reason}"


def verify(session: Session, checkpoint: Checkpoints | None) -> Verdict:
    """Walk the chain in order; compare its head with the signed checkpoint when there is one."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            return Verdict(False, count, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return Verdict(False, count, entry.seq, "it does not follow the entry before it")
        if entry_hash(entry) != entry.hash:
            return Verdict(False, count, entry.seq, "its content was changed")
        expected_prev = entry.hash
        expected_seq += 1
    if checkpoint is not None:
        mark = checkpoint.read()
        if mark is not None:
            seq, head_hash = mark
            if count < seq:
                return Verdict(False, count, count + 1, f"entries {count + 1}..{seq} were removed")
            at = session.scalars(select(AuditEntry).where(AuditEntry.seq == seq)).first()
            if at is None or at.hash != head_hash:
                return Verdict(False, count, seq, "it differs from the signed checkpoint")
    return Verdict(True, count)


def count_entries(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


class CheckpointError(MultitrackError):
    """The signed checkpoint is not the installation's: the chain head cannot be trusted."""

    exit_code = 8  # as a broken chain


class Checkpoints:
    """The signed head of one database's chain, in a file outside the database."""

    def __init__(self, folder: Path, database_url: str) -> None:
        tag = hashlib.sha256(database_url.encode("utf-8")).hexdigest()[:16]
        self.path = folder / f"audit-head-{tag}.json"
        self.key_path = folder / "installation.ed25519"

    def _key(self) -> SigningKey:
        if self.key_path.exists():
            return SigningKey(self.key_path.read_bytes().strip(), encoder=HexEncoder)
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        key = SigningKey.generate()
        self.key_path.write_bytes(key.encode(encoder=HexEncoder))
        self.key_path.chmod(0o600)
        return key

    def write(self, seq: int, head_hash: str) -> None:
        key = self._key()
        body = json.dumps({"seq": seq, "hash": head_hash}, sort_keys=True)
        signature = key.sign(body.encode("utf-8")).signature.hex()
        payload = {
            "body": body,
            "signature": signature,
            "key": key.verify_key.encode(encoder=HexEncoder).decode(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        tmp.replace(self.path)

    def read(self) -> tuple[int, str] | None:
        if not self.path.exists():
            return None
        payload = json.loads(self.path.read_text(encoding="utf-8"))
        verify_key = VerifyKey(self._key().verify_key.encode())
        try:
            verify_key.verify(payload["body"].encode("utf-8"), bytes.fromhex(payload["signature"]))
        except (BadSignatureError, ValueError) as error:
            raise CheckpointError(
                f"{self.path}: the checkpoint's signature is not valid"
            ) from error
        body = json.loads(payload["body"])
        return int(body["seq"]), str(body["hash"])
