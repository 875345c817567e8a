"""``multitrack vetting ...``: human-rights vetting records of actors and units."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from multitrack.analytics.evidence import evidence_for
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
    state,
)
from multitrack.exchange.apply import save
from multitrack.exchange.exporter import snapshot
from multitrack.exchange.records import VettingRecord
from multitrack.services.event_tables import EventTables
from multitrack.services.listing import get_record
from multitrack.services.vetting import Vettings, list_vetting, vetting_view

app = typer.Typer(
    help="Human-rights vetting of actors and units: cleared, flagged or pending, with its source.",
    no_args_is_help=True,
)

STYLES = {"flagged": "bold red", "pending": "yellow", "cleared": "green", "unvetted": "yellow"}


@app.command()
def add(
    ctx: typer.Context,
    subject: str = typer.Argument(..., help="The actor vetted: name, alias, code or id."),
    status: str = typer.Option(..., "--status", help="cleared, flagged or pending."),
    on: str = typer.Option(..., "--date", help="Date of the finding (YYYY-MM-DD)."),
    source: str | None = typer.Option(None, "--source", help="Citation: URL or reference."),
    notes: str | None = typer.Option(None, "--notes"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Record a vetting finding about an actor."""
    record = build(
        VettingRecord,
        subject=subject,
        status=status,
        date=on,
        source=source,
        notes=notes,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        row = save(s, "vetting", record)
        data = vetting_view(row)
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(
            f"added vetting {data['id']}: {data['subject']['name']} {data['status']} "
            f"({data['date']})"
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    subject: str | None = typer.Option(None, "--subject", help="Only this actor's records."),
    status: str | None = typer.Option(None, "--status", help="cleared, flagged or pending."),
    fmt: Format = FormatOption,
) -> None:
    """Vetting records, newest first."""
    with session(ctx) as s:
        rows = [vetting_view(v) for v in list_vetting(s, subject=subject, status=status)]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} vetting records", title_justify="left")
    for column in ("Date", "Subject", "Status", "Source"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["date"],
            r["subject"]["name"],
            Text(r["status"], style=STYLES.get(r["status"], "")),
            r["source"] or "",
        )
    console.print(table)


def show_data(ctx: typer.Context, ref: str) -> dict[str, Any]:
    events = EventTables(state(ctx).settings.events_dir)
    with session(ctx) as s:
        row = get_record(s, "vetting", ref)
        data = {**snapshot(s, "vetting", row), **vetting_view(row)}
        data["standing"] = Vettings(s).standing(row.subject).to_dict()
        data["evidence"] = evidence_for(row, events).to_dict()
    return data


@app.command()
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The vetting record's id."),
    fmt: Format = FormatOption,
) -> None:
    """One vetting record, its subject's standing, and adverse events by the subject's forces
    from the event store (CAMEO 18-20) as evidence, with their sources."""
    data = show_data(ctx, ref)
    if fmt is Format.json:
        print_json(data)
        return
    subject = data["subject"]
    console.print(Text(f"{subject['name']} ({subject['kind']})", style="bold"))
    console.print(
        Text.assemble(
            ("Finding: ", "dim"),
            (data["status"], STYLES.get(data["status"], "")),
            f" on {data['date']}",
        )
    )
    standing = data["standing"]
    via = f" through {standing['via']['name']}" if standing["via"] else ""
    console.print(Text(f"Standing now: {standing['status']}{via}", style="dim"))
    if data["source"]:
        console.print(f"Source: {data['source']}")
    if data["notes"]:
        console.print(f"Notes: {data['notes']}")
    evidence = data["evidence"]
    match = evidence["match"]
    if evidence["note"]:
        console.print(Text(f"Evidence: {evidence['note']}", style="dim"))
    if match is None:
        return
    whose = match["code"] or f"{match['country']} {'/'.join(match['types'])}"
    table = Table(
        title=f"Evidence: {evidence['total']} adverse events (CAMEO 18-20) by {whose}",
        title_justify="left",
    )
    for column in ("Date", "Code", "Event", "Source → target"):
        table.add_column(column)
    table.add_column("Link", overflow="fold")  # whole, so it can be followed
    for e in evidence["events"]:
        table.add_row(
            e["date"],
            e["event_code"],
            e["description"],
            f"{e['source_code'] or ''} → {e['target_code'] or e['target_country'] or ''}",
            e["source_url"] or "",
        )
    console.print(table)
