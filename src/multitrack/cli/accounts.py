"""``multitrack org ...`` (with keys), ``user ...``, ``token ...`` and ``audit ...``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from sqlalchemy import select

from multitrack.cli.context import Format, FormatOption, console, print_json, session, state
from multitrack.cli.share import read_passphrase
from multitrack.errors import InvalidValueError
from multitrack.model import AuditEntry
from multitrack.security import accounts, keys
from multitrack.security.audit import append, verify
from multitrack.security.levels import level_name
from multitrack.security.principal import AccessDenied, system_context

org_app = typer.Typer(
    help="Organisations that own records and receive shares.", no_args_is_help=True
)
user_app = typer.Typer(help="User accounts: role, clearance, password.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def read_password(from_stdin: bool) -> str:
    if not from_stdin:
        raise InvalidValueError(
            "password", "give the password on standard input (--password-stdin)"
        )
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise InvalidValueError("password", "standard input held no password")
    return password


@org_app.command("add")
def org_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    description: str | None = typer.Option(None, "--description"),
) -> None:
    """Add an organisation (local administrator only)."""
    with session(ctx) as s:
        org = accounts.add_organisation(s, name, description=description)
        append(
            s,
            action="admin",
            entity="organisation",
            entity_id=str(org.id),
            detail={"add_organisation": name},
        )
    console.print(f"added organisation {name}")


@org_app.command("list")
def org_list(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """List organisations."""
    with session(ctx) as s:
        rows: list[dict[str, Any]] = [
            {
                "id": str(o.id),
                "name": o.name,
                "description": o.description,
                "has_keys": o.sign_public_key is not None,
            }
            for o in accounts.list_organisations(s)
        ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} organisations", title_justify="left")
    for column in ("Name", "Description", "Keys"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["name"], r["description"] or "", "yes" if r["has_keys"] else "")
    console.print(table)


@org_app.command("keys")
def org_keys(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A local organisation."),
    replace: bool = typer.Option(False, "--replace", help="Make new keys in place of old ones."),
) -> None:
    """Make an organisation's signing and encryption keys; the private keys are sealed with a
    passphrase (MULTITRACK_PASSPHRASE, else asked twice)."""
    passphrase = read_passphrase(name, confirm=True)
    with session(ctx) as s:
        org = keys.generate_keys(s, name, passphrase, replace=replace)
        append(
            s,
            action="admin",
            entity="organisation",
            entity_id=str(org.id),
            detail={"keys_generated": org.name, "fingerprint": keys.fingerprint(org)},
        )
    console.print(f"keys of {org.name} made; fingerprint {keys.grouped(keys.fingerprint(org))}")


@org_app.command("pubkey")
def org_pubkey(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    out: Path | None = typer.Option(None, "--out", help="Write the key file here."),
) -> None:
    """Show an organisation's public keys by fingerprint, or write the file partners trust."""
    with session(ctx) as s:
        org = accounts.organisation(s, name)
        data = keys.export_public(org)
        shown = keys.grouped(keys.fingerprint(org))
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    out.write_bytes(data)
    console.print(f"wrote {out}: public keys of {name}, fingerprint {shown}")


@org_app.command("trust")
def org_trust(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A partner's public key file."),
    replace: bool = typer.Option(
        False, "--replace", help="Accept keys that differ from the ones trusted before."
    ),
) -> None:
    """Trust a partner organisation's public keys (compare the fingerprint with them first)."""
    try:
        data = path.read_bytes()[: keys.MAX_PUBLIC_FILE + 1]
    except OSError as error:
        raise InvalidValueError("file", f"{path}: {error.strerror or error}") from None
    with session(ctx) as s:
        org, changed = keys.trust(s, data, replace=replace)
        shown = keys.grouped(keys.fingerprint(org))
        if changed:
            append(
                s,
                action="admin",
                entity="organisation",
                entity_id=str(org.id),
                detail={"trusted": org.name, "fingerprint": keys.fingerprint(org)},
            )
    verb = "trusted" if changed else "already trusted"
    console.print(f"{verb}: {org.name}, fingerprint {shown}")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    org: str = typer.Option(..., "--org", help="The user's organisation."),
    role: str = typer.Option(..., "--role", help="viewer, editor, admin or auditor"),
    clearance: str = typer.Option(..., "--clearance", help="A classification level name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Add a user."""
    password = read_password(password_stdin)
    with session(ctx) as s:
        user = accounts.add_user(
            s, name, organisation_name=org, role=role, clearance=clearance, password=password
        )
        append(
            s,
            action="admin",
            entity="user",
            entity_id=str(user.id),
            detail={"add_user": name, "organisation": org, "role": role, "clearance": clearance},
        )
    console.print(f"added user {name} ({role}, {org}, cleared {clearance.upper()})")


@user_app.command("list")
def user_list(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """List users (an organisation's admin sees their own organisation's)."""
    with session(ctx) as s:
        rows: list[dict[str, Any]] = [
            {
                "name": u.name,
                "organisation": u.organisation.name,
                "role": u.role,
                "clearance": level_name(s, u.clearance),
                "active": u.active,
                "locked": u.locked_until is not None,
            }
            for u in accounts.list_users(s)
        ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} users", title_justify="left")
    for column in ("Name", "Organisation", "Role", "Clearance"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["name"], r["organisation"], r["role"], r["clearance"])
    console.print(table)


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Set a user's password (and unlock the account)."""
    password = read_password(password_stdin)
    with session(ctx) as s:
        accounts.set_password(s, name, password)
        append(s, action="admin", entity="user", detail={"password_changed": name})
    console.print(f"password of {name} changed")


@token_app.command("create")
def token_create(ctx: typer.Context, name: str = typer.Argument(..., help="User name.")) -> None:
    """Create an API token for a user; it is printed once and stored only hashed."""
    with session(ctx) as s:
        token = accounts.create_token(s, name)
        append(s, action="admin", entity="token", detail={"token_for": name})
    sys.stdout.write(token + "\n")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the audit chain and its signed checkpoint; exit non-zero at the first bad entry
    (auditors and the local administrator only: the number of entries counts every change)."""
    principal = state(ctx).principal()
    if not principal.can_audit():
        raise AccessDenied(f"{principal.name} is not an auditor")
    store = state(ctx).store()
    with store.session(system_context("audit-verify")) as s:
        verdict = verify(s, store.checkpoints())
    if not verdict.ok:
        console.print(f"[bold red]{verdict.message()}[/]")
        raise typer.Exit(8)
    console.print(verdict.message())


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1),
    fmt: Format = FormatOption,
) -> None:
    """The newest audit entries (auditors and the local administrator only)."""
    principal = state(ctx).principal()
    if not principal.can_audit():
        raise AccessDenied(f"{principal.name} is not an auditor")
    with session(ctx) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)).all()
        rows: list[dict[str, Any]] = [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "principal": e.principal,
                "organisation": e.organisation,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "hash": e.hash,
            }
            for e in entries
        ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"last {len(rows)} audit entries", title_justify="left")
    for column in ("#", "When", "Who", "Action", "Entity", "Id"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["seq"]),
            r["at"],
            r["principal"],
            r["action"],
            r["entity"] or "",
            (r["entity_id"] or "")[:8],
        )
    console.print(table)
