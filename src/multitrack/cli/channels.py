"""``multitrack channel ...``."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from multitrack.cli.brief import history_text
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
from multitrack.errors import MultitrackError
from multitrack.exchange.apply import save
from multitrack.exchange.exporter import channel_record
from multitrack.exchange.records import ChannelRecord
from multitrack.services.brief import track_path
from multitrack.services.queries import channel_view, get_channel, list_channels
from multitrack.values import partial_date

app = typer.Typer(
    help="Channels: standing lines of contact on a track, in a sector.", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: str | None = typer.Option(None, "--actor", help="Only channels of this actor."),
    track: str | None = typer.Option(None, "--track"),
    sector: str | None = typer.Option(None, "--sector"),
    status: str | None = typer.Option(None, "--status"),
    fmt: Format = FormatOption,
) -> None:
    """List channels."""
    with session(ctx) as s:
        channels = list_channels(s, actor=actor, track=track, sector=sector, status=status)
        rows = [channel_view(c) for c in channels]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} channels", title_justify="left")
    for column in ("Name", "Track", "Sector", "Status", "Participants", "Id"):
        table.add_column(column)
    for row in rows:
        names = ", ".join(p["name"] for p in row["participants"])
        table.add_row(row["name"], row["track"], row["sector"], row["status"], names, row["id"][:8])
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Channel id, id prefix or exact name."),
    fmt: Format = FormatOption,
) -> None:
    """Show a channel: participants and its dated track and status history."""
    with session(ctx) as s:
        channel = get_channel(s, ref)
        data = channel_view(channel)
        steps = track_path(channel)
    if fmt is Format.json:
        print_json(data)
        return
    table = Table(show_header=False, title=data["name"], title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("id", data["id"])
    table.add_row("track", data["track"])
    table.add_row("sector", data["sector"])
    table.add_row("status", data["status"])
    table.add_row("started", data["started"] or "")
    for p in data["participants"]:
        table.add_row("participant", p["name"] + (f" ({p['role']})" if p["role"] else ""))
    table.add_row("track path", history_text(steps))
    for h in data["history"]:
        note = f" — {h['note']}" if h["note"] else ""
        table.add_row("history", f"{h['date']}: track {h['track']}, {h['status']}{note}")
    if data["description"]:
        table.add_row("description", data["description"])
    if data["source"]:
        table.add_row("source", data["source"])
    console.print(table)


@app.command()
def add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    track: str = typer.Option(..., "--track", help="1, 1.5, 2 ... 9"),
    sector: str = typer.Option(..., "--sector"),
    participant: list[str] = typer.Option(
        ..., "--participant", "-p", help="An actor on the channel (two or more)."
    ),
    status: str = typer.Option("active", "--status"),
    started: str | None = typer.Option(None, "--started", help="YYYY-MM-DD (or YYYY-MM, YYYY)"),
    description: str | None = typer.Option(None, "--description"),
    source: str | None = typer.Option(None, "--source"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Add a channel."""
    record = build(
        ChannelRecord,
        name=name,
        track=track,
        sector=sector,
        status=status,
        started=started,
        participants=participant,
        description=description,
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        channel = save(s, "channels", record)
        data = {"id": str(channel.id), "name": channel.name}
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added channel {data['name']} ({data['id']})")


@app.command()
def move(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID"),
    on: str | None = typer.Option(
        None, "--date", help="When the change happened (YYYY-MM-DD; default: today)."
    ),
    track: str | None = typer.Option(None, "--track", help="The new track."),
    status: str | None = typer.Option(None, "--status", help="The new status."),
    note: str | None = typer.Option(None, "--note"),
    source: str | None = typer.Option(None, "--source"),
) -> None:
    """Record a change of track or status in a channel's history (e.g. Track 2 → Track 1)."""
    if track is None and status is None:
        raise MultitrackError("give --track, --status or both")
    on = partial_date(on or date.today().isoformat(), field="date")
    with session(ctx) as s:
        channel = get_channel(s, ref)
        data = channel_record(channel)
        if not data["history"] and channel.started:
            data["history"].append(
                {"date": channel.started, "track": channel.track, "status": channel.status}
            )
        data["history"].append(
            {
                "date": on,
                "track": track or channel.track,
                "status": status or channel.status,
                "note": note,
                "source": source,
            }
        )
        newest = max(data["history"], key=lambda h: h["date"])
        data["track"], data["status"] = newest["track"], newest["status"]
        save(s, "channels", build(ChannelRecord, **data))
    console.print(f"{data['name']}: track {data['track']}, {data['status']} (from {on})")
