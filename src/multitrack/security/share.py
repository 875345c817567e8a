"""Sealed share packages: export what a partner may see, import what a partner sent.

See ``docs/security.md`` (Sealed sharing) for the rules; :mod:`multitrack.security.package` for
the file format and :mod:`multitrack.security.share_records` for which records travel.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nacl.public import PublicKey
from pydantic import ValidationError
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from multitrack.errors import MultitrackError
from multitrack.exchange.apply import Context
from multitrack.exchange.exporter import records_of
from multitrack.exchange.importer import _apply_file
from multitrack.exchange.reader import Row
from multitrack.exchange.records import KINDS, RECORDS, Item, Labelled, TermRecord
from multitrack.model import CustomTerm, Organisation, ShareCounter, ShareReceipt
from multitrack.security.accounts import get_organisation, organisation
from multitrack.security.audit import append
from multitrack.security.keys import KeysError, is_local, key_fingerprint, unlock
from multitrack.security.package import (
    MAX_PACKAGE,
    Header,
    MalformedPackage,
    Package,
    ReplayedPackage,
    UnknownSigner,
    WrongRecipient,
    open_payload,
    parse,
    seal,
    verify,
)
from multitrack.security.principal import AccessDenied, Principal, Role
from multitrack.security.share_records import (
    MODELS,
    Filters,
    organisations_named,
    payload_records,
    read_view,
    select_records,
    shared,
)
from multitrack.store import Store

__all__ = ["Filters", "export_package", "import_package"]


@dataclass(frozen=True)
class ExportReport:
    package_id: str
    sequence: int
    counts: dict[str, int]
    path: Path


@dataclass
class ImportReport:
    package_id: str
    sender: str
    recipient: str
    sequence: int
    received: Counter[str] = field(default_factory=Counter)
    added: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    already_imported: bool = False


def _may_act_for(principal: Principal, org: Organisation) -> None:
    if principal.system or (principal.can_administer() and principal.organisation_id == org.id):
        return
    raise AccessDenied(f"{principal.name} may not share on behalf of {org.name}")


def _view_of(org: Organisation, clearance: int) -> Principal:
    return Principal(
        name=f"share:{org.name}",
        role=Role.viewer,
        clearance=clearance,
        organisation_id=org.id,
        organisation=org.name,
    )


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _counter(session: Session, sender: uuid.UUID, recipient: uuid.UUID, direction: str) -> int:
    """The last sequence number of a pair in one direction (read below the gate: the caller
    may not read the counters, but every share must move them)."""
    table = ShareCounter.__table__
    assert isinstance(table, Table)
    row = session.connection().execute(
        select(table.c.last_sequence)
        .where(
            table.c.sender_id == sender,
            table.c.recipient_id == recipient,
            table.c.direction == direction,
        )
        .with_for_update()
    )
    found = row.scalar()
    return 0 if found is None else int(found)


def _set_counter(
    session: Session, sender: uuid.UUID, recipient: uuid.UUID, direction: str, value: int
) -> None:
    table = ShareCounter.__table__
    assert isinstance(table, Table)
    key = {"sender_id": sender, "recipient_id": recipient, "direction": direction}
    done = session.connection().execute(
        update(table)
        .where(*(table.c[name] == value_ for name, value_ in key.items()))
        .values(last_sequence=value)
    )
    if done.rowcount == 0:
        session.connection().execute(table.insert().values(**key, last_sequence=value))


def export_package(
    store: Store,
    *,
    principal: Principal,
    sender: str,
    recipient: str,
    out: Path,
    passphrase: str,
    filters: Filters | None = None,
) -> ExportReport:
    """Write one package from ``sender`` to ``recipient``: what both may see, signed, sealed."""
    filters = filters or Filters()
    with store.session(principal) as session:
        from_org, to_org = organisation(session, sender), organisation(session, recipient)
        _may_act_for(principal, from_org)
        if from_org.id == to_org.id:
            raise MultitrackError("a package goes to another organisation")
        if not is_local(from_org):
            raise KeysError(f"{from_org.name} has no keys here: run `multitrack org keys`")
        if to_org.box_public_key is None or to_org.sign_public_key is None:
            raise KeysError(
                f"no public key of {to_org.name}: trust its key file (multitrack org trust)"
            )
        keys = unlock(from_org, passphrase)
        # the sending user as they are (the local administrator: the sending organisation at
        # full clearance), and the receiving organisation at the same clearance
        sending = _view_of(from_org, principal.clearance) if principal.system else principal
        receiving = _view_of(to_org, principal.clearance)
    sender_view = read_view(store, sending, filters)
    recipient_view = read_view(store, receiving, None)
    chosen = select_records(shared(sender_view, recipient_view), filters, sender_view)
    with store.session(principal) as session:
        names = organisations_named(chosen) | {from_org.name, to_org.name}
        organisations = [r for r in records_of(session, "organisations") if r["name"] in names]
        terms = list(records_of(session, "terms"))
        payload_data = payload_records(chosen, organisations, terms)
        payload = _canonical({"records": payload_data})
        sequence = _counter(session, from_org.id, to_org.id, "out") + 1
        _set_counter(session, from_org.id, to_org.id, "out", sequence)
        header = Header(
            package_id=str(uuid.uuid4()),
            sender=from_org.name,
            recipient=to_org.name,
            sender_sign_key=key_fingerprint(bytes(keys.sign.verify_key)),
            recipient_box_key=key_fingerprint(to_org.box_public_key),
            sequence=sequence,
            created_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            content_sha256=hashlib.sha256(payload).hexdigest(),
            counts={kind: len(rows) for kind, rows in payload_data.items()},
        )
        data = seal(header, payload, keys.sign, keys.box, PublicKey(to_org.box_public_key))
        append(
            session,
            action="share",
            entity="share_package",
            entity_id=header.package_id,
            after={"content_sha256": header.content_sha256},
            detail={
                "direction": "export",
                "sender": from_org.name,
                "recipient": to_org.name,
                "sequence": sequence,
                "counts": header.counts,
            },
        )
        _write(out, data)
    return ExportReport(header.package_id, sequence, header.counts, out)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def read_package(path: Path) -> tuple[bytes, str]:
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PACKAGE + 1)
    except OSError as error:
        raise MalformedPackage(source, error.strerror or str(error)) from None
    return data, source


def import_package(
    store: Store, path: Path, *, principal: Principal, passphrase: str
) -> ImportReport:
    """Check, decrypt and merge one package, whole or not at all."""
    data, source = read_package(path)
    return import_bytes(store, data, source=source, principal=principal, passphrase=passphrase)


def import_bytes(
    store: Store, data: bytes, *, source: str, principal: Principal, passphrase: str
) -> ImportReport:
    package = parse(data, source)
    header = package.header
    # Records are applied with the rights of the installation, for the named caller: labels
    # of any owner are kept as they were sent (a user may only act for their own organisation).
    acting = Principal(
        name=principal.name,
        role=Role.admin,
        clearance=10**6,
        organisation_id=None,
        organisation=principal.organisation,
        user_id=principal.user_id,
        system=True,
    )
    with store.session(acting) as session:
        partner, local = _check(session, package, source, principal)
        report = ImportReport(header.package_id, partner.name, local.name, header.sequence)
        earlier = session.get(ShareReceipt, uuid.UUID(header.package_id))
        if earlier is not None and earlier.content_hash == header.content_sha256:
            report.already_imported = True
            return report
        last = _counter(session, partner.id, local.id, "in")
        if header.sequence <= last:
            raise ReplayedPackage(
                source, f"sequence {header.sequence} from {partner.name}, last imported {last}"
            )
        keys = unlock(local, passphrase)
        assert partner.box_public_key is not None
        payload = open_payload(package, keys.box, partner.box_public_key, source)
        if hashlib.sha256(payload).hexdigest() != header.content_sha256:
            raise MalformedPackage(source, "its content does not match its hash")
        records = _records(payload, source)
        _merge(Context.of(session), records, partner, source, report)
        _set_counter(session, partner.id, local.id, "in", header.sequence)
        session.add(
            ShareReceipt(
                package_id=uuid.UUID(header.package_id),
                sender_id=partner.id,
                recipient_id=local.id,
                sequence=header.sequence,
                created_at=datetime.fromisoformat(header.created_at),
                content_hash=header.content_sha256,
                counts=json.dumps(_counts(report), sort_keys=True),
            )
        )
        append(
            session,
            action="share",
            entity="share_package",
            entity_id=header.package_id,
            after={"content_sha256": header.content_sha256},
            detail={"direction": "import", "sender": partner.name, "recipient": local.name}
            | {"sequence": header.sequence, "counts": _counts(report)},
        )
    return report


def _counts(report: ImportReport) -> dict[str, dict[str, int]]:
    return {
        kind: {"received": n, "added": report.added[kind], "kept": report.kept[kind]}
        for kind, n in report.received.items()
    }


def _check(
    session: Session, package: Package, source: str, principal: Principal
) -> tuple[Organisation, Organisation]:
    """The trusted partner who signed the package and the local organisation it is for."""
    header = package.header
    partner = get_organisation(session, header.sender, missing_ok=True)
    if (
        partner is None
        or partner.trusted_at is None
        or partner.sign_public_key is None
        or partner.box_public_key is None
        or key_fingerprint(partner.sign_public_key) != header.sender_sign_key
    ):
        raise UnknownSigner(source, f"no trusted partner {header.sender!r} with that signing key")
    verify(package, partner.sign_public_key, source)
    local = get_organisation(session, header.recipient, missing_ok=True)
    if local is None or not is_local(local):
        raise WrongRecipient(
            source, f"it is for {header.recipient!r}, not an organisation of this installation"
        )
    assert local.box_public_key is not None
    if key_fingerprint(local.box_public_key) != header.recipient_box_key:
        raise WrongRecipient(source, f"it is sealed to another key of {local.name}")
    _may_act_for(principal, local)
    return partner, local


def _records(payload: bytes, source: str) -> dict[str, list[Item]]:
    def bad(why: str) -> MalformedPackage:
        return MalformedPackage(source, why)

    try:
        data: Any = json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad("its content is not JSON") from None
    if not isinstance(data, dict) or set(data) != {"records"}:
        raise bad("its content is not a set of records")
    groups = data["records"]
    if not isinstance(groups, dict) or not set(groups) <= set(KINDS):
        raise bad("its content holds an unknown kind of record")
    records: dict[str, list[Item]] = {}
    for kind in KINDS:
        rows = groups.get(kind, [])
        if not isinstance(rows, list):
            raise bad(f"its {kind} are not a list")
        try:
            records[kind] = [RECORDS[kind].model_validate(row) for row in rows]
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise bad(f"a record of {kind} is invalid ({where}: {first['msg']})") from None
    return records


def _merge(
    ctx: Context,
    records: dict[str, list[Item]],
    partner: Organisation,
    source: str,
    report: ImportReport,
) -> None:
    """Apply the records through the ordinary importer, in one transaction.

    New records are added with the labels they came with. A record already here is updated
    only when the sending organisation owns it here; any other local copy (the installation's,
    ours or a third party's) is kept as it is.
    """
    session = ctx.session
    for kind in KINDS:
        apply: list[Row] = []
        for line, record in enumerate(records[kind], start=1):
            report.received[kind] += 1
            present, owned = _local_copy(session, kind, record, partner)
            if present and not owned:
                report.kept[kind] += 1
                continue
            report.added[kind] += 0 if present else 1
            apply.append(Row(line, record))
        if apply:
            _apply_file(ctx, Path(f"{source}#{kind}"), kind, apply, None)


def _local_copy(
    session: Session, kind: str, record: Item, partner: Organisation
) -> tuple[bool, bool]:
    """Whether a record is here already, and whether the sending organisation owns it here."""
    if kind == "organisations":
        name = getattr(record, "name", "")
        return get_organisation(session, name, missing_ok=True) is not None, False
    if isinstance(record, TermRecord):
        return session.get(CustomTerm, (record.vocabulary, record.id)) is not None, False
    assert isinstance(record, Labelled)
    key = getattr(record, "id", None)
    row = None if key is None else session.get(MODELS[kind], uuid.UUID(key))
    if row is None:
        return False, False
    return True, row.owner_id == partner.id
