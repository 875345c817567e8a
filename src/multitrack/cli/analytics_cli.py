"""``multitrack coverage``, ``transitions`` and ``network``: analytics across tracks and sectors."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from multitrack.cli.brief import shorten
from multitrack.cli.context import Format, FormatOption, console, print_json, session, state
from multitrack.events.periods import parse_bound

GAP_NAMES = {
    "traffic_without_channel": "traffic, no channel",
    "track1_only": "Track 1 only",
    "dormant_worsening": "dormant, worsening",
}


def _names(people: list[dict[str, Any]], most: int = 6) -> str:
    names = [p["name"] for p in people]
    more = f" +{len(names) - most}" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def render_coverage(data: dict[str, Any], top: int) -> list[Any]:
    actor = data["actor"]
    matrix = Table(
        title=f"Active channels of {actor['name']}: counterpart × track (sector ×count)",
        title_justify="left",
    )
    matrix.add_column("Counterpart", style="bold")
    for track in data["tracks"]:
        matrix.add_column(f"Track {track}")
    rows: dict[str, dict[str, list[str]]] = {}
    for cell in data["matrix"]:
        entry = f"{cell['sector']}" + (f" ×{cell['count']}" if cell["count"] > 1 else "")
        rows.setdefault(cell["counterpart"]["name"], {}).setdefault(cell["track"], []).append(entry)
    for name, tracks in rows.items():
        matrix.add_row(name, *("\n".join(tracks.get(t, [])) or "·" for t in data["tracks"]))
    gaps = Table(title=f"Gaps, ranked (top {top} of {len(data['gaps'])})", title_justify="left")
    for column in ("#", "Score", "Kind", "Counterpart", "Sector / track"):
        gaps.add_column(column, justify="right" if column in ("#", "Score") else "left")
    why = Text()
    for i, gap in enumerate(data["gaps"][:top], start=1):
        where = gap["sector"] or ""
        if gap["track"]:
            where += f"{' · ' if where else ''}Track {gap['track']}"
        kind = GAP_NAMES.get(gap["kind"], gap["kind"])
        gaps.add_row(str(i), f"{gap['score']:.2f}", kind, gap["counterpart"]["name"], where)
        why.append(f"{i}. ", style="bold")
        why.append("; ".join(gap["reasons"]) + "\n")
    parts: list[Any] = [
        matrix if data["matrix"] else Text("No active channels with counterparts.", style="dim"),
        gaps if data["gaps"] else Text("No gaps found.", style="dim"),
    ]
    if data["gaps"]:
        parts.append(why)
    parts.append(Text(f"Event data: {data['events_note']}", style="dim"))
    return parts


def render_transitions(data: dict[str, Any]) -> list[Any]:
    moves = Table(title="Track transitions", title_justify="left")
    for column in ("Date", "Channel", "Move", "Direction", "Who took part"):
        moves.add_column(column, no_wrap=column in ("Date", "Move"))
    for t in data["transitions"]:
        who = _names(t["participants"])
        if t["participants_from"] == "channel":
            who += " (channel)"
        moves.add_row(
            t["date"],
            t["channel"]["name"],
            f"T{t['from_track']} → T{t['to_track']}",
            t["direction"],
            who,
        )
    journeys = Table(title="Journeys: each channel's moves end to end", title_justify="left")
    for column in ("Channel", "From", "To", "Path", "Between"):
        journeys.add_column(column)
    for j in data["journeys"]:
        journeys.add_row(
            j["channel"]["name"],
            f"Track {j['from_track']}",
            f"Track {j['to_track']}",
            " → ".join(j["path"]),
            f"{j['first']} – {j['last']}",
        )
    if not data["transitions"]:
        return [Text("No channel has moved between tracks.", style="dim")]
    return [moves, journeys]


def render_network(data: dict[str, Any], top: int) -> list[Any]:
    s = data["summary"]
    chosen = ", ".join(f"{k} {v}" for k, v in data["filters"].items() if v) or "all channels"
    head = Text(
        f"{chosen}: {s['channels']} channels, {s['actors']} actors, {s['ties']} ties, "
        f"{s['components']} connected parts, modularity {s['modularity']}"
    )
    central = Table(title=f"Centrality (top {top} by betweenness)", title_justify="left")
    for column in ("Actor", "Channels", "Ties", "Degree", "Betweenness", "Eigenvector", "Comm."):
        central.add_column(column, justify="left" if column == "Actor" else "right")
    for c in data["centrality"][:top]:
        central.add_row(
            c["name"], str(c["channels"]), str(c["ties"]), f"{c['degree']:.3f}",
            f"{c['betweenness']:.3f}", f"{c['eigenvector']:.3f}", str(c["community"]),
        )  # fmt: skip
    cuts = Table(title="Bridges: actors whose removal cuts the network", title_justify="left")
    for column in ("Actor", "Actors cut off", "Parts left"):
        cuts.add_column(column)
    for c in data["cut_actors"]:
        cuts.add_row(c["name"], str(c["cut_off"]), str(c["parts"]))
    groups = Table(title="Communities (greedy modularity)", title_justify="left")
    groups.add_column("#", justify="right")
    groups.add_column("Size", justify="right")
    groups.add_column("Members")
    for c in data["communities"]:
        groups.add_row(str(c["number"]), str(c["size"]), shorten(", ".join(c["members"]), 120))
    overlap = Table(title=f"Organisations by shared members (top {top})", title_justify="left")
    for column in ("Organisation", "Organisation", "Shared", "Jaccard", "Overlap"):
        overlap.add_column(column)
    for o in data["organisation_overlap"][:top]:
        overlap.add_row(
            f"{o['a']} ({o['a_members']})", f"{o['b']} ({o['b_members']})", str(o["shared"]),
            f"{o['jaccard']:.3f}", f"{o['overlap']:.3f}",
        )  # fmt: skip
    parts: list[Any] = [head]
    for table, rows in (
        (central, data["centrality"]),
        (cuts, data["cut_actors"]),
        (groups, data["communities"]),
        (overlap, data["organisation_overlap"]),
    ):
        parts.append(table if rows else Text(f"{table.title}: none", style="dim"))
    return parts


def register(app: typer.Typer) -> None:
    @app.command()
    def coverage(
        ctx: typer.Context,
        actor: str = typer.Argument(..., help="Focal actor: name, alias, code or id."),
        window: int = typer.Option(
            12, "--window", min=3, help="Months of events the gaps look at."
        ),
        min_events: int = typer.Option(
            10, "--min-events", min=1, help="Events in a sector that make traffic heavy."
        ),
        as_of: str | None = typer.Option(
            None, "--as-of", help="Judge as of this day (default: today)."
        ),
        top: int = typer.Option(15, "--top", min=1, help="Gaps shown in the table."),
        fmt: Format = FormatOption,
    ) -> None:
        """ACTOR's active channels by counterpart × sector × track, and the gaps ranked:
        heavy event traffic without a channel in its sector, relations on Track 1 only,
        dormant channels with worsening relations."""
        from multitrack.analytics.coverage import coverage as build
        from multitrack.analytics.coverage import events_for

        today = parse_bound(as_of, end=True, field="as-of") if as_of else None
        tables = events_for(state(ctx).settings.events_dir)
        with session(ctx) as s:
            found = build(
                s, actor, events=tables, today=today, window_months=window, min_events=min_events
            )
        data = found.to_dict()
        if fmt is Format.json:
            print_json(data)
        else:
            for part in render_coverage(data, top):
                console.print(part)

    @app.command()
    def transitions(
        ctx: typer.Context,
        actor: str | None = typer.Option(
            None, "--actor", help="Only channels of this actor (and its organs)."
        ),
        fmt: Format = FormatOption,
    ) -> None:
        """Channels that moved between tracks (Oslo 1993: Track 2 → 1.5 → 1), with dates and
        who took part at each move."""
        from multitrack.analytics.transitions import transitions as build
        from multitrack.analytics.transitions import transitions_dict

        with session(ctx) as s:
            data = transitions_dict(build(s, actor))
        if fmt is Format.json:
            print_json(data)
        else:
            for part in render_transitions(data):
                console.print(part)

    @app.command()
    def network(
        ctx: typer.Context,
        track: str | None = typer.Option(None, "--track", help="Only channels on this track."),
        sector: str | None = typer.Option(
            None, "--sector", help="Only channels in this sector (or below it)."
        ),
        top: int = typer.Option(15, "--top", min=1, help="Rows of each table."),
        fmt: Format = FormatOption,
    ) -> None:
        """Network measures of the actors tied by channels: centrality, bridges,
        communities, and the members that organisations share."""
        from multitrack.analytics.networks import measures

        with session(ctx) as s:
            data = measures(s, track=track, sector=sector).to_dict()
        if fmt is Format.json:
            print_json(data)
        else:
            for part in render_network(data, top):
                console.print(part)
