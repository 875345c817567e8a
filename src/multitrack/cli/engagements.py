"""``multitrack engagement ...`` and ``multitrack followup ...``."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from multitrack.cli.context import (
    ClassificationOption,
    Format,
    FormatOption,
    OwnerOption,
    ReleasableOption,
    build,
    console,
    err_console,
    escape,
    labels,
    print_json,
    session,
)
from multitrack.errors import InvalidValueError
from multitrack.exchange.apply import save
from multitrack.exchange.records import EngagementRecord
from multitrack.services.queries import engagement_view, list_engagements, open_follow_ups
from multitrack.services.vetting import engagement_warnings

app = typer.Typer(help="Engagements: dated activities on a channel.", no_args_is_help=True)
followup_app = typer.Typer(help="Follow-ups left by engagements.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: str | None = typer.Option(None, "--actor"),
    channel: str | None = typer.Option(None, "--channel"),
    kind: str | None = typer.Option(None, "--kind"),
    since: str | None = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Up to this date."),
    limit: int | None = typer.Option(None, "--limit", min=1),
    fmt: Format = FormatOption,
) -> None:
    """List engagements, newest first."""
    with session(ctx) as s:
        rows = [
            engagement_view(e)
            for e in list_engagements(
                s, actor=actor, channel=channel, kind=kind, since=since, until=until, limit=limit
            )
        ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} engagements", title_justify="left")
    for column in ("Date", "Kind", "Channel", "Place", "Summary"):
        table.add_column(column)
    for e in rows:
        table.add_row(e["start"], e["kind"], e["channel"]["name"], e["place"] or "", e["summary"])
    console.print(table)


def _follow_up(text: str) -> dict[str, object]:
    action, sep, due = text.rpartition("@")
    if not sep:
        return {"action": text}
    if not action.strip():
        raise InvalidValueError("follow_up", f"{text!r}: expected 'ACTION@YYYY-MM-DD'")
    return {"action": action, "due": due}


@app.command()
def add(
    ctx: typer.Context,
    channel: str = typer.Option(..., "--channel", help="Channel id or exact name."),
    kind: str = typer.Option(..., "--kind", help="Engagement kind id."),
    start: str = typer.Option(..., "--start", help="YYYY-MM-DD (or YYYY-MM, YYYY)"),
    summary: str = typer.Option(..., "--summary"),
    end: str | None = typer.Option(None, "--end"),
    place: str | None = typer.Option(None, "--place"),
    participant: list[str] = typer.Option([], "--participant", "-p"),
    outcome: str | None = typer.Option(None, "--outcome"),
    follow_up: list[str] = typer.Option([], "--follow-up", help="ACTION@YYYY-MM-DD (repeatable)."),
    source: str | None = typer.Option(None, "--source"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Add an engagement to a channel."""
    record = build(
        EngagementRecord,
        channel=channel,
        kind=kind,
        start=start,
        end=end,
        place=place,
        participants=participant,
        summary=summary,
        outcome=outcome,
        follow_ups=[_follow_up(f) for f in follow_up],
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        row = save(s, "engagements", record)
        warnings = [w.to_dict() for w in engagement_warnings(s, row)]
        data = {"id": str(row.id), "summary": row.summary, "warnings": warnings}
    for warning in warnings:  # a warning, not an error: the engagement is saved
        err_console.print(f"[bold yellow]warning:[/] {escape(warning['message'])}", soft_wrap=True)
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added engagement {data['id']}")


@followup_app.command("list")
def followup_list(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their due date."),
    fmt: Format = FormatOption,
) -> None:
    """Open follow-ups, soonest due first."""
    with session(ctx) as s:
        rows = [f for f in open_follow_ups(s) if f["overdue"] or not overdue]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} open follow-ups", title_justify="left")
    for column in ("Due", "Action", "Channel", "Engagement"):
        table.add_column(column)
    for f in rows:
        due = Text(f["due"] or "—", style="bold red" if f["overdue"] else "")
        table.add_row(due, f["action"], f["channel"], f["engagement"]["summary"])
    console.print(table)
