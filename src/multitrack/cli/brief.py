"""``multitrack brief``: one actor on one screen."""

from __future__ import annotations

from collections import Counter
from typing import Any

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from multitrack.cli.context import Format, FormatOption, console, print_json, session
from multitrack.services.brief import brief as build_brief
from multitrack.taxonomy import load_taxonomy


def shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def track_label(track_id: str) -> str:
    return f"Track {track_id}"


def history_text(steps: list[dict[str, Any]]) -> Text:
    text = Text()
    for i, step in enumerate(steps):
        if i:
            text.append(" → ", style="dim")
        text.append(f"T{step['track']}", style="bold")
        text.append(f" {step['status']} {step['date']}", style="dim" if i < len(steps) - 1 else "")
    return text


def render_brief(data: dict[str, Any]) -> Group:
    actor = data["actor"]
    sectors = load_taxonomy().sectors
    title = Text(actor["name"], style="bold")
    kind = actor["kind"] + (f" · {actor['iso3']}" if actor.get("iso3") else "")
    if actor.get("parent"):
        kind += f" · part of {actor['parent']['name']}"
    orgs = ", ".join(m["organisation"]["name"] for m in data["memberships"]) or "none recorded"
    header = Panel(
        Group(Text(kind, style="dim"), Text(f"Member of: {orgs}")), title=title, title_align="left"
    )
    matrix = Table(title="Channels: counterpart × track", title_justify="left", expand=False)
    matrix.add_column("Counterpart", style="bold")
    for track in data["tracks"]:
        matrix.add_column(track_label(track))
    for row in data["coverage"]:
        cells = []
        for track in data["tracks"]:
            entries = Counter((e["sector"], e["status"]) for e in row["tracks"].get(track, []))
            cells.append(
                "\n".join(
                    f"{sectors.get(sector).name if sector in sectors else sector}"
                    f"{f' ×{count}' if count > 1 else ''} ({status})"
                    for (sector, status), count in sorted(entries.items())
                )
                or "·"
            )
        matrix.add_row(row["counterpart"], *cells)
    channels = Table(title="Channels and their track history", title_justify="left")
    channels.add_column("Channel", style="bold")
    channels.add_column("Sector")
    channels.add_column("History (track, status, from)")
    for channel in data["channels"]:
        channels.add_row(channel["name"], channel["sector"], history_text(channel["track_history"]))
    engagements = Table(title="Recent engagements", title_justify="left")
    engagements.add_column("Date", no_wrap=True)
    engagements.add_column("Kind", no_wrap=True)
    engagements.add_column("Channel")
    engagements.add_column("Summary")
    for e in data["recent_engagements"]:
        engagements.add_row(e["start"], e["kind"], e["channel"]["name"], shorten(e["summary"]))
    agreements = Table(title="Agreements in force", title_justify="left")
    for column in ("Agreement", "Kind", "In force since", "Parties"):
        agreements.add_column(column)
    for a in data["agreements_in_force"]:
        parties = ", ".join(p["name"] for p in a["parties"])
        agreements.add_row(a["name"], a["kind"], a["in_force"] or "", parties)
    follow_ups = Table(title="Open follow-ups", title_justify="left")
    for column in ("Due", "Action", "Channel"):
        follow_ups.add_column(column)
    for f in data["open_follow_ups"]:
        due = Text(f["due"] or "—", style="bold red" if f["overdue"] else "")
        follow_ups.add_row(due, f["action"], f["channel"])
    parts: list[Any] = [header]
    for table, rows in (
        (matrix, data["coverage"]),
        (channels, data["channels"]),
        (engagements, data["recent_engagements"]),
        (agreements, data["agreements_in_force"]),
        (follow_ups, data["open_follow_ups"]),
    ):
        parts.append(table if rows else Text(f"{table.title}: none", style="dim"))
    return Group(*parts)


def register(app: typer.Typer) -> None:
    @app.command()
    def brief(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="Actor name, alias, code or id."),
        fmt: Format = FormatOption,
    ) -> None:
        """The brief of one actor: channels by counterpart × track × sector, recent engagements,
        agreements in force, open follow-ups."""
        with session(ctx) as s:
            data = build_brief(s, name)
        if fmt is Format.json:
            print_json(data)
        else:
            console.print(render_brief(data))
