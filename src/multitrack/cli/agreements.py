"""``multitrack agreement ...``."""

from __future__ import annotations

import typer
from rich.table import Table

from multitrack.cli.context import (
    ClassificationOption,
    Format,
    FormatOption,
    OwnerOption,
    ReleasableOption,
    build,
    console,
    labels,
    print_json,
    session,
)
from multitrack.exchange.apply import Context, resolve_agreement, save
from multitrack.exchange.records import AgreementRecord
from multitrack.services.queries import agreement_view, list_agreements

app = typer.Typer(
    help="Agreements: treaties, MoUs, accords, resolutions, directives.", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: str | None = typer.Option(
        None, "--actor", help="Only agreements this actor is party to."
    ),
    status: str | None = typer.Option(None, "--status"),
    fmt: Format = FormatOption,
) -> None:
    """List agreements."""
    with session(ctx) as s:
        rows = [agreement_view(a) for a in list_agreements(s, actor=actor, status=status)]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} agreements", title_justify="left")
    for column in ("Name", "Kind", "Status", "Adopted", "In force", "Parties"):
        table.add_column(column)
    for a in rows:
        table.add_row(
            a["name"],
            a["kind"],
            a["status"],
            a["adopted"] or "",
            a["in_force"] or "",
            ", ".join(p["name"] for p in a["parties"]),
        )
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="NAME", help="Agreement id or exact name."),
    fmt: Format = FormatOption,
) -> None:
    """Show an agreement: parties, their actions, obligations."""
    with session(ctx) as s:
        data = agreement_view(resolve_agreement(Context.of(s), ref, field="agreement"))
    if fmt is Format.json:
        print_json(data)
        return
    table = Table(show_header=False, title=data["name"], title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for label in ("id", "kind", "status", "adopted", "in_force", "summary", "source"):
        if data[label]:
            table.add_row(label.replace("_", " "), data[label])
    for p in data["parties"]:
        table.add_row("party", f"{p['name']} ({p['role']})")
    for a in data["actions"]:
        table.add_row("action", f"{a['date']}: {a['actor']['name']} — {a['action']}")
    for o in data["obligations"]:
        table.add_row("obligation", o)
    console.print(table)


@app.command()
def add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    kind: str = typer.Option(..., "--kind", help="treaty, mou, accord, unsc_resolution ..."),
    status: str = typer.Option(..., "--status", help="signed, in_force, terminated ..."),
    adopted: str | None = typer.Option(None, "--adopted", help="Adopted or signed on."),
    in_force: str | None = typer.Option(None, "--in-force"),
    party: list[str] = typer.Option([], "--party", help="A party (repeatable)."),
    obligation: list[str] = typer.Option([], "--obligation", help="An obligation (repeatable)."),
    sector: str | None = typer.Option(None, "--sector"),
    summary: str | None = typer.Option(None, "--summary"),
    source: str | None = typer.Option(None, "--source"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Add an agreement."""
    record = build(
        AgreementRecord,
        name=name,
        kind=kind,
        status=status,
        adopted=adopted,
        in_force=in_force,
        parties=party,
        obligations=obligation,
        sector=sector,
        summary=summary,
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        row = save(s, "agreements", record)
        data = {"id": str(row.id), "name": row.name}
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added agreement {data['name']} ({data['id']})")
