"""``multitrack share export|import``: sealed packages between partner organisations."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer

from multitrack.cli.context import console, state
from multitrack.errors import InvalidValueError
from multitrack.exchange.records import KINDS
from multitrack.security.keys import PASSPHRASE_ENV
from multitrack.security.package import parse
from multitrack.security.share import Filters, export_package, import_bytes, read_package
from multitrack.values import clean_full_date

app = typer.Typer(
    help="Sealed share packages: signed by the sender, readable only by the recipient.",
    no_args_is_help=True,
)


def read_passphrase(what: str, *, confirm: bool = False) -> str:
    """The passphrase of an organisation's keys: ``MULTITRACK_PASSPHRASE``, else a prompt.

    Never a command-line argument (it would show in the process list and shell history).
    """
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    entered: str = typer.prompt(
        f"Passphrase of the keys of {what}", hide_input=True, confirmation_prompt=confirm
    )
    return entered


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    parsed = clean_full_date(value)
    if parsed is None:
        raise InvalidValueError("since", f"invalid date {value!r}: expected YYYY-MM-DD")
    return parsed


@app.command("export")
def share_export(
    ctx: typer.Context,
    sender: str = typer.Option(..., "--from", help="Your organisation (it signs the package)."),
    recipient: str = typer.Option(..., "--to", help="The trusted partner it is sealed to."),
    out: Path = typer.Option(..., "--out", help="The package file to write."),
    kind: list[str] | None = typer.Option(
        None, "--kind", help=f"Only records of this kind (repeatable): {', '.join(KINDS[2:])}."
    ),
    actor: str | None = typer.Option(None, "--actor", help="Only records involving this actor."),
    since: str | None = typer.Option(
        None, "--since", help="Only records changed on or after this date (YYYY-MM-DD)."
    ),
) -> None:
    """Write one package with the records the recipient may see, signed and encrypted.

    The records that refer to others travel with what they refer to. The passphrase of the
    sender's keys comes from MULTITRACK_PASSPHRASE or a prompt.
    """
    shareable = KINDS[2:]  # organisations and terms travel with the records that need them
    unknown = [k for k in kind or [] if k not in shareable]
    if unknown:
        choices = ", ".join(shareable)
        raise InvalidValueError("kind", f"unknown kind {unknown[0]!r}; one of {choices}")
    filters = Filters(kinds=frozenset(kind) if kind else None, actor=actor, since=_since(since))
    current = state(ctx)
    store, principal = current.store(), current.principal()
    passphrase = read_passphrase(sender)
    report = export_package(
        store,
        principal=principal,
        sender=sender,
        recipient=recipient,
        out=out,
        passphrase=passphrase,
        filters=filters,
    )
    total = sum(report.counts.values())
    shown = ", ".join(f"{n} {k}" for k, n in report.counts.items()) or "nothing"
    console.print(
        f"wrote {out}: package {report.sequence} from {sender} to {recipient}, "
        f"{total} records ({shown})"
    )


@app.command("import")
def share_import(
    ctx: typer.Context, path: Path = typer.Argument(..., help="A package file.")
) -> None:
    """Check, decrypt and merge a package from a trusted partner: all of it or nothing.

    Refused: a changed byte, a package for another organisation, an unknown signer, a package
    older than the last one imported from that partner, a truncated file. Importing the same
    package again changes nothing.
    """
    current = state(ctx)
    store, principal = current.store(), current.principal()
    data, source = read_package(path)
    passphrase = read_passphrase(parse(data, source).header.recipient)
    report = import_bytes(store, data, source=source, principal=principal, passphrase=passphrase)
    if report.already_imported:
        console.print(
            f"{path}: package {report.sequence} from {report.sender} was imported before; "
            "nothing changed"
        )
        return
    added = sum(report.added.values())
    kept = sum(report.kept.values())
    console.print(
        f"imported {path}: package {report.sequence} from {report.sender} to {report.recipient}, "
        f"{sum(report.received.values())} records ({added} new, {kept} kept as they were here)"
    )
